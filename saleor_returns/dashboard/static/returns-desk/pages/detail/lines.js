// The detail page's lines card: each line's quantities at every stage, the
// customer's evidence, and the inspection outcome.

import { formatMoney, register, t } from "../../i18n.js";
import { card, h, modal } from "../../ui.js";
import { lineTitle } from "./common.js";

register({
  en: {
    "detail.lines.title": "Items",
    "detail.lines.item": "Item",
    "detail.lines.unitPrice": "Unit price paid",
    "detail.lines.requested": "Requested",
    "detail.lines.approved": "Approved",
    "detail.lines.received": "Received",
    "detail.lines.accepted": "Accepted",
    "detail.lines.quantities": "Units",
    "detail.lines.reason": "Reason and photos",
    "detail.lines.inspection": "Inspection",
    "detail.lines.notInspected": "Not inspected",
    "detail.lines.warehouse": "Into {name}",
    "detail.lines.photo": "Enlarge photo {name}",
    "detail.lines.file": "{name} (opens in a new tab)",
  },
  "zh-Hans": {
    "detail.lines.title": "商品",
    "detail.lines.item": "商品",
    "detail.lines.unitPrice": "实付单价",
    "detail.lines.requested": "申请",
    "detail.lines.approved": "批准",
    "detail.lines.received": "收到",
    "detail.lines.accepted": "接受",
    "detail.lines.quantities": "数量",
    "detail.lines.reason": "原因与照片",
    "detail.lines.inspection": "检验",
    "detail.lines.notInspected": "未检验",
    "detail.lines.warehouse": "入库至 {name}",
    "detail.lines.photo": "放大照片 {name}",
    "detail.lines.file": "{name}（在新标签页打开）",
  },
});

export const linesSection = {
  linesCard() {
    const request = this.request;
    const headers = [
      [t("detail.lines.item"), ""],
      [t("detail.lines.unitPrice"), "num"],
      [t("detail.lines.quantities"), ""],
      [t("detail.lines.reason"), ""],
      [t("detail.lines.inspection"), ""],
    ];
    const rows = request.lines.map((line) =>
      h(
        "tr",
        { "data-line": line.id },
        h("td", {}, lineTitle(line)),
        h("td", { class: "num" }, formatMoney(line.unitPrice)),
        h("td", { class: "quantities-cell" }, this.quantities(line)),
        h(
          "td",
          { class: "reason-cell" },
          h("div", { class: "reason", "data-reason": line.reason.code }, line.reason.label),
          line.comment ? h("p", { class: "line-comment" }, line.comment) : null,
          line.evidence.length ? this.evidence(line.evidence) : null,
        ),
        h("td", { class: "inspection-cell" }, this.inspection(line)),
      ),
    );
    return card(
      t("detail.lines.title"),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "lines-table" },
          h("thead", {}, h("tr", {}, headers.map(([text, cls]) => h("th", { scope: "col", class: cls || null }, text)))),
          h("tbody", {}, rows),
        ),
      ),
    );
  },

  // Requested, approved, received and accepted units, one under the other.
  quantities(line) {
    const value = (quantity) => (quantity === null || quantity === undefined ? "—" : String(quantity));
    return h(
      "dl",
      { class: "quantities" },
      [
        ["requested", "detail.lines.requested", line.requestedQuantity],
        ["approved", "detail.lines.approved", line.approvedQuantity],
        ["received", "detail.lines.received", line.receivedQuantity],
        ["accepted", "detail.lines.accepted", line.acceptedQuantity],
      ].map(([name, key, quantity]) => [h("dt", {}, t(key)), h("dd", { "data-quantity": name }, value(quantity))]),
    );
  },

  evidence(items) {
    return h(
      "div",
      { class: "thumbs" },
      items.map((item) => {
        const isImage = item.contentType.startsWith("image/") && !/heic|heif/i.test(item.contentType);
        if (!isImage) {
          return h(
            "a",
            { class: "evidence-file", href: item.url, target: "_blank", rel: "noopener", "data-evidence": item.id },
            t("detail.lines.file", { name: item.filename }),
          );
        }
        return h(
          "button",
          {
            type: "button",
            class: "thumb",
            "data-evidence": item.id,
            "aria-label": t("detail.lines.photo", { name: item.filename }),
            onclick: () => this.enlarge(item),
          },
          h("img", { src: item.url, alt: item.filename, loading: "lazy" }),
        );
      }),
    );
  },

  enlarge(item) {
    const body = h("div", { class: "lightbox" }, h("img", { src: item.url, alt: item.filename }));
    const opener = document.activeElement;
    modal(item.filename, body, [[t("common.close"), null, "secondary"]]).then(() => {
      if (opener && opener.isConnected) opener.focus();
    });
    const dialog = body.closest("dialog");
    if (dialog) dialog.classList.add("lightbox-dialog");
  },

  inspection(line) {
    if (!line.condition && !line.disposition) return h("span", { class: "muted" }, t("detail.lines.notInspected"));
    const warehouse = line.restockWarehouseId
      ? (this.warehouses || []).find((item) => item.id === line.restockWarehouseId)
      : null;
    return h(
      "div",
      { class: "inspection" },
      line.condition ? h("div", { "data-condition": line.condition }, t(`condition.${line.condition}`)) : null,
      line.disposition ? h("div", { "data-disposition": line.disposition }, t(`disposition.${line.disposition}`)) : null,
      line.restockWarehouseId
        ? h("div", { class: "muted" }, t("detail.lines.warehouse", { name: warehouse ? warehouse.name : line.restockWarehouseId }))
        : null,
      line.inspectionNote ? h("p", { class: "line-comment" }, line.inspectionNote) : null,
    );
  },
};
