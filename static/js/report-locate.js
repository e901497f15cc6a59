// "Use my location" on /reports/new/: fills latitude/longitude from the phone's GPS (WGS-84).
(function () {
  var button = document.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) return;
  var status = document.querySelector("[data-locate-status]");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        status.textContent = "✓";
      },
      function (error) {
        status.textContent = error.message;
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
