// The task page's form: one click, one submission. The server still answers a second one
// with 409 (Conflict). A file, not an inline script, so the CSP allows only 'self' scripts.
(function () {
  "use strict";
  var form = document.getElementById("task-form");
  var button = document.getElementById("submit-task");
  if (!form || !button) return;
  form.addEventListener("submit", function () {
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
