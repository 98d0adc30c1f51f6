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

Everything in the data folder is its owner's only (folders 0700, files 0600), whatever the umask: the
folder is made private when it is opened, the engine starts (and creates its first files) under a private
umask, and the files it creates later are made private when the store is released
(:func:`eitgraph.safety.private.secure_tree`). A JVM that runs out of heap leaves a marker in ``logs/`` so
that the failure names the setting to change (``EITGRAPH_HEAP``).

Exits are clean: before the JVM shuts down, the drivers of this process are closed, the server is
stopped and the Bolt connections other processes still hold are closed (each is a non-daemon Java
thread the JVM would wait for), and the JVM never takes SIGSEGV/SIGTERM handling away from Python in
a way a later ``faulthandler`` call could break.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

from ..errors import StoreError, StoreLockedError
from ..safety.private import private_dir, private_umask, secure_tree
from . import jvm
from .folder import (
    ENGINE_DIR,
    LOCK_FILE,
    LOG_DIR,
    STATE_FILE,
    Endpoint,
    check_folder,
    folder_locked,
    live_endpoint,
    lock_holder,
    open_private,
    pid_alive,
    read_state,
    say,
)

BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
USER = "root"
DEFAULT_IDLE = 900.0  # seconds without a client before a background server stops


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
        private_dir(self.data_dir)
        fh = open_private(self.data_dir / LOCK_FILE, os.O_RDWR)
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
            with private_umask():
                return self._start()
        except Exception as exc:
            self._release_lock()
            if isinstance(exc, StoreError):
                raise
            if jvm.out_of_memory(self.data_dir) or "OutOfMemory" in str(exc):
                raise StoreError(jvm.out_of_memory_message(f"cannot start the embedded store in {self.data_dir}",
                                                       self.heap)) from exc
            raise StoreError(f"cannot start the embedded store in {self.data_dir}: {exc}") from exc

    def _start(self) -> Endpoint:
        log_dir = self.data_dir / LOG_DIR
        jvm.ensure(log_dir, self.heap, self.quick, on_exit=_stop_all)
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
        secure_tree(self.data_dir)
        return self._endpoint

    @property
    def endpoint(self) -> Endpoint | None:
        return self._endpoint

    def ensure_database(self, name: str) -> None:
        """Create database ``name`` if it is missing."""
        if self._server is None or name in self._databases:
            return
        if not (self.data_dir / ENGINE_DIR / "databases" / name).is_dir():
            with contextlib.suppress(Exception), private_umask():  # another process may have created it (HTTP API)
                self._server.create_database(name)
            secure_tree(self.data_dir / ENGINE_DIR / "databases" / name)
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
            conns = jvm.bolt_connections(self._server._java_server)
            return int(conns.size()) if conns is not None else 0
        except Exception:
            return 0

    def _close_connections(self) -> None:
        """Close the Bolt connections clients still hold: each is a non-daemon Java thread blocked on its
        socket, which would keep the JVM (so this process) from exiting."""
        with contextlib.suppress(Exception):
            conns = jvm.bolt_connections(self._server._java_server)
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
                secure_tree(self.data_dir)
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


def acquire(data_dir: Path, heap: str, database: str, in_process: bool = False,
            quick: bool = False, background=None) -> tuple[EmbeddedServer | None, Endpoint]:
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
        if endpoint is None and not in_process:  # ``background(data_dir, heap, database)`` starts one
            endpoint = background(data_dir, heap, database)
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
            with contextlib.suppress(Retry):
                endpoint = wait_for_owner(data_dir)
        if endpoint is None:
            raise StoreError(f"cannot start the embedded store in {data_dir}: its folder changed hands repeatedly")
    ensure_remote_database(endpoint, data_dir, database)
    return None, endpoint


def release(server: EmbeddedServer) -> None:
    # Files the engine created while this user worked (new types, indexes, logs) become private too.
    secure_tree(server.data_dir)
    with _RUNNING_LOCK:
        if _RUNNING.get(server.data_dir) is not server:
            return
        server._users -= 1
        if server._users <= 0:
            del _RUNNING[server.data_dir]
            server.stop()


def wait_for_owner(data_dir: Path, seconds: float | None = None) -> Endpoint:
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
        if not folder_locked(data_dir):
            raise Retry
        if time.monotonic() > started + seconds:
            raise StoreLockedError(
                f"the data folder {data_dir} is in use by process {lock_holder(data_dir)} and no eitgraph server "
                "of it is reachable. Wait for that process to finish, or stop it ('eitgraph serve --stop'), or "
                "use another --data-dir.")
        if not told and time.monotonic() > started + 2:
            say(f"Waiting for process {lock_holder(data_dir)}, which holds {data_dir}, to start its server…")
            told = True
        time.sleep(0.1)


class Retry(Exception):
    """The folder's owner went away while we waited for it."""


def stop_server(data_dir: Path, timeout: float = 60.0) -> int | None:
    """Stop the server serving ``data_dir`` (any mode); returns its pid, or None if none runs."""
    check_folder(data_dir)
    state = read_state(data_dir)
    pid = int(state["pid"]) if state and str(state.get("pid", "")).isdigit() else None
    if pid is None or not pid_alive(pid):
        holder = lock_holder(data_dir)
        if not folder_locked(data_dir) or not holder.isdigit():
            return None
        pid = int(holder)
    if pid == os.getpid():
        _stop_all()
        return pid
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and folder_locked(data_dir):
        if time.monotonic() > deadline:
            raise StoreError(f"the eitgraph server of {data_dir} (process {pid}) did not stop within {timeout:.0f} s")
        time.sleep(0.1)
    return pid
