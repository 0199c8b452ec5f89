// The list's state as the desk URL keeps it (tab, filters, search, sort, cursor),
// the API filter and documents it maps to, and the labels of tabs and options.

import { register, t } from "../../i18n.js";
import { h } from "../../ui.js";

register({
  en: {
    "list.tab.review": "Needs review",
    "list.tab.attention": "Needs attention",
    "list.tab.all": "All",
  },
  "zh-Hans": {
    "list.tab.review": "待审核",
    "list.tab.attention": "需处理",
    "list.tab.all": "全部",
  },
});

export const PAGE_SIZE = 20;
const REVIEW_STATUSES = ["PENDING_REVIEW", "REQUESTED"];
// Tab keys as they appear in the URL (?tab=…), in the order shown.
export const TABS = [
  "review",
  "attention",
  "all",
  "approved",
  "awaiting_shipment",
  "in_transit",
  "received",
  "inspected",
  "resolved",
  "rejected",
  "canceled",
  "closed",
];
export const KINDS = ["RETURN", "EXCHANGE", "DAMAGED_ON_ARRIVAL", "MISSING_ITEM", "WRONG_ITEM", "PARCEL_LOST"];
export const SORTS = {
  newest: { field: "CREATED_AT", direction: "DESC" },
  oldest: { field: "CREATED_AT", direction: "ASC" },
  updated: { field: "UPDATED_AT", direction: "DESC" },
  number: { field: "NUMBER", direction: "ASC" },
  status: { field: "STATUS", direction: "ASC" },
};
// The parameters the app-bridge adds to every desk URL; the Dashboard's own route leaves them out.
// Marks the first page in the stack of cursors kept for "Previous".
export const FIRST_PAGE = "-";

export const OPTIONS_QUERY = `query DeskListOptions {
  returnReasons(includeInactive: true) { code label children { code label } }
  returnChannels
}`;

export const LIST_QUERY = `query DeskList($filter: ReturnRequestFilterInput, $sortBy: ReturnRequestSortingInput, $first: Int, $after: String) {
  returnStatusCounts(filter: $filter) { status count }
  returnAttentionCount(filter: $filter)
  returnRequests(filter: $filter, sortBy: $sortBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number status kind orderNumber customerEmail createdAt
      requestedValue { amount currency }
      lines { requestedQuantity }
    } }
  }
}`;

export function stateFromQuery(query) {
  const tab = TABS.includes(query.get("tab")) ? query.get("tab") : "review";
  const sort = query.get("sort") in SORTS ? query.get("sort") : "newest";
  const back = query.get("back");
  return {
    tab,
    kind: KINDS.includes(query.get("kind")) ? query.get("kind") : "",
    reason: query.get("reason") || "",
    channel: query.get("channel") || "",
    from: validDate(query.get("from")),
    to: validDate(query.get("to")),
    q: query.get("q") || "",
    sort,
    after: query.get("after") || "",
    back: back ? back.split(",") : [],
  };
}

export function validDate(value) {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : "";
}

export function queryFromState(state) {
  return {
    tab: state.tab === "review" ? null : state.tab,
    kind: state.kind,
    reason: state.reason,
    channel: state.channel,
    from: state.from,
    to: state.to,
    q: state.q,
    sort: state.sort === "newest" ? null : state.sort,
    after: state.after,
    back: state.back.length ? state.back.join(",") : null,
  };
}

// Dates are picked in the browser's time zone: from the start of `from` to the end of `to`.
function dayStart(value) {
  return new Date(`${value}T00:00:00`).toISOString();
}

function dayEnd(value) {
  return new Date(`${value}T23:59:59.999`).toISOString();
}

export function apiFilter(state) {
  const filter = {};
  if (state.tab === "review") filter.status = REVIEW_STATUSES;
  else if (state.tab === "attention") filter.needsAttention = true;
  else if (state.tab !== "all") filter.status = [state.tab.toUpperCase()];
  if (state.kind) filter.kind = [state.kind];
  if (state.reason) filter.reason = [state.reason];
  if (state.channel) filter.channel = [state.channel];
  if (state.from || state.to) {
    filter.createdAt = {};
    if (state.from) filter.createdAt.gte = dayStart(state.from);
    if (state.to) filter.createdAt.lte = dayEnd(state.to);
  }
  if (state.q.trim()) filter.search = state.q.trim();
  return filter;
}

export function hasFilters(state) {
  return Boolean(state.kind || state.reason || state.channel || state.from || state.to || state.q.trim());
}

export function tabLabel(tab) {
  return ["review", "attention", "all"].includes(tab) ? t(`list.tab.${tab}`) : t(`status.${tab.toUpperCase()}`);
}

export function tabCount(tab, counts, attention) {
  if (!counts) return null;
  if (tab === "attention") return attention || 0;
  if (tab === "all") return Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (tab === "review") return REVIEW_STATUSES.reduce((sum, status) => sum + (counts[status] || 0), 0);
  return counts[tab.toUpperCase()] || 0;
}

export function itemCount(node) {
  return node.lines.reduce((sum, line) => sum + line.requestedQuantity, 0);
}

export function reasonOptions(select, groups) {
  for (const group of groups) {
    const children = group.children || [];
    if (!children.length) continue;
    select.append(
      h("optgroup", { label: group.label }, children.map((reason) => h("option", { value: reason.code }, reason.label))),
    );
  }
}
