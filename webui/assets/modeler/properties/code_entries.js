// The Python text of a diagram, each in its place: a script task's script, a call
// activity's pre-script and called process, a sequence flow's condition, a business rule
// task's decision, an end event's case status. The server checks all of it against the
// allow-list ("检查"); the panel only puts it where SpiffWorkflow reads it.
import { SelectEntry, TextAreaEntry, isSelectEntryEdited, isTextAreaEntryEdited } from "@bpmn-io/properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";

import { t } from "../../shared/page_config.js";
import { bodyValue, propertyValue, setBodyValue, setPropertyValue } from "../extension_values.js";

function code(element, id, labelKey, hintKey, getValue, setValue) {
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, {
    element, id, label: t(labelKey), description: t(hintKey), debounce, rows: 5, monospace: true, getValue, setValue,
  });
}

function ScriptEntry({ element, id }) {
  const modeling = useService("modeling");
  const bo = getBusinessObject(element);
  return code(element, id, "script", "script_hint", () => bo.get("script") || "",
    (text) => modeling.updateProperties(element, { script: text || undefined, scriptFormat: "python" }));
}

function ConditionEntry({ element, id }) {
  const modeling = useService("modeling");
  const moddle = useService("moddle");
  const bo = getBusinessObject(element);
  return code(element, id, "condition", "condition_hint",
    () => (bo.conditionExpression ? bo.conditionExpression.body || "" : ""),
    (text) => modeling.updateProperties(element, {
      conditionExpression: text ? moddle.create("bpmn:FormalExpression", { body: text }) : undefined,
    }));
}

function PreScriptEntry({ element, id }) {
  const moddle = useService("moddle");
  const commandStack = useService("commandStack");
  return code(element, id, "pre_script", "pre_script_hint",
    () => bodyValue(element, "spiffworkflow:PreScript"),
    (text) => setBodyValue(element, "spiffworkflow:PreScript", text, { moddle, commandStack }));
}

function withCurrent(options, current) {
  return current && !options.some((o) => o.value === current) ? [...options, { value: current, label: current }] : options;
}

function CalledProcessEntry({ element, id }) {
  const modeling = useService("modeling");
  const choices = useService("jtChoices");
  const bo = getBusinessObject(element);
  return h(SelectEntry, {
    element, id, label: t("called_process"),
    getValue: () => bo.get("calledElement") || "",
    setValue: (value) => modeling.updateProperties(element, { calledElement: value || undefined }),
    getOptions: () => withCurrent(
      [{ value: "", label: t("not_chosen") }, ...(choices.processes || []).map((p) => ({ value: p.id, label: p.name || p.id }))],
      bo.get("calledElement")),
  });
}

function DecisionEntry({ element, id }) {
  const moddle = useService("moddle");
  const commandStack = useService("commandStack");
  const decisions = useService("jtDecisions");
  const current = () => bodyValue(element, "spiffworkflow:CalledDecisionId");
  return h(SelectEntry, {
    element, id, label: t("called_decision"),
    getValue: current,
    setValue: (value) => setBodyValue(element, "spiffworkflow:CalledDecisionId", value, { moddle, commandStack }),
    getOptions: () => withCurrent(
      [{ value: "", label: t("not_chosen") }, ...decisions().map((d) => ({ value: d.id, label: d.name || d.id }))], current()),
  });
}

function CaseStatusEntry({ element, id }) {
  const moddle = useService("moddle");
  const commandStack = useService("commandStack");
  const choices = useService("jtChoices");
  const current = () => propertyValue(element, "case_status");
  return h(SelectEntry, {
    element, id, label: t("case_status"),
    getValue: current,
    setValue: (value) => setPropertyValue(element, "case_status", value, { moddle, commandStack }),
    getOptions: () => withCurrent(
      [{ value: "", label: t("not_chosen") }, ...(choices.case_statuses || []).map((s) => (
        typeof s === "string" ? { value: s, label: s } : { value: s.code || s.value, label: s.name || s.label || s.code }))],
      current()),
  });
}

export const scriptEntries = () => [{ id: "jt-script", component: ScriptEntry, isEdited: isTextAreaEntryEdited }];
export const conditionEntries = () => [{ id: "jt-condition", component: ConditionEntry, isEdited: isTextAreaEntryEdited }];
export const callActivityEntries = () => [
  { id: "jt-called-process", component: CalledProcessEntry, isEdited: isSelectEntryEdited },
  { id: "jt-pre-script", component: PreScriptEntry, isEdited: isTextAreaEntryEdited },
];
export const decisionEntries = () => [{ id: "jt-called-decision", component: DecisionEntry, isEdited: isSelectEntryEdited }];
export const endEventEntries = () => [{ id: "jt-case-status", component: CaseStatusEntry, isEdited: isSelectEntryEdited }];
