// The dossier's print button (a file, not an onclick attribute: the CSP allows 'self' scripts).
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
