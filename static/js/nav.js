// The header's menus (<details class="nav-menu">) work without this file; with it, opening one
// closes the other, and Escape or a click elsewhere closes an open menu.
(function () {
  "use strict";
  const menus = () => document.querySelectorAll(".nav-menu details");
  document.addEventListener("toggle", function (event) {
    const opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.closest(".nav-menu")) {
      return;
    }
    menus().forEach(function (menu) { if (menu !== opened) { menu.open = false; } });
  }, true);
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus().forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
})();
