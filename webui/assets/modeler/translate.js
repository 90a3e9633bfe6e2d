// bpmn-js and its properties panel in Chinese (bpmn-js-i18n-zh) when the page is Chinese;
// English is their own language. A diagram-js "translate" service replacing the default;
// dmn-js gets its own (dmn_zh.js).
import bpmnZh from "bpmn-js-i18n-zh/lib/bpmn-js";
import panelZh from "bpmn-js-i18n-zh/lib/properties-panel";

import dmnZh from "./dmn_zh.js";

import { inChinese } from "../shared/page_config.js";

function translator(dictionary) {
  return function translate(template, replacements = {}) {
    const text = dictionary[template] || template;
    return text.replace(/{([^}]+)}/g, (whole, key) => (key in replacements ? replacements[key] : whole));
  };
}

export default { translate: ["value", translator(inChinese() ? { ...bpmnZh, ...panelZh } : {})] };
export const dmnTranslate = { translate: ["value", translator(inChinese() ? dmnZh : {})] };
