"""Coordinates: WGS-84 (what the portal stores and phones report) to GCJ-02 (what Chinese map
tiles such as AMap use), and distances within a city.

`wgs84_to_gcj02` is the standard published transform (Krasovsky 1940 ellipsoid, the
"eviltransform" polynomial), accurate to about a metre against GCJ-02 map data; points outside
mainland China's bounding box are returned unchanged, as every implementation does. The reverse
direction is never needed: stored coordinates stay WGS-84 and are converted only for display."""

import math

# Krasovsky 1940: semi-major axis and first eccentricity squared.
_A = 6378245.0
_EE = 0.00669342162296594323

# Shanghai municipality, generously: (south, north, west, east) in WGS-84 degrees. Imported
# station and outlet coordinates must fall inside (a swapped latitude/longitude or a GCJ-02 or
# BD-09 copy from a map app's share link lands far off or, for the latter two, is caught by eye).
SHANGHAI_BOUNDS = (30.6, 31.9, 120.8, 122.2)

# Mean Earth radius (IUGG), for distances.
EARTH_RADIUS_M = 6371008.8


def in_shanghai(latitude: float, longitude: float) -> bool:
    south, north, west, east = SHANGHAI_BOUNDS
    return south <= latitude <= north and west <= longitude <= east


def out_of_china(latitude: float, longitude: float) -> bool:
    """Outside the rough box where GCJ-02 applies (the usual bounds of the transform)."""
    return not (72.004 <= longitude <= 137.8347 and 0.8293 <= latitude <= 55.8271)


def _delta_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _delta_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(latitude: float, longitude: float) -> tuple[float, float]:
    """(latitude, longitude) in WGS-84 to GCJ-02; unchanged outside China."""
    if out_of_china(latitude, longitude):
        return latitude, longitude
    d_lat = _delta_lat(longitude - 105.0, latitude - 35.0)
    d_lng = _delta_lng(longitude - 105.0, latitude - 35.0)
    rad_lat = latitude / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return latitude + d_lat, longitude + d_lng


def metres_per_degree(latitude: float) -> tuple[float, float]:
    """Metres per degree of latitude and of longitude near `latitude`."""
    per_lat = EARTH_RADIUS_M * math.pi / 180.0
    return per_lat, per_lat * math.cos(math.radians(latitude))


def approx_distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Equirectangular distance, scaled at the first point's latitude: what the finder's SQL
    computes (`StationQuerySet.with_distance_from`). Within 0.1 % of `haversine_m` at city scale."""
    per_lat, per_lng = metres_per_degree(lat1)
    return math.hypot((lat2 - lat1) * per_lat, (lng2 - lng1) * per_lng)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def parse_point(text: str) -> tuple[float, float] | None:
    """`"31.30,121.51"` to (latitude, longitude); None when malformed or out of range."""
    parts = (text or "").replace("，", ",").split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = (float(part.strip()) for part in parts)
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude
