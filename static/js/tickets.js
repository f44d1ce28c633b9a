// Ticket screens: pick a newly created contact.
(function () {
  "use strict";

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
