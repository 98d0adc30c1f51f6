"""The JVM of the embedded store: started once per process, its logs and crash files in the data folder,
Ctrl-C and SIGTERM given back to Python, a marker when its heap runs out."""

from __future__ import annotations

import atexit
import contextlib
import os
import shlex
import signal
import threading
from pathlib import Path

from ..safety.private import private_dir
from .folder import LOG_DIR, open_private

OOM_MARKER = "out-of-memory"  # created by the JVM (-XX:OnOutOfMemoryError) the first time its heap runs out


class _JvmStarter:
    """Starts the JVM once per process with logging sent to the data folder."""

    _lock = threading.Lock()

    # One start-up sequence whose order matters (logging, fault handler, signals, exit hooks): kept whole.
    @classmethod
    def ensure(cls, log_dir: Path, heap: str, quick: bool = False, on_exit=None) -> None:
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
                # Run through /bin/sh by the JVM: the marker says the heap ran out (see out_of_memory).
                f"-XX:OnOutOfMemoryError=touch {shlex.quote(str(log_dir / OOM_MARKER))}",
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
            if on_exit is not None:
                atexit.register(on_exit)


@contextlib.contextmanager
def _stderr_to(path: Path):
    saved = os.dup(2)
    try:
        with open_private(path, os.O_WRONLY | os.O_APPEND) as fh:
            os.dup2(fh.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def bolt_connections(java_server):
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


def ensure(log_dir: Path, heap: str, quick: bool = False, on_exit=None) -> None:
    """Start this process's JVM if it is not running; ``on_exit`` runs at exit while the JVM is still up."""
    _JvmStarter.ensure(log_dir, heap, quick, on_exit)


def out_of_memory(data_dir: Path) -> bool:
    """True when the JVM serving ``data_dir`` has run out of heap since it started."""
    return (Path(data_dir) / LOG_DIR / OOM_MARKER).exists()


def out_of_memory_message(what: str, heap: str | None = None) -> str:
    now = f" (now {heap})" if heap else ""
    return (f"{what}: the embedded store ran out of memory{now}. Give it more with the EITGRAPH_HEAP setting, "
            "for example EITGRAPH_HEAP=4g, and run the command again; what was being written was not committed")
