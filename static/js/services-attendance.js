// Attendance sheet: "all present" / "all absent" buttons tick every row's radio.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-mark-all]");
  if (!button) return;
  const value = button.dataset.markAll;
  button.form.querySelectorAll(`input[type="radio"][value="${value}"]`).forEach((radio) => {
    radio.checked = true;
  });
});
