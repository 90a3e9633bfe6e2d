// The case page's diagram: bpmn-js NavigatedViewer (window.BpmnJS), the case's own BPMN
// text, and canvas markers on the elements the case has passed and where it stands now.
(function () {
  "use strict";
  var box = document.getElementById("case-diagram");
  if (!box) return;
  var problem = document.getElementById("case-diagram-error");
  var progress = JSON.parse(document.getElementById("case-diagram-progress").textContent);

  function fail(error) {
    problem.textContent = box.dataset.failed;
    problem.hidden = false;
    box.dataset.state = "failed";
    if (window.console) console.error(error);
  }

  if (typeof window.BpmnJS !== "function") return fail("bpmn-js did not load");
  var viewer = new window.BpmnJS({ container: box });
  box.dataset.state = "loading";
  fetch(box.dataset.xmlUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("diagram: HTTP " + response.status);
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      function mark(ids, marker) {
        ids.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, marker); });
      }
      mark(progress.done, "jt-done");
      mark(progress.open, "jt-open");
      canvas.zoom("fit-viewport");
      box.dataset.state = "ready";
    })
    .catch(fail);
})();
