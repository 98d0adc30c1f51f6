"""The geographic context of a ``--geo`` map: the outlines of the territory's communes and of their
neighbours (loaded with ``eitgraph load geometry``), projected like the actors, with place names; the
scale of the page (for its scale bar); and, only when asked for, online map tiles with their attribution.

Without tiles the page makes no request: outlines and names are data inside the page, drawn on the
map's own canvas.

>>> tiles("osm")["attribution"]
'© OpenStreetMap contributors'
>>> tiles("https://tiles.example.org/{z}/{x}/{y}.png")["origin"]
'https://tiles.example.org'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import QueryError
from ..graphread import GraphRead
from ..model.shapes import bbox
from ..present.palette import epci_tint
from .layout import Projection

MARGIN = 0.18  # neighbours drawn around the territory: this share of its size on each side
TILES = {
    "ign": {"url": "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                   "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
                   "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
            "attribution": "© IGN – Plan IGN (Géoplateforme)"},
    "osm": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "attribution": "© OpenStreetMap contributors"},
}


@dataclass
class GeoContext:
    """What the read side gave for a geographic map: outlines around the frame, which are inside."""

    outlines: list[dict] = field(default_factory=list)  # code, name, kind, population, outline, lat, lon, epci
    inside: set[str] = field(default_factory=set)  # codes of the territory's communes (and EPCI)
    frame: tuple[float, float, float, float] | None = None  # west, south, east, north of the territory


def tiles(spec: str | None) -> dict | None:
    """The tile source of ``--tiles``: ``ign``, ``osm`` or a URL template with {z}, {x} and {y}."""
    if not spec:
        return None
    if spec in TILES:
        source = dict(TILES[spec])
    elif spec.startswith("https://") and all(k in spec for k in ("{z}", "{x}", "{y}")):
        source = {"url": spec, "attribution": urlsplit(spec).hostname or spec}
    else:
        raise QueryError(f"--tiles takes ign, osm or an https:// URL with {{z}}, {{x}} and {{y}}, not {spec!r}")
    parts = urlsplit(source["url"])
    source["origin"] = f"{parts.scheme}://{parts.netloc}"
    return source


def context(graph: GraphRead, territory: str | None, communes: set[str]) -> GeoContext:
    """Outlines of the territory's communes (``territory``, else the communes of the actors drawn) and
    of every outlined territory whose centre lies in the frame around them."""
    inside = graph.territories_within(territory) if territory else set(communes)
    own = graph.outlines_of(sorted(inside)) if inside else []
    if not own:
        return GeoContext(inside=inside)
    boxes = [bbox(json.loads(r["outline"])) for r in own]
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    dx, dy = (east - west) * MARGIN, (north - south) * MARGIN
    around = graph.outlines(west - dx, south - dy, east + dx, north + dy)
    return GeoContext(around, inside, (west, south, east, north))


def page_data(ctx: GeoContext, projection: Projection | None, source: dict | None) -> dict:
    """The ``geo`` member of the page's data: projected outlines (flat x, y lists, 0.1 px), names,
    pixels-to-metres for the scale bar, and the tiles when asked for."""
    data: dict = {"mpp": projection.metres_per_pixel if projection else None, "outlines": [], "tiles": None}
    if projection is None:
        return data
    shown = sorted(ctx.outlines, key=lambda r: (r["kind"] == "epci", r["code"] in ctx.inside))  # EPCI last
    for r in shown:
        inside = r["code"] in ctx.inside
        rings = []
        for polygon in json.loads(r["outline"]):
            for ring in polygon:
                flat = []
                for lon, lat in ring:
                    x, y = projection.xy(lat, lon)
                    flat += [round(x, 1), round(y, 1)]
                rings.append(flat)
        x, y = projection.xy(r["lat"], r["lon"])
        data["outlines"].append({
            "name": r["name"] or r["code"], "epci": r["kind"] == "epci", "in": inside, "rings": rings,
            "x": round(x, 1), "y": round(y, 1), "rank": r["population"] or 0,
            "fill": epci_tint(r["epci"]) if inside and r["kind"] != "epci" else None})
    if ctx.frame:
        west, south, east, north = ctx.frame
        (x0, y0), (x1, y1) = projection.xy(north, west), projection.xy(south, east)
        data["frame"] = [round(x0), round(y0), round(x1), round(y1)]
    if source:
        data["tiles"] = {**source, **_tile_window(ctx.frame, projection)}
    return data


def _tile_window(frame, projection: Projection) -> dict:
    """The Web-Mercator tiles covering the frame (plus its margin) at the zoom whose tiles are about
    256 px wide on the page, each with the page rectangle it covers."""
    west, south, east, north = frame
    dx, dy = (east - west) * MARGIN, (north - south) * MARGIN
    west, south, east, north = west - dx, south - dy, east + dx, north + dy
    metres = projection.metres_per_pixel * 256 / math.cos(math.radians(projection.lat0))
    z = max(5, min(17, round(math.log2(40_075_016 / metres))))

    def tile_xy(lat: float, lon: float) -> tuple[float, float]:
        n = 2 ** z
        r = math.radians(lat)
        return (lon + 180) / 360 * n, (1 - math.asinh(math.tan(r)) / math.pi) / 2 * n

    def lat_lon(tx: float, ty: float) -> tuple[float, float]:
        n = 2 ** z
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n)))), tx / n * 360 - 180

    x0, y0 = (int(v) for v in tile_xy(north, west))
    x1, y1 = (int(v) for v in tile_xy(south, east))
    items = []
    for tx in range(x0, x1 + 1):
        for ty in range(y0, y1 + 1):
            (la0, lo0), (la1, lo1) = lat_lon(tx, ty), lat_lon(tx + 1, ty + 1)
            (px0, py0), (px1, py1) = projection.xy(la0, lo0), projection.xy(la1, lo1)
            items.append([z, tx, ty, round(px0, 1), round(py0, 1), round(px1 - px0, 1), round(py1 - py0, 1)])
    return {"items": items[:400]}
