// The draft's files as tabs: one .bpmn or .dmn shown at a time, in its editor; the others
// kept as text. `files()` gives every file's current text, ready to save.
import { el } from "../shared/dom.js";
import { t } from "../shared/page_config.js";

export const kindOf = (name) => (name.endsWith(".dmn") ? "dmn" : name.endsWith(".bpmn") ? "bpmn" : null);

export class Workspace {
  constructor({ tabs, bpmnBox, dmnBox, bpmn, dmn, onSwitch }) {
    Object.assign(this, { tabs, bpmnBox, dmnBox, bpmn, dmn, onSwitch });
    this.texts = {};
    this.current = null;
  }

  async load(files) {
    this.texts = { ...files };
    this.current = null;
    const first = Object.keys(files).find((name) => kindOf(name) === "bpmn") || Object.keys(files)[0];
    this.drawTabs();
    if (first) await this.show(first);
  }

  drawTabs() {
    this.tabs.replaceChildren(...Object.keys(this.texts).sort(byKind).map((name) =>
      el("button", {
        type: "button", role: "tab", id: `tab-${name.replace(/\W/g, "_")}`, class: "file-tab",
        "aria-selected": String(name === this.current), dataset: { file: name },
        title: kindOf(name) === "dmn" ? t("decision_table") : t("diagram"),
        onclick: () => this.show(name),
      }, name)));
  }

  editorOf(name) {
    return kindOf(name) === "dmn" ? this.dmn : this.bpmn;
  }

  /** Keep the shown file's text, then show `name` in its editor. */
  async show(name) {
    if (name === this.current) return;
    await this.keepCurrent();
    const kind = kindOf(name);
    if (!kind) throw new Error(t("unknown_file_kind", { name }));
    this.bpmnBox.hidden = kind !== "bpmn";
    this.dmnBox.hidden = kind !== "dmn";
    this.current = name;
    this.drawTabs();
    await this.editorOf(name).open(this.texts[name]);
    this.onSwitch(name);
  }

  async keepCurrent() {
    if (this.current) this.texts[this.current] = await this.editorOf(this.current).text();
  }

  async files() {
    await this.keepCurrent();
    return { ...this.texts };
  }

  /** A file from the owner's computer, added to the draft or replacing its namesake. */
  async put(name, text) {
    if (!kindOf(name)) throw new Error(t("unknown_file_kind", { name }));
    this.texts[name] = text;
    if (this.current === name) this.current = null; // show it afresh
    await this.show(name);
  }

  async currentText() {
    await this.keepCurrent();
    return { name: this.current, text: this.texts[this.current] };
  }

  /** An element's name, read from whichever file holds it. */
  nameIn(file, id) {
    const text = this.texts[file];
    if (!text || !id) return null;
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const found = doc.querySelector(`[id="${CSS.escape(id)}"]`);
    return found ? found.getAttribute("name") : null;
  }

  /** The decisions of every .dmn file, for business rule tasks to call. */
  decisions() {
    const found = [];
    for (const [name, text] of Object.entries(this.texts)) {
      if (kindOf(name) !== "dmn") continue;
      const doc = new DOMParser().parseFromString(text, "application/xml");
      for (const d of doc.getElementsByTagNameNS("*", "decision")) found.push({ id: d.getAttribute("id"), name: d.getAttribute("name") });
    }
    return found;
  }
}

function byKind(a, b) {
  return (kindOf(a) === "bpmn" ? 0 : 1) - (kindOf(b) === "bpmn" ? 0 : 1) || a.localeCompare(b);
}
