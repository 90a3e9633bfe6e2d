// A select of the working-day helpers (from /api/modeler/choices): choosing one inserts its
// call template where the caret was in the expression box, so owners never type a helper
// name blind; the chosen helper's documentation shows under the select.
import { SelectEntry } from "@bpmn-io/properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";
import { useState } from "@bpmn-io/properties-panel/preact/hooks";
import { useService } from "bpmn-js-properties-panel";

import { t } from "../../shared/page_config.js";

/** The text with `insert` put at the caret of the panel's input `inputId`. */
function withInserted(current, insert, inputId) {
  const box = document.getElementById(`bio-properties-panel-${inputId}`);
  if (!current) return insert;
  const at = box && typeof box.selectionStart === "number" ? box.selectionStart : current.length;
  return current.slice(0, at) + insert + current.slice(at);
}

export function HelperPicker({ element, id, targetId, getValue, setValue }) {
  const choices = useService("jtChoices");
  const [chosen, setChosen] = useState("");
  const functions = choices.functions || [];
  const doc = (functions.find((f) => f.name === chosen) || {}).doc;
  return h(SelectEntry, {
    element,
    id,
    label: t("insert_helper"),
    description: doc || t("insert_helper_hint"),
    getValue: () => "",
    setValue: (name) => {
      const helper = functions.find((f) => f.name === name);
      if (!helper) return;
      setChosen(name);
      setValue(withInserted(getValue(), helper.signature || `${helper.name}()`, targetId));
    },
    getOptions: () => [
      { value: "", label: t("choose_helper") },
      ...functions.map((f) => ({ value: f.name, label: f.signature || f.name })),
    ],
  });
}
