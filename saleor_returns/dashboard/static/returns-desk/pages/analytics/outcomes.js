// What the period's returns cost and what came of them: refunds against sales and the resolution
// mix per currency, dispositions and the value recovered, carrier claims.

import { barChart, shareChart } from "../../charts.js";
import { t } from "../../i18n.js";
import { clear, definitionList } from "../../ui.js";
import { chartWithTable, count, csvHref, csvLink, dataTable, empty, moneyList, moneyText, percent } from "./common.js";

const amount = (money) => Number(money ? money.amount : 0);

function resolutionLabel(resolution) {
  return t(`resolution.${resolution.toUpperCase()}`);
}

function dispositionLabel(disposition) {
  return t(`disposition.${disposition.toUpperCase()}`);
}

export function paintRefunds(ctx, body, state, rows) {
  const csv = csvLink(ctx, "refunds_against_sales", csvHref("refunds_against_sales", state));
  if (!rows.length) return clear(body, empty(), csv);
  const chart = shareChart({
    title: t("analytics.refunds.title"),
    rows: rows.map((row) => {
      const kept = Math.max(amount(row.soldValue) - amount(row.refundedValue) - amount(row.storeCreditValue), 0);
      return {
        label: row.currency,
        parts: [
          { label: t("analytics.col.refunded"), value: amount(row.refundedValue), display: moneyText(row.refundedValue), series: 1 },
          { label: t("analytics.col.storeCredit"), value: amount(row.storeCreditValue), display: moneyText(row.storeCreditValue), series: 2 },
          { label: t("analytics.refunds.kept"), value: kept, display: moneyText({ amount: String(kept), currency: row.currency }), series: 5 },
        ],
      };
    }),
  });
  const table = dataTable({
    key: "refunds", caption: t("analytics.refunds.title"),
    columns: [{ label: t("analytics.col.currency") }, { label: t("analytics.col.soldValue"), num: true },
      { label: t("analytics.col.refunded"), num: true }, { label: t("analytics.col.storeCredit"), num: true },
      { label: t("analytics.col.refundRate"), num: true }],
    rows: rows.map((row) => ({ attrs: { "data-currency": row.currency }, cells: [row.currency, moneyText(row.soldValue),
      moneyText(row.refundedValue), moneyText(row.storeCreditValue), percent(row.refundRate)] })),
  });
  return clear(body, chartWithTable(chart, table), csv);
}

export function paintMix(ctx, body, state, mix) {
  const csv = csvLink(ctx, "resolution_mix", csvHref("resolution_mix", state));
  if (!mix.rows.length) return clear(body, empty(), csv);
  const currencies = [...new Set(mix.rows.map((row) => row.value.currency))];
  const resolutions = [...new Set(mix.rows.map((row) => row.resolution))];
  const chart = shareChart({
    title: t("analytics.mix.title"),
    rows: currencies.map((currency) => ({
      label: currency,
      parts: mix.rows.filter((row) => row.value.currency === currency).map((row) => ({
        label: resolutionLabel(row.resolution), value: amount(row.value), display: moneyText(row.value),
        series: resolutions.indexOf(row.resolution) + 1,
      })),
    })),
  });
  const table = dataTable({
    key: "mix", caption: t("analytics.mix.title"),
    columns: [{ label: t("analytics.col.resolution") }, { label: t("analytics.col.currency") },
      { label: t("analytics.col.requests"), num: true }, { label: t("analytics.col.units"), num: true },
      { label: t("analytics.col.value"), num: true }],
    rows: mix.rows.map((row) => ({ attrs: { "data-resolution": row.resolution, "data-currency": row.value.currency },
      cells: [resolutionLabel(row.resolution), row.value.currency, count(row.requests), count(row.units), moneyText(row.value)] })),
  });
  return clear(body, chartWithTable(chart, table),
    definitionList([[t("analytics.mix.revenueKept"), moneyList(mix.revenueKept), { "data-figure": "revenue-kept" }]]), csv);
}

export function paintDispositions(ctx, body, state, dispositions) {
  const csv = csvLink(ctx, "dispositions", csvHref("dispositions", state));
  if (!dispositions.rows.some((row) => row.units)) return clear(body, empty(), csv);
  const chart = barChart({
    title: t("analytics.dispositions.title"),
    items: dispositions.rows.map((row) => ({ label: dispositionLabel(row.disposition), value: row.units, display: count(row.units) })),
  });
  const table = dataTable({
    key: "dispositions", caption: t("analytics.dispositions.title"),
    columns: [{ label: t("analytics.col.disposition") }, { label: t("analytics.col.units"), num: true },
      { label: t("analytics.col.value"), num: true }],
    rows: dispositions.rows.map((row) => ({ attrs: { "data-disposition": row.disposition },
      cells: [dispositionLabel(row.disposition), count(row.units), moneyList(row.value)] })),
  });
  return clear(body, chartWithTable(chart, table), definitionList([[t("analytics.dispositions.recovered"),
    moneyList(dispositions.valueRecovered), { "data-figure": "value-recovered" }]]), csv);
}

export function paintClaims(ctx, body, state, rows) {
  const csv = csvLink(ctx, "carrier_claims", csvHref("carrier_claims", state));
  if (!rows.length) return clear(body, empty(), csv);
  const chart = shareChart({
    title: t("analytics.claims.title"),
    rows: rows.map((row) => ({
      label: row.currency,
      parts: [
        { label: t("analytics.col.recovered"), value: row.recovered, display: count(row.recovered), series: 1 },
        { label: t("analytics.col.rejected"), value: row.rejected, display: count(row.rejected), series: 3 },
        { label: t("analytics.claims.open"), value: Math.max(row.filed - row.recovered - row.rejected, 0),
          display: count(Math.max(row.filed - row.recovered - row.rejected, 0)), series: 5 },
      ],
    })),
  });
  const table = dataTable({
    key: "claims", caption: t("analytics.claims.title"),
    columns: [{ label: t("analytics.col.currency") }, { label: t("analytics.col.filed"), num: true },
      { label: t("analytics.col.filedValue"), num: true }, { label: t("analytics.col.recovered"), num: true },
      { label: t("analytics.col.recoveredValue"), num: true }, { label: t("analytics.col.rejected"), num: true }],
    rows: rows.map((row) => ({ attrs: { "data-currency": row.currency }, cells: [row.currency, count(row.filed),
      moneyText(row.filedValue), count(row.recovered), moneyText(row.recoveredValue), count(row.rejected)] })),
  });
  return clear(body, chartWithTable(chart, table), csv);
}
