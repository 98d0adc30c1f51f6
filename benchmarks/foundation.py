"""Foundation targets (issue #2), measured on real processes.

    python benchmarks/foundation.py [--workdir DIR]

* `eitgraph demo` on a fresh folder: ≤ 60 s wall, store start included;
* `eitgraph status` on an existing store: ≤ 5 s;
* loading the whole perimetre-epci-a-fp.csv (34,872 rows): ≤ 60 s;
* peak memory (max RSS) of each under 2 GB.

Each step runs as its own process; wall time and the child's max RSS come from wait4().
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"demo": (60, 2048), "status": (5, 2048), "load-perimetre": (60, 2048)}


def measure(args: list[str]) -> tuple[float, float, int, str]:
    start = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="eitgraph-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cli = [sys.executable, "-m", "eitgraph.cli"]
    from eitgraph import shipped as resources

    steps = {
        "demo": [*cli, "--data-dir", str(work / "demo"), "demo"],
        "status": [*cli, "--data-dir", str(work / "demo"), "status"],
        "load-perimetre": [*cli, "--data-dir", str(work / "france"), "load", "territory",
                                 str(resources.path("reference", "perimetre-epci-a-fp.csv"))],
    }
    failed = False
    print(f"{'step':<16} {'wall s':>8} {'target':>7} {'max RSS MB':>11} {'target':>7}  result")
    for name, cmd in steps.items():
        wall, rss, code, out = measure(cmd)
        t_wall, t_rss = TARGETS[name]
        ok = code == 0 and wall <= t_wall and rss <= t_rss
        failed |= not ok
        print(f"{name:<16} {wall:>8.1f} {t_wall:>7} {rss:>11.0f} {t_rss:>7}  {'ok' if ok else 'MISSED'}"
              + ("" if code == 0 else f" (exit {code}: {out.strip().splitlines()[-1]})"))
        if name == "load-perimetre":
            print("  " + out.strip().splitlines()[-1])
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
