"""Substitution candidates at regional scale: the scoring alone, exact, against brute force.

    python benchmarks/substitution.py [--outputs 250000] [--inputs 250000] [--orgs 26000]
                                      [--seed 42] [--radius 30] [--top 10] [--check 300]
                                      [--scale 1.0] [--old FILE]

1. Generates, on a fixed seed, the flows the extraction would return for a synthetic Alsace
   (organisations placed by ``benchmarks/regional.py``, materials, units and log-normal
   quantities drawn by its ``MaterialDraw`` and normalised like the loader does, sites drawn by a
   heavy-tailed activity).
2. Times ``substitution_candidates`` on them (``flows`` monkeypatched: no store, the scoring
   alone): wall and CPU time, the peak RSS during the step (VmHWM reset just before it; the
   generated flows, as the extraction would hold them, included) and the process ``ru_maxrss``.
3. Checks the result against an exhaustive computation for ``--check`` outputs drawn at random
   (every input of the target categories scored), and counts how many of those outputs a cut to
   the 200 nearest inputs per category (the former approximation) would get wrong.
4. ``--old FILE``: also times the ``substitution_candidates`` of another version of
   ``flows.py``, e.g. the 200-nearest approximation:
   ``git show 688af4b:eitgraph/analytics/flows.py > /tmp/old.py``.

Prints a results table; exit status 1 if the exactness check fails or a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import regional  # benchmarks/regional.py: the synthetic region

from eitgraph.analytics import substitution as substitution_module
from eitgraph.model.geo import lambert93_to_wgs84
from eitgraph.model.materials import normalise_quantity
from eitgraph.values import slug

TARGET_SECONDS = 25.0
TARGET_MEMORY_MB = 2560.0
OLD_NEAREST = 200
EARTH_KM = 6371.0088


# -- generator --------------------------------------------------------------------------------
def synthetic_flows(n_out: int, n_in: int, n_orgs: int, seed: int) -> list[dict]:
    """Flows as ``extract.flows`` returns them, for a synthetic region."""
    rng = np.random.default_rng(seed)
    orgs = regional.generate_organisations(n_orgs, rng)
    latlon = [lambert93_to_wgs84(x, y) for x, y in orgs["xy"].tolist()]
    activity = rng.pareto(regional.ACTIVITY_TAIL, n_orgs) + 1.0
    sites = rng.choice(n_orgs, size=n_out + n_in, p=activity / activity.sum())
    draw = regional.MaterialDraw(rng)
    rows = []
    for i, (site, (label, code, category, unit, qty, period)) in enumerate(
            zip(sites.tolist(), draw.draw(n_out + n_in), strict=True)):
        q, u = normalise_quantity(float(qty.replace(",", ".")), unit, period, category)
        lat, lon = latlon[site]
        rows.append({"id": f"o{site}", "name": orgs["name"][site], "lat": lat, "lon": lon,
                     "direction": "out" if i < n_out else "in",
                     "material": code.rstrip("*") if code else f"{category}:{slug(label)}",
                     "label": f"{label} #{i}", "category": category, "quantity": q, "unit": u,
                     "partner": None, "treatment": None})
    # A few flows without quantity, as diagnostics have them.
    for j in rng.choice(len(rows), size=len(rows) // 50, replace=False).tolist():
        rows[j]["quantity"] = None
    return rows


# -- brute force --------------------------------------------------------------------------------
class BruteForce:
    """Every input of the target categories scored for one output at a time (numpy over inputs)."""

    def __init__(self, rows: list[dict], radius_km: float):
        self.radius, self.compat = radius_km, substitution_module.compatibilities()
        self.ins = sorted((f for f in rows if f["direction"] == "in"),
                          key=lambda f: (f["id"], f["material"] or "", f["label"] or ""))
        col = {k: np.array([f[k] for f in self.ins], dtype=object) for k in ("id", "material", "unit", "category")}
        self.id, self.material, self.unit, self.category = (col[k] for k in ("id", "material", "unit", "category"))
        self.q = np.array([np.nan if f["quantity"] is None else f["quantity"] for f in self.ins])
        self.xyz = self.unit_vectors(self.ins)

    @staticmethod
    def unit_vectors(fs: list[dict]) -> np.ndarray:
        la, lo = np.radians([f["lat"] for f in fs]), np.radians([f["lon"] for f in fs])
        return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    def top(self, o: dict, xyz: np.ndarray, top: int, nearest: int | None = None) -> list[tuple]:
        """(input label, match, km, quantity match, score) of the ``top`` best inputs; ``nearest``:
        only that many nearest inputs per input category (the former cut)."""
        d = xyz - self.xyz
        km = 2 * EARTH_KM * np.arcsin(np.minimum(np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2])
                                                 / 2, 1.0))
        oc = o["category"]
        compatible = np.isin(self.category, [b for a, b in self.compat if a == oc])
        target = compatible | (self.category == oc)
        same = self.material == o["material"]
        kind = np.where(same, 0, np.where(compatible, 2, 1))
        qo = np.nan if o["quantity"] is None else o["quantity"]
        with np.errstate(invalid="ignore", divide="ignore"):
            comparable = (self.unit == o["unit"]) & (qo > 0) & (self.q > 0)
            qm = np.where(comparable, np.minimum(qo, self.q) / np.maximum(qo, self.q), 0.5)
        weight = np.array([substitution_module.MATCH_WEIGHT[k] for k in substitution_module.MATCH_KINDS])[kind]
        score = weight * (0.5 + 0.5 * qm) * (1 - 0.5 * km / self.radius)
        valid = np.flatnonzero(target & (km <= self.radius))
        if nearest:  # as the former version: the organisation's own inputs took places too
            by_distance = valid[np.lexsort((valid, km[valid]))]
            cats = self.category[by_distance]
            keep = np.zeros(len(by_distance), dtype=bool)
            for c in set(cats):
                keep[np.flatnonzero(cats == c)[:nearest]] = True
            valid = by_distance[keep]
        valid = valid[self.id[valid] != o["id"]]
        best = valid[np.lexsort((valid, km[valid], -score[valid]))][:top]
        return [(self.ins[j]["label"], substitution_module.MATCH_KINDS[kind[j]], round(float(np.round(km[j], 1)), 1),
                 float(np.round(qm[j], 2)), float(np.round(score[j], 3))) for j in best]


def check(rows: list[dict], result: pd.DataFrame, n: int, radius: float, top: int, seed: int) -> tuple[int, int, int]:
    """(outputs checked, outputs differing from brute force, outputs the 200-nearest cut gets wrong)."""
    outs = [f for f in rows if f["direction"] == "out"]
    sample = [outs[i] for i in np.random.default_rng(seed).choice(len(outs), size=min(n, len(outs)), replace=False)]
    brute = BruteForce(rows, radius)
    xyz = brute.unit_vectors(sample)
    by_output = {label: g for label, g in result.groupby("output_material", sort=False)}
    wrong = cut_wrong = 0
    for o, p in zip(sample, xyz, strict=True):
        want = brute.top(o, p, top)
        g = by_output.get(o["label"])
        got = [] if g is None else [(r.input_material, r.match, r.distance_km, r.quantity_match, r.score)
                                    for r in g.sort_values("rank").itertuples()]
        wrong += got != want
        cut_wrong += brute.top(o, p, top, nearest=OLD_NEAREST) != want
    return len(sample), wrong, cut_wrong


# -- the run ------------------------------------------------------------------------------------
def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(module, rows: list[dict], radius: float, top: int) -> tuple[pd.DataFrame, float, float, float, str]:
    """Result, wall seconds, CPU seconds and the peak RSS during ``module``'s scoring (its extraction
    replaced by ``rows``), with the RSS before it."""
    module.flows = lambda kb, territory=None: rows
    before = regional.rss_mb()[0]
    regional.reset_hwm()
    wall, cpu = time.perf_counter(), cpu_s()
    df = module.substitution_candidates(None, radius_km=radius, top=top)
    wall, cpu, peak = time.perf_counter() - wall, cpu_s() - cpu, regional.rss_mb()[1]
    return df, wall, cpu, peak, f"{peak:,.0f} MB (RSS before {before:,.0f} MB)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outputs", type=int, default=250_000)
    parser.add_argument("--inputs", type=int, default=250_000)
    parser.add_argument("--orgs", type=int, default=26_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--radius", type=float, default=30.0)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--check", type=int, default=300, help="outputs checked against brute force")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies outputs, inputs and organisations")
    parser.add_argument("--old", type=Path, help="a former flows.py whose substitution_candidates is also timed")
    args = parser.parse_args()
    n_out, n_in, n_orgs = (max(1, int(v * args.scale)) for v in (args.outputs, args.inputs, args.orgs))
    results = regional.Results()

    t = time.perf_counter()
    rows = synthetic_flows(n_out, n_in, n_orgs, args.seed)
    results.add("generate", f"{n_out:,} outputs, {n_in:,} inputs, {n_orgs:,} organisations "
                f"in {time.perf_counter() - t:.1f} s")
    print(f"scoring [{regional.load_note()}]", flush=True)
    df, wall, cpu, peak, memory = timed(substitution_module, rows, args.radius, args.top)
    results.add("substitution_candidates", f"{wall:.1f} s wall, {cpu:.1f} s CPU, {len(df):,} rows "
                f"[{regional.load_note()}]", f"<= {TARGET_SECONDS:.0f} s", wall <= TARGET_SECONDS)
    results.add("peak RSS (step)", memory, f"<= {TARGET_MEMORY_MB:,.0f} MB", peak <= TARGET_MEMORY_MB)
    results.add("peak RSS (process)", f"{regional.maxrss_mb():,.0f} MB, the generated flows included")
    if args.old:
        spec = importlib.util.spec_from_file_location("eitgraph.analytics._former_flows", args.old)
        former = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(former)
        old_df, old_wall, old_cpu, _, old_memory = timed(former, rows, args.radius, args.top)
        results.add(f"former version ({args.old.name})", f"{old_wall:.1f} s wall, {old_cpu:.1f} s CPU, "
                    f"{len(old_df):,} rows, peak RSS {old_memory} [{regional.load_note()}]")
    if args.check:
        t = time.perf_counter()
        n, wrong, cut_wrong = check(rows, df, args.check, args.radius, args.top, args.seed + 1)
        results.add("exact vs brute force", f"{n - wrong}/{n} outputs identical ({time.perf_counter() - t:.0f} s)",
                    "all", wrong == 0)
        results.add(f"{OLD_NEAREST}-nearest cut vs brute force", f"{cut_wrong}/{n} outputs differ "
                    f"({100 * cut_wrong / max(n, 1):.1f} %)")
    print()
    print(results.table())
    return 1 if results.missed() else 0


if __name__ == "__main__":
    sys.exit(main())
