// bpmn-js-differ's result as sentences about named elements: what was added, removed or
// changed (with old → new values), never a bare id when the element has a name.
import { t } from "../shared/page_config.js";
import { factChanges } from "./element_facts.js";

const MAX_VALUE = 80;

/** The element's name; a boundary event's also names the step it watches (黄灯 · 签收). */
function nameOf(model, id) {
  const name = (model && model.name) || id;
  const host = model && model.attachedToRef && model.attachedToRef.name;
  return host ? `${name} · ${host}` : name;
}

function typeOf(model) {
  const type = model && model.$type ? model.$type.replace(/^bpmn:/, "") : "";
  return t(`type_${type}`) === `type_${type}` ? type : t(`type_${type}`);
}

function shown(value) {
  if (value === undefined || value === null || value === "") return "—";
  let text;
  if (typeof value === "object") text = value.body ?? value.value ?? value.id ?? value.name ?? JSON.stringify(value);
  else text = String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

const FACT_LABELS = {
  name: "fact_name", unit: "fact_unit", role: "fact_role", formJsonSchemaFilename: "fact_form",
  form_defaults: "fact_form_defaults", records: "fact_records", records_opened: "fact_records_opened",
  case_status: "fact_case_status", script: "fact_script", condition: "fact_condition", timer: "fact_timer",
  calledElement: "fact_called_process", preScript: "fact_pre_script", calledDecisionId: "fact_called_decision",
};

/** Sentences for what changed in the element, values shown by name where one is known. */
function detailsOf(id, change, models, named) {
  const facts = factChanges(models.a(id), models.b(id));
  const sentences = facts.map(([key, old, now]) => t("changed_attr", {
    attr: FACT_LABELS[key] ? t(FACT_LABELS[key]) : key, old: shown(named(key, old)), new: shown(named(key, now)),
  }));
  for (const [path, c] of Object.entries(change.attrs || {})) {
    if (path === "name" || path === "extensionElements" || path.startsWith("extensionElements")) continue;
    sentences.push(t("changed_attr", { attr: path, old: shown(c.oldValue), new: shown(c.newValue) }));
  }
  return sentences;
}

/**
 * The differ's result as rows {kind, id, name, type, details}; `models.a(id)`/`models.b(id)`
 * give an element's business object in each version; `named(key, value)` shows a unit code
 * as its unit's name.
 */
export function describeChanges(changes, models = { a: () => null, b: () => null }, named = (k, v) => v) {
  const rows = [];
  for (const [id, model] of Object.entries(changes._added)) rows.push({ kind: "added", id, name: nameOf(model, id), type: typeOf(model), details: [] });
  for (const [id, model] of Object.entries(changes._removed)) rows.push({ kind: "removed", id, name: nameOf(model, id), type: typeOf(model), details: [] });
  for (const [id, change] of Object.entries(changes._changed)) {
    rows.push({ kind: "changed", id, name: nameOf(change.model, id), type: typeOf(change.model), details: detailsOf(id, change, models, named) });
  }
  for (const [id, model] of Object.entries(changes._layoutChanged)) {
    if (!(id in changes._changed)) rows.push({ kind: "moved", id, name: nameOf(model, id), type: typeOf(model), details: [] });
  }
  return rows.filter((row) => !/^(BPMNShape|BPMNEdge|BPMNDiagram|BPMNPlane|Bounds)/.test(row.type));
}
