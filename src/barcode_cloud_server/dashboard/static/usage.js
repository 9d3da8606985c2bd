// Draws the usage pages' charts with the vendored uPlot, from the figures the page carries in data-chart (the
// table under each chart holds the same figures, for readers without the chart or without script).
"use strict";

const COLORS = ["#1f4fd8", "#067647", "#c2410c", "#7a3dd8", "#0e7490", "#be185d", "#4d7c0f", "#8a5a00",
  "#334155", "#b42318", "#0891b2"];
const STATUS_COLORS = { "2xx": "#067647", "4xx": "#8a5a00", "429": "#c2410c", "5xx": "#b42318" };
const HEIGHT = 220;

function draw(figure, data) {
  const groups = data[figure.dataset.by];  // [name, requests per period] pairs
  const names = groups.map(([name]) => name);
  const plot = figure.querySelector(".plot");
  const hourly = data.period === "hour";
  const stamp = uPlot.fmtDate(hourly ? "{YYYY}-{MM}-{DD} {HH}:00" : "{YYYY}-{MM}-{DD}");
  const series = names.map((name, i) => {
    const color = figure.dataset.by === "statuses" ? STATUS_COLORS[name] || COLORS[i] : COLORS[i % COLORS.length];
    return { label: name, stroke: color, width: 2, points: { show: true, size: 5, fill: color } };
  });
  const chart = new uPlot({
    width: plot.clientWidth,
    height: HEIGHT,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    scales: { y: { range: (u, min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [
      { stroke: "#5a6478", grid: { stroke: "#eef1f6" } },
      {
        stroke: "#5a6478",
        grid: { stroke: "#eef1f6" },
        values: (u, ticks) => ticks.map((v) => (Number.isInteger(v) ? v.toLocaleString("en") : "")),
      },
    ],
    series: [{ label: hourly ? "Hour (UTC)" : "Day (UTC)", value: (u, s) => (s == null ? "" : stamp(u.tzDate(s))) },
      ...series],
  }, [data.x, ...groups.map(([, values]) => values)], plot);
  new ResizeObserver(() => chart.setSize({ width: plot.clientWidth, height: HEIGHT })).observe(plot);
}

for (const box of document.querySelectorAll("[data-chart]")) {
  const data = JSON.parse(box.dataset.chart);
  for (const figure of box.querySelectorAll("[data-by]")) draw(figure, data);
}
