"""Loop engine target (issue #3): circular loops up to length 5 on a regional exchange graph.

    python benchmarks/loops.py [--orgs 26000] [--edges 260000] [--seed 42] [--max-length 5]
                               [--nx-subgraph N] [--skip-full]

* ``eitgraph.analytics.loops.simple_cycles`` on the whole synthetic region (26,000 organisations,
  260,000 exchanges): ≤ 30 s, graph construction included;
* side by side with ``networkx.simple_cycles(G, length_bound=…)`` on the same graph, or, with
  ``--nx-subgraph N``, on the subgraph induced by the ~N organisations of the communes nearest to
  the centre of the region (networkx is too slow on the whole region): ≥ 20× faster, and the two
  loop sets identical.

The generator is synthetic and deterministic (fixed seed); it imitates the loop structure of a
territorial exchange network rather than any real data: organisations spread over ~300 communes
of very unequal size, exchanges mostly inside the commune or with the nearest communes, a
heavy-tailed activity (a few hubs such as waste operators, collectors and wholesalers that trade
across the region). Peak memory is the process max RSS (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter

import networkx as nx
import numpy as np

from eitgraph.analytics.loops import canonical, simple_cycles

TARGET_SECONDS = 30.0
TARGET_SPEEDUP = 20.0

N_COMMUNES = 300
REGION_KM = 120.0  # side of the square region
NEAREST = 6  # communes counted as "nearby"
P_LOCAL, P_NEARBY = 0.40, 0.30  # the rest (0.30) goes anywhere in the region, mostly to hubs
HUB_SHARE = 0.004  # waste operators, collectors, wholesalers
HUB_IN_BOOST = 40.0  # hubs receive from many organisations ...
HUB_OUT_BOOST = 1.0  # ... but deliver to few (recyclers, energy recovery, their own sites)
COMMUNE_SIZE_TAIL = 1.5  # Pareto index of the commune sizes
ACTIVITY_TAIL = 2.5  # Pareto index of the activity of organisations


def _layout(n_orgs: int, seed: int):
    """Communes (coordinates, first organisation of each), organisations (commune) and the
    out- and in-activity of each organisation."""
    rng = np.random.default_rng(seed)
    n_communes = min(N_COMMUNES, n_orgs)
    xy = rng.uniform(0.0, REGION_KM, size=(n_communes, 2))
    # Very unequal commune sizes (a few towns, many villages), every commune has an organisation.
    size_weight = rng.pareto(COMMUNE_SIZE_TAIL, n_communes) + 1.0
    sizes = 1 + rng.multinomial(n_orgs - n_communes, size_weight / size_weight.sum())
    commune = np.repeat(np.arange(n_communes), sizes)  # organisations are grouped by commune
    start = np.concatenate(([0], np.cumsum(sizes)))
    activity = rng.pareto(ACTIVITY_TAIL, n_orgs) + 1.0
    hubs = rng.choice(n_orgs, size=max(1, int(HUB_SHARE * n_orgs)), replace=False)
    out_activity, in_activity = activity.copy(), activity.copy()
    out_activity[hubs] *= HUB_OUT_BOOST
    in_activity[hubs] *= HUB_IN_BOOST
    return xy, start, commune, out_activity, in_activity


def _region(n_orgs: int, n_edges: int, seed: int):
    """The generator behind :func:`regional_exchange_graph`; also returns the organisation ids
    (grouped by commune), the commune coordinates and the first organisation of each commune."""
    xy, start, commune, out_activity, in_activity = _layout(n_orgs, seed)
    rng = np.random.default_rng(seed + 1)
    # The nearest communes of each commune (itself excluded).
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argsort(d2, axis=1)[:, 1 : NEAREST + 1]
    n_near = nearest.shape[1]

    out_weight = out_activity * rng.lognormal(0.0, 0.5, n_orgs)
    in_weight = in_activity * rng.lognormal(0.0, 0.5, n_orgs)
    out_p = out_weight / out_weight.sum()
    in_cum = np.cumsum(in_weight)
    in_before = np.concatenate(([0.0], in_cum))  # in_before[i]: in-weight of the orgs before i

    def receivers_in(communes: np.ndarray) -> np.ndarray:
        """One receiver per entry, drawn by in-weight among the organisations of that commune."""
        low = in_before[start[communes]]
        high = in_before[start[communes + 1]]
        draw = low + rng.random(len(communes)) * (high - low)
        picked = np.searchsorted(in_cum, draw, side="right")
        return np.clip(picked, start[communes], start[communes + 1] - 1)

    if n_edges > n_orgs * (n_orgs - 1):
        raise ValueError(f"{n_orgs} organisations allow at most {n_orgs * (n_orgs - 1)} exchanges")
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    while len(pairs) < n_edges:
        batch = max(1000, int(1.3 * (n_edges - len(pairs))))
        src = rng.choice(n_orgs, size=batch, p=out_p)
        mode = rng.random(batch)
        local = mode < P_LOCAL
        nearby = (mode >= P_LOCAL) & (mode < P_LOCAL + P_NEARBY) if n_near else mode < 0
        anywhere = ~(local | nearby)
        dst = np.empty(batch, dtype=np.int64)
        dst[local] = receivers_in(commune[src[local]])
        if n_near:
            picks = rng.integers(0, n_near, int(nearby.sum()))
            dst[nearby] = receivers_in(nearest[commune[src[nearby]], picks])
        draw = rng.random(int(anywhere.sum())) * in_cum[-1]
        dst[anywhere] = np.searchsorted(in_cum, draw, side="right").clip(0, n_orgs - 1)
        for u, v in zip(src.tolist(), dst.tolist(), strict=True):
            if u != v and (u, v) not in seen:
                seen.add((u, v))
                pairs.append((u, v))
                if len(pairs) == n_edges:
                    break

    siret = rng.choice(9 * 10**13, size=n_orgs, replace=False) + 10**13  # unique, 14 digits
    names = [str(s) for s in siret.tolist()]
    return [(names[u], names[v]) for u, v in pairs], names, xy, start


def regional_exchange_graph(n_orgs: int, n_edges: int, seed: int) -> list[tuple[str, str]]:
    """A synthetic regional exchange network: ``n_edges`` distinct directed exchanges
    ``(supplier, receiver)`` between (at most) ``n_orgs`` organisations with SIRET-like ids.

    Deterministic for a given seed. The ids are drawn at random, so their string order says
    nothing about communes or hubs. No self-exchanges, no parallel exchanges.
    """
    return _region(n_orgs, n_edges, seed)[0]


def central_subgraph(edges: list[tuple[str, str]], names: list[str], xy: np.ndarray,
                     start: np.ndarray, size: int) -> list[tuple[str, str]]:
    """The exchanges between the organisations of the communes nearest to the centre of the
    region, whole communes taken until at least ``size`` organisations: a geographic sub-region
    that keeps the local loop structure."""
    centre = xy.mean(axis=0)
    keep: set[str] = set()
    for c in np.argsort(((xy - centre) ** 2).sum(axis=1)).tolist():
        keep.update(names[start[c] : start[c + 1]])
        if len(keep) >= size:
            break
    return [(u, v) for u, v in edges if u in keep and v in keep]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _check(cycles: list[tuple[str, ...]], edges: list[tuple[str, str]], max_length: int) -> bool:
    """Soundness of a result without a reference: every tuple is a simple cycle of the graph, of
    allowed length, in canonical rotation, and none is repeated."""
    arcs = set(edges)
    for cycle in cycles:
        if not 1 <= len(cycle) <= max_length or len(set(cycle)) != len(cycle):
            return False
        if canonical(cycle) != cycle:
            return False
        if any((cycle[i - 1], cycle[i]) not in arcs for i in range(len(cycle))):
            return False
    return len(set(cycles)) == len(cycles)


def _lengths(cycles: list[tuple]) -> str:
    return ", ".join(f"{k}: {n:,}" for k, n in sorted(Counter(map(len, cycles)).items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=26_000)
    parser.add_argument("--edges", type=int, default=260_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-length", type=int, default=5)
    parser.add_argument("--nx-subgraph", type=int, default=3_000, metavar="N",
                        help="compare with networkx on a central sub-region of about N "
                             "organisations; 0 compares on the whole graph (hours with networkx "
                             "at full size). Default: %(default)s")
    args = parser.parse_args()
    length = args.max_length

    t = time.perf_counter()
    edges, names, xy, start = _region(args.orgs, args.edges, args.seed)
    generated = time.perf_counter() - t
    out_degree = Counter(u for u, _ in edges)
    in_degree = Counter(v for _, v in edges)
    print(f"regional graph (seed {args.seed}): {len(set(out_degree) | set(in_degree)):,} "
          f"organisations, {len(edges):,} exchanges, {len(xy)} communes; generated in "
          f"{generated:.1f} s")
    print(f"  max out-degree {max(out_degree.values()):,}, max in-degree "
          f"{max(in_degree.values()):,}, top in-degrees "
          f"{[d for _, d in in_degree.most_common(5)]}")

    # Ours on the whole graph: construction (indexing, SCC, adjacency) included in the time.
    t = time.perf_counter()
    cycles = simple_cycles(edges, length)
    ours_full = time.perf_counter() - t
    ours_peak = _peak_mb()
    t = time.perf_counter()
    sound = _check(cycles, edges, length)
    print(f"eitgraph simple_cycles, whole graph, max_length={length}: {ours_full:.2f} s "
          f"(graph construction included), {len(cycles):,} loops ({_lengths(cycles)}); "
          f"every loop a simple cycle of the graph, canonical and unique: {sound} "
          f"(checked in {time.perf_counter() - t:.1f} s); peak RSS so far {ours_peak:,.0f} MB")
    t = time.perf_counter()
    nx.DiGraph(edges)
    print(f"networkx DiGraph build, whole graph: {time.perf_counter() - t:.2f} s")

    # Side by side with networkx, on the same graph or on a central sub-region.
    if args.nx_subgraph:
        sub = central_subgraph(edges, names, xy, start, args.nx_subgraph)
        where = "central sub-region"
    else:
        sub = edges
        where = "whole graph"
    t = time.perf_counter()
    ours_cycles = simple_cycles(sub, length)
    ours_time = time.perf_counter() - t
    t = time.perf_counter()
    graph = nx.DiGraph(sub)
    nx_build = time.perf_counter() - t
    t = time.perf_counter()
    nx_raw = list(nx.simple_cycles(graph, length_bound=length))
    nx_time = time.perf_counter() - t
    nx_cycles = {canonical(tuple(c)) for c in nx_raw}
    identical = (len(set(ours_cycles)) == len(ours_cycles) == len(nx_raw)
                 and set(ours_cycles) == nx_cycles)
    ratio = nx_time / ours_time
    print(f"side by side on the {where}: {graph.number_of_nodes():,} organisations, "
          f"{graph.number_of_edges():,} exchanges")
    print(f"  eitgraph simple_cycles: {ours_time:.3f} s (construction included), "
          f"{len(ours_cycles):,} loops ({_lengths(ours_cycles)})")
    print(f"  networkx.simple_cycles(length_bound={length}): {nx_time:.2f} s "
          f"(+ {nx_build:.2f} s DiGraph build), {len(nx_raw):,} loops")
    print(f"  speed-up: {ratio:.0f}x (networkx enumeration only) / "
          f"{(nx_time + nx_build) / ours_time:.0f}x (build included); identical loop sets: "
          f"{identical}")
    peak = _peak_mb()
    print(f"peak RSS of the process: {peak:,.0f} MB")

    checks = {
        f"whole graph <= {TARGET_SECONDS:.0f} s": ours_full <= TARGET_SECONDS,
        f"speed-up >= {TARGET_SPEEDUP:.0f}x": ratio >= TARGET_SPEEDUP,
        "same loops as networkx": identical,
        "sound result on the whole graph": sound,
    }
    for name, ok in checks.items():
        print(f"  {'ok    ' if ok else 'MISSED'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
