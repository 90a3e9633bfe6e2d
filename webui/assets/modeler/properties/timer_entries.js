// Deadlines: a timer's expression with the helper picker, and on a watched step (a user
// task with boundary timers) its deadline and yellow-light fraction edited together, so
// the yellow timer's warn_at(start, due, fraction) always names the red timer's deadline.
import { NumberFieldEntry, TextAreaEntry, TextFieldEntry, isNumberFieldEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";
import { useService } from "bpmn-js-properties-panel";

import { t } from "../../shared/page_config.js";
import { startOf, warnExpression, warnParts } from "../expression_parts.js";
import { HelperPicker } from "./helper_picker.js";
import { setTimerExpression, timerExpression, watchingTimers } from "./timer_values.js";

function useTimerAccess(timer) {
  const moddle = useService("moddle");
  const commandStack = useService("commandStack");
  return {
    getValue: () => timerExpression(timer),
    setValue: (text) => setTimerExpression(timer, text || "", { moddle, commandStack }),
  };
}

function TimerExpressionEntry({ element, id }) {
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, {
    element, id, label: t("timer_expression"), description: t("timer_expression_hint"),
    debounce, rows: 2, monospace: true, ...useTimerAccess(element),
  });
}

function TimerHelperEntry({ element, id }) {
  return h(HelperPicker, { element, id, targetId: "jt-timer-expression", ...useTimerAccess(element) });
}

function fractionAccess(yellow, setYellow) {
  return {
    getValue: () => Number((warnParts(timerExpression(yellow)) || {}).fraction ?? 0.8),
    setValue: (value) => {
      const parts = warnParts(timerExpression(yellow));
      if (parts && value !== undefined && value !== null && !Number.isNaN(Number(value))) {
        setYellow(warnExpression({ ...parts, fraction: String(value) }));
      }
    },
  };
}

function TimerFractionEntry({ element, id }) {
  const debounce = useService("debounceInput");
  const access = useTimerAccess(element);
  return h(NumberFieldEntry, {
    element, id, label: t("warn_fraction"), description: t("warn_fraction_hint"),
    debounce, min: 0.05, max: 0.99, step: 0.05, ...fractionAccess(element, access.setValue),
  });
}

/** The red timer's deadline; changing it also changes the yellow timer's due argument. */
function WatchedDeadlineEntry({ element, id }) {
  const debounce = useService("debounceInput");
  const { red, yellow } = watchingTimers(element);
  const redAccess = useTimerAccess(red);
  const yellowAccess = useTimerAccess(yellow || red);
  return h(TextFieldEntry, {
    element, id, label: t("watched_deadline"), description: t("watched_deadline_hint"), debounce,
    getValue: redAccess.getValue,
    setValue: (text) => {
      redAccess.setValue(text);
      const parts = yellow && warnParts(yellowAccess.getValue());
      if (parts) yellowAccess.setValue(warnExpression({ ...parts, due: text, start: startOf(text) || parts.start }));
    },
  });
}

function WatchedHelperEntry({ element, id }) {
  const { red } = watchingTimers(element);
  return h(HelperPicker, { element, id, targetId: "jt-watched-deadline", ...useTimerAccess(red) });
}

function WatchedFractionEntry({ element, id }) {
  const debounce = useService("debounceInput");
  const { yellow } = watchingTimers(element);
  const access = useTimerAccess(yellow);
  return h(NumberFieldEntry, {
    element, id, label: t("warn_fraction"), description: t("warn_fraction_hint"),
    debounce, min: 0.05, max: 0.99, step: 0.05, ...fractionAccess(yellow, access.setValue),
  });
}

export function timerEntries(element) {
  const entries = [
    { id: "jt-timer-expression", component: TimerExpressionEntry, isEdited: isTextAreaEntryEdited },
    { id: "jt-timer-helper", component: TimerHelperEntry, isEdited: () => false },
  ];
  if (warnParts(timerExpression(element))) {
    entries.push({ id: "jt-timer-fraction", component: TimerFractionEntry, isEdited: isNumberFieldEntryEdited });
  }
  return entries;
}

/** Entries for a step watched by boundary timers, or [] when none watch it. */
export function watchedStepEntries(element) {
  const { red, yellow } = watchingTimers(element);
  if (!red) return [];
  const entries = [
    { id: "jt-watched-deadline", component: WatchedDeadlineEntry, isEdited: isTextFieldEntryEdited },
    { id: "jt-watched-helper", component: WatchedHelperEntry, isEdited: () => false },
  ];
  if (yellow) entries.push({ id: "jt-watched-fraction", component: WatchedFractionEntry, isEdited: isNumberFieldEntryEdited });
  return entries;
}
