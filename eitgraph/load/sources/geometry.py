"""Commune and EPCI outlines (read by :mod:`.geofiles`) → Territory nodes with a simplified outline, its
centroid and area. A commune is a 5-character INSEE code, an EPCI a 9-digit SIREN.

The outline is stored as the JSON text of GeoJSON MultiPolygon coordinates (WGS84 lon/lat, 5 decimals);
maps draw it, and place the actors that have no coordinates at their commune's centroid (flagged as
approximate on the page). What this dataset writes depends only on its file and options: the features
of communes the territory file did not load (neighbours) become Territory nodes with a name and an
outline, so that maps can draw them around the territory.
"""

from __future__ import annotations

import json
import re

from ...model.shapes import area_km2, as_multipolygon, centroid, point_count, simplify
from ..graphbatch import GraphBatch
from ..records import Record

COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
SIREN = re.compile(r"^\d{9}$")
METRES_PER_DEGREE = 111_195.0


def transform(records: list[Record], ctx) -> GraphBatch:
    tolerance = (ctx.options.get("tolerance_m") or 0) / METRES_PER_DEGREE
    departements = {d.zfill(2) for d in ctx.options.get("departement") or []}
    batch = GraphBatch()
    before = after = 0
    for rec in records:
        code, raw = rec.get("code"), rec.get("geometry")
        if code is None or raw is None:
            continue  # reported by the records
        code = code.upper()
        if not (COMMUNE.match(code) or SIREN.match(code)):
            ctx.problems.add(f"{code!r} is neither an INSEE commune code (5 characters) nor an EPCI SIREN "
                             "(9 digits)", rec.loc("code"))
            continue
        dep = rec.get("departement") or (code[:2] if COMMUNE.match(code) else None)
        if departements and dep not in departements:
            continue
        shape = as_multipolygon({"type": "MultiPolygon", "coordinates": json.loads(raw)})
        simple = simplify(shape, tolerance)
        if not simple:
            ctx.problems.add("the outline is empty once simplified", rec.loc("geometry"))
            continue
        before, after = before + point_count(shape), after + point_count(simple)
        lon, lat = centroid(shape)
        commune = bool(COMMUNE.match(code))
        batch.node("Territory", code, {
            "name": rec.get("name"), "kind": "commune" if commune else "epci",
            "departement": dep if commune else None,
            "outline": json.dumps(simple, separators=(",", ":")),
            "centroid_lat": round(lat, 6), "centroid_lon": round(lon, 6), "area_km2": round(area_km2(shape), 3),
        }, ["Commune" if commune else "EPCI"], rec.loc("code"))
    if before:
        ctx.note("outlines_simplified", f"outlines simplified to {ctx.options.get('tolerance_m') or 0:g} m: "
                 f"{after:,} points kept of {before:,}".replace(",", " "))
    return batch
