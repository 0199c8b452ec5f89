// What the Analytics page's sections share: a section card, its data table, its CSV link,
// and rates and money in the reader's language.

import { formatMoney, formatNumber, t } from "../../i18n.js";
import { h } from "../../ui.js";

export { formatPercent as percent } from "../../i18n.js";

export function count(value) {
  return formatNumber(Number(value || 0));
}

// Money as the API sends it ({amount, currency}); amounts of different currencies are never added.
export function moneyText(money) {
  return formatMoney(money);
}

export function moneyList(amounts) {
  if (!amounts || !amounts.length) return "—";
  return amounts.map((money) => formatMoney(money)).join(" · ");
}

// A table: columns [{label, num}], rows of cells ([text] or {cells, attrs}), and an optional footer.
export function dataTable({ key, caption, columns, rows, foot = [] }) {
  const line = (cells, attrs = {}, header = false) =>
    h("tr", attrs, cells.map((cell, index) => {
      const numeric = columns[index] && columns[index].num;
      if (index === 0) return h("th", { scope: "row", class: numeric ? "num" : null }, cell);
      return h(header ? "th" : "td", { class: numeric ? "num" : null }, cell);
    }));
  return h(
    "table",
    { class: "table analytics-table", "data-table": key },
    h("caption", { class: "sr-only" }, caption),
    h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col", class: column.num ? "num" : null }, column.label)))),
    h("tbody", {}, rows.map((row) => (Array.isArray(row) ? line(row) : line(row.cells, row.attrs)))),
    foot.length ? h("tfoot", {}, foot.map((row) => line(row.cells, row.attrs || {}, true))) : null,
  );
}

// The address of a table's CSV for what the page shows: its period, channel, sort and drill-down.
export function csvHref(table, state, extra = {}) {
  const params = new URLSearchParams({ from: state.from, to: state.to });
  if (state.channel) params.set("channel", state.channel);
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  return `/analytics/${table}.csv?${params}`;
}

// "Download CSV": the file comes by fetch with the desk's staff token (a plain link would carry none).
export function csvLink(ctx, table, href) {
  return h(
    "a",
    {
      class: "btn btn-secondary csv-link",
      href,
      download: `${table}.csv`,
      "data-csv": table,
      onclick: async (event) => {
        event.preventDefault();
        try {
          await ctx.api.download(href, `${table}.csv`);
        } catch (error) {
          ctx.bridge.notify("error", t("analytics.csvFailed"), error.message);
        }
      },
    },
    t("analytics.csv"),
  );
}

// A CSV made in the browser from rows the page already shows (a table the server does not export).
export function localCsvLink(table, filename, rows) {
  const quote = (value) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));
  const text = rows.map((row) => row.map(quote).join(",")).join("\r\n") + "\r\n";
  return h("a", { class: "btn btn-secondary csv-link", href: `data:text/csv;charset=utf-8,${encodeURIComponent(text)}`,
    download: filename, "data-csv": table }, t("analytics.csv"));
}

let sectionCount = 0;

// A section of the page: its heading and tools, then a body the section paints into.
export function section(key, title, ...tools) {
  sectionCount += 1;
  const id = `analytics-section-${sectionCount}`;
  const heading = h("h2", { class: "card-title", id }, title);
  const toolbar = h("div", { class: "section-tools" }, ...tools);
  const body = h("div", { class: "section-body", "aria-live": "polite" });
  const element = h("section", { class: "card analytics-section", "aria-labelledby": id, "data-section": key },
    h("div", { class: "section-head" }, heading, toolbar), body);
  return { element, heading, toolbar, body };
}

// A chart with its table: the figure for the eye, the same values as a table for everyone.
export function chartWithTable(chart, table) {
  return h("div", { class: "chart-with-table" }, h("figure", { class: "analytics-chart" }, chart), table);
}

export function empty(text = t("analytics.empty")) {
  return h("p", { class: "empty" }, text);
}
