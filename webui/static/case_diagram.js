// The case page's diagram: bpmn-js NavigatedViewer (window.BpmnJS), the case's own BPMN
// text, and canvas markers on the elements the case has passed and where it stands now.
//
// It opens readable (issue 16): on the current step when the case has one, else on the
// whole diagram but never below MIN_ZOOM (then from the diagram's start). The buttons zoom
// in and out, fit the whole diagram and fit the current step; the mouse wheel scrolls the
// page, and zooms the diagram only with Ctrl (⌘ on a Mac) held; dragging pans it.
(function () {
  "use strict";
  var MIN_ZOOM = 0.6; // below it a step's name is unreadable
  var MAX_FIT = 1.0; // fitting one small step does not blow it up
  var PADDING = 80; // diagram units around the fitted steps
  var box = document.getElementById("case-diagram");
  if (!box) return;
  var problem = document.getElementById("case-diagram-error");
  var progress = JSON.parse(document.getElementById("case-diagram-progress").textContent);
  var controls = document.getElementById("case-diagram-controls");

  function fail(error) {
    problem.textContent = box.dataset.failed;
    problem.hidden = false;
    box.dataset.state = "failed";
    if (window.console) console.error(error);
  }

  if (typeof window.BpmnJS !== "function") return fail("bpmn-js did not load");
  var viewer = new window.BpmnJS({ container: box });
  // The wheel is the page's unless Ctrl/⌘ is held: diagram-js's zoomScroll listens on the
  // canvas inside this box, so a plain wheel is stopped here, before it gets there, and
  // the browser scrolls the page as it would anywhere else.
  box.addEventListener(
    "wheel",
    function (event) {
      if (!event.ctrlKey && !event.metaKey) event.stopPropagation();
    },
    true
  );
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
      var current = currentSteps(registry, progress.open);
      viewer.get("eventBus").on("canvas.viewbox.changed", function (event) {
        box.dataset.zoom = event.viewbox.scale.toFixed(3);
      });
      wire(canvas, viewer.get("zoomScroll"), current);
      if (current.length) fitTo(canvas, current);
      else fitAll(canvas, true);
      box.dataset.zoom = canvas.zoom().toFixed(3);
      box.dataset.state = "ready";
    })
    .catch(fail);

  // The open elements a person works on (tasks), else every open one (a waiting timer, a
  // called process); shapes only, not the flows between them.
  function currentSteps(registry, ids) {
    var shapes = ids.map(function (id) { return registry.get(id); }).filter(function (e) {
      return e && !e.waypoints && e.type !== "label";
    });
    var tasks = shapes.filter(function (e) { return /Task$/.test(e.type); });
    return tasks.length ? tasks : shapes;
  }

  function fitTo(canvas, elements) {
    var outer = canvas.viewbox().outer;
    var bounds = around(elements);
    var scale = Math.min(MAX_FIT, outer.width / bounds.width, outer.height / bounds.height);
    if (scale < MIN_ZOOM && elements.length > 1) return fitTo(canvas, elements.slice(0, 1));
    var width = outer.width / scale, height = outer.height / scale;
    canvas.viewbox({
      x: bounds.x + bounds.width / 2 - width / 2,
      y: bounds.y + bounds.height / 2 - height / 2,
      width: width,
      height: height,
    });
  }

  // The whole diagram; on first showing, no smaller than MIN_ZOOM, from its top-left.
  function fitAll(canvas, readable) {
    var scale = canvas.zoom("fit-viewport", "auto");
    if (!readable || scale >= MIN_ZOOM) return;
    var whole = canvas.viewbox();
    canvas.viewbox({
      x: whole.inner.x - PADDING / 4,
      y: whole.inner.y - PADDING / 4,
      width: whole.outer.width / MIN_ZOOM,
      height: whole.outer.height / MIN_ZOOM,
    });
  }

  function around(elements) {
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    elements.forEach(function (e) {
      left = Math.min(left, e.x);
      top = Math.min(top, e.y);
      right = Math.max(right, e.x + e.width);
      bottom = Math.max(bottom, e.y + e.height);
    });
    return {
      x: left - PADDING,
      y: top - PADDING,
      width: right - left + 2 * PADDING,
      height: bottom - top + 2 * PADDING,
    };
  }

  function wire(canvas, zoomScroll, current) {
    if (!controls) return;
    var actions = {
      "zoom-in": function () { zoomScroll.stepZoom(1); },
      "zoom-out": function () { zoomScroll.stepZoom(-1); },
      "fit-all": function () { fitAll(canvas, false); },
      "fit-current": function () { fitTo(canvas, current); },
    };
    Object.keys(actions).forEach(function (name) {
      var button = document.getElementById("case-diagram-" + name);
      if (button) button.addEventListener("click", actions[name]);
    });
    var fitCurrent = document.getElementById("case-diagram-fit-current");
    if (fitCurrent && !current.length) fitCurrent.hidden = true;
    controls.hidden = false;
  }
})();
