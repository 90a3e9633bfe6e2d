// The task page's form (and any form marked data-conditions): one click, one submission (the server still answers a second one
// with 409), and fields that apply only to some answers (data-when, from the schema's
// if/then: engine/definitions/form_conditions.py) shown, and sent, only while they apply.
// A file, not an inline script, so the CSP allows only 'self' scripts.
(function () {
  "use strict";
  // the task page's form, or another page's drawn from a schema (e.g. the interface notice)
  var form = document.getElementById("task-form") || document.querySelector("form[data-conditions]");
  var button = form && form.querySelector("button[type=submit]");
  if (!form || !button) return;
  form.addEventListener("submit", function () {
    setTimeout(function () { button.disabled = true; }, 0);
  });

  function answer(name) {  // as the form would send it: "true"/"false" for a checkbox
    var input = form.elements.namedItem(name);
    if (!input) return null;
    if (input.type === "checkbox") return input.checked ? "true" : "false";
    return input.value;
  }

  function holds(condition) {
    return Object.keys(condition).every(function (name) {
      var given = answer(name);
      return condition[name].some(function (value) { return String(value) === given; });
    });
  }

  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-when]"));
  function update() {
    conditional.forEach(function (field) {
      var applies = JSON.parse(field.getAttribute("data-when")).some(holds);
      field.hidden = !applies;
      field.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }
  form.addEventListener("change", update);
  update();
})();
