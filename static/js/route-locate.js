/* "Check in by location" at a route stop: asks the browser for the phone's position (WGS-84,
   as the server stores) and fills the form's latitude and longitude before it is sent. The
   server checks the 100 m radius. Without geolocation the form is sent empty and the server
   says so (the stop's QR code works instead). */
(function () {
  "use strict";
  var forms = document.querySelectorAll("[data-stop-locate]");
  Array.prototype.forEach.call(forms, function (form) {
    var latitude = form.querySelector("[name=latitude]");
    var longitude = form.querySelector("[name=longitude]");
    var status = form.querySelector("[data-locate-status]");
    var button = form.querySelector("[data-locate-submit]");
    function say(text) {
      status.textContent = text;
      status.hidden = !text;
    }
    form.addEventListener("submit", function (event) {
      if (latitude.value && longitude.value) return; // position filled: send it
      if (!("geolocation" in navigator)) return;
      event.preventDefault();
      button.disabled = true;
      say(status.getAttribute("data-locating"));
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          form.submit();
        },
        function () {
          button.disabled = false;
          say(status.getAttribute("data-denied"));
        },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 }
      );
    });
  });
})();
