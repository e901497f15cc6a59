// The admin export page's "select all" toggle, bound here because the strict CSP forbids the
// inline onchange= of django-import-export's template (templates/admin/import_export/export.html).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof onSelectToggleChange === "function") {
        onSelectToggleChange(event);
      } else {
        document
          .querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
          .forEach(function (box) {
            box.checked = toggle.checked;
          });
      }
    });
  });
});
