"""Links that open a phone's map app at a station, with the station's WGS-84 coordinates
(each URL says so, where the app takes a coordinate system: AMap `coordinate=wgs84`, Baidu
`coord_type=wgs84`; Apple Maps takes WGS-84)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

SOURCE = "yangpu.portal"


@dataclass(frozen=True)
class NavigateLink:
    label: str
    url: str
    key: str


def navigate_links(station) -> list[NavigateLink]:
    lat, lng, name = station.latitude, station.longitude, station.name
    baidu = {
        "location": f"{lat},{lng}",
        "title": name,
        "content": station.address,
        "coord_type": "wgs84",
        "src": SOURCE,
    }
    return [
        NavigateLink(
            _("高德地图"),
            "https://uri.amap.com/marker?"
            + urlencode(
                {
                    "position": f"{lng},{lat}",
                    "name": name,
                    "coordinate": "wgs84",
                    "callnative": 1,
                    "src": SOURCE,
                }
            ),
            "amap",
        ),
        NavigateLink(_("苹果地图"), f"https://maps.apple.com/?daddr={lat},{lng}", "apple"),
        NavigateLink(_("百度地图App"), "baidumap://map/marker?" + urlencode(baidu), "baidu-app"),
        NavigateLink(
            _("百度地图网页版"),
            "https://api.map.baidu.com/marker?" + urlencode({**baidu, "output": "html"}),
            "baidu",
        ),
    ]
