/* Station map: draws markers from the page's JSON data island with the vendored Leaflet.
   Coordinates arrive already in the tiles' system (GCJ-02 for AMap, converted by the server).
   No tiles configured: markers on a plain background. No inline code: the CSP forbids it. */
(function () {
  "use strict";
  if (typeof window.L === "undefined") return;

  function init(container) {
    var island = document.getElementById(container.getAttribute("data-island"));
    if (!island) return;
    var data = JSON.parse(island.textContent);
    var outlets = data.outlets || [];
    if (!data.stations.length && !outlets.length && !data.you) return;

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

    // The view is set before any marker is added: Leaflet cannot draw a vector marker on a map
    // without a view (it throws reading the renderer's bounds).
    var points = data.stations.concat(outlets).map(function (m) { return [m.lat, m.lng]; });
    if (data.you) points.push(data.you);
    if (points.length === 1) {
      map.setView(points[0], 16);
    } else {
      map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 16 });
    }

    var stationLayer = L.layerGroup().addTo(map);
    data.stations.forEach(function (station) {
      var marker = L.circleMarker([station.lat, station.lng], {
        radius: 9,
        weight: 2,
        color: "#ffffff",
        fillColor: station.open ? "#1e7a3c" : "#8c1d18",
        fillOpacity: 0.95,
      }).addTo(stationLayer);
      // Built from text nodes: a station name is never parsed as HTML.
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = station.url;
      link.textContent = station.name;
      var state = document.createElement("div");
      state.textContent = station.open ? data.labels.open : data.labels.closed;
      popup.appendChild(link);
      popup.appendChild(state);
      marker.bindPopup(popup);
      marker.bindTooltip(station.name);
    });
    // The organizers' layer (the outlet page only): gold circles sized by the riders there.
    if (data.outlets) {
      var outletLayer = L.layerGroup().addTo(map);
      outlets.forEach(function (outlet) {
        var marker = L.circleMarker([outlet.lat, outlet.lng], {
          radius: Math.min(6 + Math.sqrt(outlet.riders), 18),
          weight: 2,
          color: "#6b4a00",
          fillColor: "#c8911b",
          fillOpacity: 0.8,
        }).addTo(outletLayer);
        var popup = document.createElement("div");
        var link = document.createElement("a");
        link.href = outlet.url;
        link.textContent = outlet.name;
        var riders = document.createElement("div");
        riders.textContent = data.labels.riders + ": " + outlet.riders;
        popup.appendChild(link);
        popup.appendChild(riders);
        marker.bindPopup(popup);
        marker.bindTooltip(outlet.name);
      });
      var layers = {};
      layers[data.labels.outlets] = outletLayer;
      layers[data.labels.stations] = stationLayer;
      L.control.layers(null, layers, { collapsed: false }).addTo(map);
    }
    if (data.you) {
      L.circleMarker(data.you, {
        radius: 7, weight: 3, color: "#1a5fb4", fillColor: "#ffffff", fillOpacity: 1,
      }).addTo(map).bindTooltip(data.labels.you);
    }
  }

  document.querySelectorAll("[data-station-map]").forEach(init);
})();
