// bpmn-js and its properties panel in Chinese (bpmn-js-i18n-zh) when the page is Chinese;
// English is their own language. A diagram-js "translate" service replacing the default.
import bpmnZh from "bpmn-js-i18n-zh/lib/bpmn-js";
import panelZh from "bpmn-js-i18n-zh/lib/properties-panel";

import { inChinese } from "../shared/page_config.js";

const DICTIONARY = inChinese() ? { ...bpmnZh, ...panelZh } : {};

function translate(template, replacements = {}) {
  const text = DICTIONARY[template] || template;
  return text.replace(/{([^}]+)}/g, (whole, key) => (key in replacements ? replacements[key] : whole));
}

export default { translate: ["value", translate] };
