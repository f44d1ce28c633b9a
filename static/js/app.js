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
      // The dialog is named by the fragment's title.
      var title = modalEl.querySelector(".modal-title");
      if (title) {
        title.id = title.id || "modal-title";
        modalEl.setAttribute("aria-labelledby", title.id);
      }
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
  // A swap that replaces the focused control (a widget tab, a pager, the zoom after a reply)
  // puts the focus back on its successor, so keyboard users keep their place.
  var KEEP = ["data-filter", "data-page", "data-move", "data-action", "id"];
  var refocus = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    refocus = null;
    if (!active || !target || !target.contains(active)) return;
    var key = KEEP.find(function (name) { return active.getAttribute(name); });
    if (key) refocus = { target: target, selector: "[" + key + "='" + CSS.escape(active.getAttribute(key)) + "']" };
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    if (!refocus) return;
    var scope = refocus.target.isConnected ? refocus.target : document;
    // On the last page "next" is gone: the other page link takes the focus.
    var again = scope.querySelector(refocus.selector) || scope.querySelector("[data-page]");
    refocus = null;
    var dialog = document.querySelector(".modal.show");
    if (again && (!dialog || dialog.contains(again))) again.focus();
  });

  // Agent shortcuts (the sheet in includes/shortcuts.html): never while typing or in a dialog.
  var sheet = document.getElementById("shortcuts");
  var pendingG = 0;
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function openSearchDialog(kind) {
    var dashboard = document.querySelector("[data-dashboard='" + kind + "']");
    var dialog = document.getElementById("search-dialog");
    if (dashboard && dialog) bootstrap.Modal.getOrCreateInstance(dialog).show();
    else window.location.assign(sheet.getAttribute("data-shortcut-" + kind));
  }
  if (sheet) {
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target) || document.querySelector(".modal.show")) return;
      var key = event.key;
      var afterG = pendingG && Date.now() - pendingG < 1500;
      pendingG = 0;
      if (afterG && (key === "c" || key === "u")) {
        event.preventDefault();
        openSearchDialog(key === "c" ? "cic" : "cuic");
      } else if (key === "g") {
        pendingG = Date.now();
      } else if (key === "?") {
        event.preventDefault();
        bootstrap.Modal.getOrCreateInstance(sheet).show();
      } else if (key === "/") {
        event.preventDefault();
        var field = Array.prototype.find.call(
          document.querySelectorAll("main input[type=search]"),
          function (input) { return input.offsetParent !== null; }
        );
        if (field) field.focus();
        else window.location.assign(sheet.getAttribute("data-shortcut-search"));
      } else if (key === "n") {
        event.preventDefault();
        window.location.assign(sheet.getAttribute("data-shortcut-new"));
      }
    });
  }
  // Confirm before a form with data-confirm submits (no inline onclick).
  document.body.addEventListener("submit", function (event) {
    var msg = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) event.preventDefault();
  });
})();
