// Analytics: the figures a returns manager reviews for a period and channel — the return rate with
// its drill-down, reasons, money per currency, time per stage, dispositions, claims, automatic
// approval and satisfaction — as SVG charts each with its table and CSV.
//
// The page's state (period, channel, grouping, sort, page, drill-down) lives in its address, so a
// reload or the way back shows the same figures. Its parts live in ./analytics/.

import { t } from "../i18n.js";
import { banner, button, clear, clearErrors, h, loadStyle, reasonLabels, showErrors, spinner } from "../ui.js";
import "./analytics/messages.js";
import { section } from "./analytics/common.js";
import { paintClaims, paintDispositions, paintMix, paintRefunds } from "./analytics/outcomes.js";
import { periodFromQuery, periodToolbar } from "./analytics/period.js";
import { DIMENSIONS, DRILL_PARAMS, RATES_QUERY, SORTS, ratesSection, ratesVariables } from "./analytics/rates.js";
import { paintAutoApproval, paintReasons, paintSatisfaction, paintStages } from "./analytics/service.js";

const OPTIONS_QUERY = `query AnalyticsOptions {
  returnChannels
  returnReasons(includeInactive: true) { code label children { code label } }
}`;

const MONEY = "{ amount currency }";
const FIGURES_QUERY = `
query AnalyticsFigures($period: ReturnAnalyticsPeriodInput!, $channel: String) {
  returnAnalytics(period: $period, channel: $channel) {
    errors { field code message }
    timeZone
    refundsAgainstSales { currency soldValue ${MONEY} refundedValue ${MONEY} storeCreditValue ${MONEY} refundRate }
    resolutionMix { rows { resolution requests units value ${MONEY} } revenueKept ${MONEY} }
    stageTimes { stage count medianHours p90Hours targetHours withinTarget withinTargetShare }
    dispositions { rows { disposition units value ${MONEY} } valueRecovered ${MONEY} }
    carrierClaims { currency filed filedValue ${MONEY} recovered recoveredValue ${MONEY} rejected }
    autoApproval { requests autoApproved autoApprovalRate overturned overturnRate }
    satisfaction { responses surveyed responseRate averageRating distribution { rating count } }
  }
}`;

function stateFromQuery(query) {
  const state = {
    ...periodFromQuery(query),
    channel: query.get("channel") || "",
    dimension: DIMENSIONS.includes(query.get("by")) ? query.get("by") : "CATEGORY",
    sort: SORTS.includes(query.get("sort")) ? query.get("sort") : "RETURN_RATE_UNITS",
    offset: Math.max(0, Number.parseInt(query.get("offset") || "0", 10) || 0),
  };
  for (const name of DRILL_PARAMS) state[name] = query.get(name) || "";
  return state;
}

export async function render(ctx) {
  loadStyle("pages/analytics.css");
  const base = ctx.config.basePath;
  const state = stateFromQuery(ctx.query);
  let options = { channels: [], labels: {} };
  try {
    const data = await ctx.api.query(OPTIONS_QUERY);
    options = { channels: data.returnChannels, labels: reasonLabels(data.returnReasons) };
  } catch (error) {
    // Without the options the figures still show: every channel, reason codes for their labels.
  }
  if (!ctx.isCurrent()) return undefined;
  const channels = !state.channel || options.channels.includes(state.channel) ? options.channels : [...options.channels, state.channel];
  const tickets = { rates: 0, figures: 0 };

  const toolbar = periodToolbar({ state, channels, apply: (period) => {
    Object.assign(state, period, { offset: 0 });
    loadAll();
  } });
  const review = h("a", { class: "btn btn-secondary", "data-link": "review", onclick: (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    ctx.navigate(`${base}review/`, reviewQuery());
  } }, t("analytics.review"));
  const status = h("div", { class: "analytics-status", "aria-live": "polite" });
  const zone = h("p", { class: "muted analytics-zone" });

  const changeRates = (patch) => {
    Object.assign(state, patch);
    loadRates();
  };
  const rates = ratesSection(ctx, state, changeRates);
  const parts = {
    reasons: section("reasons", t("analytics.reasons.title")),
    refunds: section("refunds", t("analytics.refunds.title")),
    mix: section("mix", t("analytics.mix.title")),
    stages: section("stages", t("analytics.stages.title")),
    dispositions: section("dispositions", t("analytics.dispositions.title")),
    claims: section("claims", t("analytics.claims.title")),
    auto: section("auto-approval", t("analytics.auto.title")),
    satisfaction: section("satisfaction", t("analytics.satisfaction.title")),
  };
  const figureBodies = ["refunds", "mix", "stages", "dispositions", "claims", "auto", "satisfaction"].map((key) => parts[key].body);
  const sections = h("div", { class: "analytics-sections" }, rates.element,
    h("div", { class: "grid analytics-grid" }, Object.values(parts).map((part) => part.element)));

  function reviewQuery() {
    return { from: state.from, to: state.to, channel: state.channel };
  }

  function remember() {
    const query = { period: state.preset, from: state.from, to: state.to, channel: state.channel, by: state.dimension,
      sort: state.sort, offset: state.offset || null };
    for (const name of DRILL_PARAMS) query[name] = state[name];
    ctx.replaceRoute(`${base}analytics/`, query);
    review.setAttribute("href", ctx.deskUrl(`${base}review/`, reviewQuery()));
  }

  function busy(bodies, on) {
    for (const body of bodies) {
      if (on) {
        body.setAttribute("aria-busy", "true");
        if (!body.children.length || body.querySelector(".loading, .banner")) clear(body, spinner());
        else body.classList.add("is-loading");
      } else {
        body.removeAttribute("aria-busy");
        body.classList.remove("is-loading");
      }
    }
  }

  function failed(bodies, error) {
    for (const body of bodies) {
      clear(body, banner("error", t("analytics.loadError"), ctx.describeError(error)),
        button(t("common.retry"), { onClick: () => loadAll(), "data-action": "retry" }));
    }
  }

  function variables() {
    return { period: { from: state.from, to: state.to }, channel: state.channel || null };
  }

  // A refused period shows at its field; the sections wait for a period that can be shown.
  function refused(errors) {
    if (!errors.length) return false;
    showErrors(toolbar.element, errors, { focus: false });
    clear(status, banner("error", t("analytics.periodError")));
    sections.hidden = true;
    return true;
  }

  // The figures of one query for its sections; null when it failed, the period was refused or a
  // later query of the same kind overtook it.
  async function fetchFor(kind, query, extra, bodies) {
    const ticket = ++tickets[kind];
    busy(bodies, true);
    let data = null;
    let problem = null;
    try {
      data = (await ctx.api.query(query, { ...variables(), ...extra })).returnAnalytics;
    } catch (error) {
      problem = error;
    }
    if (ticket !== tickets[kind] || !ctx.isCurrent()) return null;
    busy(bodies, false);
    if (problem) {
      failed(bodies, problem);
      return null;
    }
    return refused(data.errors) ? null : data;
  }

  async function loadRates() {
    remember();
    const data = await fetchFor("rates", RATES_QUERY, ratesVariables(state), [rates.body, parts.reasons.body]);
    if (!data) return;
    rates.paint(data.returnRate);
    parts.reasons.heading.textContent = state.product
      ? t("analytics.reasons.forProduct", { name: state.productName || state.product }) : t("analytics.reasons.title");
    paintReasons(ctx, parts.reasons.body, state, data.reasons, options.labels);
  }

  async function loadFigures() {
    const data = await fetchFor("figures", FIGURES_QUERY, {}, figureBodies);
    if (!data) return;
    zone.textContent = t("analytics.timeZone", { zone: data.timeZone });
    paintRefunds(ctx, parts.refunds.body, state, data.refundsAgainstSales);
    paintMix(ctx, parts.mix.body, state, data.resolutionMix);
    paintStages(ctx, parts.stages.body, state, data.stageTimes);
    paintDispositions(ctx, parts.dispositions.body, state, data.dispositions);
    paintClaims(ctx, parts.claims.body, state, data.carrierClaims);
    paintAutoApproval(ctx, parts.auto.body, state, data.autoApproval);
    paintSatisfaction(ctx, parts.satisfaction.body, state, data.satisfaction);
  }

  function loadAll() {
    clearErrors(toolbar.element);
    status.replaceChildren();
    sections.hidden = false;
    return Promise.all([loadRates(), loadFigures()]);
  }

  clear(ctx.root,
    h("div", { class: "page-head" }, h("h1", {}, t("analytics.title")), review),
    toolbar.element, status, sections, zone);
  await loadAll();
  return () => {
    tickets.figures += 1;
    tickets.rates += 1;
  };
}
