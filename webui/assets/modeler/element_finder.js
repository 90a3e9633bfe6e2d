// "查找元素": every named element of the shown diagram in a select, by name (a boundary
// event also by the step it watches), so a step on a large diagram is one choice away.
import { el } from "../shared/dom.js";
import { t } from "../shared/page_config.js";

function labelOf(element) {
  const bo = element.businessObject;
  const host = element.host && element.host.businessObject.name;
  return host ? `${bo.name} · ${host}` : bo.name;
}

export function fillFinder(select, editor) {
  const named = editor.modeler.get("elementRegistry")
    .filter((e) => e.type !== "label" && e.businessObject && e.businessObject.name && !e.type.match(/Participant|Lane|Process/))
    .map((e) => ({ id: e.id, label: labelOf(e) }))
    .sort((a, b) => a.label.localeCompare(b.label, "zh"));
  select.replaceChildren(el("option", { value: "", text: t("find_element_choose") }),
    ...named.map((e) => el("option", { value: e.id, text: e.label })));
}
