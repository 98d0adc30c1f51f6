"""Flow-matching questions: mutualisation and substitution candidates."""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache
from itertools import combinations

import numpy as np
import pandas as pd
import yaml

from .. import resources
from ..geo import haversine_km
from .extract import flows

MUTUALISATION_COLUMNS = ["direction", "category", "unit", "organisations", "names", "partners", "distinct_partners",
                         "combined_quantity", "max_distance_km", "mean_distance_km"]
SUBSTITUTION_COLUMNS = ["output_org", "output_name", "output_material", "output_quantity", "input_org", "input_name",
                        "input_material", "input_quantity", "unit", "match", "note", "distance_km",
                        "quantity_match", "score", "rank"]
MATCH_WEIGHT = {"same code": 1.0, "same category": 0.8, "compatible": 0.6}
EARTH_KM = 6371.0088


@lru_cache(maxsize=1)
def compatibilities() -> dict[tuple[str, str], str]:
    with open(resources.path("schema", "material-categories.yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {(c["from"], c["to"]): c.get("note", "") for c in data.get("compatible", [])}


def _distances(points: list[tuple[float, float]]) -> list[float]:
    return [haversine_km(a[0], a[1], b[0], b[1]) for a, b in combinations(points, 2)]


def mutualisation_candidates(kb, territory: str | None = None, min_organisations: int = 2,
                             direction: str | None = None, category: str | None = None) -> pd.DataFrame:
    """Organisations of a territory producing the same waste category (joint collection) or needing the
    same input (joint purchasing) with different collectors or suppliers; combined volume and distances."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for f in flows(kb, territory):
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


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def substitution_candidates(kb, radius_km: float = 30.0, top: int = 10, territory: str | None = None,
                            category: str | None = None) -> pd.DataFrame:
    """Outputs of A that could replace inputs of B within ``radius_km``: same LoW code, same category,
    or a declared compatibility; ranked by match kind, quantity match and distance, ``top`` per output."""
    all_flows = flows(kb, territory)
    outs = [f for f in all_flows if f["direction"] == "out" and f["lat"] is not None
            and (category is None or f["category"] == category)]
    ins = [f for f in all_flows if f["direction"] == "in" and f["lat"] is not None]
    if not outs or not ins:
        return pd.DataFrame(columns=SUBSTITUTION_COLUMNS)
    from scipy.spatial import cKDTree

    compat = compatibilities()
    targets: dict[str, list[str]] = defaultdict(list)  # output category -> input categories it may feed
    for (src, dst) in compat:
        targets[src].append(dst)
    ins_by_cat: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(ins):
        ins_by_cat[f["category"]].append(i)
    trees = {}
    for cat, idx in ins_by_cat.items():
        pts = _unit_vectors(np.array([ins[i]["lat"] for i in idx]), np.array([ins[i]["lon"] for i in idx]))
        trees[cat] = (cKDTree(pts), idx)
    chord = 2 * math.sin(radius_km / EARTH_KM / 2)  # straight-line radius on the unit sphere
    rows = []
    for o in outs:
        here = _unit_vectors(np.array([o["lat"]]), np.array([o["lon"]]))[0]
        candidates = []
        for cat in {o["category"], *targets.get(o["category"], [])}:
            if cat not in trees:
                continue
            tree, idx = trees[cat]
            for j in tree.query_ball_point(here, chord):
                i = ins[idx[j]]
                if i["id"] == o["id"]:
                    continue
                if i["material"] == o["material"]:
                    match, note = "same code", ""
                elif cat == o["category"] and (o["category"], cat) not in compat:
                    match, note = "same category", ""
                else:
                    match, note = "compatible", compat.get((o["category"], cat), "")
                dist = haversine_km(o["lat"], o["lon"], i["lat"], i["lon"])
                if dist > radius_km:
                    continue
                qo, qi = o["quantity"], i["quantity"]
                qmatch = (min(qo, qi) / max(qo, qi) if qo and qi and o["unit"] == i["unit"] and max(qo, qi) > 0
                          else 0.5)
                score = MATCH_WEIGHT[match] * (0.5 + 0.5 * qmatch) * (1 - 0.5 * dist / radius_km)
                candidates.append((score, dist, qmatch, match, note, i))
        candidates.sort(key=lambda c: (-c[0], c[1], c[5]["id"]))
        for rank, (score, dist, qmatch, match, note, i) in enumerate(candidates[:top], 1):
            rows.append({
                "output_org": o["id"], "output_name": o["name"], "output_material": o["label"],
                "output_quantity": o["quantity"], "input_org": i["id"], "input_name": i["name"],
                "input_material": i["label"], "input_quantity": i["quantity"],
                "unit": o["unit"] if o["unit"] == i["unit"] else f"{o['unit']} / {i['unit']}",
                "match": match, "note": note, "distance_km": round(dist, 1), "quantity_match": round(qmatch, 2),
                "score": round(score, 3), "rank": rank,
            })
    df = pd.DataFrame(rows, columns=SUBSTITUTION_COLUMNS)
    return df.sort_values(["score", "distance_km"], ascending=[False, True], ignore_index=True)
