"""vis-network's JavaScript and CSS, read at run time from the installed pyvis package, to be inlined.

pyvis ships them under ``pyvis/templates/lib/vis-<version>/`` (and, in some releases, ``pyvis/lib/``);
the newest version found wins.

>>> js, css = vis_assets()
>>> "vis" in js[:2000] and len(js) > 100_000 and "vis-network" in css
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import EitgraphError

HERE = Path(__file__).resolve().parent


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", folder.name))


@lru_cache(maxsize=1)
def vis_folder() -> Path:
    import pyvis

    root = Path(pyvis.__file__).resolve().parent
    candidates = [p.parent for p in root.glob("**/vis-*/vis-network.min.js")]
    if not candidates:
        raise EitgraphError(f"vis-network not found in the pyvis package at {root}; reinstall pyvis")
    return max(candidates, key=_version)


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(JavaScript, CSS) of vis-network, safe to place inside <script> / <style>."""
    folder = vis_folder()
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    # Never let the inlined text close its element early.
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css


def page_asset(name: str) -> str:
    """Our own page script / stylesheet (``page.js``, ``page.css``) shipped next to this module."""
    return (HERE / name).read_text(encoding="utf-8")
