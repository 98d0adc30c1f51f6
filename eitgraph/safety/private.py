"""Files that hold other people's data are their owner's only.

A data folder holds names, e-mails and phone numbers (in the database files, the copies of loaded
files, the logs), and ``server.json`` holds the store's password. Whatever the umask, eitgraph makes
its folders 0700 and its files 0600: :func:`private_dir` when it creates or opens a folder,
:func:`private_umask` around code that creates files it does not open itself (the JVM of the
embedded store), and :func:`secure_tree` afterwards for the files the engine creates while it runs.
Only entries this user owns are changed; nothing here ever fails a command.

>>> import tempfile, pathlib, stat
>>> root = pathlib.Path(tempfile.mkdtemp()); (root / "a").mkdir(mode=0o755); _ = (root / "a" / "f").write_text("x")
>>> os.chmod(root / "a" / "f", 0o644); secure_tree(root)
2
>>> oct(stat.S_IMODE((root / "a").stat().st_mode)), oct(stat.S_IMODE((root / "a" / "f").stat().st_mode))
('0o700', '0o600')
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
_UMASK_LOCK = threading.RLock()
_walked: dict[Path, float] = {}  # folder -> when secure_tree last went through it


def private_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` (and its missing parents) and make it 0700; the parents keep the usual rights."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if path.stat().st_uid == os.geteuid():
            os.chmod(path, DIR_MODE)
    return path


@contextlib.contextmanager
def private_umask():
    """Files and folders created inside (by this process, the JVM included) are 0600 / 0700. The umask
    is process-wide: it is narrowed only for as long as the block runs, and put back after."""
    with _UMASK_LOCK:
        old = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(old)


def secure_tree(root: str | os.PathLike, full: bool = False) -> int:
    """Make every folder under ``root`` 0700 and every file 0600 (entries this user owns; symbolic
    links are not followed). Folders unchanged since the last pass are not looked into again unless
    ``full``. Returns how many entries were changed."""
    root = Path(root)
    started = time.time()
    since = None if full else _walked.get(root)
    changed = 0
    me = os.geteuid()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.lstat(folder)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue
        if st.st_uid == me and stat.S_IMODE(st.st_mode) != DIR_MODE:
            with contextlib.suppress(OSError):
                os.chmod(folder, DIR_MODE)
                changed += 1
        fresh = since is None or max(st.st_mtime, st.st_ctime) >= since - 2
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif fresh and entry.is_file(follow_symlinks=False):
                    est = entry.stat(follow_symlinks=False)
                    if est.st_uid == me and stat.S_IMODE(est.st_mode) & 0o077:
                        os.chmod(entry.path, FILE_MODE)
                        changed += 1
            except OSError:
                continue
    _walked[root] = started
    return changed
