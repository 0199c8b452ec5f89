// Why things came back and how the service went: reasons ranked (Pareto), time per stage against
// the policy's targets, automatic approval and its overturns, and satisfaction.

import { barChart, paretoChart, stageChart } from "../../charts.js";
import { formatHours, formatNumber, t } from "../../i18n.js";
import { clear, h } from "../../ui.js";
import { chartWithTable, count, csvHref, csvLink, dataTable, empty, localCsvLink, percent } from "./common.js";

export function paintReasons(ctx, body, state, reasons, labels) {
  const csv = csvLink(ctx, "reasons", csvHref("reasons", state, { product_id: state.product }));
  if (!reasons.length) return clear(body, empty(), csv);
  const label = (code) => labels[code] || code;
  const chart = paretoChart({
    title: state.product ? t("analytics.reasons.forProduct", { name: state.productName || state.product }) : t("analytics.reasons.title"),
    cumulativeLabel: t("analytics.reasons.cumulative"),
    items: reasons.map((reason) => ({ label: label(reason.reasonCode), value: reason.units, display: count(reason.units),
      cumulative: reason.cumulativeShare, cumulativeDisplay: percent(reason.cumulativeShare) })),
  });
  const table = dataTable({
    key: "reasons", caption: t("analytics.reasons.title"),
    columns: [{ label: t("analytics.col.reason") }, { label: t("analytics.col.units"), num: true },
      { label: t("analytics.col.share"), num: true }, { label: t("analytics.col.cumulative"), num: true }],
    rows: reasons.map((reason) => ({ attrs: { "data-reason": reason.reasonCode }, cells: [label(reason.reasonCode),
      count(reason.units), percent(reason.share), percent(reason.cumulativeShare)] })),
  });
  return clear(body, chartWithTable(chart, table), csv);
}

export function paintStages(ctx, body, state, stages) {
  const csv = csvLink(ctx, "stage_times", csvHref("stage_times", state));
  if (!stages.some((stage) => stage.count)) return clear(body, empty(), csv);
  const name = (stage) => t(`analytics.stage.${stage.stage}`);
  const chart = stageChart({
    title: t("analytics.stages.title"),
    items: stages.map((stage) => ({
      label: name(stage), median: stage.medianHours, p90: stage.p90Hours, target: stage.targetHours,
      short: formatHours(stage.medianHours),
      display: t("analytics.stages.summary", { median: formatHours(stage.medianHours), p90: formatHours(stage.p90Hours),
        target: formatHours(stage.targetHours) }),
    })),
  });
  const table = dataTable({
    key: "stages", caption: t("analytics.stages.title"),
    columns: [{ label: t("analytics.col.stage") }, { label: t("analytics.col.count"), num: true },
      { label: t("analytics.col.median"), num: true }, { label: t("analytics.col.p90"), num: true },
      { label: t("analytics.col.target"), num: true }, { label: t("analytics.col.withinTarget"), num: true }],
    rows: stages.map((stage) => ({ attrs: { "data-stage": stage.stage }, cells: [name(stage), count(stage.count),
      formatHours(stage.medianHours), formatHours(stage.p90Hours), formatHours(stage.targetHours),
      percent(stage.withinTargetShare)] })),
  });
  return clear(body, h("p", { class: "muted" }, t("analytics.stages.legend")), chartWithTable(chart, table), csv);
}

export function paintAutoApproval(ctx, body, state, auto) {
  const csv = csvLink(ctx, "auto_approval", csvHref("auto_approval", state));
  if (!auto.requests) return clear(body, empty(), csv);
  const chart = barChart({
    title: t("analytics.auto.title"), max: 1,
    items: [
      { label: t("analytics.auto.approved"), value: Number(auto.autoApprovalRate || 0), display: percent(auto.autoApprovalRate) },
      { label: t("analytics.auto.overturned"), value: Number(auto.overturnRate || 0), display: percent(auto.overturnRate), series: 3 },
    ],
  });
  const table = dataTable({
    key: "auto", caption: t("analytics.auto.title"),
    columns: [{ label: t("analytics.col.figure") }, { label: t("analytics.col.count"), num: true },
      { label: t("analytics.col.rate"), num: true }],
    rows: [
      { attrs: { "data-figure": "requests" }, cells: [t("analytics.auto.requests"), count(auto.requests), ""] },
      { attrs: { "data-figure": "auto-approved" },
        cells: [t("analytics.auto.approved"), count(auto.autoApproved), percent(auto.autoApprovalRate)] },
      { attrs: { "data-figure": "overturned" },
        cells: [t("analytics.auto.overturned"), count(auto.overturned), percent(auto.overturnRate)] },
    ],
  });
  return clear(body, chartWithTable(chart, table), csv);
}

// Survey answers: there is no server table for them, so the CSV is the shown distribution itself.
export function paintSatisfaction(ctx, body, state, satisfaction) {
  if (!satisfaction.responses) return clear(body, empty(t("analytics.satisfaction.none")));
  const items = satisfaction.distribution.map((entry) => ({
    label: t("analytics.satisfaction.stars", { rating: entry.rating }), value: entry.count, display: count(entry.count),
  }));
  const table = dataTable({
    key: "satisfaction", caption: t("analytics.satisfaction.title"),
    columns: [{ label: t("analytics.col.rating") }, { label: t("analytics.col.answers"), num: true }],
    rows: satisfaction.distribution.map((entry) => ({ attrs: { "data-rating": entry.rating },
      cells: [t("analytics.satisfaction.stars", { rating: entry.rating }), count(entry.count)] })),
  });
  const csv = localCsvLink("satisfaction", `satisfaction-${state.from}-${state.to}.csv`,
    [["rating", "count"], ...satisfaction.distribution.map((entry) => [entry.rating, entry.count])]);
  return clear(body,
    h("p", { class: "figure-detail", "data-figure": "satisfaction" }, t("analytics.satisfaction.summary", {
      average: formatNumber(satisfaction.averageRating, 1), n: count(satisfaction.responses), rate: percent(satisfaction.responseRate),
    })),
    chartWithTable(barChart({ title: t("analytics.satisfaction.title"), items }), table), csv);
}
