// The portal works without this script; it only helps: focus on errors, the return form's parts, estimates.
(function () {
  "use strict";

  function onReady() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();

    document.querySelectorAll("[data-line]").forEach(function (line) {
      var toggle = line.querySelector("[data-line-toggle]");
      var details = line.querySelector(".line-details");
      if (!toggle || !details) return;
      var sync = function () { details.hidden = !toggle.checked; updateEstimate(); };
      toggle.addEventListener("change", sync);
      sync();
      var quantity = line.querySelector("[data-quantity]");
      if (quantity) quantity.addEventListener("change", updateEstimate);
    });

    var exchange = document.querySelector("[data-exchange]");
    var resolutions = document.querySelectorAll("[data-resolution]");
    var syncExchange = function () {
      if (!exchange) return;
      var chosen = document.querySelector("[data-resolution]:checked");
      exchange.hidden = !(chosen && chosen.value === "EXCHANGE");
    };
    resolutions.forEach(function (radio) { radio.addEventListener("change", syncExchange); });
    syncExchange();

    document.querySelectorAll("[data-timezone-offset]").forEach(function (input) {
      input.value = String(new Date().getTimezoneOffset());
    });

    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        var button = form.querySelector("button[type=submit]");
        if (button) window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  function updateEstimate() {
    var target = document.querySelector("[data-estimate]");
    if (!target) return;
    var total = 0, currency = "", count = 0;
    document.querySelectorAll("[data-line]").forEach(function (line) {
      var toggle = line.querySelector("[data-line-toggle]");
      if (!toggle || !toggle.checked) return;
      var quantity = parseInt((line.querySelector("[data-quantity]") || {}).value || "1", 10);
      total += parseFloat(line.getAttribute("data-unit-price")) * quantity;
      currency = line.getAttribute("data-currency");
      count += quantity;
    });
    if (!count) { target.hidden = true; return; }
    var lang = document.documentElement.lang;
    var amount = new Intl.NumberFormat(lang, { style: "currency", currency: currency }).format(total);
    var template = target.getAttribute("data-template") || "{amount}";
    target.textContent = template.replace("{amount}", amount);
    target.hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
})();
