// The decision tables (*.dmn) of the draft in dmn-js, loaded only when such a tab is
// first opened (it is large). Opens straight on the first decision table.
import { dmnTranslate } from "./translate.js";

export class DmnEditor {
  constructor({ canvas, onChange }) {
    this.canvas = canvas;
    this.onChange = onChange;
    this.modeler = null;
  }

  async ready() {
    if (!this.modeler) {
      const { default: DmnModeler } = await import("dmn-js/lib/Modeler");
      this.modeler = new DmnModeler({
        container: this.canvas,
        common: { keyboard: { bindTo: document } },
        // per view: dmn-js replaces a common additionalModules with its own
        drd: { additionalModules: [dmnTranslate] },
        decisionTable: { additionalModules: [dmnTranslate] },
        literalExpression: { additionalModules: [dmnTranslate] },
      });
      this.modeler.on("views.changed", () => this.watchActive());
    }
    return this.modeler;
  }

  watchActive() {
    const viewer = this.modeler.getActiveViewer();
    if (viewer && !viewer.__jtWatched) {
      viewer.__jtWatched = true;
      viewer.on("elements.changed", () => this.onChange());
    }
  }

  async open(xml) {
    const modeler = await this.ready();
    const { warnings } = await modeler.importXML(xml);
    const table = modeler.getViews().find((view) => view.type === "decisionTable");
    if (table) await modeler.open(table);
    this.watchActive();
    return warnings;
  }

  async text() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml;
  }

  reveal(id) {
    const view = this.modeler.getViews().find((v) => v.element.id === id);
    if (view) this.modeler.open(view);
    return Boolean(view);
  }
}
