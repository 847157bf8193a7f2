// Progressive enhancement only: every page works without this file (no inline script: strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-hide-when-scripted").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("select.js-autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // Bulk selection: a "select all" box toggles the row boxes of its form.
  document.querySelectorAll("input.js-select-all").forEach(function (box) {
    box.addEventListener("change", function () {
      box.form.querySelectorAll("input[name='" + box.dataset.target + "']").forEach(function (row) { row.checked = box.checked; });
    });
  });
  // Confirmation for destructive buttons.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) { if (!window.confirm(el.dataset.confirm)) { event.preventDefault(); } });
  });
});
