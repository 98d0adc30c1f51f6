"""A data folder of the embedded store: who serves it (``server.json``), who holds it (``eitgraph.lock``),
and the locks that make processes take turns (starting a server, writing); all files private to the owner."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError

LOCK_FILE = "eitgraph.lock"
START_LOCK_FILE = "start.lock"
WRITE_LOCK_FILE = "write.lock"
STATE_FILE = "server.json"
LOG_DIR = "logs"
ENGINE_DIR = "arcadedb"


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


def reachable(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def pid_alive(pid: int) -> bool:
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


def open_private(path: Path, flags: int):
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
    if not pid_alive(pid) or not reachable(port):
        return None
    return Endpoint(uri, state["username"], state["password"], pid, pid == os.getpid(), state.get("http"),
                    state.get("mode", "in-process"))


def lock_holder(data_dir: Path) -> str:
    try:
        return (data_dir / LOCK_FILE).read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"


def folder_locked(data_dir: Path) -> bool:
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


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def file_lock(path: Path, waiting: str | None = None, describe: str | None = None):
    """An exclusive ``flock`` on ``path``; ``waiting`` is said once if it has to wait."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open_private(path, os.O_RDWR) as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                fh.seek(0)
                holder = fh.read().strip()
                say(waiting.format(holder=holder or "another eitgraph process"))
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
    with file_lock(data_dir / WRITE_LOCK_FILE,
                    waiting=f"Waiting for {{holder}} to finish writing to {data_dir}…",
                    describe=f"process {os.getpid()} ({what})"):
        yield
