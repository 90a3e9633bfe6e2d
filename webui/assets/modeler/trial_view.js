// "试运行": the draft re-run on the recorded inputs of the last N closed cases, on the
// server in the background; progress is polled and, when done, each diverging case and
// the totals are listed ("12 / 200 个案件会在 签收 变红"). Nothing is written.
import { callJson, getJson } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { t } from "../shared/page_config.js";

const POLL_MS = 1000;

export async function runTrial({ url, cases, box, progress }) {
  const { data } = await callJson("POST", url, { cases });
  progress.hidden = false;
  progress.value = 0;
  box.replaceChildren(el("p", { class: "hint", id: "trial-running", text: t("trial_started", { cases }) }));
  for (;;) {
    const status = await getJson(data.status_url);
    // the server says `finished` (bool) and `done` (cases tried so far); either way round
    const complete = typeof status.finished === "boolean" ? status.finished : status.done === true;
    const tried = typeof status.done === "number" ? status.done : Number(status.finished) || 0;
    progress.max = status.total || 1;
    progress.value = tried;
    progress.textContent = `${tried} / ${status.total || 0}`;
    if (status.error) {
      progress.hidden = true;
      throw new Error(status.error);
    }
    if (complete) {
      progress.hidden = true;
      renderTrial(box, status);
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function renderTrial(box, status) {
  const totals = status.totals || {};
  const diverging = (status.cases || []).filter((c) => (c.differences || []).length || (c.turned_red || []).length);
  const red = Object.entries(totals.turned_red_by_step || {});
  box.replaceChildren(
    el("p", { id: "trial-summary", class: "notice" },
      t("trial_summary", { diverged: totals.diverged ?? diverging.length, total: status.total ?? (status.cases || []).length })),
    red.length
      ? el("ul", { id: "trial-red" }, red.map(([step, count]) =>
        el("li", { text: t("trial_red_at", { count, total: status.total, step }) })))
      : null,
    diverging.length
      ? el("table", { class: "tasks", id: "trial-cases" },
        el("thead", {}, el("tr", {}, el("th", { text: t("case_no") }), el("th", { text: t("differences") }), el("th", { text: t("turned_red") }))),
        el("tbody", {}, diverging.map((c) => el("tr", { id: `trial-${c.case_no}` },
          el("td", { text: c.case_no }),
          el("td", {}, el("ul", {}, (c.differences || []).map((d) => el("li", { text: d })))),
          el("td", { text: (c.turned_red || []).join("、") || "—" })))))
      : null,
  );
}
