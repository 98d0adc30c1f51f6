"""Coordinates: the legal projections of France (Lambert-93 in metropolitan France, UTM in the DROM:
décret 2000-1276) to WGS84, and great-circle distances.

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


# Legal projections of the DROM (décret 2000-1276 as amended): (UTM zone, southern hemisphere).
DROM_UTM = {"971": (20, False), "972": (20, False), "973": (22, False), "974": (40, True), "976": (38, True)}
_A = 6378137.0
_FLAT = 1 / 298.257222101


def utm_to_wgs84(x: float, y: float, zone: int, south: bool) -> tuple[float, float]:
    """Inverse UTM (Krüger series, GRS80; sub-millimetre within the zone); returns (lat, lon).

    >>> lat, lon = utm_to_wgs84(338000.0, 7660000.0, 40, True)   # Saint-Denis (La Réunion)
    >>> round(lat, 3), round(lon, 3)
    (-21.154, 55.44)
    """
    n = _FLAT / (2 - _FLAT)
    a_hat = _A / (1 + n) * (1 + n * n / 4 + n ** 4 / 64)
    beta = (n / 2 - 2 * n * n / 3 + 37 * n ** 3 / 96, n * n / 48 + n ** 3 / 15, 17 * n ** 3 / 480)
    delta = (2 * n - 2 * n * n / 3 - 2 * n ** 3, 7 * n * n / 3 - 8 * n ** 3 / 5, 56 * n ** 3 / 15)
    xi = (y - (10_000_000.0 if south else 0.0)) / (0.9996 * a_hat)
    eta = (x - 500_000.0) / (0.9996 * a_hat)
    xi_ = xi - sum(b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(beta, 1))
    eta_ = eta - sum(b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(beta, 1))
    chi = math.asin(math.sin(xi_) / math.cosh(eta_))
    lat = chi + sum(d * math.sin(2 * j * chi) for j, d in enumerate(delta, 1))
    lon = math.radians(zone * 6 - 183) + math.atan2(math.sinh(eta_), math.cos(xi_))
    return math.degrees(lat), math.degrees(lon)


def legal_to_wgs84(x: float, y: float, departement: str) -> tuple[float, float] | None:
    """(lat, lon) of coordinates in the legal projection of a département's territory (Lambert-93 in
    metropolitan France, UTM in the DROM), or None when they cannot be there (or no projection is known,
    as in the collectivités d'outre-mer)."""
    if departement in DROM_UTM:
        if not (100_000 <= x <= 900_000 and 0 <= y <= 10_000_000):
            return None
        lat, lon = utm_to_wgs84(x, y, *DROM_UTM[departement])
        return lat, lon
    if len(departement) == 2 and in_metropolitan_lambert93(x, y):
        return lambert93_to_wgs84(x, y)
    return None


def in_metropolitan_lambert93(x: float, y: float) -> bool:
    """Plausible Lambert-93 coordinates for metropolitan France (with a margin)."""
    return 0 <= x <= 1_300_000 and 6_000_000 <= y <= 7_200_000


# Where French communes lie (WGS84 degrees, with a margin): metropolitan France with Corsica, then
# Guadeloupe, Martinique, Guyane, La Réunion, Mayotte, Saint-Pierre-et-Miquelon.
FRANCE_BOXES = (
    (41.0, 51.5, -5.8, 10.0), (15.7, 16.6, -61.9, -60.9), (14.3, 15.0, -61.3, -60.7), (2.0, 6.0, -54.7, -51.5),
    (-21.5, -20.8, 55.1, 56.0), (-13.1, -12.5, 44.9, 45.4), (46.7, 47.2, -56.5, -56.0),
)


def in_france(lat: float, lon: float) -> bool:
    """True when the point lies in France (metropolitan or overseas départements), roughly."""
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in FRANCE_BOXES)


def position_problem(lat: float | None, lon: float | None, french: bool) -> tuple[str, str] | None:
    """What is wrong with a WGS84 position, as (``"error"`` or ``"warning"``, message), or None.

    ``french``: the place is a French commune, so the point must lie in France. Latitude and longitude
    given the wrong way round are said to be swapped (an error for a French commune, else a warning).

    >>> position_problem(47.8086, 7.1733, True) is None
    True
    >>> position_problem(7.1733, 47.8086, True)[1]
    'latitude 7.1733 and longitude 47.8086 look swapped: the point would be in France the other way round'
    >>> position_problem(52.52, 13.40, True)[0], position_problem(52.52, 13.40, False)
    ('error', None)
    """
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return "error", "latitude and longitude must be given together, in degrees (WGS84)"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        if -90 <= lon <= 90 and -180 <= lat <= 180 and in_france(lon, lat):
            return "error", (f"latitude {lat:g} and longitude {lon:g} look swapped: the point would be in France "
                             "the other way round")
        return "error", f"latitude {lat:g} / longitude {lon:g} are not degrees (WGS84); Lambert-93 metres?"
    if in_france(lat, lon):
        return None
    if in_france(lon, lat):
        return ("error" if french else "warning"), (f"latitude {lat:g} and longitude {lon:g} look swapped: the "
                                                    "point would be in France the other way round")
    if french:
        return "error", f"latitude {lat:g} / longitude {lon:g} is outside France, but the commune is French"
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))
