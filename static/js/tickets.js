// Ticket screens: show form fragments answered with 4xx, and pick a newly created contact.
(function () {
  "use strict";

  // Actions answer bad input with 400/422 and the form with its errors: swap it in.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // HX-Trigger {"contactCreated": {"login": ..., "label": ...}} from the New Customer Contact
  // modal: add the contact to the customer user select and choose it.
  document.body.addEventListener("contactCreated", function (event) {
    var detail = event.detail || {};
    var select = document.getElementById("id_customer_user");
    if (!select || !detail.login) return;
    var option = null;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === detail.login) option = select.options[i];
    }
    if (!option) {
      option = document.createElement("option");
      option.value = detail.login;
      option.textContent = detail.label || detail.login;
      select.appendChild(option);
    }
    select.value = detail.login;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
