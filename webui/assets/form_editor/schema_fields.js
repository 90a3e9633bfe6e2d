// A form's JSON Schema (forms/*.json, as webui/form_fields.py draws it) as a list of fields
// an owner can edit — name, title, kind, description, required, choices — and back. What
// the list does not show (patterns, lengths, if/then rules, nested groups) is kept as it was.

const KINDS = ["text", "textarea", "datetime", "select", "checkbox", "checkboxes", "number", "integer", "kept"];
export { KINDS };

function choicesOf(prop) {
  const source = prop.type === "array" ? prop.items || {} : prop;
  if (Array.isArray(source.oneOf) && source.oneOf.every((o) => "const" in o)) {
    return source.oneOf.map((o) => ({ value: String(o.const), title: o.title || String(o.const) }));
  }
  if (Array.isArray(source.enum)) return source.enum.map((v) => ({ value: String(v), title: String(v) }));
  return [];
}

function kindOf(prop) {
  if (prop.type === "array") return choicesOf(prop).length ? "checkboxes" : "kept";
  if (prop.type === "boolean") return choicesOf(prop).length ? "kept" : "checkbox";
  if (prop.type === "number" || prop.type === "integer") return prop.type;
  if (prop.type === "string") {
    if (choicesOf(prop).length) return "select";
    if (prop["x-widget"] === "textarea") return "textarea";
    if (prop.format === "date-time") return "datetime";
    return "text";
  }
  return "kept";
}

/** The schema as {title, description, fields}: what the editor shows. */
export function fieldsOf(schema) {
  const required = new Set(schema.required || []);
  return {
    title: schema.title || "",
    description: schema.description || "",
    fields: Object.entries(schema.properties || {}).map(([key, prop]) => ({
      key,
      title: prop.title || "",
      kind: kindOf(prop),
      description: prop.description || "",
      required: required.has(key),
      choices: choicesOf(prop),
    })),
  };
}

function oneOf(choices) {
  return choices.map((c) => ({ const: c.value, title: c.title || c.value }));
}

/** The field's schema: the original's other keywords kept when its kind did not change. */
function propertyOf(field, original) {
  const keep = original && kindOf(original) === field.kind ? { ...original } : {};
  const prop = { ...keep, title: field.title || field.key };
  if (field.description) prop.description = field.description;
  else delete prop.description;
  switch (field.kind) {
    case "kept":
      return original ? { ...original, title: prop.title, ...(field.description ? { description: field.description } : {}) } : { type: "string", title: prop.title };
    case "checkbox": return { ...prop, type: "boolean" };
    case "number": case "integer": return { ...prop, type: field.kind };
    case "select": {
      const { enum: _e, ...rest } = prop;
      return { ...rest, type: "string", oneOf: oneOf(field.choices || []) };
    }
    case "checkboxes":
      return { ...prop, type: "array", uniqueItems: true, items: { type: "string", oneOf: oneOf(field.choices || []) } };
    case "textarea": return { ...prop, type: "string", "x-widget": "textarea" };
    case "datetime": return { ...prop, type: "string", format: "date-time" };
    default: {
      const { "x-widget": _w, format: _f, ...rest } = prop;
      return { ...rest, type: "string" };
    }
  }
}

/** The edited list back into the schema, on top of `original` (its other keywords kept). */
export function schemaOf(edited, original) {
  const properties = {};
  for (const field of edited.fields || []) {
    if (!field.key) continue;
    properties[field.key] = propertyOf(field, (original.properties || {})[field.key]);
  }
  const schema = { ...original, title: edited.title, properties };
  if (edited.description) schema.description = edited.description;
  else delete schema.description;
  const required = (edited.fields || []).filter((f) => f.key && f.required).map((f) => f.key);
  if (required.length) schema.required = required;
  else delete schema.required;
  return schema;
}
