// The properties panel's groups for what this system reads from a diagram, added beside
// bpmn-js-properties-panel's own (name, id, documentation). Its generic timer group is
// replaced by ours, which knows the working-day helpers.
import { is } from "bpmn-js/lib/util/ModelUtil";

import { t } from "../../shared/page_config.js";
import { callActivityEntries, conditionEntries, decisionEntries, endEventEntries, scriptEntries } from "./code_entries.js";
import { timerEntries, watchedStepEntries } from "./timer_entries.js";
import { timerDefinition } from "./timer_values.js";
import { userTaskEntries } from "./user_task_entries.js";

const LOW_PRIORITY = 500;

function group(id, labelKey, entries) {
  return entries.length ? [{ id, label: t(labelKey), entries }] : [];
}

function ourGroups(element) {
  if (is(element, "bpmn:UserTask")) {
    return [...group("jt-user-task", "group_user_task", userTaskEntries(element)),
      ...group("jt-watched", "group_watched", watchedStepEntries(element))];
  }
  if (is(element, "bpmn:Event") && timerDefinition(element)) return group("jt-timer", "group_timer", timerEntries(element));
  if (is(element, "bpmn:EndEvent")) return group("jt-end", "group_end", endEventEntries(element));
  if (is(element, "bpmn:ScriptTask")) return group("jt-script-task", "group_script", scriptEntries(element));
  if (is(element, "bpmn:CallActivity")) return group("jt-call", "group_call", callActivityEntries(element));
  if (is(element, "bpmn:BusinessRuleTask")) return group("jt-decision", "group_decision", decisionEntries(element));
  if (is(element, "bpmn:SequenceFlow")) {
    const source = element.businessObject.sourceRef;
    if (source && (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway") || is(source, "bpmn:Activity"))) {
      return group("jt-condition", "group_condition", conditionEntries(element));
    }
  }
  return [];
}

export default class JtflowPropertiesProvider {
  static $inject = ["propertiesPanel"];

  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(LOW_PRIORITY, this);
  }

  getGroups(element) {
    return (groups) => {
      const ours = ourGroups(element);
      const kept = ours.some((g) => g.id === "jt-timer") ? groups.filter((g) => g.id !== "timer") : groups;
      const general = kept.findIndex((g) => g.id === "general");
      kept.splice(general + 1, 0, ...ours); // ours right after name and id
      return kept;
    };
  }
}
