// The detail page's inline action panel and its forms: approve, receive and
// inspect (the resolve form is in resolve.js).

import { register, t } from "../../i18n.js";
import { banner, button, clear, field, formErrors, h, needs, nextId } from "../../ui.js";
import {
  CONDITIONS,
  DISPOSITIONS,
  MUTATIONS,
  control,
  lineErrorSlot,
  lineTitle,
  placeLineErrors,
  readInt,
} from "./common.js";

register({
  en: {
    "detail.approve.title": "Approve the return",
    "detail.approve.intro": "Choose how many units of each item to take back; 0 leaves an item out.",
    "detail.approve.quantity": "Units to approve (of {max})",
    "detail.approve.note": "Note to the customer (optional)",
    "detail.approve.submit": "Approve",
    "detail.receive.title": "Receive returned items",
    "detail.receive.intro": "Count the units that arrived in this delivery; partial deliveries add up.",
    "detail.receive.quantity": "Units arriving now (up to {max})",
    "detail.receive.progress": "Approved {approved} · received so far {received}",
    "detail.receive.submit": "Record receipt",
    "detail.inspect.title": "Inspect returned items",
    "detail.inspect.intro": "Record the state of each item and what happens to it. Restocking needs a warehouse.",
    "detail.inspect.accepted": "Units accepted (of {max} received)",
    "detail.inspect.condition": "Condition",
    "detail.inspect.disposition": "Disposition",
    "detail.inspect.warehouse": "Restock into warehouse",
    "detail.inspect.chooseWarehouse": "Choose a warehouse",
    "detail.inspect.note": "Inspection note (staff only)",
    "detail.inspect.warehousesFailed": "Saleor's warehouses could not be loaded",
    "detail.inspect.submit": "Save inspection",
    "detail.notify.approved": "{number} approved",
    "detail.notify.received": "Items of {number} received",
    "detail.notify.inspected": "{number} inspected",
    "detail.notify.inspectionSaved": "Inspection saved for {number}",
  },
  "zh-Hans": {
    "detail.approve.title": "批准退货",
    "detail.approve.intro": "选择每件商品批准退回的数量；填 0 表示不退该商品。",
    "detail.approve.quantity": "批准数量（共 {max} 件）",
    "detail.approve.note": "给顾客的备注（可选）",
    "detail.approve.submit": "批准",
    "detail.receive.title": "确认收到退回商品",
    "detail.receive.intro": "清点本次到货的数量；分批到货会累加。",
    "detail.receive.quantity": "本次到货数量（最多 {max} 件）",
    "detail.receive.progress": "已批准 {approved} 件 · 已收到 {received} 件",
    "detail.receive.submit": "确认收货",
    "detail.inspect.title": "检验退回商品",
    "detail.inspect.intro": "记录每件商品的状况和处理方式。重新入库需要选择仓库。",
    "detail.inspect.accepted": "接受数量（已收到 {max} 件）",
    "detail.inspect.condition": "状况",
    "detail.inspect.disposition": "处理方式",
    "detail.inspect.warehouse": "入库仓库",
    "detail.inspect.chooseWarehouse": "请选择仓库",
    "detail.inspect.note": "检验备注（仅员工可见）",
    "detail.inspect.warehousesFailed": "无法从 Saleor 加载仓库",
    "detail.inspect.submit": "保存检验结果",
    "detail.notify.approved": "{number} 已批准",
    "detail.notify.received": "{number} 的商品已收货",
    "detail.notify.inspected": "{number} 已检验",
    "detail.notify.inspectionSaved": "{number} 的检验结果已保存",
  },
});

export const actionPanels = {
  openPanel(key, opener) {
    if (this.panel && this.panel.key === key) {
      this.closePanel();
      return;
    }
    this.closePanel(false);
    const builders = {
      approve: () => this.approveForm(),
      receive: () => this.receiveForm(),
      inspect: () => this.inspectForm(),
      resolve: () => this.resolveForm(),
    };
    const element = builders[key]();
    element.dataset.panel = key;
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.closePanel();
      }
    });
    this.panel = { key, element, opener };
    opener.setAttribute("aria-expanded", "true");
    clear(this.panelSlot, element);
    const first = element.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    element.scrollIntoView({ block: "nearest" });
  },

  closePanel(restoreFocus = true) {
    if (!this.panel) return;
    const { opener } = this.panel;
    this.panel = null;
    clear(this.panelSlot);
    if (opener.isConnected) {
      opener.setAttribute("aria-expanded", "false");
      if (restoreFocus) opener.focus();
    }
  },

  panelForm(title, intro, body, submit) {
    const titleId = nextId("panel-title");
    const cancel = button(t("common.cancel"), { onClick: () => this.closePanel() });
    return h(
      "form",
      { class: "card action-panel", novalidate: true, "aria-labelledby": titleId },
      h("h2", { class: "card-title", id: titleId }, title),
      intro ? h("p", { class: "muted" }, intro) : null,
      formErrors(),
      body,
      h("div", { class: "actions" }, submit, cancel),
    );
  },

  approveForm() {
    const request = this.request;
    const rows = request.lines.map((line) =>
      h(
        "div",
        { class: "line-form-row", "data-line": line.id },
        lineTitle(line),
        field({
          label: t("detail.approve.quantity", { max: line.requestedQuantity }),
          name: "quantity",
          type: "number",
          value: line.requestedQuantity,
          required: true,
          attrs: { min: 0, max: line.requestedQuantity, step: 1, inputmode: "numeric" },
        }),
        lineErrorSlot(),
      ),
    );
    const submit = button(t("detail.approve.submit"), { type: "submit", variant: "primary", "data-submit": "approve" });
    const form = this.panelForm(
      t("detail.approve.title"),
      t("detail.approve.intro"),
      [rows, field({ label: t("detail.approve.note"), name: "note", type: "textarea" })],
      submit,
    );
    this.onLineQuantities(form, rows, submit, (lines) => ({
      action: t("detail.action.approve"),
      mutation: MUTATIONS.approve,
      field: "returnRequestApprove",
      variables: { id: request.id, lines, note: control(form, "note").value.trim() || null },
      success: () => t("detail.notify.approved", { number: this.number }),
    }));
    return form;
  },

  receiveForm() {
    const request = this.request;
    const rows = this.receivableLines().map((line) => {
      const remaining = (line.approvedQuantity || 0) - line.receivedQuantity;
      return h(
        "div",
        { class: "line-form-row", "data-line": line.id },
        h(
          "div",
          {},
          lineTitle(line),
          h("small", { class: "muted" }, t("detail.receive.progress", { approved: line.approvedQuantity, received: line.receivedQuantity })),
        ),
        field({
          label: t("detail.receive.quantity", { max: remaining }),
          name: "quantity",
          type: "number",
          value: remaining,
          required: true,
          attrs: { min: 0, max: remaining, step: 1, inputmode: "numeric" },
        }),
        lineErrorSlot(),
      );
    });
    const submit = button(t("detail.receive.submit"), { type: "submit", variant: "primary", "data-submit": "receive" });
    const form = this.panelForm(t("detail.receive.title"), t("detail.receive.intro"), rows, submit);
    this.onLineQuantities(form, rows, submit, (lines) => ({
      action: t("detail.action.receive"),
      mutation: MUTATIONS.receive,
      field: "returnRequestReceive",
      variables: { id: request.id, lines },
      success: () => t("detail.notify.received", { number: this.number }),
    }));
    return form;
  },

  // Submits a quantity per line ({lineId, quantity}) with what `describe(lines)` gives.
  onLineQuantities(form, rows, submit, describe) {
    this.onSubmitAction(
      form,
      submit,
      (problems) =>
        rows.map((row) => ({
          lineId: row.dataset.line,
          quantity: readInt(control(row, "quantity"), row.dataset.line, problems),
        })),
      (lines) => ({ refine: (errors) => placeLineErrors(errors, { INVALID_QUANTITY: "quantity" }), ...describe(lines) }),
    );
  },

  inspectForm() {
    const request = this.request;
    const warehouseOptions = [["", t("detail.inspect.chooseWarehouse")], ...(this.warehouses || []).map((item) => [item.id, item.name])];
    const fieldsets = request.lines
      .filter((line) => line.receivedQuantity > 0)
      .map((line) => {
        // Restocking writes stock in Saleor: only for staff who may manage products.
        const restockMissing = this.ctx.missing("inspect:RESTOCK");
        const disposition = line.disposition || (restockMissing.length ? "SCRAP" : "RESTOCK");
        const warehouse = field({
          label: t("detail.inspect.warehouse"),
          name: "warehouseId",
          type: "select",
          value: line.restockWarehouseId || "",
          options: warehouseOptions,
        });
        warehouse.hidden = disposition !== "RESTOCK";
        const dispositionField = field({
          label: t("detail.inspect.disposition"),
          name: "disposition",
          type: "select",
          value: disposition,
          options: DISPOSITIONS.map((code) =>
            code === "RESTOCK" && restockMissing.length
              ? [code, `${t(`disposition.${code}`)} (${needs(restockMissing)})`, { disabled: true }]
              : [code, t(`disposition.${code}`)]),
        });
        control(dispositionField, "disposition").addEventListener("change", (event) => {
          warehouse.hidden = event.target.value !== "RESTOCK";
        });
        return h(
          "fieldset",
          { class: "inspect-line", "data-line": line.id },
          h("legend", {}, line.variantName ? `${line.productName} · ${line.variantName}` : line.productName),
          h(
            "div",
            { class: "inspect-grid" },
            field({
              label: t("detail.inspect.accepted", { max: line.receivedQuantity }),
              name: "acceptedQuantity",
              type: "number",
              value: line.acceptedQuantity ?? line.receivedQuantity,
              required: true,
              attrs: { min: 0, max: line.receivedQuantity, step: 1, inputmode: "numeric" },
            }),
            field({
              label: t("detail.inspect.condition"),
              name: "condition",
              type: "select",
              value: line.condition || "AS_NEW",
              options: CONDITIONS.map((code) => [code, t(`condition.${code}`)]),
            }),
            dispositionField,
            warehouse,
          ),
          field({ label: t("detail.inspect.note"), name: "note", type: "textarea", value: line.inspectionNote || "" }),
          lineErrorSlot(),
        );
      });
    const submit = button(t("detail.inspect.submit"), { type: "submit", variant: "primary", "data-submit": "inspect" });
    const warning = this.warehousesError
      ? banner("warning", t("detail.inspect.warehousesFailed"), this.warehousesError)
      : null;
    const form = this.panelForm(t("detail.inspect.title"), t("detail.inspect.intro"), [warning, fieldsets], submit);
    const readLines = (problems) =>
      fieldsets.map((fieldset) => {
        const lineId = fieldset.dataset.line;
        const disposition = control(fieldset, "disposition").value;
        return {
          lineId,
          acceptedQuantity: readInt(control(fieldset, "acceptedQuantity"), lineId, problems),
          condition: control(fieldset, "condition").value,
          disposition,
          warehouseId: disposition === "RESTOCK" ? control(fieldset, "warehouseId").value || null : null,
          note: control(fieldset, "note").value.trim() || null,
        };
      });
    this.onSubmitAction(form, submit, readLines, (lines) => ({
      action: t("detail.action.inspect"),
      mutation: MUTATIONS.inspect,
      field: "returnRequestInspect",
      variables: { id: request.id, lines },
      // The API names the lines at fault; which control a line error is about follows from its code.
      refine: (errors) => placeLineErrors(errors, { INVALID_QUANTITY: "acceptedQuantity", REQUIRED: "warehouseId" }),
      success: (payload) =>
        payload.returnRequest && payload.returnRequest.status === "INSPECTED"
          ? t("detail.notify.inspected", { number: this.number })
          : t("detail.notify.inspectionSaved", { number: this.number }),
    }));
    return form;
  },
};
