// The Dashboard home page's widget (HOMEPAGE_WIDGETS): this week's return rate beside
// last week's, and the review queue, each leading into the desk.
//
// The rate is units returned (by the day a return was requested) over units sold (by
// the day the order was placed) in the shop's ISO week, from the sales ledger. Links
// ask the Dashboard (app-bridge redirect) to open the desk as a full app page.

import { formatAge, formatDate, formatNumber, register, t } from "../i18n.js";
import { banner, button, clear, h, loadStyle } from "../ui.js";
import { appPagePath, heightReporter } from "./widget.js";

register({
  en: {
    "homeWidget.rateTitle": "Return rate this week",
    "homeWidget.rateOf": "{returned} of {sold} units returned",
    "homeWidget.lastWeek": "Last week: {rate}",
    "homeWidget.noRate": "No sales this week",
    "homeWidget.noSales": "No sales recorded yet.",
    "homeWidget.startBackfill": "Load the sales history in Settings → Sales history",
    "homeWidget.channelsLabel": "Return rate by channel",
    "homeWidget.queueTitle": "Waiting for review",
    "homeWidget.queueEmpty": "Nothing waits for review.",
    "homeWidget.queueOldest": "Oldest requested {age}",
    "homeWidget.openQueue": "Open the review queue",
    "homeWidget.openOverview": "Open the overview",
    "homeWidget.loadFailed": "The figures could not be loaded",
  },
  "zh-Hans": {
    "homeWidget.rateTitle": "本周退货率",
    "homeWidget.rateOf": "已售 {sold} 件，退货 {returned} 件",
    "homeWidget.lastWeek": "上周：{rate}",
    "homeWidget.noRate": "本周暂无销售",
    "homeWidget.noSales": "尚未记录任何销售。",
    "homeWidget.startBackfill": "在“设置 → 销售历史”中导入销售历史",
    "homeWidget.channelsLabel": "各渠道退货率",
    "homeWidget.queueTitle": "待审核",
    "homeWidget.queueEmpty": "暂无待审核的申请。",
    "homeWidget.queueOldest": "最早的申请于{age}提交",
    "homeWidget.openQueue": "打开待审核列表",
    "homeWidget.openOverview": "打开概览",
    "homeWidget.loadFailed": "无法加载数据",
  },
});

const FIGURES = `
query HomeWidget {
  returnOverview(days: 1) {
    reviewQueue { count oldestCreatedAt }
    weekReturnRate {
      weekStart hasSales returnedUnits soldUnits rate previousRate
      channels { channelSlug returnedUnits soldUnits rate previousRate }
    }
  }
}`;

function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${formatNumber(rate * 100, 1)} %`;
}

export async function render(ctx) {
  loadStyle("pages/home-widget.css");
  const { follow, cleanup } = heightReporter(ctx);
  let overview = null;
  let failure = null;
  try {
    overview = (await ctx.api.query(FIGURES)).returnOverview;
  } catch (error) {
    failure = error;
  }
  if (!ctx.isCurrent()) return cleanup;
  if (failure) {
    clear(
      ctx.root,
      banner("error", t("homeWidget.loadFailed"), ctx.describeError(failure)),
      h("div", { class: "widget-actions" }, button(t("common.retry"), { onClick: () => ctx.refresh() })),
    );
  } else {
    clear(
      ctx.root,
      h("div", { class: "home-widget" }, rateSection(ctx, overview.weekReturnRate), queueSection(ctx, overview.reviewQueue)),
    );
  }
  follow();
  return cleanup;
}

function link(ctx, label, path, query, attrs = {}) {
  return button(label, { variant: "link", onClick: () => ctx.bridge.redirect(appPagePath(ctx, path, query)), ...attrs });
}

function rateSection(ctx, week) {
  const heading = h("h2", { class: "home-widget-heading" }, t("homeWidget.rateTitle"));
  if (!week.hasSales) {
    return h(
      "section",
      { class: "home-widget-figure", "data-figure": "rate" },
      heading,
      h("p", { class: "home-widget-empty" }, t("homeWidget.noSales")),
      link(ctx, t("homeWidget.startBackfill"), "settings/", { tab: "sales" }, { "data-action": "backfill" }),
    );
  }
  const channels = week.channels.length > 1
    ? h(
        "ul",
        { class: "home-widget-channels", "aria-label": t("homeWidget.channelsLabel") },
        week.channels.map((channel) =>
          h(
            "li",
            { "data-channel": channel.channelSlug },
            h("span", { class: "home-widget-channel" }, channel.channelSlug),
            h("span", { class: "home-widget-channel-rate" }, percent(channel.rate)),
            h("span", { class: "muted" }, t("homeWidget.lastWeek", { rate: percent(channel.previousRate) })),
          ),
        ),
      )
    : null;
  return h(
    "section",
    { class: "home-widget-figure", "data-figure": "rate" },
    heading,
    h(
      "div",
      { class: "home-widget-values" },
      h("span", { class: "home-widget-value", "data-value": "rate" }, week.rate === null ? t("homeWidget.noRate") : percent(week.rate)),
      h("span", { class: "home-widget-previous", "data-value": "previous" }, t("homeWidget.lastWeek", { rate: percent(week.previousRate) })),
    ),
    h(
      "p",
      { class: "muted home-widget-detail" },
      t("homeWidget.rateOf", { returned: formatNumber(week.returnedUnits), sold: formatNumber(week.soldUnits) }),
    ),
    channels,
    link(ctx, t("homeWidget.openOverview"), "overview/", {}, { "data-action": "overview" }),
  );
}

function queueSection(ctx, queue) {
  const oldest = queue.count
    ? (() => {
        const [before, after = ""] = t("homeWidget.queueOldest").split("{age}");
        const age = h("time", { datetime: queue.oldestCreatedAt, title: formatDate(queue.oldestCreatedAt) }, formatAge(queue.oldestCreatedAt));
        return h("p", { class: "muted home-widget-detail", "data-value": "oldest" }, before, age, after);
      })()
    : h("p", { class: "muted home-widget-detail" }, t("homeWidget.queueEmpty"));
  return h(
    "section",
    { class: "home-widget-figure", "data-figure": "queue" },
    h("h2", { class: "home-widget-heading" }, t("homeWidget.queueTitle")),
    h("div", { class: "home-widget-values" }, h("span", { class: "home-widget-value", "data-value": "queue" }, formatNumber(queue.count))),
    oldest,
    link(ctx, t("homeWidget.openQueue"), "", { tab: "review" }, { "data-action": "queue" }),
  );
}
