// Typeahead pickers (helpdesk/pickers.py): a text input or textarea marked data-picker="URL"
// becomes a Tom Select that asks the URL for matches as the agent types.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;
  var MIN_LENGTH = 2;

  function readItems(el) {
    try {
      return JSON.parse(el.getAttribute("data-picker-items") || "[]");
    } catch (e) {
      return [];
    }
  }

  // Several values post as repeated parameters: a <select multiple> in place of the textarea.
  function selectFor(textarea, items) {
    var select = document.createElement("select");
    select.multiple = true;
    select.name = textarea.name;
    select.id = textarea.id;
    select.className = textarea.className;
    ["data-picker", "aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) select.setAttribute(name, textarea.getAttribute(name));
    });
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.value;
      option.textContent = item.text;
      option.selected = true;
      select.appendChild(option);
    });
    textarea.replaceWith(select);
    return select;
  }

  function setUp(el) {
    if (el.tomselect || el.hasAttribute("data-picker-ready")) return;
    el.setAttribute("data-picker-ready", "");
    var items = readItems(el);
    var multiple = el.hasAttribute("data-picker-multiple");
    var source = el.getAttribute("data-picker");
    var hint = el.parentNode.querySelector("[data-picker-hint]");
    if (hint) hint.remove();
    var placeholder = el.getAttribute("placeholder");
    if (multiple) el = selectFor(el, items);
    var more = document.createElement("div");
    more.className = "form-text px-2 pb-1 d-none";
    more.setAttribute("data-picker-more", "");

    var select = new TomSelect(el, {
      options: items,
      items: items.map(function (item) { return item.value; }),
      maxItems: multiple ? null : 1,
      placeholder: placeholder,
      delimiter: "\n",
      create: false,
      plugins: multiple ? ["remove_button"] : [],
      maxOptions: null,
      searchField: [],
      // The server applies the search rules; show its hits as they come, in its order.
      score: function () { return function () { return 1; }; },
      onItemAdd: function () {
        // The next search starts afresh (the typed text found what it was for).
        this.setTextboxValue("");
        if (multiple) this.close();
      },
      shouldLoad: function (query) { return query.trim().length >= MIN_LENGTH; },
      load: function (query, callback) {
        var self = this;
        var url = new URL(source, window.location.href);
        url.searchParams.set("q", query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            self.clearOptions();
            var results = data.results || [];
            var hidden = (data.total || 0) - results.length;
            more.textContent = hidden > 0
              ? interpolate(gettext("%(shown)s of %(total)s shown: type more to narrow the list."),
                            { shown: results.length, total: data.total }, true)
              : "";
            more.classList.toggle("d-none", hidden <= 0);
            callback(results);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (data, escape) {
          var detail = data.detail ? ' <small class="text-body-secondary">' + escape(data.detail) + "</small>" : "";
          return "<div>" + escape(data.text) + detail + "</div>";
        },
        item: function (data, escape) {
          return '<div title="' + escape(data.text) + '">' + escape(data.text) + "</div>";
        },
        no_results: function () {
          return '<div class="no-results">' + gettext("No matches.") + "</div>";
        },
        not_loading: function () {
          return '<div class="no-results">' + gettext("Type at least 2 characters.") + "</div>";
        },
        loading: function () {
          return '<div class="no-results">' + gettext("Searching…") + "</div>";
        },
      },
    });
    select.dropdown.appendChild(more);
    // Tom Select's own control carries the label now; the original field only posts the value.
    el.setAttribute("aria-hidden", "true");
    if (el.hasAttribute("data-picker-disabled")) select.disable();
  }

  // htmx is loaded with `defer`, after this file: its `htmx:load` event comes for the body once
  // htmx starts, then for every swapped fragment.
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    var found = root.matches && root.matches("[data-picker]") ? [root] : [];
    root.querySelectorAll("[data-picker]").forEach(function (el) { found.push(el); });
    found.forEach(setUp);
  });
})();
