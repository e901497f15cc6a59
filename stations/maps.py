"""Map tile sources for the station finder, chosen by the `STATIONS_MAP_TILES` setting.

Coordinates are stored in WGS-84. AMap's tiles are drawn in GCJ-02, so with that source markers
are converted at display time (`geo.wgs84_to_gcj02`); OpenStreetMap is WGS-84 and Tianditu
CGCS2000, which differs from WGS-84 by centimetres. An empty setting means no tiles: markers on a
plain background, with no request to another host (tests and offline installs use this).

This module is imported by settings (for the CSP), so it imports nothing from Django."""

from collections.abc import Callable
from dataclasses import dataclass

from stations.geo import wgs84_to_gcj02


@dataclass(frozen=True)
class TileSource:
    name: str
    url: str  # Leaflet URL template
    attribution: str
    hosts: tuple[str, ...]  # what CSP img-src must allow
    subdomains: str = ""
    max_zoom: int = 18
    gcj02: bool = False  # tiles are GCJ-02: convert WGS-84 markers before drawing
    overlay_url: str = ""  # labels drawn over the base layer (Tianditu)

    def client_config(self, key: str = "") -> dict:
        """What the map script needs (the data island's `tiles`)."""
        return {
            "url": self.url.replace("{key}", key),
            "overlay": self.overlay_url.replace("{key}", key),
            "attribution": self.attribution,
            "subdomains": self.subdomains,
            "maxZoom": self.max_zoom,
        }


_TIANDITU_WMTS = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)

TILE_SOURCES = {
    "osm": TileSource(
        name="osm",
        url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution="© OpenStreetMap contributors",
        hosts=("https://tile.openstreetmap.org",),
        max_zoom=19,
    ),
    # 天地图 (the national platform): needs a key, STATIONS_TIANDITU_KEY. Vector base + labels.
    "tianditu": TileSource(
        name="tianditu",
        url=_TIANDITU_WMTS.replace("{layer}", "vec"),
        overlay_url=_TIANDITU_WMTS.replace("{layer}", "cva"),
        attribution="© 天地图",
        hosts=tuple(f"https://t{n}.tianditu.gov.cn" for n in range(8)),
        subdomains="01234567",
    ),
    # 高德 (AMap) street tiles, in GCJ-02.
    "amap": TileSource(
        name="amap",
        url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
        attribution="© 高德地图",
        hosts=tuple(f"https://webrd0{n}.is.autonavi.com" for n in range(1, 5)),
        subdomains="1234",
        gcj02=True,
    ),
}


def tile_source(name: str) -> TileSource | None:
    """The source called `name`; None for "" (no tiles). Raises ValueError on an unknown name."""
    name = (name or "").strip().lower()
    if not name:
        return None
    try:
        return TILE_SOURCES[name]
    except KeyError:
        raise ValueError(
            f"unknown map tile source {name!r}: use one of {sorted(TILE_SOURCES)} or empty"
        ) from None


def csp_img_sources(name: str) -> list[str]:
    """The hosts the CSP's img-src must add for tile source `name` (none when empty)."""
    source = tile_source(name)
    return list(source.hosts) if source else []


def _unchanged(latitude: float, longitude: float) -> tuple[float, float]:
    return latitude, longitude


def for_display(name: str, key: str = "") -> tuple[dict | None, Callable[[float, float], tuple]]:
    """What a page's map needs: the tiles' client config (None: no tiles) and the function that
    turns a stored WGS-84 point into the tiles' system (GCJ-02 for AMap)."""
    source = tile_source(name)
    if source is None:
        return None, _unchanged
    return source.client_config(key), wgs84_to_gcj02 if source.gcj02 else _unchanged
