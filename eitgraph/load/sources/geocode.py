"""Coordinates found by the national address base (``eitgraph geocode``) → the organisations they place.

Each row names an organisation of the graph (its id, and its SIRET when it has one); the dataset adds its
coordinates, where they come from and how precise they are. A row whose organisation is not in the graph
any more is an error (run ``eitgraph geocode`` again): this kind never creates organisations.
"""

from __future__ import annotations

from ..graphbatch import GraphBatch
from ..identity import usable_handle
from ..records import Record

KNOWN = "UNWIND $ids AS i MATCH (o:Organisation {id: i}) RETURN collect(o.id) AS found"


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    ids = sorted({r.get("id") for r in records if r.get("id")})
    rows = ctx.lookup(KNOWN, {"ids": ids}) if ids else []
    known = set(rows[0]["found"]) if rows else set()
    for rec in records:
        org, lat, lon = rec.get("id"), rec.get("lat"), rec.get("lon")
        if not org or lat is None or lon is None:
            continue
        if org not in known:
            ctx.problems.add(f"organisation {org!r} is not in the graph any more; run eitgraph geocode again",
                             rec.loc("id"))
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            ctx.problems.add(f"latitude {lat:g} / longitude {lon:g} are not degrees", rec.loc("lat"))
            continue
        props = {"lat": round(lat, 6), "lon": round(lon, 6), "coordinates_from": "geocode",
                 "coordinates_approximate": (rec.get("match") or "") != "housenumber",
                 "coordinates_score": rec.get("score"), "siret": rec.get("siret"), "commune_code": rec.get("commune"),
                 # Evidence: the files that name it find it again by name and commune (its last in precedence).
                 "name": rec.get("name")}
        # How the write plan finds the organisation: its SIRET, else its id as a handle (not kept).
        if usable_handle(org):
            props["_handle"] = org
        batch.node("Organisation", f"g:{org}", props, location=rec.loc("id"))
    return batch
