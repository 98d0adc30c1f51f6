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
MATCH_KINDS = ("same code", "same category", "compatible")
NEAREST = 200  # inputs scored per output and per compatible category
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


def _column(rows: list[dict], key: str, dtype=object) -> np.ndarray:
    if dtype is float:
        return np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)
    out = np.empty(len(rows), dtype=object)
    out[:] = [r[key] for r in rows]
    return out


def substitution_candidates(kb, radius_km: float = 30.0, top: int = 10, territory: str | None = None,
                            category: str | None = None) -> pd.DataFrame:
    """Outputs of A that could replace inputs of B within ``radius_km``: same LoW code, same category,
    or a declared compatibility; ranked by match kind, quantity match and distance, ``top`` per output.

    Vectorised: for each output the ``NEAREST`` closest inputs of each compatible category within the
    radius are scored (a k-d tree on the unit sphere), which is exact whenever fewer inputs than that
    lie within the radius.
    """
    all_flows = flows(kb, territory)
    outs = [f for f in all_flows if f["direction"] == "out" and f["lat"] is not None
            and (category is None or f["category"] == category)]
    ins = sorted((f for f in all_flows if f["direction"] == "in" and f["lat"] is not None),
                 key=lambda f: (f["id"], f["material"] or "", f["label"] or ""))
    if not outs or not ins:
        return pd.DataFrame(columns=SUBSTITUTION_COLUMNS)
    from scipy.spatial import cKDTree

    compat = compatibilities()
    in_org, in_mat, in_unit, in_cat, in_name, in_label = (
        _column(ins, k) for k in ("id", "material", "unit", "category", "name", "label"))
    in_qty = _column(ins, "quantity", float)
    in_xyz = _unit_vectors(_column(ins, "lat", float), _column(ins, "lon", float))
    trees = {}
    for cat in set(in_cat):
        idx = np.flatnonzero(in_cat == cat)
        trees[cat] = (cKDTree(in_xyz[idx]), idx)
    chord = 2 * math.sin(radius_km / EARTH_KM / 2)  # the radius as a straight line on the unit sphere
    frames = []
    out_cat = _column(outs, "category")
    for oc in sorted(set(out_cat)):
        o_idx = np.flatnonzero(out_cat == oc)
        group = [outs[i] for i in o_idx]
        o_org, o_mat, o_unit, o_name, o_label = (_column(group, k) for k in ("id", "material", "unit", "name", "label"))
        o_qty = _column(group, "quantity", float)
        o_xyz = _unit_vectors(_column(group, "lat", float), _column(group, "lon", float))
        scores, dists, cands, kinds, qms, notes = [], [], [], [], [], []
        note_texts = [""]
        for tc in sorted({oc} | {dst for (src, dst) in compat if src == oc}):
            if tc not in trees:
                continue
            tree, idx = trees[tc]
            k = min(NEAREST, len(idx))
            d, j = tree.query(o_xyz, k=k, distance_upper_bound=chord)
            d, j = d.reshape(len(group), k), j.reshape(len(group), k)
            found = j < len(idx)
            cand = np.where(found, idx[np.minimum(j, len(idx) - 1)], 0)
            km = 2 * EARTH_KM * np.arcsin(np.minimum(np.where(found, d, 0) / 2, 1.0))
            same_code = in_mat[cand] == o_mat[:, None]
            if tc == oc and (oc, tc) not in compat:
                kind = np.where(same_code, 0, 1)          # same code / same category
            else:
                kind = np.where(same_code, 0, 2)          # same code / compatible
            qo, qi = o_qty[:, None], in_qty[cand]
            comparable = (o_unit[:, None] == in_unit[cand]) & (qo > 0) & (qi > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                qmatch = np.where(comparable, np.minimum(qo, qi) / np.maximum(qo, qi), 0.5)
            weight = np.array([MATCH_WEIGHT[m] for m in MATCH_KINDS])[kind]
            score = weight * (0.5 + 0.5 * qmatch) * (1 - 0.5 * km / radius_km)
            valid = found & (in_org[cand] != o_org[:, None]) & (km <= radius_km)
            scores.append(np.where(valid, score, -1.0))
            dists.append(km)
            cands.append(cand)
            kinds.append(kind)
            qms.append(qmatch)
            # A small code per cell, not text: these arrays hold every output × candidate pair.
            note_texts.append(compat.get((oc, tc), ""))
            notes.append(np.where(kind == 2, len(note_texts) - 1, 0).astype(np.int16))
        if not scores:
            continue
        score, km, cand, kind, qm, note = (np.concatenate(a, axis=1)
                                           for a in (scores, dists, cands, kinds, qms, notes))
        order = np.lexsort((cand, km, -score), axis=1)[:, :top]
        rows_ = np.arange(len(group))[:, None]
        score, km, cand, kind, qm, note = (a[rows_, order] for a in (score, km, cand, kind, qm, note))
        r, c = np.nonzero(score >= 0)
        j = cand[r, c]
        # Columns by fancy indexing: millions of rows at regional scale, no Python loop per row.
        unit = o_unit[r]
        differ = unit != in_unit[j]
        unit[differ] = _pair(unit[differ], in_unit[j][differ])
        frames.append(pd.DataFrame({
            "output_org": o_org[r], "output_name": o_name[r], "output_material": o_label[r],
            "output_quantity": o_qty[r], "input_org": in_org[j], "input_name": in_name[j],
            "input_material": in_label[j], "input_quantity": in_qty[j],
            "unit": unit,
            "match": np.array(MATCH_KINDS, dtype=object)[kind[r, c]],
            "note": np.array(note_texts, dtype=object)[note[r, c]],
            "distance_km": np.round(km[r, c], 1), "quantity_match": np.round(qm[r, c], 2),
            "score": np.round(score[r, c], 3), "rank": c + 1,
        }, columns=SUBSTITUTION_COLUMNS))
    if not frames:
        return pd.DataFrame(columns=SUBSTITUTION_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["score", "distance_km", "output_org", "input_org"], ascending=[False, True, True, True],
                          ignore_index=True)


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise « a / b » of two unit columns (None shown as an empty unit)."""
    out = np.empty(len(a), dtype=object)
    out[:] = [f"{x or ''} / {y or ''}" for x, y in zip(a, b, strict=True)]
    return out
