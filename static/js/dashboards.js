// CIC / CUIC dashboards: drag and drop (SortableJS), move up/down, search dialog, errors.
// No inline scripts (CSP): everything hooks in here.
(function () {
  "use strict";

  // Post the order of every widget on the page (main column, then sidebar).
  function postOrder() {
    var form = document.getElementById("dashboard-order");
    if (!form) return;
    form.replaceChildren();
    document.querySelectorAll(".widget-column > .widget[data-widget]").forEach(function (widget) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = widget.getAttribute("data-widget");
      form.appendChild(input);
    });
    htmx.trigger(form, "reorder");
  }

  function initColumns(root) {
    if (typeof Sortable === "undefined") return;
    var columns = root.querySelectorAll ? root.querySelectorAll(".widget-column") : [];
    columns.forEach(function (column) {
      if (column.dataset.sortable) return;
      column.dataset.sortable = "1";
      Sortable.create(column, {
        group: column.getAttribute("data-column"), // each column sorts on its own
        draggable: ".widget",
        handle: ".card-header",
        filter: "button, a, input, select",
        preventOnFilter: false,
        animation: 150,
        forceFallback: true,
        ghostClass: "sortable-ghost",
        chosenClass: "sortable-chosen",
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) postOrder();
        },
      });
    });
  }

  function autoShowSearch(root) {
    var dialog = root.querySelector ? root.querySelector("#search-dialog[data-autoshow]") : null;
    if (dialog && !dialog.dataset.shown) {
      dialog.dataset.shown = "1";
      bootstrap.Modal.getOrCreateInstance(dialog).show();
    }
  }

  // htmx is loaded with `defer`, after this file: listen for its `htmx:load` event (fired for
  // the body once htmx starts, then for every swapped fragment) instead of calling htmx.onLoad.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root) return;
    initColumns(root);
    autoShowSearch(root);
  });

  // Move up / down buttons: the keyboard way to reorder.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) return;
    var widget = button.closest(".widget");
    var column = widget && widget.parentElement;
    if (!column || !column.classList.contains("widget-column")) return;
    if (button.getAttribute("data-move") === "up") {
      var previous = widget.previousElementSibling;
      if (!previous) return;
      column.insertBefore(widget, previous);
    } else {
      var next = widget.nextElementSibling;
      if (!next) return;
      column.insertBefore(next, widget);
    }
    button.focus();
    postOrder();
  });

  // Search dialog as a combobox: arrows move through the matches, Enter opens one, Escape
  // clears the choice first and closes the dialog the second time.
  function searchOptions(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    return box ? Array.prototype.slice.call(box.querySelectorAll("[role=option]")) : [];
  }

  function searchActivate(input, option) {
    searchOptions(input).forEach(function (item) {
      var on = item === option;
      item.classList.toggle("active", on);
      item.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("#search-dialog input[role=combobox]")) return;
    var options = searchOptions(input);
    var current = document.getElementById(input.getAttribute("aria-activedescendant") || "");
    var index = options.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = index < 0 ? (step > 0 ? 0 : options.length - 1) : index + step;
      searchActivate(input, options[(next + options.length) % options.length]);
    } else if (event.key === "Home" || event.key === "End") {
      if (!options.length || index < 0) return;
      event.preventDefault();
      searchActivate(input, options[event.key === "Home" ? 0 : options.length - 1]);
    } else if (event.key === "Enter" && current) {
      event.preventDefault();
      window.location.assign(current.href);
    } else if (event.key === "Escape" && current) {
      event.preventDefault();
      event.stopPropagation();
      searchActivate(input, null);
    }
  }, true); // capture: before Bootstrap's Escape closes the dialog

  // New matches: nothing chosen yet; say whether the list is open.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.matches(".search-results")) return;
    var input = document.querySelector("[aria-controls='" + target.id + "']");
    if (!input) return;
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-expanded", searchOptions(input).length ? "true" : "false");
  });

  // Focus the first field when the search dialog opens.
  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target.id !== "search-dialog") return;
    var input = event.target.querySelector("input[type=search]");
    if (input) input.focus();
  });

  // 4xx answers carry a short message fragment: show it as a toast.
  document.body.addEventListener("htmx:responseError", function (event) {
    var text = event.detail.xhr.responseText || "";
    var doc = new DOMParser().parseFromString(text, "text/html");
    var message = (doc.body.textContent || "").trim() || gettext("The request failed.");
    document.body.dispatchEvent(new CustomEvent("showMessage", { detail: { value: message } }));
  });
})();
