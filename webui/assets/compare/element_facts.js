// What this system reads from one element (its spiffworkflow properties, script, condition,
// timer, called process or decision), so a comparison can say "办理单位：A → B" even where
// bpmn-js-differ only notices that something inside the element's extensions changed.
const BODY_EXTENSIONS = { "spiffworkflow:PreScript": "preScript", "spiffworkflow:CalledDecisionId": "calledDecisionId" };

export function factsOf(bo) {
  const facts = {};
  if (!bo) return facts;
  if (bo.name) facts.name = bo.name;
  for (const value of (bo.extensionElements && bo.extensionElements.get("values")) || []) {
    if (value.$instanceOf("spiffworkflow:Properties")) {
      for (const p of value.get("properties")) facts[p.name] = p.value;
    }
    for (const [type, key] of Object.entries(BODY_EXTENSIONS)) if (value.$instanceOf(type)) facts[key] = value.value;
  }
  if (bo.script) facts.script = bo.script;
  if (bo.conditionExpression) facts.condition = bo.conditionExpression.body;
  if (bo.calledElement) facts.calledElement = bo.calledElement;
  for (const definition of bo.eventDefinitions || []) {
    const timer = definition.timeDate || definition.timeDuration || definition.timeCycle;
    if (timer) facts.timer = timer.body;
  }
  return facts;
}

/** [key, old, new] for each fact that differs. */
export function factChanges(before, after) {
  const a = factsOf(before);
  const b = factsOf(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => a[key] !== b[key])
    .map((key) => [key, a[key], b[key]]);
}
