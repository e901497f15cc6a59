/* "Use my location": asks the browser for the phone's position (WGS-84, which is what the
   server stores). On the finder it fills `near` and submits; on a survey form it fills
   latitude and longitude. Without JavaScript or geolocation the button stays hidden. */
(function () {
  "use strict";
  var form = document.querySelector("[data-station-filters], [data-locate-form]");
  if (!form || !("geolocation" in navigator)) return;
  var button = form.querySelector("[data-locate]");
  var status = form.querySelector("[data-locate-status]");
  var near = form.querySelector("[name=near]");
  var latitude = form.querySelector("[name=latitude]");
  var longitude = form.querySelector("[name=longitude]");
  if (!button || !(near || (latitude && longitude))) return;

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    say(status.getAttribute("data-locating"));
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var lat = position.coords.latitude.toFixed(6);
        var lng = position.coords.longitude.toFixed(6);
        button.disabled = false;
        say("");
        if (near) {
          near.value = lat + "," + lng;
          form.submit();
        } else {
          latitude.value = lat;
          longitude.value = lng;
        }
      },
      function () {
        button.disabled = false;
        say(status.getAttribute("data-denied"));
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
