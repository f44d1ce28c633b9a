// Ticket screens: pick a newly created contact.
(function () {
  "use strict";

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
