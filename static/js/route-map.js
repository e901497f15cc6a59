/* Party-lesson route map: the stops in order, joined by a line, from the page's JSON data
   island, drawn with the vendored Leaflet. Coordinates arrive in the tiles' system (GCJ-02 for
   AMap, converted by the server). Visited stops are green. No inline code: the CSP forbids it. */
(function () {
  "use strict";
  if (typeof window.L === "undefined") return;
  var container = document.querySelector("[data-route-map]");
  if (!container) return;
  var island = document.getElementById(container.getAttribute("data-island"));
  if (!island) return;
  var data = JSON.parse(island.textContent);
  if (!data.stops.length) return;

  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false, attributionControl: !!data.tiles });
  if (data.tiles) {
    var options = { attribution: data.tiles.attribution, maxZoom: data.tiles.maxZoom };
    if (data.tiles.subdomains) options.subdomains = data.tiles.subdomains;
    L.tileLayer(data.tiles.url, options).addTo(map);
    if (data.tiles.overlay) L.tileLayer(data.tiles.overlay, options).addTo(map);
  } else {
    container.classList.add("station-map-plain");
  }
  var points = data.stops.map(function (s) { return [s.lat, s.lng]; });
  // The view first: Leaflet cannot draw vector layers on a map without one.
  if (points.length === 1) {
    map.setView(points[0], 16);
  } else {
    map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 17 });
  }
  L.polyline(points, { color: "#8c1d18", weight: 3, opacity: 0.7 }).addTo(map);
  data.stops.forEach(function (stop) {
    // An element, not a string: Leaflet would parse a string as HTML.
    var label = document.createElement("span");
    label.textContent = stop.name;
    L.circleMarker([stop.lat, stop.lng], {
      radius: 9,
      weight: 2,
      color: "#ffffff",
      fillColor: stop.visited ? "#1e7a3c" : "#8c1d18",
      fillOpacity: 0.95,
    })
      .addTo(map)
      .bindTooltip(label);
  });
})();
