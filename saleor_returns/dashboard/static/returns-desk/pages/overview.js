// The overview: how many returns are open, how long the review queue waits,
// how fast refunds go out and how much went back this month, with small charts.
// One channel or all of them; the choice lives in the desk URL (?channel=).

import { formatAge, formatDate, formatHours, formatMoney, formatNumber, register, t } from "../i18n.js";
import { banner, barChart, button, clear, field, h, loadStyle, reasonLabels, spinner } from "../ui.js";

register({
  en: {
    "overview.title": "Overview",
    "overview.channel": "Channel",
    "overview.allChannels": "All channels",
    "overview.figuresLabel": "Key figures",
    "overview.open": "Open returns",
    "overview.openHint": "Not yet resolved, rejected, canceled or closed",
    "overview.queue": "Review queue",
    "overview.queueOldest": "Oldest: {age}",
    "overview.queueMedian": "Median wait: {hours}",
    "overview.queueEmpty": "Nothing is waiting",
    "overview.toRefund": "Median time to refund",
    "overview.toRefundHint": "From request to confirmed refund, last 90 days",
    "overview.refunds": "Refunded this month",
    "overview.refundCount": "{n} refunds",
    "overview.refundCountOne": "1 refund",
    "overview.noRefunds": "No refunds yet this month",
    "overview.byStatus": "Returns by status",
    "overview.queueAge": "Review queue by age",
    "overview.perDay": "Requests per day, last 30 days",
    "overview.perDayRange": "{from} – {to}",
    "overview.perDayTotal": "{n} requests in 30 days",
    "overview.topReasons": "Top reasons, last 30 days",
    "overview.noReasons": "No requests in the last 30 days.",
    "overview.satisfaction": "Customer satisfaction",
    "overview.colRating": "Rating",
    "overview.ratingStars": "{rating} of 5",
    "overview.satisfactionSummary": "Average {average} · {rate} of closed returns answered ({n})",
    "overview.noAnswers": "No survey answers yet.",
    "overview.toFollowUp": "{n} low scores to follow up",
    "overview.colCount": "Count",
    "overview.colDate": "Date",
    "overview.colStatus": "Status",
    "overview.colAge": "Waiting",
    "overview.timeZone": "Days and months follow the shop's time zone ({zone}).",
    "overview.loadError": "The overview could not be loaded",
    "overview.bucket.<1d": "Under 1 day",
    "overview.bucket.1-3d": "1–3 days",
    "overview.bucket.3-7d": "3–7 days",
    "overview.bucket.>7d": "Over 7 days",
  },
  "zh-Hans": {
    "overview.title": "概览",
    "overview.channel": "渠道",
    "overview.allChannels": "全部渠道",
    "overview.figuresLabel": "关键指标",
    "overview.open": "处理中的退货",
    "overview.openHint": "尚未处理完成、拒绝、取消或关闭",
    "overview.queue": "待审核",
    "overview.queueOldest": "最早：{age}",
    "overview.queueMedian": "等待时间中位数：{hours}",
    "overview.queueEmpty": "暂无待审核申请",
    "overview.toRefund": "退款时长中位数",
    "overview.toRefundHint": "从申请到确认退款，近 90 天",
    "overview.refunds": "本月退款",
    "overview.refundCount": "{n} 笔退款",
    "overview.refundCountOne": "1 笔退款",
    "overview.noRefunds": "本月暂无退款",
    "overview.byStatus": "各状态退货数",
    "overview.queueAge": "待审核等待时长",
    "overview.perDay": "每日申请数（近 30 天）",
    "overview.perDayRange": "{from} 至 {to}",
    "overview.perDayTotal": "30 天内共 {n} 个申请",
    "overview.topReasons": "主要退货原因（近 30 天）",
    "overview.noReasons": "近 30 天没有退货申请。",
    "overview.satisfaction": "顾客满意度",
    "overview.colRating": "评分",
    "overview.ratingStars": "{rating} / 5",
    "overview.satisfactionSummary": "平均 {average} 分 · 已结束退货中 {rate} 作答（{n} 份）",
    "overview.noAnswers": "暂无问卷回答。",
    "overview.toFollowUp": "{n} 个低分待跟进",
    "overview.colCount": "数量",
    "overview.colDate": "日期",
    "overview.colStatus": "状态",
    "overview.colAge": "等待时长",
    "overview.timeZone": "日期与月份按店铺时区（{zone}）计算。",
    "overview.loadError": "无法加载概览",
    "overview.bucket.<1d": "不到 1 天",
    "overview.bucket.1-3d": "1–3 天",
    "overview.bucket.3-7d": "3–7 天",
    "overview.bucket.>7d": "超过 7 天",
  },
});

const DAYS = 30;
// Statuses shown in the chart, in lifecycle order (the API sends them in this order too).
const STATUSES = [
  "REQUESTED",
  "PENDING_REVIEW",
  "APPROVED",
  "AWAITING_SHIPMENT",
  "IN_TRANSIT",
  "RECEIVED",
  "INSPECTED",
  "RESOLVED",
  "REJECTED",
  "CANCELED",
  "CLOSED",
];

const OPTIONS_QUERY = `query DeskOverviewOptions {
  returnChannels
  returnReasons(includeInactive: true) { code label children { code label } }
}`;

const OVERVIEW_QUERY = `query DeskOverview($channel: String, $days: Int) {
  returnOverview(channelSlug: $channel, days: $days) {
    timeZone
    statusCounts { status count }
    openCount
    reviewQueue { count oldestCreatedAt medianAgeHours buckets { label count } }
    medianHoursToRefund
    refundsThisMonth { count amount { amount currency } }
    requestsByDay { date count }
    topReasons { code count }
    satisfaction { responses surveyed responseRate averageRating distribution { rating count } needingFollowUp }
  }
}`;

// "2026-03-10" is a day in the shop's time zone: show it as that calendar day, whatever the browser's zone.
function calendarDay(value) {
  const [year, month, day] = value.split("-").map(Number);
  return new Date(year, month - 1, day);
}

function dayLabel(value) {
  return formatDate(calendarDay(value), false);
}

function bucketLabel(label) {
  const key = `overview.bucket.${label}`;
  const text = t(key);
  return text === key ? label : text;
}

let headingId = 0;
function nextHeadingId() {
  headingId += 1;
  return `overview-h-${headingId}`;
}

// One figure: a labelled card with the value and a line of context.
function figure(key, label, value, ...details) {
  const id = nextHeadingId();
  return h(
    "section",
    { class: "card figure-card", "aria-labelledby": id, "data-figure": key },
    h("h2", { class: "figure-label", id }, label),
    h("p", { class: "figure", "data-value": key }, value),
    details.filter(Boolean).map((detail) => h("p", { class: "figure-detail" }, detail)),
  );
}

// A chart card: the SVG bars for the eye, a table of the same values for everyone.
function chartCard(key, title, items, { columns, visibleTable = true, caption = null } = {}) {
  const id = nextHeadingId();
  const chart = barChart(items, { title, formatValue: (value) => formatNumber(value) });
  const table = h(
    "table",
    { class: "chart-values", "data-chart-values": key },
    h("caption", { class: "sr-only" }, title),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, columns[0]), h("th", { scope: "col", class: "num" }, columns[1]))),
    h(
      "tbody",
      {},
      items.map((item) =>
        h("tr", {}, h("th", { scope: "row" }, item.label), h("td", { class: "num" }, formatNumber(item.value))),
      ),
    ),
  );
  return h(
    "section",
    { class: "card chart-card", "aria-labelledby": id, "data-chart": key },
    h("h2", { class: "card-title", id }, title),
    chart,
    caption ? h("p", { class: "chart-caption" }, caption) : null,
    // A table ignores a 1px box: the hidden one sits in a clipped block, or it would still
    // stretch the page's scrollable height by all of its rows.
    visibleTable ? table : h("div", { class: "sr-only" }, table),
  );
}

function refundsFigure(totals) {
  if (!totals.length) return figure("refunds", t("overview.refunds"), formatMoney(null), t("overview.noRefunds"));
  const count = totals.reduce((sum, total) => sum + total.count, 0);
  const amounts = h(
    "ul",
    { class: "money-totals" },
    totals.map((total) =>
      h(
        "li",
        { "data-currency": total.amount.currency },
        h("span", { class: "money-total" }, formatMoney(total.amount)),
        " ",
        h("span", { class: "muted" }, total.count === 1 ? t("overview.refundCountOne") : t("overview.refundCount", { n: total.count })),
      ),
    ),
  );
  const id = nextHeadingId();
  return h(
    "section",
    { class: "card figure-card", "aria-labelledby": id, "data-figure": "refunds" },
    h("h2", { class: "figure-label", id }, t("overview.refunds")),
    totals.length === 1
      ? h("p", { class: "figure", "data-value": "refunds" }, formatMoney(totals[0].amount))
      : amounts,
    totals.length === 1
      ? h("p", { class: "figure-detail" }, count === 1 ? t("overview.refundCountOne") : t("overview.refundCount", { n: count }))
      : null,
  );
}

function queueFigure(queue) {
  if (!queue.count) return figure("queue", t("overview.queue"), formatNumber(0), t("overview.queueEmpty"));
  const oldest = h(
    "time",
    { datetime: queue.oldestCreatedAt, title: formatDate(queue.oldestCreatedAt) },
    formatAge(queue.oldestCreatedAt),
  );
  const [before, after = ""] = t("overview.queueOldest").split("{age}");
  return figure(
    "queue",
    t("overview.queue"),
    formatNumber(queue.count),
    h("span", {}, before, oldest, after),
    t("overview.queueMedian", { hours: formatHours(queue.medianAgeHours) }),
  );
}

function satisfactionCard(satisfaction) {
  const items = satisfaction.distribution.map((entry) => ({ label: t("overview.ratingStars", { rating: entry.rating }), value: entry.count }));
  const summary = satisfaction.responses
    ? t("overview.satisfactionSummary", {
        average: formatNumber(satisfaction.averageRating, 1),
        rate: `${formatNumber((satisfaction.responseRate || 0) * 100)} %`,
        n: formatNumber(satisfaction.responses),
      })
    : t("overview.noAnswers");
  const followUp = satisfaction.needingFollowUp ? ` · ${t("overview.toFollowUp", { n: formatNumber(satisfaction.needingFollowUp) })}` : "";
  return chartCard("satisfaction", t("overview.satisfaction"), items, {
    columns: [t("overview.colRating"), t("overview.colCount")],
    caption: summary + followUp,
  });
}

function topReasons(reasons, labels) {
  const id = nextHeadingId();
  const total = reasons.reduce((sum, reason) => sum + reason.count, 0);
  return h(
    "section",
    { class: "card chart-card", "aria-labelledby": id, "data-chart": "reasons" },
    h("h2", { class: "card-title", id }, t("overview.topReasons")),
    reasons.length
      ? h(
          "ol",
          { class: "reason-list" },
          reasons.map((reason) => {
            const meter = h("span", { class: "reason-meter", "aria-hidden": "true" });
            meter.style.width = `${Math.round((reason.count / Math.max(total, 1)) * 100)}%`;
            return h(
              "li",
              { "data-reason": reason.code },
              h("span", { class: "reason-label" }, labels[reason.code] || reason.code),
              h("span", { class: "reason-count" }, formatNumber(reason.count)),
              h("span", { class: "reason-track", "aria-hidden": "true" }, meter),
            );
          }),
        )
      : h("p", { class: "empty" }, t("overview.noReasons")),
  );
}

export async function render(ctx) {
  loadStyle("pages/overview.css");
  let channel = ctx.query.get("channel") || "";
  let ticket = 0;

  const channelField = field({
    label: t("overview.channel"),
    name: "channel",
    type: "select",
    value: channel,
    options: [["", t("overview.allChannels")]],
  });
  const channelSelect = channelField.querySelector("select");
  channelSelect.addEventListener("change", () => {
    channel = channelSelect.value;
    ctx.replaceRoute("/dashboard/overview/", { channel });
    load();
  });
  const body = h("div", { class: "overview-body", "aria-live": "polite" }, spinner());
  clear(
    ctx.root,
    h("div", { class: "page-head" }, h("h1", {}, t("overview.title")), h("div", { class: "toolbar" }, channelField)),
    body,
  );

  let labels = {};
  // Reason labels arrive with the options; the figures wait for them before painting.
  let optionsReady = null;

  async function loadOptions() {
    try {
      const data = await ctx.api.query(OPTIONS_QUERY);
      if (!ctx.isCurrent()) return;
      labels = reasonLabels(data.returnReasons);
      const channels = !channel || data.returnChannels.includes(channel) ? data.returnChannels : [...data.returnChannels, channel];
      channelSelect.append(...channels.map((slug) => h("option", { value: slug }, slug)));
      channelSelect.value = channel;
    } catch (error) {
      // Without the options the figures still show; reason codes stand in for their labels.
    }
  }

  async function load() {
    const current = ++ticket;
    body.setAttribute("aria-busy", "true");
    if (!body.querySelector(".overview-grid")) clear(body, spinner());
    else body.classList.add("is-loading");
    let data;
    try {
      data = await ctx.api.query(OVERVIEW_QUERY, { channel: channel || null, days: DAYS });
    } catch (error) {
      if (current !== ticket || !ctx.isCurrent()) return;
      body.removeAttribute("aria-busy");
      body.classList.remove("is-loading");
      clear(
        body,
        banner("error", t("overview.loadError"), ctx.describeError(error)),
        button(t("common.retry"), { onClick: () => load(), "data-action": "retry" }),
      );
      return;
    }
    await optionsReady;
    if (current !== ticket || !ctx.isCurrent()) return;
    body.removeAttribute("aria-busy");
    body.classList.remove("is-loading");
    paint(data.returnOverview);
  }

  function paint(overview) {
    const byStatus = new Map(overview.statusCounts.map(({ status, count }) => [status, count]));
    const statusItems = STATUSES.map((status) => ({ label: t(`status.${status}`), value: byStatus.get(status) || 0 }));
    const bucketItems = overview.reviewQueue.buckets.map((bucket) => ({ label: bucketLabel(bucket.label), value: bucket.count }));
    const days = overview.requestsByDay;
    const dayItems = days.map((day) => ({ label: dayLabel(day.date), value: day.count }));
    const dayTotal = days.reduce((sum, day) => sum + day.count, 0);
    const dayCaption = days.length
      ? `${t("overview.perDayRange", { from: dayLabel(days[0].date), to: dayLabel(days[days.length - 1].date) })} · ${t(
          "overview.perDayTotal",
          { n: formatNumber(dayTotal) },
        )}`
      : null;
    clear(
      body,
      h(
        "div",
        { class: "grid grid-4 overview-figures", role: "group", "aria-label": t("overview.figuresLabel") },
        figure("open", t("overview.open"), formatNumber(overview.openCount), t("overview.openHint")),
        queueFigure(overview.reviewQueue),
        figure("to-refund", t("overview.toRefund"), formatHours(overview.medianHoursToRefund), t("overview.toRefundHint")),
        refundsFigure(overview.refundsThisMonth),
      ),
      h(
        "div",
        { class: "grid overview-grid" },
        chartCard("per-day", t("overview.perDay"), dayItems, {
          columns: [t("overview.colDate"), t("overview.colCount")],
          visibleTable: false,
          caption: dayCaption,
        }),
        chartCard("status", t("overview.byStatus"), statusItems, { columns: [t("overview.colStatus"), t("overview.colCount")] }),
        chartCard("queue-age", t("overview.queueAge"), bucketItems, { columns: [t("overview.colAge"), t("overview.colCount")] }),
        topReasons(overview.topReasons, labels),
        satisfactionCard(overview.satisfaction),
      ),
      h("p", { class: "muted overview-zone" }, t("overview.timeZone", { zone: overview.timeZone })),
    );
  }

  optionsReady = loadOptions();
  await load();
  return () => {
    ticket += 1;
  };
}
