// The BPMN side of the modeler: bpmn-js Modeler with the properties panel (ours and
// bpmn-io's), bpmnlint on the canvas, Chinese texts, and the check's problems drawn as
// markers on their elements.
import BpmnModeler from "bpmn-js/lib/Modeler";
import lintModule from "bpmn-js-bpmnlint";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";

import { el } from "../shared/dom.js";
import lintConfig from "./.bpmnlintrc";
import JtflowPropertiesProvider from "./properties/jtflow_properties_provider.js";
import spiffworkflow from "./spiffworkflow_moddle.json";
import translate from "./translate.js";

// our groups start open: they are what an owner comes to the panel for
const OPEN_GROUPS = Object.fromEntries(
  ["jt-user-task", "jt-watched", "jt-timer", "jt-end", "jt-script-task", "jt-call", "jt-decision", "jt-condition"]
    .map((id) => [id, { open: true }]),
);

// SpiffWorkflow reads a multi-instance task's loopDataInputRef/loopDataOutputRef as the
// names of process variables (co_units), not as ids of elements, so bpmn-moddle finds
// nothing to resolve and would drop them on export. Hold each as a placeholder element
// with that id (as bpmn-js-spiffworkflow does), which exports as the same text.
const LOOP_REFERENCES = ["bpmn:loopDataInputRef", "bpmn:loopDataOutputRef"];

function keepLoopVariables(modeler, { references, elementsById }) {
  const moddle = modeler.get("moddle");
  for (const ref of references || []) {
    if (!LOOP_REFERENCES.includes(ref.property) || (elementsById && elementsById[ref.id])) continue;
    const variable = moddle.create("bpmn:ItemAwareElement", { id: ref.id });
    variable.$parent = ref.element;
    ref.element.set(ref.property, variable);
  }
}

export class BpmnEditor {
  constructor({ canvas, panel, choices, decisions, onChange }) {
    this.modeler = new BpmnModeler({
      container: canvas,
      propertiesPanel: { parent: panel, layout: { groups: OPEN_GROUPS } },
      linting: { bpmnlint: lintConfig, active: true },
      moddleExtensions: { spiffworkflow },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        { __init__: ["jtflowPropertiesProvider"], jtflowPropertiesProvider: ["type", JtflowPropertiesProvider] },
        { jtChoices: ["value", choices], jtDecisions: ["value", decisions] },
        lintModule,
        translate,
      ],
    });
    this.overlayIds = [];
    this.marked = [];
    this.modeler.on("commandStack.changed", () => onChange());
    this.modeler.on("import.parse.complete", (event) => keepLoopVariables(this.modeler, event));
  }

  async open(xml) {
    const { warnings } = await this.modeler.importXML(xml);
    this.modeler.get("canvas").zoom("fit-viewport");
    return warnings;
  }

  async text() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml;
  }

  element(id) {
    return this.modeler.get("elementRegistry").get(id) || null;
  }

  nameOf(id) {
    const element = this.element(id);
    return element && element.businessObject.name ? element.businessObject.name : null;
  }

  /** Select the element and bring it into view (a problem clicked in the list). */
  reveal(id) {
    const element = this.element(id);
    if (!element) return false;
    const canvas = this.modeler.get("canvas");
    if (canvas.zoom() < 0.8) canvas.zoom(1);
    canvas.scrollToElement(element, { top: 120, bottom: 120, left: 200, right: 200 });
    this.modeler.get("selection").select(element);
    return true;
  }

  /** Each element with problems marked red, with one badge: the first message, how many
   * more, and all of them in its tooltip (the list below the canvas has each in full). */
  showProblems(problems) {
    this.clearProblems();
    const canvas = this.modeler.get("canvas");
    const overlays = this.modeler.get("overlays");
    const byElement = new Map();
    for (const problem of problems) {
      if (!problem.element_id || !this.element(problem.element_id)) continue;
      byElement.set(problem.element_id, [...(byElement.get(problem.element_id) || []), problem.message]);
    }
    for (const [id, messages] of byElement) {
      canvas.addMarker(id, "jt-problem");
      this.marked.push(id);
      const more = messages.length > 1 ? ` (+${messages.length - 1})` : "";
      const badge = el("div", { class: "jt-problem-badge", title: messages.join("\n"), role: "note", text: messages[0] + more });
      badge.dataset.elementId = id;
      this.overlayIds.push(overlays.add(id, "jt-problem", { position: { bottom: -4, left: 0 }, html: badge }));
    }
  }

  clearProblems() {
    const canvas = this.modeler.get("canvas");
    const overlays = this.modeler.get("overlays");
    for (const id of this.marked) if (this.element(id)) canvas.removeMarker(id, "jt-problem");
    overlays.remove({ type: "jt-problem" });
    this.marked = [];
    this.overlayIds = [];
  }
}
