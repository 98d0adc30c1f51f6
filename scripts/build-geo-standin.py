#!/usr/bin/env python3
"""Write tests/data/geo/communes-68-sample.geojson: a STAND-IN for IGN ADMIN EXPRESS commune
outlines of the 46 communes of Pays Thur Doller (CC de Thann-Cernay 200036465, CC de la Vallée de
Saint-Amarin 246800205, CC de la Vallée de la Doller et du Soultzbach 246800676).

The geometry is SYNTHETIC: Voronoi cells around each commune's approximate position
(benchmarks/data/commune-positions.csv.gz), clipped to a convex envelope of the 46 points. The
cells tile the territory without gaps or overlaps, so neighbours, centroids and outlines behave
like real ones, but they are not the communes' boundaries. The properties are real (COG 2026,
reference/communes.csv) and named as in ADMIN EXPRESS (COMMUNE layer, shapefile / GeoPackage
field names): ID, NOM, NOM_M, INSEE_COM, STATUT, POPULATION, INSEE_CAN, INSEE_ARR, INSEE_DEP,
INSEE_REG, SIREN_EPCI. INSEE_CAN and INSEE_ARR are null (not in our references).

    python scripts/build-geo-standin.py
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import math
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPCI = ("200036465", "246800205", "246800676")
OUT = ROOT / "tests" / "data" / "geo" / "communes-68-sample.geojson"


def upper_ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").upper()


def clip(poly, a, b, c):
    """Keep the part of polygon ``poly`` where a*x + b*y <= c (Sutherland-Hodgman)."""
    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def hull(points):
    pts = sorted(set(points))
    def half(seq):
        h = []
        for p in seq:
            while len(h) >= 2 and ((h[-1][0] - h[-2][0]) * (p[1] - h[-2][1])
                                   - (h[-1][1] - h[-2][1]) * (p[0] - h[-2][0])) <= 0:
                h.pop()
            h.append(p)
        return h
    lower, upper = half(pts), half(reversed(pts))
    return lower[:-1] + upper[:-1]


def main() -> None:
    raw = (ROOT / "reference" / "perimetre-epci-a-fp.csv").read_bytes().decode("cp1252")
    members = {r["insee"]: r["siren"] for r in csv.DictReader(io.StringIO(raw), delimiter=";")
               if r["siren"] in EPCI}
    communes = {r["code_insee"]: r for r in csv.DictReader(
        (ROOT / "reference" / "communes.csv").open(encoding="utf-8")) if r["type"] == "commune"}
    with gzip.open(ROOT / "benchmarks" / "data" / "commune-positions.csv.gz", "rt", encoding="utf-8") as f:
        pos = {r["code_insee"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)}
    codes = sorted(members)
    k = math.cos(math.radians(47.8))           # local equirectangular frame
    pts = {c: (pos[c][0] * k, pos[c][1]) for c in codes}
    assert len(set(pts.values())) == len(pts), "two communes at the same point"
    env = hull(list(pts.values()))
    cx = sum(p[0] for p in env) / len(env)
    cy = sum(p[1] for p in env) / len(env)
    env = [(cx + (x - cx) * 1.25, cy + (y - cy) * 1.25) for x, y in env]   # margin around the hull
    features = []
    for c in codes:
        cell = env
        px, py = pts[c]
        for o in codes:
            if o == c:
                continue
            qx, qy = pts[o]
            # points closer to p than to q: 2(q-p).x <= |q|^2 - |p|^2
            cell = clip(cell, 2 * (qx - px), 2 * (qy - py), qx * qx + qy * qy - px * px - py * py)
        ring = [[round(x / k, 5), round(y, 5)] for x, y in cell]
        ring.append(ring[0])
        r = communes[c]
        features.append({
            "type": "Feature",
            "properties": {
                "ID": f"STANDIN_COMMUNE_{c}",
                "NOM": r["nom"], "NOM_M": upper_ascii(r["nom"]), "INSEE_COM": c,
                "STATUT": "Sous-préfecture" if c == "68334" else "Commune simple",
                "POPULATION": int(r["population"]) if r["population"] else None,
                "INSEE_CAN": None, "INSEE_ARR": None,
                "INSEE_DEP": r["departement"], "INSEE_REG": r["region"],
                "SIREN_EPCI": members[c],
            },
            "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
        })
    doc = {"type": "FeatureCollection",
           "name": "COMMUNE",
           "stand_in": ("Synthetic geometry (Voronoi cells around approximate commune positions); "
                        "real codes, names, populations (COG 2026); ADMIN EXPRESS property names."),
           "features": features}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} communes, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
