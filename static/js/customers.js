// Customer settings page: progress bars, the contract hour fields, Enter in table rows.
(function () {
  "use strict";

  function toggleHours(form) {
    var box = form.querySelector("[data-hour-box]");
    if (!box) return;
    var checkbox = box.querySelector("input[name=has_hour_restriction]");
    var fields = box.querySelector("[data-hour-fields]");
    if (checkbox && fields) fields.classList.toggle("d-none", !checkbox.checked);
  }

  htmx.onLoad(function (root) {
    // Bootstrap progress bars need a width; set it here, not in a style attribute (CSP).
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseInt(bar.getAttribute("data-progress"), 10) || 0));
      bar.style.width = value + "%";
    });
    root.querySelectorAll("form[data-form=contract]").forEach(function (form) {
      toggleHours(form);
    });
    if (root.matches && root.matches("form[data-form=contract]")) toggleHours(root);
    // Focus the first input of a row that just turned into inputs, unless the user is already
    // typing in it: htmx loads after the settle delay, and stealing focus then sends the next
    // keystrokes into the wrong field.
    var editing = root.matches && root.matches("tr[data-editing]") ? root : null;
    if (editing && !editing.contains(document.activeElement)) {
      var input = editing.querySelector("input");
      if (input) input.focus();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "has_hour_restriction") {
      var form = event.target.closest("form[data-form=contract]");
      if (form) toggleHours(form);
    }
  });

  // Enter in an inline row presses that row's Save button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches("tr input, li.add-area input")) return;
    var row = event.target.closest("tr, li");
    var button = row && row.querySelector("[data-action=add-contact], [data-action=save], [data-action=add-area]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
