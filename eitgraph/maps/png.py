"""A still image of a map page through headless Chromium (:mod:`eitgraph.present.chromium`), for slides."""

from __future__ import annotations

from pathlib import Path

from ..present.chromium import FLAGS, find_chromium, run

__all__ = ["FLAGS", "find_chromium", "screenshot"]


def screenshot(html: Path, png: Path, width: int = 1920, height: int = 1080, settle_ms: int = 15000,
               timeout: float = 120, map_only: bool = True) -> Path:
    """Render ``html`` (a file) to ``png`` at ``width``×``height`` (1080p: a projector slide); ``map_only``
    leaves the page's controls out (search, menus, buttons, sources): the map, its title and legend."""
    html, png = Path(html).resolve(), Path(png).resolve()
    url = html.as_uri() + ("#map-only" if map_only else "")
    return run(url, png, [f"--window-size={width},{height}", f"--screenshot={png}"], settle_ms, timeout)
