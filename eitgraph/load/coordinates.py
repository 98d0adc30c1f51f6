"""Coordinates written in any kind's file: WGS84 degrees (« Latitude » / « Longitude ») or Lambert-93 metres
(« X (Lambert 93) » / « Y (Lambert 93) », what SIRENE and IGN files give), checked and turned into WGS84.

Columns a loader declares for them (``loaders/*.yaml``): ``lat``, ``lon`` (degrees) and ``lambert_x``, ``lambert_y``
(Lambert-93 metres; UTM in the DROM when the row's commune is there).

>>> from eitgraph.errors import Problems
>>> class Ctx: problems = Problems()
>>> class Rec:
...     def __init__(self, **v): self.v = v
...     def get(self, k, d=None): return self.v.get(k, d)
...     def loc(self, c=None): return None
>>> point(Rec(lambert_x=1020000.0, lambert_y=6770000.0), Ctx())
(47.952156, 7.288957)
>>> point(Rec(lat=7.28, lon=47.95), Ctx(), "68376"), str(Ctx.problems.items[0])
(None, 'latitude 7.28 and longitude 47.95 look swapped: the point would be in France the other way round')
"""

from __future__ import annotations

from ..model.communes import departement_of
from ..model.geo import legal_to_wgs84, position_problem

COLUMNS = ("lat", "lon", "lambert_x", "lambert_y")


def located(where: tuple[float, float] | None) -> dict:
    """The properties coordinates from a file give an organisation: they win over geocoded ones, flags included."""
    if where is None:
        return {}
    return {"lat": where[0], "lon": where[1], "coordinates_from": "file", "coordinates_approximate": False}


def point(rec, ctx, commune: str | None = None) -> tuple[float, float] | None:
    """(lat, lon) in WGS84 degrees, rounded to 6 decimals (about 10 cm), from a record's ``lat``/``lon``
    or ``x``/``y`` columns; None (and a problem when something is written but wrong) otherwise."""
    lat, lon, x, y = map(rec.get, COLUMNS)
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            ctx.problems.add("latitude and longitude must be given together, in degrees (WGS84)", rec.loc("lat"))
            return None
        if (abs(lat) > 90 or abs(lon) > 180) and lat > 1000 and lon > 1000:
            ctx.problems.add(f"latitude {lat:g} / longitude {lon:g} are not degrees (WGS84) (these look like "
                             "Lambert-93 metres: put them in « X (Lambert 93) » / « Y (Lambert 93) » columns)",
                             rec.loc("lat"))
            return None
        wrong = position_problem(lat, lon, french=bool(commune))
        if wrong and wrong[0] == "error":
            ctx.problems.add(wrong[1], rec.loc("lat"))
            return None
        if wrong:
            ctx.note("coordinates", wrong[1], rec.loc("lat"))
        return round(lat, 6), round(lon, 6)
    if x is not None or y is not None:
        if x is None or y is None:
            ctx.problems.add("X and Y (Lambert-93) must be given together",
                             rec.loc("lambert_x" if x is None else "lambert_y"))
            return None
        dep = departement_of(commune) if commune else "68"
        found = legal_to_wgs84(x, y, dep)
        if found is None:
            where = "UTM (the legal projection of the DROM)" if dep.startswith("97") else "Lambert-93 metres in " \
                "metropolitan France (X 100,000–1,300,000, Y 6,000,000–7,200,000)"
            hint = " (degrees? put them in « Latitude » / « Longitude » columns)" if abs(x) <= 180 else ""
            ctx.problems.add(f"coordinates ({x:g}, {y:g}) are not {where}{hint}", rec.loc("lambert_x"))
            return None
        return round(found[0], 6), round(found[1], 6)
    return None
