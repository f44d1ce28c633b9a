// Portal glue. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // A form marked data-once disables its submit button once it is sent, so a double click
  // does not post twice (the server also refuses a second ticket with the same form key).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once") || event.defaultPrevented) return;
    if (form.dataset.sent === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.classList.add("disabled");
      button.setAttribute("aria-disabled", "true");
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm ms-2";
      spinner.setAttribute("aria-hidden", "true");
      button.appendChild(spinner);
    });
  });
  // Back/forward cache: re-enable forms when the page is shown again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.classList.remove("disabled");
        button.removeAttribute("aria-disabled");
        button.querySelectorAll(".spinner-border").forEach(function (s) { s.remove(); });
      });
    });
  });
})();
