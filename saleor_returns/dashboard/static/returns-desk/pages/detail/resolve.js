// The detail page's resolve form: a preview of the money for the chosen
// resolution, then the resolution itself against that preview.

import { formatMoney, register, t } from "../../i18n.js";
import { banner, button, clear, clearErrors, definitionList, field, h, needs, showErrors } from "../../ui.js";
import {
  COMPONENTS,
  MUTATIONS,
  PREVIEWABLE,
  PREVIEW_QUERY,
  control,
  negative,
  placeLineErrors,
  uuid,
} from "./common.js";

register({
  en: {
    "detail.resolve.title": "Preview and resolve",
    "detail.resolve.resolution": "Resolution",
    "detail.resolve.wish": "The customer asked for: {resolution}",
    "detail.resolve.loading": "Calculating…",
    "detail.resolve.previewTitle": "What the customer gets",
    "detail.resolve.replacement": "A new Saleor order sends the same item again at no charge; no money is refunded.",
    "detail.resolve.exchange": "A new Saleor order sends the chosen item; a price difference is refunded, or waits for the customer's payment.",
    "detail.resolve.instant": "The refund was paid while the parcel was on its way. Resolving closes the return.",
    "detail.resolve.shippingRefunded": "Shipping was already refunded on this order.",
    "detail.resolve.changed": "The amounts changed since the preview. Check the new figures, then resolve again.",
    "detail.resolve.submit": "Resolve",
    "detail.resolve.perLine": "Per item",
    "detail.money.total": "Total to the customer",
    "detail.notify.resolved": "{number} resolved",
    "detail.notify.refundStarted": "Refund started for {number}",
    "detail.notify.replacementStarted": "Replacement order started for {number}",
  },
  "zh-Hans": {
    "detail.resolve.title": "预览并处理",
    "detail.resolve.resolution": "处理方式",
    "detail.resolve.wish": "顾客期望：{resolution}",
    "detail.resolve.loading": "正在计算…",
    "detail.resolve.previewTitle": "顾客将获得",
    "detail.resolve.replacement": "将在 Saleor 中创建一张免费订单，重新寄出同款商品，不退款。",
    "detail.resolve.exchange": "将在 Saleor 中创建新订单寄出所选商品；差价会退还，或等待顾客补款。",
    "detail.resolve.instant": "包裹寄回途中已完成退款。处理后即关闭此退货。",
    "detail.resolve.shippingRefunded": "该订单的运费已经退过。",
    "detail.resolve.changed": "预览之后金额发生了变化。请核对新的金额后再次处理。",
    "detail.resolve.submit": "确认处理",
    "detail.resolve.perLine": "按商品",
    "detail.money.total": "顾客实得合计",
    "detail.notify.resolved": "{number} 已处理",
    "detail.notify.refundStarted": "{number} 已发起退款",
    "detail.notify.replacementStarted": "已为 {number} 创建补发订单",
  },
});

export const resolveSection = {
  resolveForm() {
    const request = this.request;
    const submit = button(t("detail.resolve.submit"), { type: "submit", variant: "primary", "data-submit": "resolve" });
    // An instant refund was paid in transit: resolving only closes the return.
    if (request.refund) {
      const form = this.panelForm(t("detail.resolve.title"), t("detail.resolve.instant"), null, submit);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        await this.resolve(form, submit, request.resolution, null);
      });
      return form;
    }
    const choices = this.resolutionChoices();
    // Each resolution needs the staff member's own Saleor permission for what the app does.
    const missing = Object.fromEntries(choices.map((code) => [code, this.ctx.missing(`resolve:${code}`)]));
    const allowed = choices.filter((code) => !missing[code].length);
    const initial = allowed.includes(request.resolution) ? request.resolution : allowed[0] || choices[0];
    const select = field({
      label: t("detail.resolve.resolution"),
      name: "resolution",
      type: "select",
      value: initial,
      options: choices.map((code) => [
        code,
        missing[code].length ? `${t(`resolution.${code}`)} (${needs(missing[code])})` : t(`resolution.${code}`),
        { disabled: missing[code].length > 0 },
      ]),
      hint: t("detail.resolve.wish", { resolution: t(`resolution.${request.resolution}`) }),
    });
    if (!allowed.length) submit.disabled = true;
    const previewBox = h("div", { class: "preview", "aria-live": "polite" });
    const form = this.panelForm(t("detail.resolve.title"), null, [select, previewBox], submit);
    this.preview = null;
    const showPreview = async (resolution, notice = null) => {
      clearErrors(form);
      this.preview = null;
      if (!PREVIEWABLE.has(resolution)) {
        clear(previewBox, h("p", { class: "muted" }, t(resolution === "EXCHANGE" ? "detail.resolve.exchange" : "detail.resolve.replacement")));
        submit.disabled = false;
        return;
      }
      submit.disabled = true;
      clear(previewBox, h("p", { class: "loading", role: "status" }, t("detail.resolve.loading")));
      let data;
      try {
        data = await this.ctx.api.query(PREVIEW_QUERY, { id: request.id, resolution });
      } catch (error) {
        if (!this.live() || control(form, "resolution").value !== resolution) return;
        clear(previewBox);
        const details = (error.errors && error.errors[0] && error.errors[0].extensions) || {};
        showErrors(form, [{ field: "resolution", code: details.code || "INVALID", message: this.ctx.describeError(error) }]);
        control(form, "resolution").focus();
        return;
      }
      if (!this.live() || control(form, "resolution").value !== resolution) return;
      this.preview = data.returnResolutionPreview;
      clear(previewBox, notice, this.previewView(this.preview));
      submit.disabled = false;
    };
    control(select, "resolution").addEventListener("change", (event) => showPreview(event.target.value));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const resolution = control(form, "resolution").value;
      const fingerprint = PREVIEWABLE.has(resolution) ? this.preview && this.preview.fingerprint : null;
      if (PREVIEWABLE.has(resolution) && !fingerprint) return;
      const result = await this.resolve(form, submit, resolution, fingerprint);
      if (result === "PREVIEW_CHANGED") {
        await showPreview(resolution, banner("warning", t("detail.resolve.changed")));
      }
    });
    showPreview(initial);
    return form;
  },

  // Every component of a preview, then what each item contributes.
  previewView(preview) {
    const rows = COMPONENTS.map(([name, key, sign]) => [
      t(key),
      sign < 0 ? negative(preview[name]) : formatMoney(preview[name]),
      { "data-component": name },
    ]);
    rows.push([t("detail.money.total"), formatMoney(preview.total), { class: "total", "data-component": "total" }]);
    const byId = new Map(this.request.lines.map((line) => [line.id, line]));
    const perLine = preview.lines.length > 1
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "preview-lines" },
            h("caption", {}, t("detail.resolve.perLine")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("detail.lines.item")),
                h("th", { scope: "col", class: "num" }, t("detail.money.quantity")),
                COMPONENTS.map(([, key]) => h("th", { scope: "col", class: "num" }, t(key))),
                h("th", { scope: "col", class: "num" }, t("common.total")),
              ),
            ),
            h(
              "tbody",
              {},
              preview.lines.map((item) => {
                const line = byId.get(item.lineId);
                return h(
                  "tr",
                  { "data-line": item.lineId },
                  h("td", {}, line ? line.productName : item.lineId),
                  h("td", { class: "num" }, String(item.quantity)),
                  COMPONENTS.map(([name, , sign]) => h("td", { class: "num" }, sign < 0 ? negative(item[name]) : formatMoney(item[name]))),
                  h("td", { class: "num" }, formatMoney(item.total)),
                );
              }),
            ),
          ),
        )
      : null;
    return h(
      "div",
      { class: "preview-figures", "data-fingerprint": preview.fingerprint },
      h("h3", {}, t("detail.resolve.previewTitle")),
      definitionList(rows),
      preview.shippingRefunded ? h("p", { class: "muted" }, t("detail.resolve.shippingRefunded")) : null,
      perLine,
    );
  },

  // Resolves with a fresh idempotency key; answers "PREVIEW_CHANGED" when the
  // amounts moved since the preview (the caller shows the new ones).
  async resolve(form, submit, resolution, fingerprint) {
    const request = this.request;
    let changed = false;
    const done = await this.perform({
      form,
      submit,
      action: t("detail.action.resolve"),
      mutation: MUTATIONS.resolve,
      field: "returnRequestResolve",
      variables: { id: request.id, resolution, fingerprint, idempotencyKey: uuid() },
      refine: (errors) => {
        changed = errors.some((error) => error.code === "PREVIEW_CHANGED");
        return placeLineErrors(errors.filter((error) => error.code !== "PREVIEW_CHANGED"));
      },
      success: (payload) => {
        if (payload.returnRequest && payload.returnRequest.status === "RESOLVED") {
          return t("detail.notify.resolved", { number: this.number });
        }
        return payload.replacementOrder
          ? t("detail.notify.replacementStarted", { number: this.number })
          : t("detail.notify.refundStarted", { number: this.number });
      },
    });
    if (done) {
      await this.reload();
      return "OK";
    }
    return changed ? "PREVIEW_CHANGED" : null;
  },
};
