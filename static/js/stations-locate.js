/* "Use my location": asks the browser for the phone's position (WGS-84, which is what the
   server expects), puts it into the finder's `near` field and submits. Without JavaScript or
   geolocation the button stays hidden and the finder works without it. */
(function () {
  "use strict";
  var form = document.querySelector("[data-station-filters]");
  if (!form || !("geolocation" in navigator)) return;
  var button = form.querySelector("[data-locate]");
  var status = form.querySelector("[data-locate-status]");
  var near = form.querySelector("[name=near]");
  if (!button || !near) return;

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
        near.value =
          position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
        form.submit();
      },
      function () {
        button.disabled = false;
        say(status.getAttribute("data-denied"));
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
