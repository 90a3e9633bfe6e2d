// The user task's settings this system reads (engine/run/rows.py): its form, the unit that
// does it (a unit chosen by name, or an =expression), the role, form defaults and the
// history records. Choices come from /api/modeler/choices, never typed blind.
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";
import { useService } from "bpmn-js-properties-panel";

import { nameLabel, t, unitLabel } from "../../shared/page_config.js";
import { propertyValue, setPropertyValue } from "../extension_values.js";

function usePropertyAccess(element, name) {
  const moddle = useService("moddle");
  const commandStack = useService("commandStack");
  return {
    getValue: () => propertyValue(element, name),
    setValue: (value) => setPropertyValue(element, name, value, { moddle, commandStack }),
  };
}

/** Options with the current value kept even when it is not (or no longer) in the list. */
function withCurrent(options, current, unknownLabel) {
  if (current && !options.some((o) => o.value === current)) {
    return [...options, { value: current, label: t(unknownLabel, { value: current }) }];
  }
  return options;
}

export function formFile(form) {
  return form.name.endsWith(".json") ? form.name : `${form.name}.json`;
}

function FormEntry({ element, id }) {
  const choices = useService("jtChoices");
  const access = usePropertyAccess(element, "formJsonSchemaFilename");
  return h(SelectEntry, {
    element, id, label: t("form"), ...access,
    getOptions: () => withCurrent(
      [{ value: "", label: t("not_chosen") }, ...(choices.forms || []).map((f) => ({ value: formFile(f), label: nameLabel(f.title || f.name) }))],
      access.getValue(), "unknown_form"),
  });
}

const BY_EXPRESSION = "=";

function UnitEntry({ element, id }) {
  const choices = useService("jtChoices");
  const access = usePropertyAccess(element, "unit");
  const current = () => access.getValue();
  return h(SelectEntry, {
    element, id, label: t("unit"), description: t("unit_hint"),
    getValue: () => (current().startsWith(BY_EXPRESSION) ? BY_EXPRESSION : current()),
    setValue: (value) => {
      if (value === BY_EXPRESSION && current().startsWith(BY_EXPRESSION)) return;
      access.setValue(value);
    },
    getOptions: () => withCurrent(
      [
        { value: "", label: t("not_chosen") },
        ...(choices.units || []).map((u) => ({ value: u.code, label: unitLabel(u.code, u.name) })),
        { value: BY_EXPRESSION, label: t("unit_by_expression") },
      ],
      current().startsWith(BY_EXPRESSION) ? "" : current(), "unknown_unit"),
  });
}

function UnitExpressionEntry({ element, id }) {
  const access = usePropertyAccess(element, "unit");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label: t("unit_expression"), description: t("unit_expression_hint"), debounce,
    getValue: () => access.getValue().slice(1),
    setValue: (text) => access.setValue(BY_EXPRESSION + (text || "")),
  });
}

function RoleEntry({ element, id }) {
  const choices = useService("jtChoices");
  const access = usePropertyAccess(element, "role");
  return h(SelectEntry, {
    element, id, label: t("role"), ...access,
    getOptions: () => withCurrent(
      [{ value: "", label: t("not_chosen") }, ...(choices.roles || []).map((r) => ({ value: r, label: nameLabel(r) }))],
      access.getValue(), "unknown_role"),
  });
}

function textEntry(name, labelKey, hintKey) {
  return function PropertyText({ element, id }) {
    const access = usePropertyAccess(element, name);
    const debounce = useService("debounceInput");
    return h(TextFieldEntry, { element, id, label: t(labelKey), description: t(hintKey), debounce, ...access });
  };
}

export function userTaskEntries(element) {
  const entries = [
    { id: "jt-form", component: FormEntry, isEdited: isSelectEntryEdited },
    { id: "jt-unit", component: UnitEntry, isEdited: isSelectEntryEdited },
  ];
  if (propertyValue(element, "unit").startsWith(BY_EXPRESSION)) {
    entries.push({ id: "jt-unit-expression", component: UnitExpressionEntry, isEdited: isTextFieldEntryEdited });
  }
  entries.push(
    { id: "jt-role", component: RoleEntry, isEdited: isSelectEntryEdited },
    { id: "jt-form-defaults", component: textEntry("form_defaults", "form_defaults", "form_defaults_hint"), isEdited: isTextFieldEntryEdited },
    { id: "jt-records", component: textEntry("records", "records", "records_hint"), isEdited: isTextFieldEntryEdited },
    { id: "jt-records-opened", component: textEntry("records_opened", "records_opened", "records_opened_hint"), isEdited: isTextFieldEntryEdited },
  );
  return entries;
}
