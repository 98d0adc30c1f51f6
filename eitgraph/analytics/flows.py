"""Flow-matching question: mutualisation candidates (joint collection or purchasing)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pandas as pd

from ..graphread import GraphSource, reader
from ..model.geo import haversine_km

MUTUALISATION_COLUMNS = ["direction", "category", "unit", "organisations", "names", "partners", "distinct_partners",
                         "combined_quantity", "max_distance_km", "mean_distance_km"]


def _distances(points: list[tuple[float, float]]) -> list[float]:
    return [haversine_km(a[0], a[1], b[0], b[1]) for a, b in combinations(points, 2)]


def mutualisation_candidates(graph: GraphSource, territory: str | None = None, min_organisations: int = 2,
                             direction: str | None = None, category: str | None = None) -> pd.DataFrame:
    """Organisations of a territory producing the same waste category (joint collection) or needing the
    same input (joint purchasing) with different collectors or suppliers; combined volume and distances."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for f in reader(graph).flows(territory):
        if (direction and f["direction"] != direction) or (category and f["category"] != category):
            continue
        groups[(f["direction"], f["category"], f["unit"])].append(f)
    rows = []
    for (dirn, cat, unit), items in groups.items():
        orgs = {f["id"]: f for f in items}
        partners = {f["partner"] or f"(aucun) {f['id']}" for f in items}
        if len(orgs) < min_organisations or len(partners) < 2:
            continue
        points = [(f["lat"], f["lon"]) for f in orgs.values() if f["lat"] is not None]
        dists = _distances(points)
        rows.append({
            "direction": dirn, "category": cat, "unit": unit, "organisations": len(orgs),
            "names": sorted(f["name"] for f in orgs.values()),
            "partners": sorted({f["partner"] for f in items if f["partner"]}),
            "distinct_partners": len(partners),
            "combined_quantity": sum(f["quantity"] for f in items if f["quantity"] is not None) if unit else None,
            "max_distance_km": round(max(dists), 1) if dists else None,
            "mean_distance_km": round(sum(dists) / len(dists), 1) if dists else None,
        })
    df = pd.DataFrame(rows, columns=MUTUALISATION_COLUMNS)
    return df.sort_values(["organisations", "combined_quantity"], ascending=False, ignore_index=True)
