// `npm run build`: bundle the modeler, compare and form-editor pages' ES modules (webui/assets)
// with esbuild into webui/static/dist/, where Flask serves them as static files. Everything
// the pages need comes from node_modules (package-lock.json): no CDN, no eval, so the pages
// work offline under the CSP `script-src 'self'`.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// bpmnlint reads its rules by name at run time; in the browser they must be bundled. This
// turns `import config from "./.bpmnlintrc"` into {config, resolver} with every rule the
// .bpmnlintrc names imported (what bpmnlint-pack-config does, without a second bundler).
const bpmnlintrc = {
  name: "bpmnlintrc",
  setup(build) {
    build.onLoad({ filter: /\.bpmnlintrc$/ }, async (args) => {
      const rc = JSON.parse(await readFile(args.path, "utf8"));
      const rules = Object.keys(rc.rules || {});
      const imports = rules.map((rule, i) => `import rule${i} from "bpmnlint/rules/${rule}";`);
      const cache = rules.map((rule, i) => `"bpmnlint/${rule}": rule${i}`);
      const contents = `${imports.join("\n")}
const cache = {${cache.join(", ")}};
export default {
  config: ${JSON.stringify({ rules: rc.rules })},
  resolver: {
    resolveRule(pkg, name) {
      const rule = cache[pkg + "/" + name];
      if (!rule) throw new Error("bpmnlint rule " + pkg + "/" + name + " is not bundled");
      return rule;
    },
    resolveConfig() { throw new Error("bpmnlint: extends is not bundled"); },
  },
};`;
      return { contents, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    modeler: "webui/assets/modeler/main.js",
    compare: "webui/assets/compare/main.js",
    form_editor: "webui/assets/form_editor/main.js",
  },
  outdir: "webui/static/dist",
  bundle: true,
  format: "esm",
  splitting: true, // dmn-js is loaded only when a decision table's tab is opened
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  chunkNames: "chunks/[name]-[hash]",
  assetNames: "assets/[name]-[hash]",
  loader: { ".woff": "file", ".woff2": "file", ".eot": "file", ".ttf": "file", ".svg": "file" },
  define: { "process.env.NODE_ENV": '"production"' },
  plugins: [bpmnlintrc],
  logLevel: "warning",
});
console.log("built webui/static/dist/ (modeler.js, compare.js, form_editor.js)");
