// The header's bell (issue 16): looks for new notifications without a reload. Each look is
// one short server-sent-events answer; EventSource looks again after the answer's `retry`
// and sends the last id it saw, so only what is newer comes back.
(function () {
  "use strict";
  const bell = document.getElementById("nav-bell");
  if (!bell || !window.EventSource) return;
  const count = document.getElementById("bell-count");
  const news = document.getElementById("bell-news");
  const MAX_SHOWN = 5;

  function show(note) {
    const line = document.createElement("p");
    line.className = "bell-note " + note.kind;
    const link = document.createElement("a");
    link.href = note.open || note.link;  // opening it marks it read
    link.textContent = note.kind_name + "：" + note.step_name + " · " + (note.case_no || "") + " " + note.title;
    line.append(link);
    news.prepend(line);
    while (news.childElementCount > MAX_SHOWN) news.lastElementChild.remove();
    news.hidden = false;
  }

  function listen() {
    const url = bell.dataset.look + "?after=" + encodeURIComponent(bell.dataset.after);
    const source = new EventSource(url);
    source.addEventListener("notes", function (event) {
      const body = JSON.parse(event.data);
      count.textContent = body.unread;
      count.classList.toggle("none", body.unread === 0);
      body.items.forEach(show);
    });
  }

  // the page was drawn with the current count: the first look waits one interval
  window.setTimeout(listen, Number(bell.dataset.retry) || 15000);
})();
