// Charts drawn as inline SVG: horizontal bars, a Pareto (bars and a cumulative line),
// stacked shares and medians beside 90th percentiles with a target marker.
//
// Colours come from CSS classes reading the theme's variables (desk.css, pages/analytics.css),
// so a theme change repaints them without drawing again. Every chart is an image named by its
// <title> and described in its <desc>; each mark carries its own <title>. The numbers come
// formatted by the caller, in the reader's language.

const SVG = "http://www.w3.org/2000/svg";
// Drawn at their viewBox's size in CSS pixels at most, so the text stays 12 px however wide the card.
const WIDTH = 480;
const LABEL_WIDTH = 160;
const VALUE_WIDTH = 90;
const ROW = 26;
const BAR = 16;

let chartCount = 0;

function node(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function tip(text) {
  return node("title", {}, text);
}

function shorten(text, length = 28) {
  const value = String(text);
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}

// The chart's frame: <svg role="img"> with its title and a description of what it shows.
function frame(kind, title, description, height, width = WIDTH) {
  chartCount += 1;
  const titleId = `chart-${chartCount}-title`;
  const descId = `chart-${chartCount}-desc`;
  return node(
    "svg",
    {
      class: `viz viz-${kind}`,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-labelledby": titleId,
      "aria-describedby": descId,
      "data-chart-kind": kind,
      focusable: "false",
    },
    node("title", { id: titleId }, title),
    node("desc", { id: descId }, description),
  );
}

function rowLabel(y, text) {
  return node("text", { class: "viz-label", x: LABEL_WIDTH - 8, y: y + BAR / 2, "text-anchor": "end", "dominant-baseline": "middle" },
    tip(text), shorten(text, 22));
}

function describe(items, value) {
  return items.map((item) => `${item.label}: ${value(item)}`).join("; ");
}

// items: [{label, value, display}] → one bar per item, longest for the largest value.
export function barChart({ title, items, max = null, width = WIDTH }) {
  const top = Math.max(max ?? 0, ...items.map((item) => item.value), 0) || 1;
  const span = width - LABEL_WIDTH - VALUE_WIDTH;
  const svg = frame("bars", title, describe(items, (item) => item.display), Math.max(items.length, 1) * ROW + 4, width);
  items.forEach((item, index) => {
    const y = index * ROW + 4;
    const width = Math.max((item.value / top) * span, item.value > 0 ? 1 : 0);
    svg.append(
      rowLabel(y, item.label),
      node("rect", { class: `viz-bar ${item.series ? `series-${item.series}` : ""}`.trim(), x: LABEL_WIDTH, y, width, height: BAR, rx: 2 },
        tip(`${item.label}: ${item.display}`)),
      node("text", { class: "viz-value", x: LABEL_WIDTH + width + 6, y: y + BAR / 2, "dominant-baseline": "middle" }, item.display),
    );
  });
  return svg;
}

// items: [{label, value, display, cumulative (0 to 1), cumulativeDisplay}], ranked → vertical bars
// and the running share as a line on a 0–100 % scale.
export function paretoChart({ title, items, cumulativeLabel, width = 600 }) {
  const height = 220;
  const bottom = 150;
  const left = 48;
  const right = width - 48;
  const top = 16;
  const max = Math.max(...items.map((item) => item.value), 0) || 1;
  const step = (right - left) / Math.max(items.length, 1);
  const svg = frame("pareto", title,
    describe(items, (item) => `${item.display} (${cumulativeLabel} ${item.cumulativeDisplay})`), height, width);
  svg.append(
    node("line", { class: "viz-axis", x1: left, x2: right, y1: bottom, y2: bottom }),
    node("text", { class: "viz-value", x: right + 4, y: top, "dominant-baseline": "middle" }, "100%"),
    node("line", { class: "viz-grid", x1: left, x2: right, y1: top, y2: top }),
  );
  const points = [];
  items.forEach((item, index) => {
    const x = left + index * step;
    const barHeight = (item.value / max) * (bottom - top);
    const barWidth = Math.min(step * 0.7, 64);
    svg.append(
      node("rect", { class: "viz-bar", x: x + (step - barWidth) / 2, y: bottom - barHeight, width: barWidth, height: barHeight, rx: 2 },
        tip(`${item.label}: ${item.display}`)),
      node("text", { class: "viz-label viz-label-tilted", x: x + step / 2, y: bottom + 12,
        transform: `rotate(30 ${x + step / 2} ${bottom + 12})` }, tip(item.label), shorten(item.label, 24)),
    );
    points.push([x + step / 2, bottom - (item.cumulative ?? 0) * (bottom - top)]);
  });
  if (points.length) {
    svg.append(node("polyline", { class: "viz-line", points: points.map((point) => point.join(",")).join(" ") }));
    items.forEach((item, index) => {
      svg.append(node("circle", { class: "viz-point", cx: points[index][0], cy: points[index][1], r: 3 },
        tip(`${item.label}: ${cumulativeLabel} ${item.cumulativeDisplay}`)));
    });
  }
  return svg;
}

// rows: [{label, parts: [{label, value, display, series}]}] → one bar per row split into its
// parts' shares of the row's total, with a legend of the parts.
export function shareChart({ title, rows }) {
  const legend = [];
  for (const row of rows) {
    for (const part of row.parts) if (!legend.some((entry) => entry.label === part.label)) legend.push(part);
  }
  const legendHeight = Math.ceil(legend.length / 2) * 20 + 8;
  const span = WIDTH - LABEL_WIDTH - 16;
  const svg = frame("share", title,
    rows.map((row) => `${row.label}: ${row.parts.map((part) => `${part.label} ${part.display}`).join(", ")}`).join("; "),
    Math.max(rows.length, 1) * ROW + legendHeight + 4);
  rows.forEach((row, index) => {
    const y = index * ROW + 4;
    const total = row.parts.reduce((sum, part) => sum + part.value, 0);
    svg.append(rowLabel(y, row.label));
    let x = LABEL_WIDTH;
    for (const part of row.parts) {
      const width = total > 0 ? (part.value / total) * span : 0;
      if (width > 0) {
        svg.append(node("rect", { class: `viz-part series-${part.series}`, x, y, width, height: BAR },
          tip(`${row.label} — ${part.label}: ${part.display}`)));
      }
      x += width;
    }
  });
  const base = Math.max(rows.length, 1) * ROW + 12;
  legend.forEach((part, index) => {
    const x = (index % 2) * (WIDTH / 2) + 8;
    const y = base + Math.floor(index / 2) * 20;
    svg.append(
      node("rect", { class: `viz-part series-${part.series}`, x, y, width: 12, height: 12, rx: 2 }),
      node("text", { class: "viz-label", x: x + 18, y: y + 6, "dominant-baseline": "middle" }, part.label),
    );
  });
  return svg;
}

// items: [{label, median, p90, target, display}] (hours) → the median as a bar, the 90th percentile
// as a lighter bar behind it, and the target as a marker across both.
export function stageChart({ title, items }) {
  const top = Math.max(...items.flatMap((item) => [item.median ?? 0, item.p90 ?? 0, item.target ?? 0]), 0) || 1;
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const svg = frame("stages", title, describe(items, (item) => item.display), Math.max(items.length, 1) * ROW + 4);
  items.forEach((item, index) => {
    const y = index * ROW + 4;
    const scale = (hours) => ((hours ?? 0) / top) * span;
    svg.append(
      rowLabel(y, item.label),
      node("rect", { class: "viz-bar viz-p90", x: LABEL_WIDTH, y, width: scale(item.p90), height: BAR, rx: 2 },
        tip(`${item.label}: ${item.display}`)),
      node("rect", { class: "viz-bar", x: LABEL_WIDTH, y: y + 4, width: scale(item.median), height: BAR - 8, rx: 2 },
        tip(`${item.label}: ${item.display}`)),
      item.target !== null && item.target !== undefined
        ? node("line", { class: "viz-target", x1: LABEL_WIDTH + scale(item.target), x2: LABEL_WIDTH + scale(item.target),
          y1: y - 3, y2: y + BAR + 3 })
        : null,
      node("text", { class: "viz-value", x: LABEL_WIDTH + Math.max(scale(item.p90), scale(item.target)) + 6, y: y + BAR / 2,
        "dominant-baseline": "middle" }, item.short ?? ""),
    );
  });
  return svg;
}
