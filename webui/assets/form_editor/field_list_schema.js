// The schema json-editor draws the field list from, in the page's language.
import { t } from "../shared/page_config.js";
import { KINDS } from "./schema_fields.js";

export function fieldListSchema() {
  return {
    type: "object",
    title: t("form_schema"),
    properties: {
      title: { type: "string", title: t("form_title") },
      description: { type: "string", title: t("form_description"), format: "textarea" },
      fields: {
        type: "array",
        title: t("fields"),
        format: "tabs-top",
        items: {
          type: "object",
          title: t("field"),
          headerTemplate: "{{ self.title }}",
          properties: {
            key: { type: "string", title: t("field_key"), pattern: "^[a-z_][a-z0-9_]*$", minLength: 1 },
            title: { type: "string", title: t("field_title") },
            kind: { type: "string", title: t("field_kind"), enum: KINDS, options: { enum_titles: KINDS.map((k) => t(`kind_${k}`)) } },
            description: { type: "string", title: t("field_description") },
            required: { type: "boolean", title: t("field_required"), format: "checkbox" },
            choices: {
              type: "array", title: t("field_choices"), format: "table",
              items: { type: "object", title: t("choice"), properties: {
                value: { type: "string", title: t("choice_value") }, title: { type: "string", title: t("choice_title") },
              } },
            },
          },
          defaultProperties: ["key", "title", "kind", "description", "required", "choices"],
        },
      },
    },
  };
}
