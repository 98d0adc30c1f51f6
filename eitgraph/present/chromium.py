"""The headless Chromium that writes still images of maps and PDF reports (``EITGRAPH_CHROMIUM`` names
another binary). It runs with no network access (every host name resolves to nothing), a throw-away
profile, and a virtual time budget long enough for a page to settle."""

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
    raise EitgraphError("this needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) or set "
                        "EITGRAPH_CHROMIUM to a Chrome/Chromium binary")


def run(url: str, out: Path, what: list[str], settle_ms: int, timeout: float) -> Path:
    """Open ``url`` in headless Chromium with the output flags ``what`` (screenshot, print-to-pdf)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eitgraph-chromium-") as profile:
        cmd = [find_chromium(), *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={settle_ms}",
               *what, url]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise EitgraphError(f"Chromium did not finish {out.name} in {timeout:.0f} s") from None
    if done.returncode != 0 or not out.exists():
        raise EitgraphError(f"Chromium could not write {out}: {done.stderr.strip()[-800:]}")
    return out


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    """Print a page to PDF as the page's own print style says (its @page size and margins)."""
    pdf = Path(pdf).resolve()
    return run(Path(html).resolve().as_uri(), pdf, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"], 3000,
               timeout)
