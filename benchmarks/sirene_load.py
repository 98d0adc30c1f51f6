"""SIRENE targets of issue #13 on national-layout files made by ``benchmarks/sirene_files.py``.

    python benchmarks/sirene_load.py [--rows 3000000] [--dep-rows 400000] [--seed 42] [--workdir DIR]
        [--skip-load]

1. read-and-filter: the zipped national-layout StockEtablissement of ``--rows`` rows read by the sirene
   reader keeping département 68, in a child process: rows/s (target ≥ 20,000) and peak memory (target
   ≤ 1.5 GB, whatever the input size: also measured on a file ten times smaller);
2. load: a département file (``--dep-rows`` rows, 80 % of them in the Haut-Rhin, closed ones included)
   loaded into a fresh embedded store with the default heap: establishments/s (target ≥ 5,000) and
   whether 300,000 establishments load at all (they must).

Each step runs in its own process (peak memory is the process's). Exit status 1 if a target is missed.
The machines are shared: the load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

READ = textwrap.dedent("""
    import json, resource, sys, time
    from eitgraph.load.sources import sirene_files as sirene
    from eitgraph.load.spec import LoaderSpec
    from eitgraph.model.communes import reference
    graph = [c for c in reference().names if c.startswith("68")]
    t = time.perf_counter()
    table = sirene.read(sys.argv[1], options={"departement": ["68"]}, spec=LoaderSpec.load("sirene"),
                        lookup=lambda q, p: [{"codes": graph}])
    seconds = time.perf_counter() - t
    print(json.dumps({"rows": table.rows_read, "kept": len(table.rows), "seconds": seconds,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

LOAD = textwrap.dedent("""
    import json, resource, sys, time
    import eitgraph
    from eitgraph import shipped
    with eitgraph.open(data_dir=sys.argv[2], in_process=True) as kb:  # its JVM counts in the peak
        kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), departement="68")
        t = time.perf_counter()
        report = kb.load("sirene", sys.argv[1], departement="68", include_closed=True)
        seconds = time.perf_counter() - t
        n = kb.cypher("MATCH (o:Organisation) RETURN count(o) AS n")["n"][0]
    print(json.dumps({"rows": report.rows_read, "kept": report.rows, "organisations": int(n), "seconds": seconds,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def child(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"step failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate(rows: int, seed: int, out: Path, zipped: bool, share_68: float) -> Path:
    name = "StockEtablissement_utf8." + ("zip" if zipped else "csv")
    if not (out / name).exists():
        cmd = [sys.executable, str(HERE / "sirene_files.py"), "--rows", str(rows), "--seed", str(seed), "--out",
               str(out), "--kind", "etablissement", "--share-68", str(share_68)]
        subprocess.run(cmd + (["--zip"] if zipped else []), check=True, cwd=ROOT)
    return out / name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--dep-rows", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eitgraph-sirene")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    work = args.workdir
    ok = True
    load = lambda: f"load average {os.getloadavg()[0]:.1f}"  # noqa: E731

    national = generate(args.rows, args.seed, work / f"national-{args.rows}", True, 0.05)
    small = generate(args.rows // 10, args.seed, work / f"national-{args.rows // 10}", True, 0.05)
    for path in (national, small):
        r = child(READ, str(path))
        rate = r["rows"] / r["seconds"]
        print(f"read-and-filter {path.name} ({r['rows']:,} rows, {path.stat().st_size / 1e6:.0f} MB zipped): "
              f"{rate:,.0f} rows/s, {r['kept']:,} kept, peak {r['peak_mb']:,.0f} MB ({load()})")
        ok &= rate >= 20_000 and r["peak_mb"] <= 1536
    if not args.skip_load:
        dep = generate(args.dep_rows, args.seed, work / f"departement-{args.dep_rows}", False, 0.8)
        with tempfile.TemporaryDirectory(prefix="eitgraph-sirene-store-") as store:
            r = child(LOAD, str(dep), store)
        rate = r["kept"] / r["seconds"]
        print(f"load {r['kept']:,} establishments of the Haut-Rhin ({r['rows']:,} rows read) with the default heap: "
              f"{r['seconds']:.0f} s, {rate:,.0f} establishments/s, {r['organisations']:,} organisations, "
              f"peak {r['peak_mb']:,.0f} MB (Python and the embedded store's JVM) ({load()})")
        ok &= rate >= 5_000 and r["organisations"] == r["kept"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
