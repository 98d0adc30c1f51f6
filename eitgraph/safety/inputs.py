"""Files eitgraph may read: a regular local file, checked before anything opens it (opening a FIFO
waits for a writer forever; a URL is not downloaded)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..errors import InputError, Location

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
_URL_AS_PATH = re.compile(r"^(?:https?|ftps?|sftp|s3|gs|file|smb):/", re.IGNORECASE)  # « http://… » once a Path


def is_url(text: str) -> bool:
    """A URL, also once a Path has folded its « // » into « / »."""
    return bool(URL.match(text) or (_URL_AS_PATH.match(text) and not os.path.lexists(text)))


def check_input_file(path: str | Path) -> Path:
    """``path`` if it is a regular local file eitgraph can read; an :class:`InputError` saying what it is
    otherwise. Checked before anything opens it: opening a FIFO waits for a writer forever."""
    text = str(path)
    if is_url(text):
        raise InputError("eitgraph reads local files only, it does not download; save the file and give "
                         "its path", Location(text))
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", Location(text)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", Location(text)) from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise InputError("this is a folder, not a file", Location(text))
    if stat.S_ISFIFO(mode):
        raise InputError("this is a pipe (FIFO), not a file: reading it could wait forever; save what it "
                         "carries to a file and load that", Location(text))
    if not stat.S_ISREG(mode):
        what = "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "not a regular file"
        raise InputError(f"this is {what}, not a file; save the data to a file and load that", Location(text))
    if not os.access(path, os.R_OK):
        raise InputError("cannot read the file: permission denied", Location(text))
    return path
