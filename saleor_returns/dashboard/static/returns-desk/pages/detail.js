// The return detail page: what the customer asked for, what happened since, and
// the one next step the request's status allows (approve, receive, inspect,
// resolve...). Every action reports to the Dashboard and redraws from fresh data.
//
// The page is one DetailPage; its cards, forms and dialogs live in ./detail/, one
// module per part, and are mixed into its prototype.

import { formatDate, formatMoney, register, t } from "../i18n.js";
import {
  banner,
  button,
  clear,
  clearErrors,
  definitionList,
  h,
  loadStyle,
  needs,
  nextId,
  showErrors,
  statusBadge,
} from "../ui.js";
import {
  CANCELABLE,
  CLAIM_KINDS,
  DETAIL_QUERY,
  IN_REVIEW,
  RECEIVABLE,
  WAREHOUSES_QUERY,
  isReturnless,
  label,
  setBusy,
} from "./detail/common.js";
import { linesSection } from "./detail/lines.js";
import { moneySection } from "./detail/money.js";
import { shippingSection } from "./detail/shipping.js";
import { timelineSection } from "./detail/timeline.js";
import { actionPanels } from "./detail/panels.js";
import { resolveSection } from "./detail/resolve.js";
import { actionDialogs } from "./detail/actions.js";
import { surveySection } from "./detail/survey.js";
import { messagesSection } from "./detail/messages.js";

register({
  en: {
    "detail.back": "Back to returns",
    "detail.notFound": "This return request does not exist, or it belongs to another shop.",
    "detail.reloadFailed": "The return request could not be reloaded",
    "detail.actions": "Actions",
    "detail.action.approve": "Approve",
    "detail.action.reject": "Reject",
    "detail.action.requestInfo": "Ask for information",
    "detail.action.receive": "Receive items",
    "detail.action.inspect": "Inspect",
    "detail.action.resolve": "Preview & resolve",
    "detail.action.retryRefund": "Retry refund",
    "detail.action.retryReplacement": "Retry replacement order",
    "detail.action.addTracking": "Add tracking",
    "detail.action.cancel": "Cancel return",
    "detail.summary.title": "Order and customer",
    "detail.summary.order": "Order",
    "detail.summary.orderButton": "#{number}",
    "detail.summary.openOrder": "Open order #{number} in the Dashboard",
    "detail.summary.customer": "Customer",
    "detail.summary.channel": "Channel",
    "detail.summary.kind": "Type",
    "detail.summary.wish": "Customer's wish",
    "detail.summary.resolution": "Resolution",
    "detail.summary.created": "Created",
    "detail.summary.updated": "Updated",
    "detail.summary.policy": "Policy version",
    "detail.summary.autoApproved": "Auto-approved",
    "detail.summary.risk": "Risk signals",
    "detail.summary.override": "Policy override",
    "detail.summary.customerNote": "Customer's note",
    "detail.risk.repeated_claim_on_order": "Another claim on this order",
    "detail.risk.evidence_reused": "Photos used in another request",
    "detail.risk.policy_overridden": "Accepted outside the policy",
    "detail.banner.rejected": "Rejected",
    "detail.banner.info": "Waiting for the customer's answer",
    "detail.banner.awaitingParcel": "Waiting for the customer to send the parcel",
    "detail.banner.awaitingParcelText": "A label or the customer's tracking number follows the parcel; a parcel handed in at the shop can be received now.",
    "detail.banner.refundFailed": "The refund failed",
    "detail.banner.refundPending": "The refund is being processed",
    "detail.notify.failed": "{action} failed for {number}",
  },
  "zh-Hans": {
    "detail.back": "返回退货列表",
    "detail.notFound": "该退货申请不存在，或属于其他店铺。",
    "detail.reloadFailed": "无法重新加载该退货申请",
    "detail.actions": "操作",
    "detail.action.approve": "批准",
    "detail.action.reject": "拒绝",
    "detail.action.requestInfo": "要求补充信息",
    "detail.action.receive": "确认收货",
    "detail.action.inspect": "检验",
    "detail.action.resolve": "预览并处理",
    "detail.action.retryRefund": "重试退款",
    "detail.action.retryReplacement": "重试补发订单",
    "detail.action.addTracking": "添加物流单号",
    "detail.action.cancel": "取消退货",
    "detail.summary.title": "订单与顾客",
    "detail.summary.order": "订单",
    "detail.summary.orderButton": "#{number}",
    "detail.summary.openOrder": "在 Dashboard 中打开订单 #{number}",
    "detail.summary.customer": "顾客",
    "detail.summary.channel": "渠道",
    "detail.summary.kind": "类型",
    "detail.summary.wish": "顾客期望",
    "detail.summary.resolution": "处理方式",
    "detail.summary.created": "创建时间",
    "detail.summary.updated": "更新时间",
    "detail.summary.policy": "政策版本",
    "detail.summary.autoApproved": "自动批准",
    "detail.summary.risk": "风险提示",
    "detail.summary.override": "政策例外",
    "detail.summary.customerNote": "顾客留言",
    "detail.risk.repeated_claim_on_order": "该订单已有其他索赔",
    "detail.risk.evidence_reused": "照片在其他申请中用过",
    "detail.risk.policy_overridden": "超出退货政策受理",
    "detail.banner.rejected": "已拒绝",
    "detail.banner.info": "等待顾客回复",
    "detail.banner.awaitingParcel": "等待顾客寄回包裹",
    "detail.banner.awaitingParcelText": "运单或顾客填写的运单号会跟踪包裹；顾客到店交回的包裹可直接确认收货。",
    "detail.banner.refundFailed": "退款失败",
    "detail.banner.refundPending": "退款处理中",
    "detail.notify.failed": "{number}：{action}失败",
  },
});

export async function render(ctx) {
  loadStyle("pages/detail.css");
  const page = new DetailPage(ctx);
  await page.load();
  return () => page.dispose();
}

class DetailPage {
  constructor(ctx) {
    this.ctx = ctx;
    this.request = null;
    this.warehouses = null;
    this.warehousesError = null;
    this.dialogs = new Set();
    this.panel = null; // {key, element, opener}
  }

  dispose() {
    this.disposed = true;
    for (const dialog of this.dialogs) {
      if (dialog.open) dialog.close();
      dialog.remove();
    }
    this.dialogs.clear();
    document.querySelectorAll("dialog.lightbox-dialog").forEach((dialog) => dialog.remove());
  }

  live() {
    return !this.disposed && this.ctx.isCurrent();
  }

  get number() {
    return this.request ? this.request.number : "";
  }

  // Reads the request (and the warehouses the inspect form or the lines need), then draws.
  async load() {
    const data = await this.ctx.api.query(DETAIL_QUERY, { id: this.ctx.params.id });
    if (!this.live()) return;
    const request = data.returnRequest;
    if (!request) {
      clear(this.ctx.root, this.backLink(), banner("error", t("detail.notFound")));
      return;
    }
    this.request = request;
    const needsWarehouses =
      request.status === "RECEIVED" || request.lines.some((line) => line.restockWarehouseId);
    if (needsWarehouses && this.warehouses === null) await this.loadWarehouses();
    if (!this.live()) return;
    this.draw();
  }

  async loadWarehouses() {
    try {
      const data = await this.ctx.api.query(WAREHOUSES_QUERY);
      this.warehouses = data.returnWarehouses;
      this.warehousesError = null;
    } catch (error) {
      this.warehousesError = this.ctx.describeError(error);
    }
  }

  // After an action: fresh data, the panel closed, focus on the heading.
  async reload() {
    this.panel = null;
    try {
      await this.load();
    } catch (error) {
      if (!this.live()) return;
      this.ctx.root.prepend(banner("error", t("detail.reloadFailed"), this.ctx.describeError(error)));
      return;
    }
    if (!this.live()) return;
    const heading = this.ctx.root.querySelector("h1");
    if (heading) heading.focus({ preventScroll: false });
  }

  draw() {
    const request = this.request;
    this.panelSlot = h("div", { class: "action-panel-slot" });
    clear(
      this.ctx.root,
      h(
        "div",
        { class: "detail", "data-return-request": request.id, "data-status": request.status },
        this.head(),
        this.banners(),
        this.panelSlot,
        h(
          "div",
          { class: "grid grid-2 detail-grid" },
          h("div", { class: "detail-main" }, this.linesCard(), this.timelineCard()),
          h("div", { class: "detail-side" }, this.summaryCard(), this.moneyCard(), this.shippingCard(), this.surveyCard()),
        ),
        this.messagesCard(),
      ),
    );
  }

  backLink() {
    const href = this.ctx.deskUrl("/dashboard/");
    return h(
      "a",
      {
        class: "back-link",
        href,
        onclick: (event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          this.ctx.navigate("/dashboard/");
        },
      },
      `← ${t("detail.back")}`,
    );
  }

  head() {
    const request = this.request;
    const heading = h("h1", { tabindex: "-1" }, request.number);
    return h(
      "div",
      { class: "page-head detail-head" },
      h(
        "div",
        { class: "detail-title" },
        this.backLink(),
        h("div", { class: "detail-title-row" }, heading, statusBadge(request.status), h("span", { class: "kind-tag" }, t(`kind.${request.kind}`))),
      ),
      h("div", { class: "actions head-actions", role: "group", "aria-label": t("detail.actions") }, this.actionButtons()),
    );
  }

  // Exactly the actions the request's status allows.
  actionButtons() {
    const request = this.request;
    const buttons = [];
    const panels = new Set(["approve", "receive", "inspect", "resolve"]);
    const add = (key, text, variant, onClick) =>
      buttons.push(
        button(text, {
          variant,
          onClick: (event) => onClick(event.currentTarget),
          "data-action": key,
          "aria-expanded": panels.has(key) ? "false" : null,
        }),
      );
    if (IN_REVIEW.has(request.status)) {
      add("approve", t("detail.action.approve"), "primary", (opener) => this.openPanel("approve", opener));
      add("request-info", t("detail.action.requestInfo"), "secondary", (opener) => this.requestInfoDialog(opener));
      add("reject", t("detail.action.reject"), "danger", (opener) => this.rejectDialog(opener));
    }
    const handedIn = request.status === "APPROVED" && !isReturnless(request);
    if ((RECEIVABLE.has(request.status) || handedIn) && this.receivableLines().length) {
      const variant = request.status === "RECEIVED" || handedIn ? "secondary" : "primary";
      add("receive", t("detail.action.receive"), variant, (opener) => this.openPanel("receive", opener));
    }
    if (request.status === "RECEIVED") {
      add("inspect", t("detail.action.inspect"), "primary", (opener) => this.openPanel("inspect", opener));
    }
    if (this.canResolve()) {
      add("resolve", t("detail.action.resolve"), "primary", (opener) => this.openPanel("resolve", opener));
    }
    if (request.refund && request.refund.status === "failed") {
      add("retry-refund", t("detail.action.retryRefund"), "primary", (opener) => this.retryDialog(opener));
      // A retry pays out again: the payment (or the gift card) needs the staff member's own permission.
      const missing = this.ctx.missing(`refundRetry:${request.refund.kind.toUpperCase()}`);
      if (missing.length) {
        const retry = buttons[buttons.length - 1];
        const note = h("span", { class: "action-needs muted", id: nextId("needs"), "data-needs": "retry-refund" }, needs(missing));
        retry.disabled = true;
        retry.setAttribute("aria-describedby", note.id);
        buttons.push(note);
      }
    }
    if (request.replacementOrder && request.replacementOrder.status === "failed") {
      add("retry-replacement", t("detail.action.retryReplacement"), "primary", (opener) => this.retryReplacementDialog(opener));
    }
    if (request.status === "APPROVED" && !isReturnless(request)) {
      add("add-tracking", t("detail.action.addTracking"), "secondary", (opener) => this.trackingDialog(opener));
    }
    if (CANCELABLE.has(request.status)) {
      add("cancel", t("detail.action.cancel"), "danger", (opener) => this.cancelDialog(opener));
    }
    return buttons;
  }

  receivableLines() {
    return this.request.lines.filter((line) => (line.approvedQuantity || 0) > line.receivedQuantity);
  }

  // INSPECTED returns, and APPROVED ones that resolve without a parcel (claims,
  // keep-the-item), until a refund or a replacement order exists. An instant
  // refund paid in transit is closed by resolving after inspection.
  canResolve() {
    const request = this.request;
    if (request.replacementOrder) return false;
    if (request.refund) return request.status === "INSPECTED" && request.refund.status === "succeeded";
    if (request.status === "INSPECTED") return !isReturnless(request);
    return request.status === "APPROVED" && isReturnless(request);
  }

  resolutionChoices() {
    const request = this.request;
    const claim = CLAIM_KINDS.has(request.kind);
    if (request.status === "INSPECTED") {
      const choices = ["REFUND", "STORE_CREDIT"];
      if (request.kind === "EXCHANGE" && request.exchangeVariantId) choices.push("EXCHANGE");
      return choices;
    }
    if (claim) {
      const choices = ["REFUND", "STORE_CREDIT"];
      if (request.resolution === "KEEP_ITEM") choices.push("KEEP_ITEM");
      const approved = request.lines.filter((line) => line.approvedQuantity);
      if (approved.length === 1 && approved[0].variantId) choices.push("REPLACEMENT");
      return choices;
    }
    return ["KEEP_ITEM"];
  }

  banners() {
    const request = this.request;
    const items = [];
    if (request.status === "REJECTED" && request.rejectionMessage) {
      items.push(banner("error", t("detail.banner.rejected"), request.rejectionMessage));
    }
    if (IN_REVIEW.has(request.status) && request.infoRequestedMessage) {
      items.push(banner("warning", t("detail.banner.info"), request.infoRequestedMessage));
    }
    if (request.status === "APPROVED" && !isReturnless(request) && !request.shipments.length) {
      items.push(banner("info", t("detail.banner.awaitingParcel"), t("detail.banner.awaitingParcelText")));
    }
    if (request.refund && request.refund.status === "failed") {
      items.push(banner("error", t("detail.banner.refundFailed"), request.refund.failureReason || ""));
    } else if (request.refund && ["pending", "processing"].includes(request.refund.status)) {
      items.push(banner("info", t("detail.banner.refundPending"), formatMoney(request.refund.amount)));
    }
    return items;
  }

  // ------------------------------------------------------------------ cards

  summaryCard() {
    const request = this.request;
    const orderButton = button(t("detail.summary.orderButton", { number: request.orderNumber }), {
      variant: "link",
      class: "btn btn-link order-link",
      "data-order-id": request.orderId,
      "aria-label": t("detail.summary.openOrder", { number: request.orderNumber }),
      title: t("detail.summary.openOrder", { number: request.orderNumber }),
      onClick: () => this.ctx.openInDashboard(`/orders/${request.orderId}`),
    });
    const risks = request.riskReasons || [];
    const facts = definitionList([
      [t("detail.summary.order"), orderButton],
      [t("detail.summary.customer"), request.customerEmail],
      [t("detail.summary.channel"), request.channelSlug || "—"],
      [t("detail.summary.kind"), t(`kind.${request.kind}`)],
      // Once resolved, the stored resolution is what staff chose, not the customer's wish.
      [t(["RESOLVED", "CLOSED"].includes(request.status) ? "detail.summary.resolution" : "detail.summary.wish"), t(`resolution.${request.resolution}`)],
      [t("detail.summary.created"), formatDate(request.createdAt)],
      [t("detail.summary.updated"), formatDate(request.updatedAt)],
      [t("detail.summary.policy"), `v${request.policyVersion}`],
      [t("detail.summary.autoApproved"), request.isAutoApproved ? t("common.yes") : t("common.no"), { "data-fact": "auto-approved" }],
      risks.length
        ? [
            t("detail.summary.risk"),
            h("ul", { class: "risk-list" }, risks.map((code) => h("li", { "data-risk": code }, label("detail.risk", code)))),
            { "data-fact": "risk" },
          ]
        : null,
      request.policyOverridden
        ? [t("detail.summary.override"), request.overrideJustification || t("common.yes"), { "data-fact": "override" }]
        : null,
    ]);
    facts.classList.add("facts");
    const note = request.customerNote
      ? h("div", { class: "customer-note" }, h("h3", {}, t("detail.summary.customerNote")), h("blockquote", {}, request.customerNote))
      : null;
    return h("section", { class: "card summary-card" }, h("h2", { class: "card-title" }, t("detail.summary.title")), facts, note);
  }

  // ------------------------------------------------------------------ running an action

  // Submits `form` with `submitAction`; the page reloads after a success.
  onSubmitAction(form, submit, read, describe) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await this.submitAction(form, submit, read, describe)) await this.reload();
    });
  }

  // Performs the action `describe(values)` names with the values `read(problems)`
  // takes from `form`; a value it refuses goes into `problems`, which are shown on
  // the form instead of sending anything. Resolves like `perform`.
  async submitAction(form, submit, read, describe) {
    const problems = [];
    const values = read(problems);
    if (problems.length) {
      showErrors(form, problems);
      return null;
    }
    return this.perform({ form, submit, ...describe(values) });
  }

  // Sends one mutation: the button is disabled meanwhile, errors land next to
  // their fields, and the Dashboard hears the outcome. Resolves with the
  // payload on success, null otherwise.
  async perform({ form, submit, action, mutation, variables, field: payloadField, refine, success }) {
    clearErrors(form);
    setBusy(submit, true);
    let payload;
    try {
      payload = await this.ctx.api.mutate(mutation, variables, payloadField);
    } catch (error) {
      if (!this.live()) return null;
      setBusy(submit, false);
      const message = this.ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      this.ctx.bridge.notify("error", t("detail.notify.failed", { number: this.number, action }), message);
      return null;
    }
    if (!this.live()) return null;
    if (payload.errors.length) {
      setBusy(submit, false);
      showErrors(form, refine ? refine(payload.errors) : payload.errors);
      this.ctx.bridge.notify(
        "error",
        t("detail.notify.failed", { number: this.number, action }),
        payload.errors.map((error) => error.message).join(" "),
      );
      return null;
    }
    this.ctx.bridge.notify("success", success(payload));
    return payload;
  }
}

Object.assign(
  DetailPage.prototype,
  linesSection,
  moneySection,
  shippingSection,
  timelineSection,
  actionPanels,
  resolveSection,
  actionDialogs,
  surveySection,
  messagesSection,
);
