"""The embedded store: ArcadeDB with its Bolt plugin, one server per data folder.

One process serves a data folder at a time: it holds an exclusive ``flock`` on ``eitgraph.lock`` and
records where it listens in ``server.json`` (mode 0600). Every other process — CLI commands, notebooks,
scripts — connects to that server over Bolt and never opens the database files itself.

When no process serves the folder, the first one that needs it starts a *background server*
(:mod:`eitgraph.store.service`: a detached process logging into ``<folder>/logs``, which exits after
15 idle minutes); ``eitgraph serve`` runs the same server in the foreground. A process may instead run
the server inside itself (``in_process``: the test suite, one JVM with many databases); other processes
attach to it the same way while it lives, and it stops at exit.

Writes are serialised per folder by :func:`write_lock` (a second ``flock``), so that concurrent loads from
several processes follow each other instead of failing on the engine's concurrent-modification checks.

Exits are clean: before the JVM shuts down, the drivers of this process are closed, the server is
stopped and the Bolt connections other processes still hold are closed (each is a non-daemon Java
thread the JVM would wait for), and the JVM never takes SIGSEGV/SIGTERM handling away from Python in
a way a later ``faulthandler`` call could break.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import pwd
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError, StoreLockedError

BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
LOCK_FILE = "eitgraph.lock"
START_LOCK_FILE = "start.lock"
WRITE_LOCK_FILE = "write.lock"
STATE_FILE = "server.json"
LOG_DIR = "logs"
ENGINE_DIR = "arcadedb"
USER = "root"
DEFAULT_IDLE = 900.0  # seconds without a client before a background server stops


@dataclass(frozen=True)
class Endpoint:
    """How to reach a running embedded server."""

    uri: str
    username: str
    password: str
    pid: int
    owned: bool  # True when this process runs the server
    http: str | None = None  # ArcadeDB's HTTP API (creating databases)
    mode: str = "in-process"  # "background", "foreground" or "in-process"


def idle_seconds() -> float:
    """How long a background server waits without clients before it stops (``EITGRAPH_SERVER_IDLE``)."""
    try:
        return float(os.environ.get("EITGRAPH_SERVER_IDLE", DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reachable(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def check_folder(data_dir: Path) -> None:
    """A data folder belongs to one user: another user's folder is one clear error, not a traceback."""
    try:
        st = data_dir.stat()
    except FileNotFoundError:
        return
    except PermissionError:
        raise StoreError(f"the data folder {data_dir} cannot be read by you ({_user_name(os.geteuid())}); "
                         "each eitgraph store is private to its owner: use your own --data-dir") from None
    if st.st_uid != os.geteuid():
        raise StoreError(f"the data folder {data_dir} belongs to user {_user_name(st.st_uid)}; each eitgraph store "
                         f"is private to its owner, so {_user_name(os.geteuid())} cannot use it: use your own "
                         "--data-dir (or ask its owner to export what you need)")


def _open_private(path: Path, flags: int):
    fd = os.open(path, flags | os.O_CREAT, 0o600)
    return os.fdopen(fd, "r+" if flags & os.O_RDWR else "a")


# -- where a server listens ------------------------------------------------------------------------
def read_state(data_dir: Path) -> dict | None:
    try:
        return json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def live_endpoint(data_dir: Path) -> Endpoint | None:
    """The server serving ``data_dir``, if its process lives and its Bolt port answers."""
    state = read_state(data_dir)
    if not state:
        return None
    try:
        pid, uri = int(state["pid"]), state["uri"]
        port = int(uri.rsplit(":", 1)[1])
    except (KeyError, ValueError, TypeError):
        return None
    if not _pid_alive(pid) or not _reachable(port):
        return None
    return Endpoint(uri, state["username"], state["password"], pid, pid == os.getpid(), state.get("http"),
                    state.get("mode", "in-process"))


def _lock_holder(data_dir: Path) -> str:
    try:
        return (data_dir / LOCK_FILE).read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"


def _folder_locked(data_dir: Path) -> bool:
    """Whether some process holds the folder's lock (is serving it, or starting or stopping a server)."""
    path = data_dir / LOCK_FILE
    if not path.exists():
        return False
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def ensure_remote_database(endpoint: Endpoint, data_dir: Path, name: str) -> None:
    """Create database ``name`` on a server of another process (its HTTP API) if it is missing."""
    if (data_dir / ENGINE_DIR / "databases" / name).is_dir() or not endpoint.http:
        return
    token = base64.b64encode(f"{endpoint.username}:{endpoint.password}".encode()).decode()
    request = urllib.request.Request(
        f"{endpoint.http}/api/v1/server", data=json.dumps({"command": f"create database {name}"}).encode(),
        method="POST", headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60):
            pass
    except urllib.error.HTTPError as exc:
        if exc.code != 409:  # 409: it exists (another process created it meanwhile)
            raise StoreError(f"cannot create database {name!r} in {data_dir}: HTTP {exc.code}") from None
    except OSError as exc:
        raise StoreError(f"cannot create database {name!r} in {data_dir}: {exc}") from None


# -- the JVM -----------------------------------------------------------------------------------------
class _JvmStarter:
    """Starts the JVM once per process with logging sent to the data folder."""

    _lock = threading.Lock()

    @classmethod
    def ensure(cls, log_dir: Path, heap: str, quick: bool = False) -> None:
        with cls._lock:
            import jpype

            if jpype.isJVMStarted():
                return
            log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            props = log_dir / "logging.properties"
            # ArcadeDB logs through java.util.logging; without this file its INFO
            # lines go to the user's terminal.
            log_pattern = str(log_dir / "arcadedb.%g.log").replace("\\", "/")
            props.write_text(
                "handlers = java.util.logging.FileHandler\n"
                ".level = INFO\n"
                f"java.util.logging.FileHandler.pattern = {log_pattern}\n"
                "java.util.logging.FileHandler.limit = 10000000\n"
                "java.util.logging.FileHandler.count = 3\n"
                "java.util.logging.FileHandler.append = true\n"
                "java.util.logging.FileHandler.formatter = java.util.logging.SimpleFormatter\n",
                encoding="utf-8",
            )
            from arcadedb_embedded.jvm import start_jvm

            args = [
                f"-Djava.util.logging.config.file={props}",
                "-Dpolyglot.engine.WarnInterpreterOnly=false",
            ]
            if quick:
                args.append("-XX:TieredStopAtLevel=1")
            # The JVM handles SIGSEGV itself (implicit null checks, safepoints): a Python faulthandler
            # enabled now would, when disabled later (pytest does so at the end of a session), put the
            # default action back and turn those into a crash at exit (exit 139). Off before the JVM.
            import faulthandler

            faulthandler.disable()
            term = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
            # A JVM crash report goes to the data folder, not to the current directory.
            saved = os.environ.get("ARCADEDB_JVM_ERROR_FILE")
            os.environ["ARCADEDB_JVM_ERROR_FILE"] = str(log_dir / "hs_err_pid%p.log")
            try:
                # The JVM writes a warning or two straight to file descriptor 2 while
                # it boots; send them to the log too.
                with _stderr_to(log_dir / "jvm-start.log"):
                    start_jvm(heap_size=heap, jvm_args=args)
            finally:
                if saved is None:
                    os.environ.pop("ARCADEDB_JVM_ERROR_FILE", None)
                else:
                    os.environ["ARCADEDB_JVM_ERROR_FILE"] = saved
            if threading.current_thread() is threading.main_thread():
                # The JVM takes SIGINT and SIGTERM over. Give Ctrl-C back to Python so that it raises
                # KeyboardInterrupt, rolls back the open transaction and stops the server; and SIGTERM
                # back to what it was, so that a Java thread never calls into a Python that is exiting.
                signal.signal(signal.SIGINT, signal.default_int_handler)
                if term is not None:
                    signal.signal(signal.SIGTERM, term)
            # atexit runs hooks last-in first-out: registered after the JVM's own
            # hooks, this stops our servers while the JVM is still up.
            atexit.register(_stop_all)


@contextlib.contextmanager
def _stderr_to(path: Path):
    saved = os.dup(2)
    try:
        with _open_private(path, os.O_WRONLY | os.O_APPEND) as fh:
            os.dup2(fh.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _bolt_connections(java_server):
    """The set of open Bolt connections of a running ArcadeDB server (its plugin keeps them private)."""
    for plugin in java_server.getPlugins():
        if str(plugin.getClass().getName()) == "com.arcadedb.bolt.BoltProtocolPlugin":
            field = plugin.getClass().getDeclaredField("listener")
            field.setAccessible(True)
            listener = field.get(plugin)
            if listener is None:
                return None
            field = listener.getClass().getDeclaredField("activeConnections")
            field.setAccessible(True)
            return field.get(listener)
    return None


class EmbeddedServer:
    """An ArcadeDB server with the Bolt plugin, run by this process, owning one data folder."""

    def __init__(self, data_dir: Path, heap: str, quick: bool = False, mode: str = "in-process"):
        self.data_dir = data_dir
        self.heap = heap
        self.quick = quick
        self.mode = mode
        self._lock_fh = None
        self._server = None
        self._endpoint: Endpoint | None = None
        self._users = 0
        self._databases: set[str] = set()

    # -- ownership -------------------------------------------------------
    def try_lock(self) -> bool:
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fh = _open_private(self.data_dir / LOCK_FILE, os.O_RDWR)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock_fh = fh
        return True

    def _release_lock(self) -> None:
        if self._lock_fh is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    # -- life cycle ------------------------------------------------------
    def start(self) -> Endpoint:
        """Start the server; the caller holds the folder's lock (:meth:`try_lock`)."""
        try:
            log_dir = self.data_dir / LOG_DIR
            _JvmStarter.ensure(log_dir, self.heap, self.quick)
            import arcadedb_embedded

            engine_root = self.data_dir / ENGINE_DIR
            # The root password is generated per start; ArcadeDB keeps the first one
            # it was given in this file, so it is recreated each time.
            (engine_root / "config" / "server-users.jsonl").unlink(missing_ok=True)
            password = secrets.token_urlsafe(24)
            port, http_port = _free_port(), _free_port()
            server = arcadedb_embedded.create_server(
                str(engine_root),
                root_password=password,
                config={
                    "server_plugins": BOLT_PLUGIN,
                    "bolt_port": port,
                    "http_port": http_port,
                    "host": "127.0.0.1",
                },
            )
            server.start()
            self._server = server
            self._endpoint = Endpoint(f"bolt://127.0.0.1:{port}", USER, password, os.getpid(), True,
                                      f"http://127.0.0.1:{http_port}", self.mode)
            self._write_state()
            return self._endpoint
        except Exception as exc:
            self._release_lock()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot start the embedded store in {self.data_dir}: {exc}") from exc

    @property
    def endpoint(self) -> Endpoint | None:
        return self._endpoint

    def ensure_database(self, name: str) -> None:
        """Create database ``name`` if it is missing."""
        if self._server is None or name in self._databases:
            return
        if not (self.data_dir / ENGINE_DIR / "databases" / name).is_dir():
            with contextlib.suppress(Exception):  # another process may have created it through the HTTP API
                self._server.create_database(name)
        self._databases.add(name)

    def _write_state(self) -> None:
        ep = self._endpoint
        payload = {"uri": ep.uri, "username": ep.username, "password": ep.password, "pid": ep.pid,
                   "http": ep.http, "mode": ep.mode, "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        state = self.data_dir / STATE_FILE
        tmp = state.with_name(f".{STATE_FILE}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # even if an older file of that name had wider rights
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
        os.replace(tmp, state)  # readers never see half a file

    def withdraw(self) -> None:
        """Stop advertising the server (new clients start or wait for another one)."""
        with contextlib.suppress(OSError):
            if (read_state(self.data_dir) or {}).get("pid") == os.getpid():
                (self.data_dir / STATE_FILE).unlink()

    def advertise(self) -> None:
        self._write_state()

    def active_connections(self) -> int:
        """Open Bolt connections (clients of any process)."""
        if self._server is None:
            return 0
        try:
            conns = _bolt_connections(self._server._java_server)
            return int(conns.size()) if conns is not None else 0
        except Exception:
            return 0

    def _close_connections(self) -> None:
        """Close the Bolt connections clients still hold: each is a non-daemon Java thread blocked on its
        socket, which would keep the JVM (so this process) from exiting."""
        with contextlib.suppress(Exception):
            conns = _bolt_connections(self._server._java_server)
            for executor in list(conns.toArray()) if conns is not None else []:
                with contextlib.suppress(Exception):
                    field = executor.getClass().getDeclaredField("socket")
                    field.setAccessible(True)
                    sock = field.get(executor)
                    if sock is not None:
                        sock.close()

    def stop(self) -> None:
        if self._server is not None:
            self.withdraw()
            try:
                _close_clients(self)
                self._server.stop()
                self._close_connections()
            finally:
                self._server = None
                self._databases.clear()
                self._release_lock()


# -- this process's servers and clients ----------------------------------------------------------
_RUNNING: dict[Path, EmbeddedServer] = {}
_RUNNING_LOCK = threading.RLock()
_CLIENTS: dict[Path, weakref.WeakSet] = {}  # drivers of this process connected to its own servers


def register_client(data_dir: Path, driver) -> None:
    """A driver to close before this process stops the server of ``data_dir`` (an unclosed one would keep
    a Bolt thread of the server waiting, and the JVM with it)."""
    _CLIENTS.setdefault(data_dir, weakref.WeakSet()).add(driver)


def _close_clients(server: EmbeddedServer) -> None:
    for driver in list(_CLIENTS.pop(server.data_dir, ())):
        with contextlib.suppress(Exception):
            driver.close()


def _stop_all() -> None:
    for server in list(_RUNNING.values()):
        with contextlib.suppress(Exception):
            server.stop()
    _RUNNING.clear()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def acquire(data_dir: Path, heap: str, database: str, in_process: bool = False,
            quick: bool = False) -> tuple[EmbeddedServer | None, Endpoint]:
    """The endpoint of the server of ``data_dir``: this process's own, another process's, or a
    background server started now (``in_process``: run it in this process instead)."""
    check_folder(data_dir)
    with _RUNNING_LOCK:
        server = _RUNNING.get(data_dir)
        if server is not None:
            server._users += 1
            server.ensure_database(database)
            return server, server.endpoint
        endpoint = live_endpoint(data_dir)
        if endpoint is None and not in_process:
            endpoint = start_background(data_dir, heap, database)
        for _ in range(3):
            if endpoint is not None:
                break
            server = EmbeddedServer(data_dir, heap, quick)
            if server.try_lock():
                endpoint = server.start()
                _RUNNING[data_dir] = server
                server._users += 1
                server.ensure_database(database)
                return server, endpoint
            with contextlib.suppress(_Retry):
                endpoint = _wait_for_owner(data_dir)
        if endpoint is None:
            raise StoreError(f"cannot start the embedded store in {data_dir}: its folder changed hands repeatedly")
    ensure_remote_database(endpoint, data_dir, database)
    return None, endpoint


def release(server: EmbeddedServer) -> None:
    with _RUNNING_LOCK:
        if _RUNNING.get(server.data_dir) is not server:
            return
        server._users -= 1
        if server._users <= 0:
            del _RUNNING[server.data_dir]
            server.stop()


def _wait_for_owner(data_dir: Path, seconds: float | None = None) -> Endpoint:
    """The folder is locked by another process: wait for it to advertise its server.

    The owner may still be starting, so wait a little (``EITGRAPH_LOCK_WAIT`` seconds, default 60).
    """
    seconds = float(os.environ.get("EITGRAPH_LOCK_WAIT", "60")) if seconds is None else seconds
    started = time.monotonic()
    told = False
    while True:
        endpoint = live_endpoint(data_dir)
        if endpoint is not None:
            return endpoint
        if not _folder_locked(data_dir):
            raise _Retry
        if time.monotonic() > started + seconds:
            raise StoreLockedError(
                f"the data folder {data_dir} is in use by process {_lock_holder(data_dir)} and no eitgraph server "
                "of it is reachable. Wait for that process to finish, or stop it ('eitgraph serve --stop'), or "
                "use another --data-dir.")
        if not told and time.monotonic() > started + 2:
            _say(f"Waiting for process {_lock_holder(data_dir)}, which holds {data_dir}, to start its server…")
            told = True
        time.sleep(0.1)


class _Retry(Exception):
    """The folder's owner went away while we waited for it."""


@contextlib.contextmanager
def _file_lock(path: Path, waiting: str | None = None, describe: str | None = None):
    """An exclusive ``flock`` on ``path``; ``waiting`` is said once if it has to wait."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _open_private(path, os.O_RDWR) as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                fh.seek(0)
                holder = fh.read().strip()
                _say(waiting.format(holder=holder or "another eitgraph process"))
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            if describe is not None:
                fh.seek(0)
                fh.truncate()
                fh.write(describe)
                fh.flush()
            yield
        finally:
            if describe is not None:
                with contextlib.suppress(OSError):
                    fh.seek(0)
                    fh.truncate()
                    fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def write_lock(data_dir: Path, what: str):
    """Writes to one data folder, from any process, one after the other (the engine refuses concurrent
    changes to the same pages instead of waiting)."""
    with _file_lock(data_dir / WRITE_LOCK_FILE,
                    waiting=f"Waiting for {{holder}} to finish writing to {data_dir}…",
                    describe=f"process {os.getpid()} ({what})"):
        yield


def start_background(data_dir: Path, heap: str, database: str, timeout: float = 120.0) -> Endpoint:
    """Start the background server of ``data_dir`` (or wait for the one another command is starting)."""
    from . import service

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for _ in range(3):
        with _file_lock(data_dir / START_LOCK_FILE,
                        waiting=f"Waiting for the eitgraph server of {data_dir} to start…"):
            endpoint = live_endpoint(data_dir)
            if endpoint is not None:
                return endpoint
            if _folder_locked(data_dir):
                # Someone holds the folder: a server starting or stopping, or a process running its own.
                try:
                    return _wait_for_owner(data_dir)
                except _Retry:
                    continue
            return service.spawn(data_dir, heap, database, timeout)
    raise StoreError(f"cannot start the eitgraph server of {data_dir}: its folder changed hands repeatedly")


def stop_server(data_dir: Path, timeout: float = 60.0) -> int | None:
    """Stop the server serving ``data_dir`` (any mode); returns its pid, or None if none runs."""
    check_folder(data_dir)
    state = read_state(data_dir)
    pid = int(state["pid"]) if state and str(state.get("pid", "")).isdigit() else None
    if pid is None or not _pid_alive(pid):
        holder = _lock_holder(data_dir)
        if not _folder_locked(data_dir) or not holder.isdigit():
            return None
        pid = int(holder)
    if pid == os.getpid():
        _stop_all()
        return pid
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and _folder_locked(data_dir):
        if time.monotonic() > deadline:
            raise StoreError(f"the eitgraph server of {data_dir} (process {pid}) did not stop within {timeout:.0f} s")
        time.sleep(0.1)
    return pid
