"""The reading step of the ``geometry`` loader kind: commune or EPCI outlines from the files territories
hold (IGN ADMIN EXPRESS and its derivatives) → a :class:`~eitgraph.load.tables.Table`, one row per
feature: its attributes as text cells and a ``geometry`` cell holding the outline (GeoJSON
MultiPolygon coordinates in WGS84 lon/lat, as JSON text).

* **GeoJSON** (``.geojson``, ``.json``): RFC 7946 (WGS84), or an older file declaring Lambert-93
  (``EPSG:2154``) in its ``crs`` member.
* **GeoPackage** (``.gpkg``, read with Python's own sqlite3): the layer named by ``--sheet``, else the one
  layer, else the layer called ``COMMUNE``; WGS84 or Lambert-93 (``srs_id`` 4326 / 2154).
* **Shapefile** (``.shp`` with its ``.dbf``, read with the pure-Python ``pyshp``): WGS84 or Lambert-93
  (from the ``.prj``); the ``.cpg`` names the attribute encoding (UTF-8 otherwise).

Any other projection is an error that says how to convert the file (``ogr2ogr -t_srs EPSG:4326``).
"""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

from ...errors import InputError, Location
from ...model.geo import lambert93_to_wgs84
from ...model.shapes import MultiPolygon, as_multipolygon
from ..tables import Table

SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
CONVERT = ("convert it to GeoJSON in WGS84 first: ogr2ogr -f GeoJSON -t_srs EPSG:4326 communes.geojson "
           "COMMUNE.shp")


def read(path: str | Path, sheet: str | None = None, **_ignored) -> Table:
    """The loader's reading step (``sheet`` names a GeoPackage layer; encoding and delimiter do not apply)."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", Location(str(path)))
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        features = _geojson(path)
    elif suffix == ".gpkg":
        features = _geopackage(path, sheet)
    elif suffix == ".shp":
        features = _shapefile(path)
    else:
        raise InputError(f"not a geometry file ({path.suffix or 'no suffix'}); expected {', '.join(SUFFIXES)}",
                         Location(path.name))
    headers: list[str] = []
    for props, _ in features:
        headers += [k for k in props if k not in headers and k != "geometry"]
    table = Table(path.name, sheet, 0, [*headers, "geometry"])
    for i, (props, shape) in enumerate(features, start=1):
        cells = [_text(props.get(h)) for h in headers]
        table.rows.append((i, [*cells, json.dumps(shape, separators=(",", ":")) if shape else None]))
    return table


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _to_wgs84(shape: MultiPolygon, lambert: bool) -> MultiPolygon:
    if not lambert:
        return shape
    return [[[list(reversed(lambert93_to_wgs84(p[0], p[1]))) for p in ring] for ring in polygon] for polygon in shape]


def _looks_projected(shape: MultiPolygon) -> bool:
    p = shape[0][0][0]
    return abs(p[0]) > 360 or abs(p[1]) > 90


def _check_projection(shape: MultiPolygon, lambert: bool, where: Location) -> MultiPolygon:
    if not lambert and shape and _looks_projected(shape):
        raise InputError(f"coordinates like {shape[0][0][0][:2]} are not longitudes and latitudes, and the file "
                         f"does not say they are Lambert-93; {CONVERT}", where)
    return _to_wgs84(shape, lambert)


# -- GeoJSON ---------------------------------------------------------------------------------------
def _geojson(path: Path) -> list[tuple[dict, MultiPolygon | None]]:
    where = Location(path.name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a GeoJSON file: {exc}", where) from None
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise InputError("a GeoJSON FeatureCollection is expected", where)
    crs = json.dumps(doc.get("crs") or "")
    lambert = "2154" in crs
    if crs != '""' and not lambert and not any(x in crs for x in ("4326", "CRS84")):
        raise InputError(f"the file declares the projection {crs}; {CONVERT}", where)
    out = []
    for i, feature in enumerate(doc.get("features", [doc] if doc["type"] == "Feature" else []), start=1):
        at = Location(path.name, None, i)
        geometry = feature.get("geometry")
        try:
            shape = as_multipolygon(geometry) if geometry else None
        except ValueError as exc:
            raise InputError(f"feature {i}: {exc}", at) from None
        out.append((feature.get("properties") or {}, _check_projection(shape, lambert, at) if shape else None))
    return out


# -- GeoPackage (SQLite; geometry = GeoPackage header + WKB) ------------------------------------------
def _geopackage(path: Path, layer: str | None) -> list[tuple[dict, MultiPolygon | None]]:
    where = Location(path.name)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        layers = db.execute("SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns").fetchall()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"not a GeoPackage: {exc}", where) from None
    names = [name for name, _, _ in layers]
    chosen = [x for x in layers if layer and x[0].lower() == layer.lower()] if layer else (
        layers if len(layers) == 1 else [x for x in layers if x[0].lower() == "commune"])
    if not chosen:
        raise InputError(f"choose a layer with --sheet: {', '.join(names) or 'the file has none'}", where)
    table, column, srs = chosen[0]
    if srs not in (4326, 2154):
        raise InputError(f"layer {table} is in projection {srs}; {CONVERT}", where)
    cursor = db.execute(f'SELECT * FROM "{table}"')
    fields = [d[0] for d in cursor.description]
    out = []
    for i, row in enumerate(cursor, start=1):
        props = dict(zip(fields, row, strict=True))
        blob = props.pop(column)
        props.pop("fid", None)
        try:
            shape = _gpkg_geometry(blob) if blob else None
        except (ValueError, struct.error) as exc:
            raise InputError(f"feature {i}: unreadable geometry ({exc})", Location(path.name, table, i)) from None
        out.append((props, _check_projection(shape, srs == 2154, Location(path.name, table, i)) if shape else None))
    db.close()
    return out


def _gpkg_geometry(blob: bytes) -> MultiPolygon:
    if blob[:2] != b"GP":
        raise ValueError("no GeoPackage geometry header")
    flags = blob[3]
    envelope = (0, 32, 48, 48, 64)[(flags >> 1) & 7]
    return wkb_multipolygon(blob[8 + envelope:])


def wkb_multipolygon(data: bytes) -> MultiPolygon:
    """A WKB Polygon or MultiPolygon (2D, Z, M or ZM; ISO or EWKB flags) as MultiPolygon coordinates.

    >>> ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    >>> wkb = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", 4) + b"".join(struct.pack("<dd", *p) for p in ring)
    >>> wkb_multipolygon(wkb)
    [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]
    """
    shape, _ = _wkb(data, 0)
    return shape


def _wkb(data: bytes, at: int) -> tuple[MultiPolygon, int]:
    order = "<" if data[at] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", data, at + 1)
    at += 5
    dims = 2
    if code & 0x20000000:  # EWKB: an SRID follows
        at += 4
    dims += bool(code & 0x80000000) + bool(code & 0x40000000)
    code &= 0x0FFFFFFF
    if code > 1000:  # ISO: 1000s Z, 2000s M, 3000s ZM
        dims += (code // 1000 == 3) + 1 if code // 1000 < 4 else 0
        code %= 1000
    if code == 3:
        polygon, at = _wkb_polygon(data, at, order, dims)
        return [polygon], at
    if code == 6:
        (count,) = struct.unpack_from(order + "I", data, at)
        at += 4
        shapes = []
        for _ in range(count):
            part, at = _wkb(data, at)
            shapes += part
        return shapes, at
    raise ValueError(f"geometry type {code} is not a polygon")


def _wkb_polygon(data: bytes, at: int, order: str, dims: int) -> tuple[list, int]:
    (rings,) = struct.unpack_from(order + "I", data, at)
    at += 4
    out = []
    for _ in range(rings):
        (n,) = struct.unpack_from(order + "I", data, at)
        at += 4
        values = struct.unpack_from(order + "d" * (n * dims), data, at)
        at += 8 * n * dims
        out.append([[values[i * dims], values[i * dims + 1]] for i in range(n)])
    return out, at


# -- Shapefile -------------------------------------------------------------------------------------
def _shapefile(path: Path) -> list[tuple[dict, MultiPolygon | None]]:
    import shapefile  # pyshp: pure Python, a dependency of eitgraph

    where = Location(path.name)
    cpg = path.with_suffix(".cpg")
    encoding = cpg.read_text(encoding="ascii", errors="ignore").strip() if cpg.exists() else "utf-8"
    prj = path.with_suffix(".prj")
    projection = prj.read_text(encoding="utf-8", errors="ignore") if prj.exists() else ""
    lambert = "lambert_93" in projection.lower() or "lambert-93" in projection.lower() or "2154" in projection
    if projection and not lambert and "WGS" not in projection.upper():
        raise InputError(f"the .prj names another projection than WGS84 or Lambert-93; {CONVERT}", where)
    try:
        reader = shapefile.Reader(str(path), encoding=encoding or "utf-8", encodingErrors="replace")
    except shapefile.ShapefileException as exc:
        raise InputError(f"not a readable shapefile: {exc}", where) from None
    out = []
    with reader:
        for i, record in enumerate(reader.iterShapeRecords(), start=1):
            geometry = record.shape.__geo_interface__ if record.shape.points else None
            shape = as_multipolygon(geometry) if geometry else None
            shape = [[[list(p[:2]) for p in ring] for ring in polygon] for polygon in shape] if shape else None
            out.append((record.record.as_dict(), _check_projection(shape, lambert, Location(path.name, None, i))
                        if shape else None))
    return out
