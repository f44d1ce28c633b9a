// Small glue between htmx and Bootstrap. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // Every form error answers 422 with the form and its errors: swap it in like a 200. (A 400
  // would be taken over by django-htmx's debug script, which replaces the whole document.)
  // htmx is loaded with defer, after this file: configure it once the document is parsed.
  document.addEventListener("DOMContentLoaded", function () {
    var rules = window.htmx && htmx.config.responseHandling;
    if (rules && !rules.some(function (r) { return r.code === "422"; })) {
      rules.unshift({ code: "422", swap: true, error: false });
    }
  });
  var modalEl = document.getElementById("modal");
  var modal = modalEl ? bootstrap.Modal.getOrCreateInstance(modalEl) : null;

  // A fragment swapped into the modal opens it.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (modal && event.detail.target && event.detail.target.id === "modal-content") {
      modal.show();
    }
  });
  // Servers close the modal with HX-Trigger: closeModal.
  document.body.addEventListener("closeModal", function () {
    if (modal) modal.hide();
  });
  if (modalEl) {
    modalEl.addEventListener("hidden.bs.modal", function () {
      document.getElementById("modal-content").innerHTML = "";
    });
  }
  // HX-Trigger: {"showMessage": "text"} shows a toast.
  document.body.addEventListener("showMessage", function (event) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var toast = document.createElement("div");
    toast.className = "toast align-items-center text-bg-dark border-0";
    toast.setAttribute("role", "status");
    var inner = document.createElement("div");
    inner.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = event.detail.value || event.detail.message || "";
    inner.appendChild(body);
    toast.appendChild(inner);
    box.appendChild(toast);
    bootstrap.Toast.getOrCreateInstance(toast).show();
  });
  // Confirm before a form with data-confirm submits (no inline onclick).
  document.body.addEventListener("submit", function (event) {
    var msg = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) event.preventDefault();
  });
})();
