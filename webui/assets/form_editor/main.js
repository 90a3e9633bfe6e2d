// The form editor page (/forms/<name>/editor): the form's fields edited in json-editor, the
// form previewed live exactly as handlers will see it (drawn by the server from the same
// template as the task page), saved as a draft, deployed, uploaded or downloaded as .json.
import "./form_editor.css";

import { JSONEditor } from "@json-editor/json-editor";

import { callJson, getJson } from "../shared/api.js";
import { offerDownload, readChosenFile } from "../shared/file_transfer.js";
import { inChinese, pageConfig, t } from "../shared/page_config.js";
import { statusLine } from "../shared/status_line.js";
import { fieldListSchema } from "./field_list_schema.js";
import { fieldsOf, schemaOf } from "./schema_fields.js";

const $ = (id) => document.getElementById(id);
const { urls, name } = pageConfig();
const status = statusLine($("form-status"));
const PREVIEW_DELAY_MS = 300;

let original = {};
let editor = null;
let previewTimer = null;

function chineseEditor() {
  JSONEditor.defaults.languages.zh = {
    ...JSONEditor.defaults.languages.en,
    button_add_row_title: "添加{{0}}", button_delete_row_title: "删除{{0}}",
    button_delete_row_title_short: "删除", button_move_down_title: "下移", button_move_up_title: "上移",
    button_collapse: "收起", button_expand: "展开", button_delete_all: "全部", button_delete_all_title: "全部删除",
    button_delete_last: "最后一个{{0}}", button_delete_last_title: "删除最后一个{{0}}",
    error_notempty: "必须填写", error_minLength: "至少 {{0}} 个字符", error_pattern: "格式不符：{{0}}",
  };
  JSONEditor.defaults.language = "zh";
}

function currentSchema() {
  return schemaOf(editor.getValue(), original);
}

async function preview() {
  const { data } = await callJson("POST", urls.preview, { schema: currentSchema() }, [422]);
  $("form-preview").innerHTML = data.html; // the server's own rendering (Jinja-escaped)
  $("form-preview").dataset.state = "ready";
}

function previewSoon() {
  clearTimeout(previewTimer);
  $("form-editor-page").dataset.dirty = "true";
  previewTimer = setTimeout(() => preview().catch((e) => status.fail(e)), PREVIEW_DELAY_MS);
}

function show(schema) {
  original = schema;
  editor.setValue(fieldsOf(schema));
}

function describe(form) {
  const version = form.version || null; // none: the form as shipped in forms/
  const key = form.is_draft ? "form_draft_facts" : version ? "form_deployed_facts" : "form_shipped_facts";
  $("form-facts").textContent = t(key, { version: version ?? "—" });
}

function refused(data) {
  const problems = (data.problems || []).map((p) => p.message || p).join("；") || data.detail || "";
  throw new Error(t("form_deploy_refused", { problems }));
}

/** The edited schema saved as the owner's draft; the server's problems, if any, said. */
async function saveDraft() {
  const { status: code, data } = await callJson("PUT", urls.draft, { schema: currentSchema() }, [422]);
  if (code === 422) refused(data);
  $("form-editor-page").dataset.dirty = "false";
}

function action(id, run) {
  $(id).addEventListener("click", async () => {
    status.clear();
    try {
      await run();
    } catch (error) {
      status.fail(error);
    }
  });
}

async function start() {
  if (inChinese()) chineseEditor();
  editor = new JSONEditor($("schema-editor"), {
    schema: fieldListSchema(), theme: "html", iconlib: null, disable_edit_json: true, disable_properties: true,
    disable_array_delete_all_rows: true, disable_array_delete_last_row: true, no_additional_properties: true,
    required_by_default: false, show_errors: "interaction", prompt_before_delete: false, array_controls_top: true,
  });
  await new Promise((resolve) => editor.on("ready", resolve));
  const form = await getJson(urls.form);
  describe(form);
  show(form.schema);
  editor.on("change", previewSoon);
  await preview();
  action("form-save", async () => {
    await saveDraft();
    status.say(t("form_saved"));
  });
  action("form-deploy", async () => {
    await saveDraft();
    const { status: code, data } = await callJson("POST", urls.deploy, { note: $("form-deploy-note").value }, [422]);
    if (code === 422) refused(data);
    $("form-deploy-note").value = "";
    $("form-editor-page").dataset.dirty = "false";
    describe({ is_draft: false, version: data.version });
    status.say(t("form_deployed", { version: data.version ?? "" }));
  });
  action("form-download", async () => offerDownload(`${name.replace(/\.json$/, "")}.json`, JSON.stringify(currentSchema(), null, 2) + "\n", "application/json"));
  $("form-upload").addEventListener("change", async () => {
    try {
      const chosen = await readChosenFile($("form-upload"));
      $("form-upload").value = "";
      if (!chosen) return;
      let schema;
      try {
        schema = JSON.parse(chosen.text);
      } catch (e) {
        throw new Error(t("not_json", { name: chosen.name, error: e.message }));
      }
      show(schema);
      previewSoon();
      status.say(t("uploaded", { name: chosen.name }));
    } catch (error) {
      status.fail(error);
    }
  });
  $("form-editor-page").dataset.state = "ready";
}

start().catch((error) => {
  $("form-editor-page").dataset.state = "failed";
  status.fail(new Error(`${t("load_failed")}${error.message}`));
});
