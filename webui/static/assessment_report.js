// The yearly report's print button (inline scripts are not allowed: issue 10).
document.getElementById("print")?.addEventListener("click", () => window.print());
