// "Use my location" on /reports/new/: fills latitude/longitude from the phone's GPS (WGS-84).
// A change event follows, so the map pin moves and the check for nearby reports runs.
(function () {
  var button = document.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) return;
  var status = document.querySelector("[data-locate-status]");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        ["latitude", "longitude"].forEach(function (name) {
          var field = document.getElementById("id_" + name);
          field.value = position.coords[name].toFixed(6);
          field.dispatchEvent(new Event("change", { bubbles: true }));
        });
        status.textContent = "✓";
      },
      function (error) {
        status.textContent = error.message;
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
