// Two deployed versions of a process compared (/processes/<id>/compare?a=N&b=M): each drawn
// by bpmn-js, side by side, with bpmn-js-differ's result coloured on them — removed (in a)
// red, added (in b) green, changed amber — and listed by element name.
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "./compare.css";

import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { diff } from "bpmn-js-differ";

import { el } from "../shared/dom.js";
import { pageConfig, t, unitLabel } from "../shared/page_config.js";
import spiffworkflow from "../modeler/spiffworkflow_moddle.json";
import { describeChanges } from "./change_list.js";
import { factChanges } from "./element_facts.js";

const $ = (id) => document.getElementById(id);
const { urls } = pageConfig();

async function drawn(container, url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(t("diagram_failed", { status: response.status }));
  const viewer = new NavigatedViewer({ container, moddleExtensions: { spiffworkflow } });
  await viewer.importXML(await response.text());
  viewer.get("canvas").zoom("fit-viewport");
  return viewer;
}

function mark(viewer, ids, marker) {
  const registry = viewer.get("elementRegistry");
  const canvas = viewer.get("canvas");
  for (const id of ids) if (registry.get(id)) canvas.addMarker(id, marker);
}

/** Elements whose read facts changed where the differ saw nothing (a boundary timer's
 * expression sits inside its event definition): counted as changed too. */
function addFactChanges(changes, a, b) {
  const inB = b.get("elementRegistry");
  for (const element of a.get("elementRegistry").getAll()) {
    const other = inB.get(element.id);
    if (!other || element.type === "label" || changes._changed[element.id]) continue;
    if (factChanges(element.businessObject, other.businessObject).length) {
      changes._changed[element.id] = { model: other.businessObject, attrs: {} };
    }
  }
}

async function start() {
  const [a, b] = await Promise.all([drawn($("diagram-a"), urls.a), drawn($("diagram-b"), urls.b)]);
  const changes = diff(a.getDefinitions(), b.getDefinitions());
  addFactChanges(changes, a, b);
  mark(a, Object.keys(changes._removed), "jt-removed");
  mark(a, Object.keys(changes._changed), "jt-changed");
  mark(b, Object.keys(changes._added), "jt-added");
  mark(b, Object.keys(changes._changed), "jt-changed");
  const model = (viewer) => (id) => {
    const element = viewer.get("elementRegistry").get(id);
    return element ? element.businessObject : null;
  };
  const rows = describeChanges(changes, { a: model(a), b: model(b) },
    (key, value) => (key === "unit" && value && !value.startsWith("=") ? unitLabel(value, value) : value));
  $("changes").replaceChildren(rows.length
    ? el("ul", { id: "change-list" }, rows.map((row) =>
      el("li", { class: `change ${row.kind}`, dataset: { elementId: row.id } },
        el("span", { class: `swatch jt-${row.kind}` }), ` ${t(row.kind)}：`, el("strong", { text: row.name }),
        row.type ? ` （${row.type}）` : "", row.details.length ? el("ul", {}, row.details.map((d) => el("li", { text: d }))) : null)))
    : el("p", { class: "hint", id: "no-changes", text: t("no_changes") }));
  $("compare-page").dataset.state = "ready";
}

start().catch((error) => {
  $("compare-page").dataset.state = "failed";
  const box = $("compare-error");
  box.textContent = error.message;
  box.hidden = false;
});
