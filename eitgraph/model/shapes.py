"""Outlines of territories (GeoJSON ``MultiPolygon`` coordinates, lon/lat in WGS84): simplification,
centroid, area and bounding box, in plain Python (a commune has a few hundred points).

>>> square = [[[[7.0, 47.0], [7.1, 47.0], [7.1, 47.1], [7.0, 47.1], [7.0, 47.0]]]]
>>> lon, lat = centroid(square); round(lon, 3), round(lat, 3)
(7.05, 47.05)
>>> round(area_km2(square))          # 0.1° × 0.1° at 47° N
84
>>> bbox(square)
(7.0, 47.0, 7.1, 47.1)
>>> line = [[0, 0], [1, 0.00001], [2, 0], [2, 1], [0, 1], [0, 0]]
>>> simplify_ring(line, 0.001)
[[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]]
"""

from __future__ import annotations

import itertools
import math

Ring = list[list[float]]
MultiPolygon = list[list[Ring]]  # polygons → rings (outer first, then holes) → [lon, lat] points
EARTH_KM = 6371.0088


def as_multipolygon(geometry: dict) -> MultiPolygon:
    """The coordinates of a GeoJSON Polygon or MultiPolygon as a MultiPolygon; ValueError otherwise."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"a commune or EPCI outline must be a Polygon or MultiPolygon, not {kind or 'nothing'}")


def _segment_distance(p, a, b, k: float) -> float:
    """Distance from p to the segment ab, in degrees of latitude (longitudes scaled by k = cos(lat))."""
    px, py, ax, ay, bx, by = p[0] * k, p[1], a[0] * k, a[1], b[0] * k, b[1]
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on a closed ring (``tolerance`` in degrees of latitude; 0.0003 ≈ 33 m). The ring
    keeps at least four points (a triangle, closed) when it had them."""
    if len(ring) <= 4 or tolerance <= 0:
        return ring
    k = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
    # Split the closed ring at its first point and the point farthest from it, simplify both halves.
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    keep = [False] * len(ring)
    keep[0] = keep[far] = keep[-1] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _segment_distance(ring[i], ring[first], ring[last], k)
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    out = [p for p, kept in zip(ring, keep, strict=True) if kept]
    return out if len(out) >= 4 else ring


def simplify(shape: MultiPolygon, tolerance: float, digits: int = 5) -> MultiPolygon:
    """Every ring simplified and rounded to ``digits`` decimals (5 ≈ 1 m); rings that collapse go."""
    out = []
    for polygon in shape:
        rings = []
        for ring in polygon:
            r = [[round(p[0], digits), round(p[1], digits)] for p in simplify_ring(ring, tolerance)]
            r = [p for i, p in enumerate(r) if i == 0 or p != r[i - 1]]
            if len(r) >= 4:
                rings.append(r)
        if rings:
            out.append(rings)
    return out


def _ring_area_centroid(ring: Ring, k: float) -> tuple[float, float, float]:
    """Signed area (degrees², longitudes scaled by k) and centroid (lon, lat) of a ring."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * k * y1 - x1 * k * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a / 2, cx / (3 * a), cy / (3 * a)


def centroid(shape: MultiPolygon) -> tuple[float, float]:
    """(lon, lat) of the area-weighted centroid (holes subtracted)."""
    k = _cos(shape)
    total = sx = sy = 0.0
    for polygon in shape:
        for i, ring in enumerate(polygon):
            a, x, y = _ring_area_centroid(ring, k)
            a = abs(a) * (1 if i == 0 else -1)
            total += a
            sx += a * x
            sy += a * y
    if total == 0:
        points = [p for polygon in shape for p in polygon[0]]
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    return sx / total, sy / total


def area_km2(shape: MultiPolygon) -> float:
    k = _cos(shape)
    degrees2 = sum(abs(_ring_area_centroid(ring, k)[0]) * (1 if i == 0 else -1)
                   for polygon in shape for i, ring in enumerate(polygon))
    return degrees2 * (math.pi / 180 * EARTH_KM) ** 2


def bbox(shape: MultiPolygon) -> tuple[float, float, float, float]:
    """(west, south, east, north)."""
    xs = [p[0] for polygon in shape for ring in polygon for p in ring]
    ys = [p[1] for polygon in shape for ring in polygon for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _cos(shape: MultiPolygon) -> float:
    lats = [p[1] for polygon in shape for p in polygon[0]]
    return math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0


def point_count(shape: MultiPolygon) -> int:
    return sum(len(ring) for polygon in shape for ring in polygon)
