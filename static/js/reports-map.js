/* Sentinel reports' maps, with the vendored Leaflet; data comes from JSON islands (the CSP
   forbids inline code).
   - [data-report-map] (/reports/): public markers at about 100 m, already in the tiles' system.
   - [data-report-picker] (/reports/new/): tap or drag a pin to fill the latitude/longitude
     fields. The form always holds WGS-84: with GCJ-02 tiles (AMap) a tapped point is converted
     back, and a typed or GPS point converted forward before it is drawn. */
(function () {
  "use strict";
  if (typeof window.L === "undefined") return;

  function island(container) {
    var node = document.getElementById(container.getAttribute("data-island"));
    return node ? JSON.parse(node.textContent) : null;
  }

  function baseMap(container, tiles) {
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, attributionControl: !!tiles });
    if (tiles) {
      var options = { attribution: tiles.attribution, maxZoom: tiles.maxZoom };
      if (tiles.subdomains) options.subdomains = tiles.subdomains;
      L.tileLayer(tiles.url, options).addTo(map);
      if (tiles.overlay) L.tileLayer(tiles.overlay, options).addTo(map);
    } else {
      container.classList.add("report-map-plain");
    }
    return map;
  }

  // WGS-84 -> GCJ-02: the published transform, as in stations/geo.py.
  var A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lat, lng) {
    return !(lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }
  function dLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function dLng(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function toGcj(lat, lng) {
    if (outOfChina(lat, lng)) return [lat, lng];
    var radLat = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    var la = dLat(lng - 105, lat - 35) * 180 / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    var lo = dLng(lng - 105, lat - 35) * 180 / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lat + la, lng + lo];
  }
  // GCJ-02 -> WGS-84 by fixed-point iteration: well under a metre after a few rounds.
  function fromGcj(lat, lng) {
    var wLat = lat, wLng = lng;
    for (var i = 0; i < 5; i++) {
      var g = toGcj(wLat, wLng);
      wLat += lat - g[0];
      wLng += lng - g[1];
    }
    return [wLat, wLng];
  }

  function publicMap(container) {
    var data = island(container);
    if (!data || !data.reports.length) return;
    var map = baseMap(container, data.tiles);
    // The view first: Leaflet cannot draw a vector marker on a map without one.
    var points = data.reports.map(function (r) { return [r.lat, r.lng]; });
    if (points.length === 1) map.setView(points[0], 16);
    else map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 16 });
    data.reports.forEach(function (report) {
      var marker = L.circleMarker([report.lat, report.lng], {
        radius: 8, weight: 2, color: "#ffffff",
        fillColor: report.open ? "#b45309" : "#1e7a3c", fillOpacity: 0.9,
      }).addTo(map);
      // Text nodes only: nothing from the data is parsed as HTML.
      var label = "#" + report.id + " " + report.category + " · " + report.state;
      var popup = document.createElement("div");
      popup.textContent = label;
      marker.bindPopup(popup);
      marker.bindTooltip(label);
    });
  }

  function picker(container) {
    var data = island(container);
    var latField = document.getElementById("id_latitude");
    var lngField = document.getElementById("id_longitude");
    if (!data || !latField || !lngField) return;
    var hint = document.querySelector("[data-picker-hint]");
    if (hint) hint.hidden = false;
    var map = baseMap(container, data.tiles);
    var marker = null;
    var toDisplay = data.gcj02 ? toGcj : function (lat, lng) { return [lat, lng]; };
    var fromDisplay = data.gcj02 ? fromGcj : function (lat, lng) { return [lat, lng]; };

    function fill(point) {
      var wgs = fromDisplay(point.lat, point.lng);
      latField.value = wgs[0].toFixed(6);
      lngField.value = wgs[1].toFixed(6);
      // The check for nearby reports (htmx) listens for changes.
      latField.dispatchEvent(new Event("change", { bubbles: true }));
      lngField.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function place(point) {
      if (marker) { marker.setLatLng(point); return; }
      marker = L.marker(point, { draggable: true, title: data.labels.pin, alt: data.labels.pin });
      marker.addTo(map);
      marker.on("dragend", function () { fill(marker.getLatLng()); });
    }
    function fromFields() {
      var lat = parseFloat(latField.value), lng = parseFloat(lngField.value);
      if (isNaN(lat) || isNaN(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return false;
      var shown = toDisplay(lat, lng);
      place(shown);
      map.setView(shown, Math.max(map.getZoom() || 0, 16));
      return true;
    }

    map.setView(data.centre, 14);
    fromFields();
    map.on("click", function (event) {
      place(event.latlng);
      fill(event.latlng);
    });
    latField.addEventListener("change", fromFields);
    lngField.addEventListener("change", fromFields);
  }

  document.querySelectorAll("[data-report-map]").forEach(publicMap);
  document.querySelectorAll("[data-report-picker]").forEach(picker);
})();
