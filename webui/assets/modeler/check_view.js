// What "检查" found: each problem listed by file and element NAME (click: the element is
// selected in its file), and what the new version means for running cases — which would
// migrate (and which deadlines move), which would be refused and why.
import { el } from "../shared/dom.js";
import { localTime } from "../shared/local_time.js";
import { t } from "../shared/page_config.js";

export function renderProblems(list, problems, { nameOf, reveal }) {
  if (!problems.length) {
    list.replaceChildren(el("p", { class: "notice", id: "no-problems", text: t("no_problems") }));
    return;
  }
  list.replaceChildren(
    el("h3", { text: t("problems_heading", { count: problems.length }) }),
    el("ul", { id: "problem-list" }, problems.map((p, i) => {
      const name = nameOf(p.file, p.element_id);
      const where = [p.file, name || p.element_id, p.line ? t("line_no", { line: p.line }) : null].filter(Boolean).join(" · ");
      return el("li", { class: "problem", dataset: { elementId: p.element_id || "", file: p.file || "" } },
        p.element_id
          ? el("button", { type: "button", class: "link", id: `problem-${i}`, onclick: () => reveal(p.file, p.element_id) }, where)
          : el("span", { class: "where" }, where),
        el("span", { class: "message" }, `：${p.message}`));
    })),
  );
}

export function renderMigration(box, migration, nameOf = (id) => id) {
  if (!migration) {
    box.replaceChildren();
    return;
  }
  const migrates = migration.migrates || [];
  const refused = migration.refused || [];
  if (!migrates.length && !refused.length) {
    box.replaceChildren(el("p", { class: "hint", text: t("no_running_cases") }));
    return;
  }
  box.replaceChildren(
    el("h3", { text: t("migration_heading") }),
    el("p", { class: "hint", text: t("migration_summary", { migrates: migrates.length, refused: refused.length }) }),
    el("table", { class: "tasks", id: "migration-preview" },
      el("thead", {}, el("tr", {},
        el("th", { text: t("case_no") }), el("th", { text: t("outcome") }),
        el("th", { text: t("changed_elements") }), el("th", { text: t("moved_deadlines") }))),
      el("tbody", {},
        migrates.map((m) => el("tr", { id: `migrates-${m.case_no}`, class: "migrates" },
          el("td", { text: m.case_no }), el("td", { text: t("would_migrate") }),
          el("td", { text: (m.changed || []).map(nameOf).join("、") || "—" }),
          el("td", {}, (m.moved || []).length
            ? el("ul", {}, m.moved.map((d) => el("li", { text: `${[d.element_id || d.element, d.watches].filter(Boolean).map(nameOf).join(" · ")}：${localTime(d.old_due_at)} → ${localTime(d.new_due_at)}` })))
            : "—"))),
        refused.map((r) => el("tr", { id: `refused-${r.case_no}`, class: "refused" },
          el("td", { text: r.case_no }), el("td", { class: "error", text: t("would_be_refused") }),
          el("td", { colspan: "2", text: r.why })))),
    ),
  );
}
