// bpmn-js and its properties panel in Chinese (bpmn-js-i18n-zh) when the page is Chinese;
// English is their own language. A diagram-js "translate" service replacing the default;
// dmn-js gets its own (dmn_zh.js), and modeler_zh.js says what the package leaves out.
// The package's element names are in sentence case ("User task") while the panel's header
// asks in title case ("User Task"), so a text not found as it is is looked up ignoring case.
import bpmnZh from "bpmn-js-i18n-zh/lib/bpmn-js";
import panelZh from "bpmn-js-i18n-zh/lib/properties-panel";

import dmnZh from "./dmn_zh.js";
import modelerZh from "./modeler_zh.js";

import { inChinese } from "../shared/page_config.js";

function translator(dictionary) {
  const ignoringCase = new Map(Object.entries(dictionary).map(([key, text]) => [key.toLowerCase(), text]));
  return function translate(template, replacements = {}) {
    const text = dictionary[template] || ignoringCase.get(template.toLowerCase()) || template;
    return text.replace(/{([^}]+)}/g, (whole, key) => (key in replacements ? replacements[key] : whole));
  };
}

export default { translate: ["value", translator(inChinese() ? { ...bpmnZh, ...panelZh, ...modelerZh } : {})] };
export const dmnTranslate = { translate: ["value", translator(inChinese() ? dmnZh : {})] };
