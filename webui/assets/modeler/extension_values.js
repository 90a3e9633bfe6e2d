// Reading and writing this system's spiffworkflow extensions on a diagram element, as
// SpiffWorkflow reads them (SPIFFWORKFLOW-NOTES.md): named properties
//   <spiffworkflow:properties><spiffworkflow:property name="unit" value="CENTER"/>…
// and body elements such as <spiffworkflow:preScript> or <spiffworkflow:calledDecisionId>.
// Modelled on bpmn-js-spiffworkflow's extensionHelpers.js. Every write is one command on
// the command stack, so undo works and the diagram counts as changed.
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";

const PROPERTIES = "spiffworkflow:Properties";
const PROPERTY = "spiffworkflow:Property";

function extensionsOf(bo) {
  return bo && bo.extensionElements ? bo.extensionElements.get("values") : [];
}

function firstOfType(bo, type) {
  return extensionsOf(bo).find((value) => value.$instanceOf(type)) || null;
}

/** The value of `<spiffworkflow:property name=…>`, "" when absent. */
export function propertyValue(element, name) {
  const properties = firstOfType(getBusinessObject(element), PROPERTIES);
  const property = properties && properties.get("properties").find((p) => p.name === name);
  return property ? property.value || "" : "";
}

/** The text of a body extension such as spiffworkflow:PreScript, "" when absent. */
export function bodyValue(element, type) {
  const found = firstOfType(getBusinessObject(element), type);
  return found ? found.value || "" : "";
}

function updater(element, commandStack) {
  return (moddleElement, properties) =>
    commandStack.execute("element.updateModdleProperties", { element, moddleElement, properties });
}

function adopted(child, parent) {
  child.$parent = parent;
  return child;
}

/** The element's extensionElements, created (one command) when missing. */
function extensionsFor(element, moddle, update) {
  const bo = getBusinessObject(element);
  if (!bo.extensionElements) {
    update(bo, { extensionElements: adopted(moddle.create("bpmn:ExtensionElements", { values: [] }), bo) });
  }
  return bo.extensionElements;
}

/** Set (or, with "", remove) a named property; each change is an undoable command. */
export function setPropertyValue(element, name, value, { moddle, commandStack }) {
  const update = updater(element, commandStack);
  const bo = getBusinessObject(element);
  let properties = firstOfType(bo, PROPERTIES);
  if (!properties) {
    if (!value) return;
    const extensions = extensionsFor(element, moddle, update);
    properties = adopted(moddle.create(PROPERTIES, { properties: [] }), extensions);
    update(extensions, { values: [...extensions.get("values"), properties] });
  }
  const list = properties.get("properties");
  const property = list.find((p) => p.name === name);
  if (!value) {
    if (property) update(properties, { properties: list.filter((p) => p !== property) });
  } else if (property) {
    update(property, { value });
  } else {
    update(properties, { properties: [...list, adopted(moddle.create(PROPERTY, { name, value }), properties)] });
  }
}

/** Set (or, with "", remove) a body extension such as spiffworkflow:PreScript. */
export function setBodyValue(element, type, value, { moddle, commandStack }) {
  const update = updater(element, commandStack);
  const bo = getBusinessObject(element);
  const found = firstOfType(bo, type);
  if (!value) {
    if (found) {
      const extensions = bo.extensionElements;
      update(extensions, { values: extensions.get("values").filter((v) => v !== found) });
    }
  } else if (found) {
    update(found, { value });
  } else {
    const extensions = extensionsFor(element, moddle, update);
    update(extensions, { values: [...extensions.get("values"), adopted(moddle.create(type, { value }), extensions)] });
  }
}
