// Progressive enhancement only: every page works without this file (no inline script: strict CSP).
// Listeners are delegated to the document so that content swapped in by htmx behaves the same.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-hide-when-scripted").forEach(function (el) { el.hidden = true; });
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select.js-autosubmit") && el.form) {
      el.form.submit();
    }
    // Bulk selection: a "select all" box toggles the row boxes of its form. `form.elements` includes
    // boxes placed outside the <form> element with a form="…" attribute (rows of a table).
    if (el.matches && el.matches("input.js-select-all") && el.form) {
      Array.prototype.forEach.call(el.form.elements, function (row) {
        if (row.name === el.dataset.target && row.type === "checkbox") { row.checked = el.checked; }
      });
    }
  });

  document.addEventListener("click", function (event) {
    // Confirmation for destructive buttons.
    var confirmEl = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (confirmEl && !window.confirm(confirmEl.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // Copy a secret shown once (API token) to the clipboard.
    var copyEl = event.target.closest ? event.target.closest(".js-copy") : null;
    if (copyEl && navigator.clipboard) {
      var source = document.getElementById(copyEl.dataset.copyTarget);
      if (source) {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          copyEl.textContent = copyEl.dataset.copied || copyEl.textContent;
        });
      }
    }
  });

  // Filter forms marked data-drop-empty leave unset filters out of the request, so the pushed URL
  // reads ?region=510100&q=光伏 rather than a list of empty parameters.
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    if (!source || !source.closest || !source.closest("[data-drop-empty]")) { return; }
    Object.keys(event.detail.parameters).forEach(function (name) {
      if (event.detail.parameters[name] === "") { delete event.detail.parameters[name]; }
    });
  });

  // After htmx swaps the results of a filter, move focus to their heading for screen-reader users
  // only when the swap was caused by a page link (a filter change keeps focus in the form).
  document.addEventListener("htmx:afterSwap", function (event) {
    var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.tagName === "A" && event.target.id === "results") {
      var count = event.target.querySelector(".result-count");
      if (count) {
        count.setAttribute("tabindex", "-1");
        count.focus();
      }
      event.target.scrollIntoView({ block: "start" });
    }
  });
})();
