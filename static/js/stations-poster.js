/* The poster's "print" button: shown only with JavaScript (the browser's own print works too). */
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
