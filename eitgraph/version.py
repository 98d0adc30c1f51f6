"""The version of eitgraph: the installed distribution's, else the one ``pyproject.toml`` declares (a
source checkout that was not installed).

>>> __version__
'0.1.0'
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _version() -> str:
    try:
        return version("eitgraph")
    except PackageNotFoundError:
        pass
    try:
        return tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


__version__ = _version()
