/* The dashboard's coverage map, with the vendored Leaflet; data from the JSON island (the CSP
   forbids inline code). Coordinates arrive already in the tiles' system. Streets are circles
   at their centres, shaded by the coverage gap; stations are dots; outlets small squares. */
(function () {
  "use strict";
  if (typeof window.L === "undefined") return;
  var container = document.querySelector("[data-dashboard-map]");
  if (!container) return;
  var node = document.getElementById(container.getAttribute("data-island"));
  var data = node ? JSON.parse(node.textContent) : null;
  if (!data) return;
  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false, attributionControl: !!data.tiles });
  if (data.tiles) {
    var options = { attribution: data.tiles.attribution, maxZoom: data.tiles.maxZoom };
    if (data.tiles.subdomains) options.subdomains = data.tiles.subdomains;
    L.tileLayer(data.tiles.url, options).addTo(map);
  }
  var colours = ["#6aa84f", "#f6b26b", "#e8743b", "#b3261e", "#5c0f0b"];
  var bounds = [];
  data.streets.forEach(function (s) {
    bounds.push(s.centre);
    L.circle(s.centre, {
      radius: 700, color: colours[s.level], weight: 2, fillColor: colours[s.level], fillOpacity: 0.35
    }).bindPopup(s.name + " · " + data.labels.gap + ": " + s.text).addTo(map);
  });
  data.stations.forEach(function (p) {
    bounds.push([p[0], p[1]]);
    L.circleMarker([p[0], p[1]], { radius: 5, color: "#1a5fb4", weight: 1, fillOpacity: 0.9 })
      .bindPopup(data.labels.station + ": " + p[2]).addTo(map);
  });
  data.outlets.forEach(function (p) {
    bounds.push([p[0], p[1]]);
    L.circleMarker([p[0], p[1]], { radius: 3, color: "#444", weight: 1, fillOpacity: 0.6 })
      .bindPopup(data.labels.outlet + ": " + p[2] + " (" + p[3] + ")").addTo(map);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  } else {
    map.setView([31.27, 121.526], 12);
  }
}());
