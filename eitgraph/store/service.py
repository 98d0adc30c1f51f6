"""The store server of a data folder, as a process of its own.

``python -m eitgraph.store.service DATA_DIR`` runs the embedded ArcadeDB server of a data folder
until it is told to stop (SIGTERM, SIGINT: ``eitgraph serve --stop``) or, with ``--idle SECONDS``,
until no client has been connected for that long. The first eitgraph command that finds no server
for its folder starts one this way (:func:`spawn`), detached from the terminal, with its output in
``<folder>/logs/server.log``; ``eitgraph serve`` runs the same loop in the foreground (:func:`serve`).

This module imports nothing heavy: the command that spawns it must not pay for pandas.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError
from . import embedded, folder

EXIT_SERVED = 3  # the folder is already served: the first server's pid is in the message
_SPAWNED: list[subprocess.Popen] = []  # kept so that Python does not warn about them; reaped on exit


class AlreadyServed(StoreError):
    """A server already serves the folder."""

    def __init__(self, data_dir: Path, pid: int | str):
        self.pid = pid
        super().__init__(f"{data_dir} is already served by process {pid}; stop it first ('eitgraph serve --stop')")


def own(data_dir: Path, heap: str, mode: str, wait: float = 0.0) -> embedded.EmbeddedServer:
    """Take the folder and start its server in this process; ``wait`` seconds for a server that is
    stopping to let go of it."""
    embedded.check_folder(data_dir)
    server = embedded.EmbeddedServer(data_dir, heap, mode=mode)
    deadline = time.monotonic() + wait
    while not server.try_lock():
        live = embedded.live_endpoint(data_dir)
        if live is not None or time.monotonic() > deadline:
            raise AlreadyServed(data_dir, live.pid if live else embedded.lock_holder(data_dir))
        time.sleep(0.1)
    server.start()
    return server


def serve(server: embedded.EmbeddedServer, idle: float | None = None, databases: tuple[str, ...] = (),
          on_ready: Callable[[embedded.Endpoint], None] | None = None, poll: float = 1.0) -> str:
    """Run ``server`` until SIGTERM/SIGINT, or until no client has been connected for ``idle`` seconds;
    then stop it. Returns why it stopped: "signal" or "idle"."""
    stop = threading.Event()
    reason = {"why": "signal"}

    def on_signal(signum, frame):
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        for name in databases:
            server.ensure_database(name)
        if on_ready:
            on_ready(server.endpoint)
        quiet_since = time.monotonic()
        while not stop.wait(poll):
            if idle is None:
                continue
            if server.active_connections():
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= idle:
                # Stop advertising first, then look again: a client that read server.json just before
                # is connected by now, and the server stays.
                server.withdraw()
                time.sleep(0.5)
                if server.active_connections():
                    server.advertise()
                    quiet_since = time.monotonic()
                    continue
                reason["why"] = "idle"
                break
    finally:
        server.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return reason["why"]


def spawn(data_dir: Path, heap: str, database: str, timeout: float = 120.0) -> embedded.Endpoint:
    """Start the background server of ``data_dir``, detached, and wait until it answers."""
    logs = data_dir / embedded.LOG_DIR
    logs.mkdir(mode=0o700, parents=True, exist_ok=True)
    log_path = logs / "server.log"
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    start = os.lseek(fd, 0, os.SEEK_END)
    cmd = [sys.executable, "-m", "eitgraph.store.service", str(data_dir), "--heap", heap,
           "--idle", str(embedded.idle_seconds()), "--database", database, "--wait", "30"]
    try:
        process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fd, stderr=fd, cwd=str(data_dir),
                                   start_new_session=True, close_fds=True)
    finally:
        os.close(fd)
    _SPAWNED.append(process)
    deadline = time.monotonic() + timeout
    while True:
        endpoint = embedded.live_endpoint(data_dir)
        if endpoint is not None and endpoint.pid == process.pid:
            return endpoint
        code = process.poll()
        if code is not None:
            tail = _tail(log_path, start)
            if code == EXIT_SERVED and endpoint is not None:
                return endpoint
            raise StoreError(f"the eitgraph server of {data_dir} did not start (exit {code}): {tail}")
        if time.monotonic() > deadline:
            raise StoreError(f"the eitgraph server of {data_dir} did not answer within {timeout:.0f} s; "
                             f"see {log_path}")
        time.sleep(0.05)


def _tail(path: Path, start: int, lines: int = 3) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return "no log"
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(kept[-lines:]) or f"see {path}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eitgraph.store.service", description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--heap", default=os.environ.get("EITGRAPH_HEAP", "1g"))
    parser.add_argument("--idle", type=float, default=None, help="stop after this many seconds without a client")
    parser.add_argument("--database", action="append", default=[], help="create this database if missing")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a stopping server")
    args = parser.parse_args(argv)
    # This process only serves the folder: everything the engine creates in it is its owner's only.
    os.umask(0o077)
    data_dir = args.data_dir.expanduser().resolve()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        server = own(data_dir, args.heap, "background", wait=args.wait)
    except AlreadyServed as exc:
        print(f"{stamp} {exc}", flush=True)
        return EXIT_SERVED
    except StoreError as exc:
        print(f"{stamp} {exc}", flush=True)
        return 1
    print(f"{stamp} serving {data_dir} (process {os.getpid()}, heap {args.heap}, stops after "
          f"{args.idle:.0f} s without a client)" if args.idle else f"{stamp} serving {data_dir}", flush=True)
    why = serve(server, idle=args.idle, databases=tuple(args.database))
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} stopped ({why})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def start_background(data_dir: Path, heap: str, database: str, timeout: float = 120.0) -> embedded.Endpoint:
    """Start the background server of ``data_dir`` (or wait for the one another command is starting)."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for _ in range(3):
        with folder.file_lock(data_dir / folder.START_LOCK_FILE,
                              waiting=f"Waiting for the eitgraph server of {data_dir} to start…"):
            endpoint = folder.live_endpoint(data_dir)
            if endpoint is not None:
                return endpoint
            if folder.folder_locked(data_dir):
                # Someone holds the folder: a server starting or stopping, or a process running its own.
                try:
                    return embedded.wait_for_owner(data_dir)
                except embedded.Retry:
                    continue
            return spawn(data_dir, heap, database, timeout)
    raise StoreError(f"cannot start the eitgraph server of {data_dir}: its folder changed hands repeatedly")
