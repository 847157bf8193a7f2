// Sector/field suggestions in the scenario form (progressive enhancement; no inline script: strict CSP).
// A suggestion is a <button data-ai-sector data-ai-field> in the fragment ai/_suggestions.html. Clicking it
// sets the form's sector select and, once htmx has loaded that sector's fields, the field select.
(function () {
  "use strict";
  if (window.scenariohubAiSuggest) { return; }
  window.scenariohubAiSuggest = true;

  function setField(select, value) {
    if (!select) { return; }
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-ai-sector]") : null;
    if (!button) { return; }
    event.preventDefault();
    var form = button.closest("form") || document;
    var sector = form.querySelector("select[name=sector]");
    var field = form.querySelector("select[name=field]");
    var fieldCode = button.dataset.aiField;
    if (!sector) { return; }
    if (sector.value === button.dataset.aiSector && field && field.querySelector("option[value='" + fieldCode + "']")) {
      setField(field, fieldCode);
    } else if (field && window.htmx && sector.getAttribute("hx-get")) {
      // The sector select reloads the field options through htmx; choose the field when they arrive.
      var onSwap = function (swap) {
        if (swap.detail && swap.detail.target === field) {
          document.body.removeEventListener("htmx:afterSwap", onSwap);
          setField(field, fieldCode);
        }
      };
      document.body.addEventListener("htmx:afterSwap", onSwap);
      sector.value = button.dataset.aiSector;
      sector.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      sector.value = button.dataset.aiSector;
      sector.dispatchEvent(new Event("change", { bubbles: true }));
      setField(field, fieldCode);
    }
    button.setAttribute("aria-pressed", "true");
  });
})();
