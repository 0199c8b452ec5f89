// The order page's widget (ORDER_DETAILS_WIDGETS): the order's returns in a
// narrow box, without the desk's chrome.
//
// The widget is a small iframe on the Dashboard's order page, so its links do
// not navigate the iframe: they ask the Dashboard (app-bridge redirect) to open
// the desk as a full app page. The Dashboard shows an app page at
// /extensions/app/<encoded app id>/<path inside the app URL>, e.g.
// /extensions/app/QXBwOjE%3D/returns/<id>/, and loads <app URL>returns/<id> in its
// frame with the route's query (here ?orderId=). The older /apps/<id>/app/… form
// only lands on the Extensions list (saleor-dashboard 3.23, appActionsHandler.ts).

import { formatDate, register, t } from "../i18n.js";
import { banner, button, clear, h, loadStyle, money, statusBadge } from "../ui.js";

register({
  en: {
    "widget.title": "Returns of this order",
    "widget.count": "{count} returns",
    "widget.countOne": "1 return",
    "widget.empty": "No returns for this order",
    "widget.create": "Create return",
    "widget.openReturn": "Open {number}",
    "widget.noOrder": "Open this widget from an order page.",
    "widget.loadFailed": "The returns could not be loaded",
    "widget.more": "Showing the newest {shown} of {total}.",
  },
  "zh-Hans": {
    "widget.title": "此订单的退货",
    "widget.count": "{count} 个退货",
    "widget.countOne": "1 个退货",
    "widget.empty": "此订单没有退货",
    "widget.create": "创建退货",
    "widget.openReturn": "打开 {number}",
    "widget.noOrder": "请从订单页面打开此小组件。",
    "widget.loadFailed": "无法加载退货",
    "widget.more": "显示最新的 {shown} 个，共 {total} 个。",
  },
});

const PAGE_SIZE = 20;
const RETURNS = `
query OrderReturnsWidget($orderId: ID!, $first: Int) {
  returnRequests(filter: {orderId: $orderId}, sortBy: {field: CREATED_AT, direction: DESC}, first: $first) {
    totalCount
    edges { node { id number status kind createdAt requestedValue { amount currency } } }
  }
}`;

// The Dashboard path of a desk page (`path` is relative to the desk's base, /dashboard/).
export function appPagePath(ctx, path, query = {}) {
  const appId = encodeURIComponent(ctx.bridge.state.id);
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value)).toString();
  return `/extensions/app/${appId}/${path}${search ? `?${search}` : ""}`;
}

export async function render(ctx) {
  loadStyle("pages/widget.css");
  const orderId = (ctx.query.get("orderId") || "").trim();
  const { follow, cleanup } = heightReporter(ctx);

  const create = () =>
    ctx.bridge.redirect(appPagePath(ctx, "returns/new/", { orderId }));
  const footer = h(
    "div",
    { class: "widget-actions" },
    orderId ? button(t("widget.create"), { variant: "secondary", onClick: create, "data-action": "create" }) : null,
  );

  if (!orderId) {
    clear(ctx.root, h("h1", { class: "widget-heading" }, t("widget.title")), banner("info", t("widget.noOrder")));
  } else {
    let connection;
    try {
      connection = (await ctx.api.query(RETURNS, { orderId, first: PAGE_SIZE })).returnRequests;
    } catch (error) {
      if (!ctx.isCurrent()) return cleanup;
      clear(
        ctx.root,
        h("h1", { class: "widget-heading" }, t("widget.title")),
        banner("error", t("widget.loadFailed"), ctx.describeError(error)),
        h("div", { class: "widget-actions" }, button(t("common.retry"), { onClick: () => ctx.refresh() })),
      );
      connection = null;
    }
    if (!ctx.isCurrent()) return cleanup;
    if (connection) {
      const nodes = connection.edges.map((edge) => edge.node).filter(Boolean);
      const total = connection.totalCount;
      clear(
        ctx.root,
        h(
          "h1",
          { class: "widget-heading" },
          t("widget.title"),
          total ? h("span", { class: "widget-count" }, total === 1 ? t("widget.countOne") : t("widget.count", { count: total })) : null,
        ),
        nodes.length
          ? h("ul", { class: "widget-list", "aria-label": t("widget.title") }, nodes.map((node) => returnItem(ctx, node)))
          : h("p", { class: "empty widget-empty" }, t("widget.empty")),
        total > nodes.length ? h("p", { class: "muted" }, t("widget.more", { shown: nodes.length, total })) : null,
        footer,
      );
    }
  }

  follow();
  return cleanup;
}

// Reports the widget's height to the Dashboard (app-bridge widgetResize) now and as its content
// changes. The content's own height: the root element's scrollHeight never drops below the
// frame's current height, so a widget measured that way could grow but never shrink.
export function heightReporter(ctx) {
  const reportHeight = () => ctx.bridge.reportHeight(Math.ceil(document.body.getBoundingClientRect().height));
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => reportHeight()) : null;
  return {
    reportHeight,
    follow() {
      reportHeight();
      if (observer) observer.observe(document.body);
    },
    cleanup() {
      if (observer) observer.disconnect();
    },
  };
}

function returnItem(ctx, node) {
  const open = () => ctx.bridge.redirect(appPagePath(ctx, `returns/${node.id}/`));
  return h(
    "li",
    { class: "widget-item", "data-return": node.id },
    h(
      "div",
      { class: "widget-item-head" },
      button(node.number, { variant: "link", onClick: open, "aria-label": t("widget.openReturn", { number: node.number }) }),
      statusBadge(node.status),
    ),
    h(
      "div",
      { class: "widget-item-meta" },
      h("span", {}, t(`kind.${node.kind}`)),
      money(node.requestedValue),
      h("time", { datetime: node.createdAt }, formatDate(node.createdAt, false)),
    ),
  );
}
