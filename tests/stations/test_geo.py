"""WGS-84 to GCJ-02, distances, parsing a `near=` point; tile sources and the CSP."""

import pytest

from stations.geo import (
    approx_distance_m,
    haversine_m,
    out_of_china,
    parse_point,
    wgs84_to_gcj02,
)
from stations.maps import TILE_SOURCES, csp_img_sources, tile_source


class TestGcj02:
    def test_reference_point_in_beijing(self):
        # The published reference value of the standard transform (coordtransform's test:
        # wgs84togcj02(116.404, 39.915) -> [116.41024449916938, 39.91640428150164]).
        lat, lng = wgs84_to_gcj02(39.915, 116.404)
        assert lat == pytest.approx(39.91640428150164, abs=1e-12)
        assert lng == pytest.approx(116.41024449916938, abs=1e-12)

    def test_yangpu_shifts_by_a_few_hundred_metres_to_the_southeast(self):
        # At 五角场 GCJ-02 lies about 0.0020 degrees south and 0.0045 degrees east.
        lat, lng = wgs84_to_gcj02(31.2995, 121.5145)
        assert lat - 31.2995 == pytest.approx(-0.0020, abs=0.0003)
        assert lng - 121.5145 == pytest.approx(0.0045, abs=0.0003)
        assert 400 < haversine_m(31.2995, 121.5145, lat, lng) < 600

    @pytest.mark.parametrize(
        "point",
        [(51.5074, -0.1278), (35.6762, 139.6503), (55.7558, 37.6173), (-33.86, 151.21)],
        ids=["London", "Tokyo", "Moscow", "Sydney"],
    )
    def test_points_outside_china_are_unchanged(self, point):
        # The standard test is a rough box: it keeps e.g. Singapore inside, like every
        # implementation of the transform does.
        assert out_of_china(*point)
        assert wgs84_to_gcj02(*point) == point

    def test_points_in_china_move(self):
        assert not out_of_china(31.23, 121.47)
        assert wgs84_to_gcj02(31.23, 121.47) != (31.23, 121.47)


class TestDistance:
    def test_one_degree_of_latitude(self):
        assert haversine_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(111_195, rel=1e-4)

    @pytest.mark.parametrize(
        "there", [(31.3100, 121.5100), (31.3000, 121.5600), (31.2500, 121.4500)]
    )
    def test_city_scale_approximation_is_within_a_thousandth(self, there):
        here = (31.3000, 121.5100)
        exact = haversine_m(*here, *there)
        assert approx_distance_m(*here, *there) == pytest.approx(exact, rel=1e-3)


class TestParsePoint:
    @pytest.mark.parametrize(
        ("text", "point"),
        [
            ("31.30,121.51", (31.30, 121.51)),
            (" 31.30 , 121.51 ", (31.30, 121.51)),
            ("31.30，121.51", (31.30, 121.51)),  # a full-width comma, as Chinese keyboards type
            ("-33.9,151.2", (-33.9, 151.2)),
        ],
    )
    def test_valid(self, text, point):
        assert parse_point(text) == point

    @pytest.mark.parametrize("text", ["", "31.3", "a,b", "91,0", "0,181", "inf,0", "1,2,3"])
    def test_invalid(self, text):
        assert parse_point(text) is None


class TestTileSources:
    def test_empty_means_no_tiles_and_no_host(self):
        assert tile_source("") is None
        assert csp_img_sources("") == []

    def test_each_source_allows_exactly_its_hosts(self):
        assert csp_img_sources("osm") == ["https://tile.openstreetmap.org"]
        assert len(csp_img_sources("amap")) == 4
        assert all(host.endswith(".tianditu.gov.cn") for host in csp_img_sources("tianditu"))

    def test_only_amap_is_gcj02(self):
        assert {name for name, s in TILE_SOURCES.items() if s.gcj02} == {"amap"}

    def test_unknown_source_is_an_error(self):
        with pytest.raises(ValueError, match="unknown map tile source"):
            tile_source("google")

    def test_tianditu_key_goes_into_both_layers(self):
        config = tile_source("tianditu").client_config("KEY123")
        assert config["url"].endswith("tk=KEY123") and "LAYER=vec" in config["url"]
        assert config["overlay"].endswith("tk=KEY123") and "LAYER=cva" in config["overlay"]

    def test_every_url_uses_a_host_the_csp_allows(self):
        for source in TILE_SOURCES.values():
            for url in (source.url, source.overlay_url):
                if url:
                    expanded = url.replace("{s}", source.subdomains[:1] or "")
                    assert any(expanded.startswith(host + "/") for host in source.hosts), url
