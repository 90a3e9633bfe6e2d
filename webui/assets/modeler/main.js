// The process owner's modeler page (/processes/<id>/modeler): loads the draft (or the newest
// deployed version) and the system's choices, shows each file in its editor, and wires the
// toolbar — save, check, deploy, trial, upload, download, discard — to the modeler API.
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";
import "./modeler.css";

import { callJson, getJson } from "../shared/api.js";
import { offerDownload, readChosenFile } from "../shared/file_transfer.js";
import { el } from "../shared/dom.js";
import { localTime } from "../shared/local_time.js";
import { nameLabel, pageConfig, t } from "../shared/page_config.js";
import { statusLine } from "../shared/status_line.js";
import { BpmnEditor } from "./bpmn_editor.js";
import { renderMigration, renderProblems } from "./check_view.js";
import { DmnEditor } from "./dmn_editor.js";
import { fillFinder } from "./element_finder.js";
import { runTrial } from "./trial_view.js";
import { Workspace, kindOf } from "./workspace.js";

const $ = (id) => document.getElementById(id);
const { urls } = pageConfig();
const status = statusLine($("modeler-status"));

let problems = [];
let savedFiles = {};
let isDraft = false; // the owner has a saved draft (check, deploy and trials read that)
let checkedClean = false; // a check found nothing since the last edit: 部署 may be pressed

function edited() {
  checkedClean = false;
  $("deploy").disabled = true;
  $("modeler-page").dataset.dirty = "true";
}

const workspace = new Workspace({
  tabs: $("file-tabs"),
  bpmnBox: $("bpmn-editor"),
  dmnBox: $("dmn-canvas"),
  bpmn: null,
  dmn: new DmnEditor({ canvas: $("dmn-canvas"), onChange: edited }),
  onSwitch: (name) => {
    if (kindOf(name) === "bpmn") workspace.bpmn.showProblems(problems.filter((p) => p.file === name));
    $("modeler-page").dataset.file = name;
    $("find").hidden = kindOf(name) !== "bpmn";
    if (kindOf(name) === "bpmn") fillFinder($("find-element"), workspace.bpmn);
  },
});

function describeDraft(draft) {
  const facts = draft.is_draft
    ? t("draft_facts", { author: draft.author || "", saved_at: localTime(draft.saved_at), version: draft.based_on_version ?? "—" })
    : t("deployed_facts", { version: draft.based_on_version ?? "—" });
  $("draft-facts").textContent = facts;
  $("discard").hidden = !draft.is_draft;
  isDraft = draft.is_draft;
}

async function loadDraft() {
  const draft = await getJson(urls.draft);
  describeDraft(draft);
  savedFiles = { ...draft.files };
  await workspace.load(draft.files);
  $("modeler-page").dataset.dirty = "false";
}

function unsaved(files) {
  const names = new Set([...Object.keys(files), ...Object.keys(savedFiles)]);
  return [...names].some((name) => files[name] !== savedFiles[name]);
}

async function save({ quiet = false } = {}) {
  const files = await workspace.files();
  if (quiet && isDraft && !unsaved(files)) return;
  const { data } = await callJson("PUT", urls.draft, { files });
  savedFiles = files;
  isDraft = true;
  $("modeler-page").dataset.dirty = "false";
  $("draft-facts").textContent = t("saved_at", { saved_at: localTime(data.saved_at) });
  $("discard").hidden = false;
  if (!quiet) status.say(t("saved"));
}

function showProblems(found) {
  problems = found;
  renderProblems($("problems"), found, {
    nameOf: (file, id) => (file === workspace.current && kindOf(file) === "bpmn" ? workspace.bpmn.nameOf(id) : null) || workspace.nameIn(file, id),
    reveal: async (file, id) => {
      if (file && file !== workspace.current) await workspace.show(file);
      workspace.editorOf(workspace.current).reveal(id);
    },
  });
  if (kindOf(workspace.current) === "bpmn") workspace.bpmn.showProblems(found.filter((p) => p.file === workspace.current));
}

async function check() {
  await save({ quiet: true });
  const { data } = await callJson("POST", urls.check, {});
  showProblems(data.problems || []);
  renderMigration($("migration"), data.migration, (id) => workspace.bpmn.nameOf(id) || id);
  checkedClean = !(data.problems || []).length;
  $("deploy").disabled = !checkedClean;
  $("modeler-page").dataset.checked = checkedClean ? "clean" : "problems";
  status.say(checkedClean ? t("check_clean") : t("check_found", { count: data.problems.length }));
}

async function deploy() {
  if (!checkedClean) return status.fail(new Error(t("check_first")));
  await save({ quiet: true });
  const { status: code, data } = await callJson("POST", urls.deploy, { note: $("deploy-note").value }, [422]);
  if (code === 422) {
    showProblems(data.problems || []);
    checkedClean = false;
    $("deploy").disabled = true;
    return status.fail(new Error(t("deploy_refused")));
  }
  $("deploy-note").value = "";
  await loadDraft();
  showProblems([]);
  checkedClean = false; // the next version needs its own check
  $("deploy").disabled = true;
  delete $("modeler-page").dataset.checked;
  renderMigration($("migration"), null);
  $("problems").replaceChildren(el("p", { class: "notice", id: "deployed" },
    t("deployed", { version: data.version }), " ",
    el("a", { href: urls.version.replace("__version__", data.version), text: t("open_version") }), " · ",
    el("a", { href: `${urls.compare}?a=${data.version - 1}&b=${data.version}`, text: t("compare_versions") })));
  status.say(t("deployed", { version: data.version }));
}

async function trial() {
  const cases = Math.max(1, parseInt($("trial-cases").value, 10) || 200);
  await save({ quiet: true });
  $("trial").disabled = true;
  try {
    await runTrial({ url: urls.trials, cases, box: $("trial-results"), progress: $("trial-progress") });
  } finally {
    $("trial").disabled = false;
  }
}

async function upload() {
  const chosen = await readChosenFile($("upload-file"));
  $("upload-file").value = "";
  if (!chosen) return;
  await workspace.put(chosen.name, chosen.text);
  edited();
  status.say(t("uploaded", { name: chosen.name }));
}

async function download() {
  const { name, text } = await workspace.currentText();
  offerDownload(name, text, "application/xml");
}

async function discard() {
  if (!window.confirm(t("discard_confirm"))) return;
  await callJson("DELETE", urls.draft);
  await loadDraft();
  showProblems([]);
  status.say(t("discarded"));
}

function listForms(choices) {
  $("forms-list").replaceChildren(...(choices.forms || []).map((form) =>
    el("li", {}, el("a", { href: urls.form_editor.replace("__name__", encodeURIComponent(form.name)), text: nameLabel(form.title || form.name) }))));
}

// The properties panel applies typing after a pause (its debounce); a button pressed
// right after typing waits that long, so what was typed is in what gets saved.
const PANEL_DEBOUNCE_MS = 300;
let lastPanelInput = 0;
document.getElementById("properties-panel").addEventListener("input", () => { lastPanelInput = Date.now(); });

function panelSettled() {
  const wait = lastPanelInput + PANEL_DEBOUNCE_MS + 50 - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

/** Run a toolbar action with its button busy; any failure is said on the status line. */
function action(id, run) {
  $(id).addEventListener("click", async () => {
    const button = $(id);
    button.setAttribute("aria-busy", "true");
    status.clear();
    try {
      await panelSettled();
      await run();
    } catch (error) {
      status.fail(error);
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}

async function start() {
  const choices = await getJson(urls.choices);
  listForms(choices);
  workspace.bpmn = new BpmnEditor({
    canvas: $("bpmn-canvas"), panel: $("properties-panel"), choices,
    decisions: () => workspace.decisions(), onChange: edited,
  });
  await loadDraft();
  action("save", () => save());
  action("check", check);
  action("deploy", deploy);
  action("trial", trial);
  action("download", download);
  action("discard", discard);
  $("find-element").addEventListener("change", (event) => {
    if (event.target.value) workspace.bpmn.reveal(event.target.value);
  });
  $("upload-file").addEventListener("change", () => upload().catch((e) => status.fail(e)));
  window.addEventListener("beforeunload", (event) => {
    if ($("modeler-page").dataset.dirty === "true") event.preventDefault();
  });
  $("modeler-page").dataset.state = "ready";
}

start().catch((error) => {
  $("modeler-page").dataset.state = "failed";
  status.fail(new Error(`${t("load_failed")}${error.message}`));
});
