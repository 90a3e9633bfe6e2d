// One place on the page that says what just happened (role=status) or what went wrong
// (role=alert), so every button reports the same way.
export function statusLine(element) {
  return {
    say(text) {
      element.textContent = text;
      element.className = "flash notice";
      element.setAttribute("role", "status");
      element.hidden = false;
    },
    fail(error) {
      element.textContent = error && error.message ? error.message : String(error);
      element.className = "flash error";
      element.setAttribute("role", "alert");
      element.hidden = false;
      if (window.console) console.error(error);
    },
    clear() {
      element.hidden = true;
      element.textContent = "";
    },
  };
}
