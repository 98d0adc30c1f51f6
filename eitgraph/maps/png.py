"""A still image of a map page through headless Chromium, for slides.

The browser is the system's Chromium (``EITGRAPH_CHROMIUM`` names another binary). It runs with no
network access (every host name resolves to nothing), a throw-away profile, and a virtual time
budget long enough for the layout to settle before the screenshot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import EitgraphError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-quic", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND"]


def find_chromium() -> str:
    """The Chromium binary, or an error saying how to install it."""
    named = os.environ.get("EITGRAPH_CHROMIUM")
    if named:
        if shutil.which(named):
            return shutil.which(named)
        raise EitgraphError(f"EITGRAPH_CHROMIUM={named!r} is not an executable")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise EitgraphError("--png needs Chromium: install it (Debian/Ubuntu: apt-get install chromium, or run "
                        "tests/install-browser.sh) or set EITGRAPH_CHROMIUM to a Chrome/Chromium binary")


def screenshot(html: Path, png: Path, width: int = 1920, height: int = 1080, settle_ms: int = 15000,
               timeout: float = 120, map_only: bool = True) -> Path:
    """Render ``html`` (a file) to ``png`` at ``width``×``height`` (1080p: a projector slide); ``map_only``
    leaves the page's controls out (search, menus, buttons, sources): the map, its title and legend."""
    html, png = Path(html).resolve(), Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eitgraph-chromium-") as profile:
        cmd = [find_chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--virtual-time-budget={settle_ms}", f"--screenshot={png}",
               html.as_uri() + ("#map-only" if map_only else "")]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise EitgraphError(f"Chromium did not finish the screenshot of {html} in {timeout:.0f} s") from None
    if run.returncode != 0 or not png.exists():
        raise EitgraphError(f"Chromium could not take the screenshot of {html}: {run.stderr.strip()[-800:]}")
    return png
