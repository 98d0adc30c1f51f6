"""The embedded store: ArcadeDB started inside this process, reached over Bolt.

One process owns a data folder (an exclusive ``flock`` on ``eitgraph.lock``).
The owner records where its server listens in ``server.json`` (mode 0600) so that
other processes (CLI, notebooks) connect to it instead of opening the files a
second time. A process that finds the folder owned and no reachable server gets
:class:`StoreLockedError`; it never touches the database files.

The JVM is process-wide, so running servers are shared per data folder within a
process (``_RUNNING``) and stopped when their last user closes or at exit.

Everything in the data folder is its owner's only (folders 0700, files 0600), whatever the
umask: the folder is made private when it is opened, the engine starts (and creates its first
files) under a private umask, and the files it creates later are made private when the store is
released (:func:`eitgraph.safety.private.secure_tree`). A JVM that runs out of heap leaves a marker in
``logs/`` so that the failure names the setting to change (``EITGRAPH_HEAP``).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import secrets
import shlex
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError, StoreLockedError
from ..safety.private import private_dir, private_umask, secure_tree

BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
LOCK_FILE = "eitgraph.lock"
STATE_FILE = "server.json"
LOG_DIR = "logs"
ENGINE_DIR = "arcadedb"
USER = "root"
OOM_MARKER = "out-of-memory"  # created by the JVM (-XX:OnOutOfMemoryError) the first time its heap runs out


@dataclass(frozen=True)
class Endpoint:
    """How to reach a running embedded server."""

    uri: str
    username: str
    password: str
    pid: int
    owned: bool  # True when this process runs the server


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


class _JvmStarter:
    """Starts the JVM once per process with logging sent to the data folder."""

    _lock = threading.Lock()

    @classmethod
    def ensure(cls, log_dir: Path, heap: str, quick: bool = False) -> None:
        with cls._lock:
            import jpype

            if jpype.isJVMStarted():
                return
            private_dir(log_dir)
            (log_dir / OOM_MARKER).unlink(missing_ok=True)
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
                f"-XX:ErrorFile={log_dir / 'hs_err_pid%p.log'}",
                # Run through /bin/sh by the JVM: the marker says the heap ran out (see out_of_memory).
                f"-XX:OnOutOfMemoryError=touch {shlex.quote(str(log_dir / OOM_MARKER))}",
                "-Dpolyglot.engine.WarnInterpreterOnly=false",
            ]
            if quick:
                args.append("-XX:TieredStopAtLevel=1")
            # The JVM writes a warning or two straight to file descriptor 2 while
            # it boots; send them to the log too.
            with _stderr_to(log_dir / "jvm-start.log"):
                start_jvm(heap_size=heap, jvm_args=args)
            # The JVM may take SIGINT over; give Ctrl-C back to Python so that it raises
            # KeyboardInterrupt, rolls back the open transaction and stops the server.
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.default_int_handler)
            # atexit runs hooks last-in first-out: registered after the JVM's own
            # hooks, this stops our servers while the JVM is still up.
            atexit.register(_stop_all)


@contextlib.contextmanager
def _stderr_to(path: Path):
    saved = os.dup(2)
    try:
        with open(path, "ab") as fh:
            os.dup2(fh.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


class EmbeddedServer:
    """An ArcadeDB server with the Bolt plugin, owning one data folder."""

    def __init__(self, data_dir: Path, heap: str, quick: bool = False):
        self.data_dir = data_dir
        self.heap = heap
        self.quick = quick
        self._lock_fh = None
        self._server = None
        self._endpoint: Endpoint | None = None
        self._users = 0
        self._databases: set[str] = set()

    # -- ownership -------------------------------------------------------
    def _try_lock(self) -> bool:
        private_dir(self.data_dir)
        fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)
        fh = os.fdopen(fd, "a+")
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
        if not self._try_lock():
            return self._attach_to_owner()
        try:
            with private_umask():
                return self._start()
        except Exception as exc:
            self._release_lock()
            if isinstance(exc, StoreError):
                raise
            if out_of_memory(self.data_dir) or "OutOfMemory" in str(exc):
                raise StoreError(out_of_memory_message(f"cannot start the embedded store in {self.data_dir}",
                                                       self.heap)) from exc
            raise StoreError(f"cannot start the embedded store in {self.data_dir}: {exc}") from exc

    def _start(self) -> Endpoint:
        log_dir = self.data_dir / LOG_DIR
        _JvmStarter.ensure(log_dir, self.heap, self.quick)
        import arcadedb_embedded

        engine_root = self.data_dir / ENGINE_DIR
        # The root password is generated per start; ArcadeDB keeps the first one
        # it was given in this file, so it is recreated each time.
        (engine_root / "config" / "server-users.jsonl").unlink(missing_ok=True)
        password = secrets.token_urlsafe(24)
        port = _free_port()
        server = arcadedb_embedded.create_server(
            str(engine_root),
            root_password=password,
            config={
                "server_plugins": BOLT_PLUGIN,
                "bolt_port": port,
                "http_port": _free_port(),
                "host": "127.0.0.1",
            },
        )
        server.start()
        self._server = server
        self._endpoint = Endpoint(f"bolt://127.0.0.1:{port}", USER, password, os.getpid(), True)
        self._write_state()
        secure_tree(self.data_dir)
        return self._endpoint

    def ensure_database(self, name: str) -> None:
        """Create database ``name`` if this process owns the server and it is missing."""
        if self._server is None or name in self._databases:
            return
        if not (self.data_dir / ENGINE_DIR / "databases" / name).is_dir():
            with private_umask():
                self._server.create_database(name)
            secure_tree(self.data_dir / ENGINE_DIR / "databases" / name)
        self._databases.add(name)

    def _write_state(self) -> None:
        state = self.data_dir / STATE_FILE
        ep = self._endpoint
        payload = {"uri": ep.uri, "username": ep.username, "password": ep.password, "pid": ep.pid,
                   "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        fd = os.open(state, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a file left from before, with wider rights, is narrowed too
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)

    def _attach_to_owner(self) -> Endpoint:
        """Connect to the server of the process that owns the folder.

        The owner may still be starting, so wait a little (``EITGRAPH_LOCK_WAIT`` seconds, default 15).
        """
        deadline = time.monotonic() + float(os.environ.get("EITGRAPH_LOCK_WAIT", "15"))
        owner = (self.data_dir / LOCK_FILE).read_text(encoding="utf-8").strip() or "?"
        while True:
            state = self._read_state()
            if state and _pid_alive(int(state["pid"])):
                port = int(state["uri"].rsplit(":", 1)[1])
                if _reachable(port):
                    return Endpoint(state["uri"], state["username"], state["password"], int(state["pid"]), False)
            if time.monotonic() > deadline:
                raise StoreLockedError(
                    f"the data folder {self.data_dir} is in use by process {owner} and no eitgraph server "
                    "of it is reachable. Wait for that process to finish, or run 'eitgraph serve' there "
                    "so that other processes can connect, or use another --data-dir."
                )
            time.sleep(0.25)

    def _read_state(self) -> dict | None:
        try:
            return json.loads((self.data_dir / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        if self._server is not None:
            with contextlib.suppress(OSError):
                (self.data_dir / STATE_FILE).unlink()
            try:
                self._server.stop()
            finally:
                self._server = None
                self._databases.clear()
                secure_tree(self.data_dir)
                self._release_lock()


_RUNNING: dict[Path, EmbeddedServer] = {}
_RUNNING_LOCK = threading.Lock()


def acquire(data_dir: Path, heap: str, database: str, quick: bool = False) -> tuple[EmbeddedServer, Endpoint]:
    """Start (or reuse, within this process) the server of ``data_dir``."""
    with _RUNNING_LOCK:
        server = _RUNNING.get(data_dir)
        if server is None:
            server = EmbeddedServer(data_dir, heap, quick)
            endpoint = server.start()
            if not endpoint.owned:
                return server, endpoint
            _RUNNING[data_dir] = server
        server._users += 1
        server.ensure_database(database)
        return server, server._endpoint


def release(server: EmbeddedServer) -> None:
    # Files the engine created while this user worked (new types, indexes, logs) become private too;
    # a process attached to another one's server does it as well (same owner, same folder).
    secure_tree(server.data_dir)
    with _RUNNING_LOCK:
        if _RUNNING.get(server.data_dir) is not server:
            return
        server._users -= 1
        if server._users <= 0:
            del _RUNNING[server.data_dir]
            server.stop()


def _stop_all() -> None:
    for server in list(_RUNNING.values()):
        with contextlib.suppress(Exception):
            server.stop()
    _RUNNING.clear()


def out_of_memory(data_dir: Path) -> bool:
    """True when the JVM serving ``data_dir`` has run out of heap since it started."""
    return (Path(data_dir) / LOG_DIR / OOM_MARKER).exists()


def out_of_memory_message(what: str, heap: str | None = None) -> str:
    now = f" (now {heap})" if heap else ""
    return (f"{what}: the embedded store ran out of memory{now}. Give it more with the EITGRAPH_HEAP setting, "
            "for example EITGRAPH_HEAP=4g, and run the command again; what was being written was not committed")
