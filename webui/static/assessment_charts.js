// The assessment dashboard: four ECharts charts (window.echarts, served from node_modules by
// webui/chart_library.py) drawn from the page's JSON (webui/assessment_charts.py). Every
// text comes from the page in the reader's language; every bar and point carries the URL of
// the cases behind it, and a click goes there.
(function () {
  "use strict";
  var board = document.getElementById("dashboard");
  if (!board) return;
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var t = JSON.parse(document.getElementById("dashboard-texts").textContent);
  if (!window.echarts) {
    document.getElementById("charts-failed").hidden = false;
    board.dataset.state = "failed";
    return;
  }

  var FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var YELLOW = "#d4a72c", RED = "#cf222e", BLUE = "#0969da", GREEN = "#1a7f37", GREY = "#57606a";
  var charts = [];

  function base(title, empty) {
    var option = {
      textStyle: { fontFamily: FONT, fontSize: 13 },
      title: { text: title, left: 8, top: 4, textStyle: { fontSize: 15, fontWeight: "bold" } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 12, right: 28, top: 56, bottom: 28, containLabel: true },
      animation: false
    };
    if (empty) {
      option.graphic = {
        type: "text", left: "center", top: "middle",
        style: { text: t.no_data, fontSize: 14, fill: GREY, fontFamily: FONT }
      };
    }
    return option;
  }

  function draw(id, option) {
    var chart = window.echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", function (clicked) {
      if (clicked.data && clicked.data.page) window.location.assign(clicked.data.page);
    });
    charts.push(chart);
    return chart;
  }

  function item(count) { return { value: count.value, page: count.page, figure: count.figure }; }
  function percent(rate) { return rate === null ? null : Math.round(rate * 1000) / 10; }
  function sum(list, pick) { return list.reduce(function (n, x) { return n + pick(x); }, 0); }

  // lights by unit: stacked horizontal bars, yellow then red, units by name
  var units = data.lights_by_unit;
  // one row of ~46px per unit, so two-line names stay apart
  document.getElementById("chart-lights").style.height = Math.max(380, 96 + 46 * units.length) + "px";
  var lights = base(t.lights_title, sum(units, function (u) { return u.yellow.value + u.red.value; }) === 0);
  lights.legend = { top: 6, right: 10, data: [t.yellow, t.red] };
  lights.yAxis = {
    type: "category", inverse: true, data: units.map(function (u) { return u.name; }),
    axisLabel: { width: 200, overflow: "break", lineHeight: 15 }
  };
  lights.xAxis = { type: "value", name: t.lights_axis, nameLocation: "middle", nameGap: 24, minInterval: 1 };
  lights.grid.bottom = 36;
  var counted = { show: true, color: "#fff", fontWeight: "bold",
                  formatter: function (p) { return p.value ? String(p.value) : ""; } };
  lights.series = [
    { name: t.yellow, type: "bar", stack: "lights", itemStyle: { color: YELLOW }, barMaxWidth: 26,
      label: counted, data: units.map(function (u) { return item(u.yellow); }) },
    { name: t.red, type: "bar", stack: "lights", itemStyle: { color: RED }, barMaxWidth: 26,
      label: counted, data: units.map(function (u) { return item(u.red); }) }
  ];
  draw("chart-lights", lights);

  // on-time rates per month: two lines; a point lists that month's late steps
  var months = data.months;
  var rated = months.filter(function (m) {
    return m.sign_for_on_time_rate !== null || m.feedback_on_time_rate !== null;
  });
  var rates = base(t.months_title, rated.length === 0);
  rates.tooltip = {
    trigger: "axis",
    valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; }
  };
  rates.legend = { top: 6, right: 10, data: [t.sign_for_rate, t.feedback_rate] };
  rates.xAxis = {
    type: "category", name: t.month_axis, nameLocation: "middle", nameGap: 28,
    data: months.map(function (m) { return t.months[Number(m.month.slice(5)) - 1]; })
  };
  rates.yAxis = { type: "value", name: t.months_axis, min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
  rates.grid.bottom = 40;
  function line(name, color, rate, late) {
    return {
      name: name, type: "line", connectNulls: false, symbolSize: 9, lineStyle: { width: 2.5 },
      itemStyle: { color: color },
      data: months.map(function (m) {
        return { value: percent(m[rate]), page: m[late].page, figure: m[late].figure };
      })
    };
  }
  rates.series = [
    line(t.sign_for_rate, BLUE, "sign_for_on_time_rate", "sign_for_late"),
    line(t.feedback_rate, GREEN, "feedback_on_time_rate", "feedback_late")
  ];
  draw("chart-months", rates);

  // closure time in working days: a histogram of the closed cases
  var bins = data.closure_wd;
  var closure = base(t.closure_title, sum(bins, function (b) { return b.value; }) === 0);
  closure.xAxis = {
    type: "category", name: t.closure_axis, nameLocation: "middle", nameGap: 28,
    data: bins.map(function (b) { return b.high_wd === null ? "≥" + b.low_wd : b.low_wd + "–" + b.high_wd; })
  };
  closure.yAxis = { type: "value", name: t.cases_axis, minInterval: 1 };
  closure.grid.bottom = 40;
  closure.series = [{
    name: t.cases_axis, type: "bar", barCategoryGap: "12%", itemStyle: { color: BLUE },
    label: { show: true, position: "top" }, data: bins.map(item)
  }];
  draw("chart-closure", closure);

  // open steps: horizontal bars, most first
  var steps = data.open_steps;
  var open = base(t.open_title, steps.length === 0);
  open.yAxis = {
    type: "category", inverse: true, data: steps.map(function (s) { return s.name; }),
    axisLabel: { width: 140, overflow: "break" }
  };
  open.xAxis = { type: "value", name: t.open_axis, nameLocation: "middle", nameGap: 24, minInterval: 1 };
  open.grid.bottom = 36;
  if (steps.length === 0) open.xAxis.show = open.yAxis.show = false;  // nothing open: the note alone
  open.series = [{
    name: t.open_axis, type: "bar", barMaxWidth: 26, itemStyle: { color: "#8250df" },
    label: { show: true, position: "right" }, data: steps.map(item)
  }];
  draw("chart-open", open);

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  board.dataset.state = "ready";
})();
