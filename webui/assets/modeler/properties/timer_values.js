// A timer event's expression (bpmn:timeDate, or timeDuration/timeCycle when the diagram
// uses those) and the boundary timers that watch a step: the one computing the red light
// (its deadline) and the one starting with warn_at (its yellow light).
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { warnParts } from "../expression_parts.js";

const KINDS = ["timeDate", "timeDuration", "timeCycle"];

export function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.eventDefinitions || []).find((d) => is(d, "bpmn:TimerEventDefinition")) || null;
}

export function timerExpression(element) {
  const definition = timerDefinition(element);
  if (!definition) return "";
  const kind = KINDS.find((k) => definition.get(k));
  return kind ? definition.get(kind).body || "" : "";
}

/** One undoable command: the timer's expression set to `text`. */
export function setTimerExpression(element, text, { moddle, commandStack }) {
  const definition = timerDefinition(element);
  const kind = KINDS.find((k) => definition.get(k)) || "timeDate";
  const current = definition.get(kind);
  if (current) {
    commandStack.execute("element.updateModdleProperties", { element, moddleElement: current, properties: { body: text } });
  } else {
    const expression = moddle.create("bpmn:FormalExpression", { body: text });
    expression.$parent = definition;
    commandStack.execute("element.updateModdleProperties", { element, moddleElement: definition, properties: { [kind]: expression } });
  }
}

/** The timers attached to a step: {red, yellow} shapes (either may be null). */
export function watchingTimers(element) {
  const timers = (element.attachers || []).filter((a) => timerDefinition(a));
  const yellow = timers.find((t) => warnParts(timerExpression(t))) || null;
  const red = timers.find((t) => t !== yellow) || null;
  return { red, yellow };
}
