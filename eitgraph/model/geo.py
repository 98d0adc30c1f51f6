"""Coordinates: Lambert-93 (EPSG:2154, used by SIRENE) to WGS84, and great-circle distances.

>>> lat, lon = lambert93_to_wgs84(652469.0, 6861635.0)   # central Paris; pyproj gives 48.853, 2.352
>>> round(lat, 3), round(lon, 3)
(48.853, 2.352)
>>> round(haversine_km(47.8086, 7.1733, 47.7486, 7.1067), 1)   # Thann to Cernay
8.3
"""

from __future__ import annotations

import math

# Lambert-93 projection constants (IGN, NTG_71 / ALG0004), GRS80 ellipsoid.
_N = 0.7256077650532670
_C = 11754255.426096
_XS = 700000.0
_YS = 12655612.049876
_LAMBDA0 = math.radians(3.0)
_E = 0.0818191910428158


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """Inverse Lambert conformal conic projection; returns (lat, lon) in degrees."""
    dx, dy = x - _XS, _YS - y
    r = math.hypot(dx, dy)
    gamma = math.atan2(dx, dy)
    lon = _LAMBDA0 + gamma / _N
    iso = -math.log(r / _C) / _N
    lat = 2 * math.atan(math.exp(iso)) - math.pi / 2
    for _ in range(20):
        esin = _E * math.sin(lat)
        nxt = 2 * math.atan(((1 + esin) / (1 - esin)) ** (_E / 2) * math.exp(iso)) - math.pi / 2
        if abs(nxt - lat) < 1e-12:
            lat = nxt
            break
        lat = nxt
    return math.degrees(lat), math.degrees(lon)


def in_metropolitan_lambert93(x: float, y: float) -> bool:
    """Plausible Lambert-93 coordinates for metropolitan France (with a margin)."""
    return 0 <= x <= 1_300_000 and 6_000_000 <= y <= 7_200_000


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))
