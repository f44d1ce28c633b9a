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
  // modal: choose the contact in the customer user picker.
  document.body.addEventListener("contactCreated", function (event) {
    var detail = event.detail || {};
    var input = document.getElementById("id_customer_user");
    if (!input || !detail.login) return;
    if (input.tomselect) {
      input.tomselect.addOption({ value: detail.login, text: detail.label || detail.login });
      input.tomselect.setValue(detail.login);
    } else {
      input.value = detail.login;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
