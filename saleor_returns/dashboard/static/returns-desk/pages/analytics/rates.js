// The return rate: by category, product type, product, variant or channel, with the sold figures
// beside it, and the drill-down category → its products → a product's variants (or a product type
// → its variants) with a breadcrumb back up.

import { barChart } from "../../charts.js";
import { t } from "../../i18n.js";
import { button, clear, field, h } from "../../ui.js";
import { chartWithTable, count, csvHref, csvLink, dataTable, empty, moneyText, percent, section } from "./common.js";

export const DIMENSIONS = ["CATEGORY", "PRODUCT_TYPE", "PRODUCT", "VARIANT", "CHANNEL"];
export const SORTS = ["RETURN_RATE_UNITS", "RETURN_RATE_VALUE", "RETURNED_UNITS", "RETURNED_VALUE", "SOLD_UNITS", "SOLD_VALUE"];
export const PAGE_SIZE = 20;
// The drill-down's place in the page's address: the level's id and its name for the breadcrumb.
export const DRILL_PARAMS = ["category", "categoryName", "productType", "productTypeName", "product", "productName"];

const ROW = "key label currency soldUnits soldValue { amount currency } returnedUnits returnedValue { amount currency } returnRateUnits returnRateValue";
export const RATES_QUERY = `
query AnalyticsRates($period: ReturnAnalyticsPeriodInput!, $channel: String, $dimension: ReturnAnalyticsDimension!,
  $sortBy: ReturnRateSort, $offset: Int, $categoryId: ID, $productTypeId: ID, $productId: ID) {
  returnAnalytics(period: $period, channel: $channel) {
    errors { field code message }
    returnRate(dimension: $dimension, sortBy: $sortBy, first: ${PAGE_SIZE}, offset: $offset, categoryId: $categoryId,
      productTypeId: $productTypeId, productId: $productId) {
      totalCount rows { ${ROW} } totals { ${ROW} }
    }
    reasons(productId: $productId) { reasonCode units share cumulativeShare }
  }
}`;

// The table the drill-down shows: its dimension and the API's filter.
export function ratesView(state) {
  if (state.product) return { dimension: "VARIANT", filter: { productId: state.product } };
  if (state.category) return { dimension: "PRODUCT", filter: { categoryId: state.category } };
  if (state.productType) return { dimension: "VARIANT", filter: { productTypeId: state.productType } };
  return { dimension: state.dimension, filter: {} };
}

export function ratesVariables(state) {
  const view = ratesView(state);
  return { dimension: view.dimension, sortBy: state.sort, offset: state.offset, categoryId: null, productTypeId: null,
    productId: null, ...view.filter };
}

// Where a row of a table leads: a category to its products, a product type or product to its variants.
function drillInto(dimension, row) {
  if (dimension === "CATEGORY") return { category: row.key, categoryName: row.label };
  if (dimension === "PRODUCT_TYPE") return { productType: row.key, productTypeName: row.label };
  if (dimension === "PRODUCT") return { product: row.key, productName: row.label };
  return null;
}

function cleared() {
  return Object.fromEntries(DRILL_PARAMS.map((name) => [name, ""]));
}

function breadcrumb(state, change) {
  const steps = [{ label: t(`analytics.root.${state.dimension}`), patch: cleared() }];
  if (state.category) steps.push({ label: state.categoryName || state.category, patch: { product: "", productName: "" } });
  if (state.productType) steps.push({ label: state.productTypeName || state.productType, patch: { product: "", productName: "" } });
  if (state.product) steps.push({ label: state.productName || state.product, patch: {} });
  return h("nav", { class: "breadcrumb", "aria-label": t("analytics.breadcrumb") }, h("ol", {}, steps.map((step, index) =>
    h("li", {}, index === steps.length - 1
      ? h("span", { "aria-current": "location", "data-crumb": index }, step.label)
      : h("button", { type: "button", class: "link-button", "data-crumb": index,
        onclick: () => change({ ...step.patch, offset: 0 }) }, step.label)))));
}

function rateRow(dimension, row, change) {
  const target = drillInto(dimension, row);
  const name = target
    ? h("button", { type: "button", class: "link-button", "aria-label": t("analytics.drill", { name: row.label || row.key }),
      onclick: () => change({ ...target, offset: 0 }) }, row.label || row.key)
    : row.label || row.key;
  return {
    attrs: { "data-key": row.key, "data-currency": row.currency },
    cells: [name, row.currency, count(row.soldUnits), count(row.returnedUnits), percent(row.returnRateUnits),
      moneyText(row.soldValue), moneyText(row.returnedValue), percent(row.returnRateValue)],
  };
}

function columns() {
  return [
    { label: t("analytics.col.name") }, { label: t("analytics.col.currency") },
    { label: t("analytics.col.soldUnits"), num: true }, { label: t("analytics.col.returnedUnits"), num: true },
    { label: t("analytics.col.rateUnits"), num: true }, { label: t("analytics.col.soldValue"), num: true },
    { label: t("analytics.col.returnedValue"), num: true }, { label: t("analytics.col.rateValue"), num: true },
  ];
}

// The section: dimension tabs and sort above; breadcrumb, chart, table, pages and CSV below.
export function ratesSection(ctx, state, change) {
  const part = section("rates", t("analytics.rates.title"));
  const tabs = h("div", { class: "segmented", role: "group", "aria-label": t("analytics.rates.dimension") },
    DIMENSIONS.map((dimension) => h("button", {
      type: "button", class: "segment", "data-dimension": dimension, "aria-pressed": String(state.dimension === dimension),
      onclick: () => change({ ...cleared(), dimension, offset: 0 }),
    }, t(`analytics.dimension.${dimension}`))));
  const sortField = field({ label: t("analytics.rates.sort"), name: "sort", type: "select", value: state.sort,
    options: SORTS.map((sort) => [sort, t(`analytics.sort.${sort}`)]) });
  sortField.querySelector("select").addEventListener("change", (event) => change({ sort: event.target.value, offset: 0 }));
  part.toolbar.append(tabs, sortField);

  function paint(page) {
    for (const tab of tabs.children) tab.setAttribute("aria-pressed", String(tab.dataset.dimension === state.dimension));
    const view = ratesView(state);
    const title = t("analytics.rates.chart");
    const csv = csvLink(ctx, `return_rate_${view.dimension.toLowerCase()}`, csvHref(`return_rate_${view.dimension.toLowerCase()}`,
      state, { sort: state.sort.toLowerCase(), category_id: view.filter.categoryId, product_type_id: view.filter.productTypeId,
        product_id: view.filter.productId }));
    if (!page.rows.length) {
      clear(part.body, breadcrumb(state, change), empty(), csv);
      return;
    }
    const currencies = new Set(page.rows.map((row) => row.currency));
    const items = page.rows.map((row) => ({
      label: currencies.size > 1 ? `${row.label || row.key} (${row.currency})` : row.label || row.key,
      value: Number(row.returnRateUnits || 0), display: percent(row.returnRateUnits),
    }));
    const table = dataTable({
      key: "rates", caption: t("analytics.rates.title"), columns: columns(),
      rows: page.rows.map((row) => rateRow(view.dimension, row, change)),
      foot: page.totals.map((total) => ({
        attrs: { "data-total": total.currency },
        cells: [t("analytics.rates.totals", { currency: total.currency }), total.currency, count(total.soldUnits),
          count(total.returnedUnits), percent(total.returnRateUnits), moneyText(total.soldValue),
          moneyText(total.returnedValue), percent(total.returnRateValue)],
      })),
    });
    const last = Math.min(state.offset + page.rows.length, page.totalCount);
    const pages = h("div", { class: "pagination" },
      h("span", { class: "muted", "data-count": page.totalCount },
        t("analytics.rates.count", { shown: `${count(state.offset + 1)}–${count(last)}`, total: count(page.totalCount) })),
      button(t("analytics.previous"), { disabled: state.offset === 0,
        onClick: () => change({ offset: Math.max(0, state.offset - PAGE_SIZE) }) }),
      button(t("analytics.next"), { disabled: last >= page.totalCount, onClick: () => change({ offset: state.offset + PAGE_SIZE }) }));
    clear(part.body, breadcrumb(state, change), chartWithTable(barChart({ title, items, max: 1, width: 560 }), table), pages, csv);
  }

  return { element: part.element, body: part.body, paint };
}
