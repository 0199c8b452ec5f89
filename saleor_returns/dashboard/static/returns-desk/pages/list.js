// The returns list: status tabs with counts, filters, search, sorting, cursor
// pages, and bulk approve / reject for the review queue.
//
// Everything the staff member chose lives in the desk URL (tab, filters, search,
// sort, cursor), written with history.replaceState, so a reload or coming back
// from a return request shows the same rows. Changing a filter refreshes the
// counts and rows in place; the page is not rebuilt, so focus stays put.
//
// The URL state and the API filter it maps to are in ./list/query.js; a row of the
// table is in ./list/rows.js, the bulk actions' documents and dialog in ./list/bulk.js.

import { register, t } from "../i18n.js";
import { banner, button, clear, field, h, loadStyle, spinner } from "../ui.js";
import {
  FIRST_PAGE,
  KINDS,
  LIST_QUERY,
  OPTIONS_QUERY,
  PAGE_SIZE,
  SORTS,
  TABS,
  apiFilter,
  hasFilters,
  queryFromState,
  reasonOptions,
  stateFromQuery,
  tabCount,
  tabLabel,
  validDate,
} from "./list/query.js";
import { APPROVE, REJECT, askRejectMessage } from "./list/bulk.js";
import { returnRow } from "./list/rows.js";

register({
  en: {
    "list.title": "Returns",
    "list.create": "Create return",
    "list.tabsLabel": "Return requests by status",
    "list.filtersLabel": "Filters",
    "list.kind": "Kind",
    "list.kindAll": "All kinds",
    "list.reason": "Reason",
    "list.reasonAll": "All reasons",
    "list.channel": "Channel",
    "list.channelAll": "All channels",
    "list.createdFrom": "Created from",
    "list.createdTo": "Created to",
    "list.search": "Search",
    "list.searchPlaceholder": "Order number, RMA number or customer e-mail",
    "list.searchButton": "Search",
    "list.clearFilters": "Clear filters",
    "list.sort": "Sort by",
    "list.sort.newest": "Newest first",
    "list.sort.oldest": "Oldest first",
    "list.sort.updated": "Recently updated",
    "list.sort.number": "RMA number",
    "list.sort.status": "Status",
    "list.col.number": "RMA number",
    "list.col.order": "Order",
    "list.col.customer": "Customer e-mail",
    "list.col.kind": "Kind",
    "list.col.status": "Status",
    "list.col.value": "Requested value",
    "list.col.created": "Created",
    "list.col.items": "Items",
    "list.selectAll": "Select all return requests on this page",
    "list.selected": "{n} selected",
    "list.approve": "Approve",
    "list.reject": "Reject",
    "list.clearSelection": "Clear selection",
    "list.working": "Working… {done} of {total}",
    "list.bulkLabel": "Bulk actions",
    "list.summaryJoin": ", ",
    "list.summary.approved": "{n} approved",
    "list.summary.rejected": "{n} rejected",
    "list.summary.failed": "{n} failed",
    "list.failure": "{number} — {message}",
    "list.pageRange": "{from}–{to} of {total}",
    "list.previous": "Previous",
    "list.next": "Next",
    "list.paginationLabel": "Pages",
    "list.loadError": "The return requests could not be loaded",
    "list.empty.review": "Nothing needs review. New return requests show up here.",
    "list.empty.attention": "Nothing needs attention. Failed refunds and replacement orders, failed labels and parcels the carrier flagged show up here.",
    "list.empty.all": "No return requests yet. They show up here once customers ask for a return.",
    "list.empty.status": "No return requests with the status “{status}”.",
    "list.empty.filtered": "No return requests match these filters.",
    "list.tableLabel": "Return requests",
  },
  "zh-Hans": {
    "list.title": "退货",
    "list.create": "创建退货",
    "list.tabsLabel": "按状态查看退货申请",
    "list.filtersLabel": "筛选",
    "list.kind": "类型",
    "list.kindAll": "全部类型",
    "list.reason": "原因",
    "list.reasonAll": "全部原因",
    "list.channel": "渠道",
    "list.channelAll": "全部渠道",
    "list.createdFrom": "创建时间起",
    "list.createdTo": "创建时间止",
    "list.search": "搜索",
    "list.searchPlaceholder": "订单号、退货单号或客户邮箱",
    "list.searchButton": "搜索",
    "list.clearFilters": "清除筛选",
    "list.sort": "排序方式",
    "list.sort.newest": "最新创建",
    "list.sort.oldest": "最早创建",
    "list.sort.updated": "最近更新",
    "list.sort.number": "退货单号",
    "list.sort.status": "状态",
    "list.col.number": "退货单号",
    "list.col.order": "订单",
    "list.col.customer": "客户邮箱",
    "list.col.kind": "类型",
    "list.col.status": "状态",
    "list.col.value": "申请金额",
    "list.col.created": "创建时间",
    "list.col.items": "件数",
    "list.selectAll": "选择本页全部退货申请",
    "list.selected": "已选 {n} 项",
    "list.approve": "批准",
    "list.reject": "拒绝",
    "list.clearSelection": "取消选择",
    "list.working": "处理中… {done}/{total}",
    "list.bulkLabel": "批量操作",
    "list.summaryJoin": "，",
    "list.summary.approved": "已批准 {n} 个",
    "list.summary.rejected": "已拒绝 {n} 个",
    "list.summary.failed": "{n} 个失败",
    "list.failure": "{number}：{message}",
    "list.pageRange": "第 {from}–{to} 条，共 {total} 条",
    "list.previous": "上一页",
    "list.next": "下一页",
    "list.paginationLabel": "分页",
    "list.loadError": "无法加载退货申请",
    "list.empty.review": "暂无待审核的申请。新的退货申请会显示在这里。",
    "list.empty.attention": "暂无需处理的申请。退款或补发订单失败、运单生成失败以及承运商标记异常的包裹会显示在这里。",
    "list.empty.all": "还没有退货申请。客户申请退货后会显示在这里。",
    "list.empty.status": "没有状态为“{status}”的退货申请。",
    "list.empty.filtered": "没有符合筛选条件的退货申请。",
    "list.tableLabel": "退货申请",
  },
});

export async function render(ctx) {
  loadStyle("pages/list.css");
  const state = stateFromQuery(ctx.query);
  let counts = null;
  let attention = 0;
  let rows = [];
  const selected = new Set();
  let loadTicket = 0;
  let busy = false;

  // ---- page head
  const head = h(
    "div",
    { class: "page-head" },
    h("h1", {}, t("list.title")),
    button(t("list.create"), {
      variant: "primary",
      onClick: () => ctx.navigate("/dashboard/returns/new/"),
      "data-action": "create",
    }),
  );

  // ---- tabs (roving tabindex; arrow keys, Home and End move and select)
  const tabButtons = new Map();
  const tablist = h("div", { class: "tabs list-tabs", role: "tablist", "aria-label": t("list.tabsLabel") });
  for (const tab of TABS) {
    const tabButton = h(
      "button",
      {
        type: "button",
        class: "tab",
        role: "tab",
        id: `list-tab-${tab}`,
        "aria-controls": "list-panel",
        "data-tab": tab,
        onclick: () => selectTab(tab),
      },
      h("span", { class: "tab-label" }, tabLabel(tab)),
      h("span", { class: "count", "data-count": tab, "aria-hidden": "true" }),
    );
    tabButtons.set(tab, tabButton);
    tablist.append(tabButton);
  }
  tablist.addEventListener("keydown", (event) => {
    const index = TABS.indexOf(event.target.dataset && event.target.dataset.tab);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % TABS.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    const tab = TABS[next];
    tabButtons.get(tab).focus();
    selectTab(tab);
  });

  function paintTabs() {
    panel.setAttribute("aria-labelledby", `list-tab-${state.tab}`);
    for (const [tab, tabButton] of tabButtons) {
      const isSelected = tab === state.tab;
      tabButton.setAttribute("aria-selected", isSelected ? "true" : "false");
      tabButton.tabIndex = isSelected ? 0 : -1;
      const count = tabCount(tab, counts, attention);
      const badge = tabButton.querySelector(".count");
      badge.textContent = count === null ? "" : String(count);
      badge.hidden = count === null;
      // The count is part of the tab's name for screen readers ("Approved 3").
      tabButton.setAttribute("aria-label", count === null ? tabLabel(tab) : `${tabLabel(tab)} ${count}`);
    }
  }

  // ---- filters
  const kindField = field({
    label: t("list.kind"),
    name: "kind",
    type: "select",
    value: state.kind,
    options: [["", t("list.kindAll")], ...KINDS.map((kind) => [kind, t(`kind.${kind}`)])],
  });
  const reasonField = field({ label: t("list.reason"), name: "reason", type: "select", options: [["", t("list.reasonAll")]] });
  const channelField = field({ label: t("list.channel"), name: "channel", type: "select", options: [["", t("list.channelAll")]] });
  const fromField = field({ label: t("list.createdFrom"), name: "from", type: "date", value: state.from });
  const toField = field({ label: t("list.createdTo"), name: "to", type: "date", value: state.to });
  const sortField = field({
    label: t("list.sort"),
    name: "sort",
    type: "select",
    value: state.sort,
    options: Object.keys(SORTS).map((key) => [key, t(`list.sort.${key}`)]),
  });
  const control = (wrapper) => wrapper.querySelector("input, select");
  const onFilterChange = (name) => (event) => {
    state[name] = event.target.value;
    if (name === "from" || name === "to") state[name] = validDate(state[name]);
    resetPages();
    update();
  };
  control(kindField).addEventListener("change", onFilterChange("kind"));
  control(reasonField).addEventListener("change", onFilterChange("reason"));
  control(channelField).addEventListener("change", onFilterChange("channel"));
  control(fromField).addEventListener("change", onFilterChange("from"));
  control(toField).addEventListener("change", onFilterChange("to"));
  control(sortField).addEventListener("change", onFilterChange("sort"));

  const searchField = field({
    label: t("list.search"),
    name: "search",
    type: "search",
    value: state.q,
    attrs: { placeholder: t("list.searchPlaceholder"), autocomplete: "off" },
  });
  const searchForm = h(
    "form",
    {
      class: "list-search",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        state.q = control(searchField).value.trim();
        resetPages();
        update();
      },
    },
    searchField,
    button(t("list.searchButton"), { type: "submit", variant: "secondary", "data-action": "search" }),
  );
  const clearButton = button(t("list.clearFilters"), {
    variant: "link",
    "data-action": "clear-filters",
    onClick: () => {
      Object.assign(state, { kind: "", reason: "", channel: "", from: "", to: "", q: "" });
      control(kindField).value = "";
      control(reasonField).value = "";
      control(channelField).value = "";
      control(fromField).value = "";
      control(toField).value = "";
      control(searchField).value = "";
      resetPages();
      update();
      control(searchField).focus();
    },
  });
  const filters = h(
    "div",
    { class: "list-filters", role: "group", "aria-label": t("list.filtersLabel") },
    searchForm,
    h("div", { class: "toolbar list-toolbar" }, kindField, reasonField, channelField, fromField, toField, sortField, clearButton),
  );

  // ---- bulk bar, table and pagination
  const bulkCount = h("span", { class: "bulk-count", "aria-live": "polite" });
  const approveButton = button(t("list.approve"), { variant: "primary", "data-action": "bulk-approve", onClick: () => bulkApprove() });
  const rejectButton = button(t("list.reject"), { variant: "danger", "data-action": "bulk-reject", onClick: () => bulkReject() });
  const clearSelectionButton = button(t("list.clearSelection"), {
    variant: "link",
    onClick: () => {
      selected.clear();
      paintRows();
      tabButtons.get(state.tab).focus();
    },
  });
  const bulkBar = h(
    "div",
    { class: "bulk-bar", role: "region", "aria-label": t("list.bulkLabel") },
    bulkCount,
    h("div", { class: "bulk-actions" }, approveButton, rejectButton, clearSelectionButton),
  );
  const status = h("div", { class: "list-status" });
  const tableArea = h("div", { class: "list-table" });
  const pagination = h("nav", { class: "pagination", "aria-label": t("list.paginationLabel") });
  const panel = h("div", { id: "list-panel", role: "tabpanel", class: "list-panel" }, bulkBar, status, tableArea, pagination);

  clear(ctx.root, head, tablist, filters, panel);
  paintTabs();
  paintBulkBar();
  clearButton.hidden = !hasFilters(state);

  // ---- state changes
  function resetPages() {
    state.after = "";
    state.back = [];
    selected.clear();
  }

  function selectTab(tab) {
    if (tab === state.tab) return;
    state.tab = tab;
    resetPages();
    update();
  }

  function writeUrl() {
    ctx.replaceRoute("/dashboard/", queryFromState(state));
  }

  function update() {
    paintTabs();
    clearButton.hidden = !hasFilters(state);
    writeUrl();
    return load();
  }

  // ---- loading
  async function loadOptions() {
    try {
      const data = await ctx.api.query(OPTIONS_QUERY);
      if (!ctx.isCurrent()) return;
      const reasonSelect = control(reasonField);
      reasonOptions(reasonSelect, data.returnReasons);
      // A code from an old link (the reason since deleted) still shows as the active filter.
      if (state.reason && !reasonSelect.querySelector(`option[value="${CSS.escape(state.reason)}"]`)) {
        reasonSelect.append(h("option", { value: state.reason }, state.reason));
      }
      reasonSelect.value = state.reason;
      const channelSelect = control(channelField);
      const channels = data.returnChannels.includes(state.channel) || !state.channel
        ? data.returnChannels
        : [...data.returnChannels, state.channel];
      channelSelect.append(...channels.map((slug) => h("option", { value: slug }, slug)));
      channelSelect.value = state.channel;
    } catch (error) {
      // The list still works without the option lists; its own load reports the problem.
    }
  }

  async function load() {
    const ticket = ++loadTicket;
    panel.setAttribute("aria-busy", "true");
    if (!tableArea.firstChild) clear(tableArea, spinner());
    else tableArea.classList.add("is-loading");
    clear(status);
    let data;
    try {
      data = await ctx.api.query(LIST_QUERY, {
        filter: apiFilter(state),
        sortBy: SORTS[state.sort],
        first: PAGE_SIZE,
        after: state.after || null,
      });
    } catch (error) {
      if (ticket !== loadTicket || !ctx.isCurrent()) return;
      panel.removeAttribute("aria-busy");
      tableArea.classList.remove("is-loading");
      clear(tableArea);
      clear(pagination);
      clear(
        status,
        banner("error", t("list.loadError"), ctx.describeError(error)),
        button(t("common.retry"), { onClick: () => load(), "data-action": "retry" }),
      );
      return;
    }
    if (ticket !== loadTicket || !ctx.isCurrent()) return;
    panel.removeAttribute("aria-busy");
    tableArea.classList.remove("is-loading");
    counts = Object.fromEntries(data.returnStatusCounts.map(({ status: code, count }) => [code, count]));
    attention = data.returnAttentionCount;
    const connection = data.returnRequests;
    rows = connection.edges.map((edge) => edge.node);
    for (const id of [...selected]) if (!rows.some((node) => node.id === id)) selected.delete(id);
    paintTabs();
    paintRows();
    paintPagination(connection);
  }

  // ---- painting
  function reviewMode() {
    return state.tab === "review";
  }

  function paintBulkBar() {
    bulkBar.hidden = !reviewMode() || selected.size === 0;
    bulkCount.textContent = t("list.selected", { n: selected.size });
    for (const action of [approveButton, rejectButton, clearSelectionButton]) action.disabled = busy;
  }

  function paintRows() {
    paintBulkBar();
    if (!rows.length) {
      const text = hasFilters(state)
        ? t("list.empty.filtered")
        : ["review", "attention", "all"].includes(state.tab)
          ? t(`list.empty.${state.tab}`)
          : t("list.empty.status", { status: tabLabel(state.tab) });
      clear(tableArea, h("p", { class: "empty", "data-empty": state.tab }, text));
      return;
    }
    const selectable = reviewMode();
    const allChecked = rows.every((node) => selected.has(node.id));
    const selectAll = selectable
      ? h("input", {
          type: "checkbox",
          "aria-label": t("list.selectAll"),
          "data-select": "all",
          checked: allChecked,
          disabled: busy,
          onchange: (event) => {
            for (const node of rows) {
              if (event.target.checked) selected.add(node.id);
              else selected.delete(node.id);
            }
            paintRows();
            tableArea.querySelector('[data-select="all"]').focus();
          },
        })
      : null;
    if (selectAll) selectAll.indeterminate = !allChecked && rows.some((node) => selected.has(node.id));
    const headings = [
      selectable ? h("th", { scope: "col", class: "col-select" }, selectAll) : null,
      h("th", { scope: "col" }, t("list.col.number")),
      h("th", { scope: "col" }, t("list.col.order")),
      h("th", { scope: "col" }, t("list.col.customer")),
      h("th", { scope: "col" }, t("list.col.kind")),
      h("th", { scope: "col" }, t("list.col.status")),
      h("th", { scope: "col", class: "num" }, t("list.col.value")),
      h("th", { scope: "col" }, t("list.col.created")),
      h("th", { scope: "col", class: "num" }, t("list.col.items")),
    ];
    const body = rows.map((node) =>
      returnRow(ctx, node, {
        selectable,
        isSelected: selected.has(node.id),
        busy,
        onSelect: (checked) => {
          if (checked) selected.add(node.id);
          else selected.delete(node.id);
          paintRows();
          tableArea.querySelector(`[data-select="${CSS.escape(node.id)}"]`).focus();
        },
      }),
    );
    clear(
      tableArea,
      h(
        "div",
        { class: "table-wrap" },
        h("table", { class: "table", "aria-label": t("list.tableLabel") }, h("thead", {}, h("tr", {}, headings)), h("tbody", {}, body)),
      ),
    );
  }

  function paintPagination(connection) {
    const offset = state.back.length * PAGE_SIZE;
    if (!connection.totalCount || !rows.length) {
      clear(pagination);
      return;
    }
    const previous = button(t("list.previous"), {
      "data-action": "previous",
      disabled: !state.back.length,
      onClick: () => {
        const cursor = state.back.pop();
        state.after = cursor === FIRST_PAGE ? "" : cursor;
        selected.clear();
        update().then(() => focusPager("previous"));
      },
    });
    const next = button(t("list.next"), {
      "data-action": "next",
      disabled: !connection.pageInfo.hasNextPage,
      onClick: () => {
        state.back.push(state.after || FIRST_PAGE);
        state.after = connection.pageInfo.endCursor;
        selected.clear();
        update().then(() => focusPager("next"));
      },
    });
    clear(
      pagination,
      h(
        "span",
        { class: "page-range", "aria-live": "polite" },
        t("list.pageRange", { from: offset + 1, to: offset + rows.length, total: connection.totalCount }),
      ),
      previous,
      next,
    );
  }

  // The pager is rebuilt after a page change; keep the keyboard where it was.
  function focusPager(action) {
    const target = pagination.querySelector(`[data-action="${action}"]`);
    if (target && !target.disabled) target.focus();
    else if (pagination.querySelector("button:not(:disabled)")) pagination.querySelector("button:not(:disabled)").focus();
  }

  // ---- bulk actions
  function selectedRows() {
    return rows.filter((node) => selected.has(node.id));
  }

  // Runs one mutation per request, one after the other, then tells the Dashboard how it went.
  async function runBulk(nodes, perform, doneKey) {
    busy = true;
    paintRows();
    let done = 0;
    const failures = [];
    for (const node of nodes) {
      bulkCount.textContent = t("list.working", { done: done + failures.length, total: nodes.length });
      try {
        const payload = await perform(node);
        if (payload.errors.length) failures.push({ node, message: payload.errors.map((e) => e.message).join(" ") });
        else done += 1;
      } catch (error) {
        failures.push({ node, message: ctx.describeError(error) });
      }
    }
    busy = false;
    const parts = [];
    if (done || !failures.length) parts.push(t(doneKey, { n: done }));
    if (failures.length) parts.push(t("list.summary.failed", { n: failures.length }));
    const details = failures.map(({ node, message }) => t("list.failure", { number: node.number, message })).join("; ");
    const level = failures.length === 0 ? "success" : done ? "warning" : "error";
    ctx.bridge.notify(level, parts.join(t("list.summaryJoin")), details);
    selected.clear();
    if (!ctx.isCurrent()) return;
    await load();
    const focusTarget = tabButtons.get(state.tab);
    if (focusTarget) focusTarget.focus();
  }

  function bulkApprove() {
    const nodes = selectedRows();
    if (!nodes.length || busy) return;
    return runBulk(nodes, (node) => ctx.api.mutate(APPROVE, { id: node.id }, "returnRequestApprove"), "list.summary.approved");
  }

  async function bulkReject() {
    const nodes = selectedRows();
    if (!nodes.length || busy) return;
    const message = await askRejectMessage(nodes.length);
    if (message === null) {
      rejectButton.focus();
      return;
    }
    return runBulk(
      nodes,
      (node) => ctx.api.mutate(REJECT, { id: node.id, message }, "returnRequestReject"),
      "list.summary.rejected",
    );
  }

  await Promise.all([loadOptions(), load()]);
  return () => {
    loadTicket += 1;
  };
}
