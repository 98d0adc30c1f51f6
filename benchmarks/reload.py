"""Reload targets of the trust issue, on the regional data of ``benchmarks/regional.py``.

    python benchmarks/reload.py [--scale 1.0] [--seed 42] [--workdir DIR] [--heap 4g]

On a fresh embedded store: territory (67, 68), materials and the SIRENE extract, then

1. a fresh load of the diagnostics file (``flow-rows`` rows: 500,000 at scale 1);
2. a reload of the unchanged file: a no-op, target ≤ 5 s;
3. a reload of the file with one quantity edited: target ≤ 1.2 × the fresh load, measured in the
   same run (the machines are shared: ratios, not absolute times);
4. a reload with 1 % of the rows edited, removed or added, for information.

Each reload is checked: the edited flow holds its new quantity, nothing else changed. Exit status 1
if a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import regional

import eitgraph
from eitgraph import shipped


def rewrite(src: Path, dest: Path, edit) -> None:
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], edit(rows[1:], rows[0])
    with open(dest, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows([header, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eitgraph-reload")
    parser.add_argument("--heap", default="4g")
    args = parser.parse_args()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    n_orgs, n_edges, n_rows = (int(x * args.scale) for x in (26_000, 260_000, 500_000))
    orgs = regional.generate_organisations(n_orgs, rng)
    pairs, out_w, in_w = regional.exchange_pairs(orgs, n_edges, rng)
    regional.write_sirene(work / "sirene.csv", orgs)
    regional.write_diagnostics(work / "diagnostics.csv", orgs, pairs, n_rows, out_w, in_w, rng)

    import os
    os.environ["EITGRAPH_HEAP"] = args.heap
    data = Path(tempfile.mkdtemp(prefix="eitgraph-reload-store-"))
    results, ok = [], True
    with eitgraph.open(data_dir=data, in_process=True) as kb:
        kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), departement=["67", "68"])
        kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
        kb.load("sirene", work / "sirene.csv")
        diag = work / "diagnostics.csv"

        def timed(label, path, **kw):
            t = time.perf_counter()
            report = kb.load("diagnostics", path, dataset_id="diagnostics:regional", **kw)
            seconds = time.perf_counter() - t
            print(f"{label:<38} {seconds:8.1f} s   {report.summary()}", flush=True)
            print(f"{'':<38} changed {report.changed}, removed {report.deleted}", flush=True)
            return seconds, report

        fresh, _ = timed("fresh load", diag)
        noop, report = timed("reload, unchanged file", diag)
        ok &= report.unchanged and noop <= 5.0
        results.append(("unchanged reload (s)", noop, "≤ 5 s", noop <= 5.0))

        edited = work / "diagnostics-edited.csv"
        q_col = None

        def one_quantity(rows, header):
            nonlocal q_col
            q_col = header.index("Quantité")
            target = next(i for i, r in enumerate(rows) if r[q_col])
            rows[target][q_col] = str(float(rows[target][q_col].replace(",", ".")) + 1).replace(".", ",")
            return rows

        rewrite(diag, edited, one_quantity)
        edit_s, report = timed("reload, one quantity edited", edited)
        changed = sum(report.changed.values())
        ratio = edit_s / fresh
        good = ratio <= 1.2 and not report.deleted and 1 <= changed <= 3
        ok &= good
        results.append(("edited reload / fresh load", ratio, "≤ 1.2", good))

        churn = work / "diagnostics-churn.csv"

        def one_percent(rows, header):
            rnd = random.Random(args.seed)
            n = max(1, len(rows) // 100)
            for i in rnd.sample(range(len(rows)), n):
                if rows[i][q_col]:
                    rows[i][q_col] = "1"
            del rows[:n // 2]
            return rows

        rewrite(diag, churn, one_percent)
        churn_s, report = timed("reload, 1 % edited or removed", churn, force=True)
        results.append(("1 % churn reload / fresh load", churn_s / fresh, "(info)", True))

    print()
    print(f"{'measure':<34} {'value':>10}  target   met")
    for name, value, target, met in results:
        print(f"{name:<34} {value:>10.2f}  {target:<7}  {'yes' if met else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
