// The webhooks tab: the shop's endpoints that receive signed events about returns
// (Standard Webhooks). Staff add one (its signing secret is shown once), change its URL,
// description and events, pause and resume it, send it a test event, delete it, and read
// each endpoint's delivery log, where a delivery can be sent again.

import { formatDate, register, t } from "../../i18n.js";
import { banner, button, card, clear, clearErrors, field, formErrors, h, modal, runMutation, saveForm, spinner } from "../../ui.js";
import { EVENTS, MESSAGE_FIELDS, eventName, keepFresh, redrawKeepingFocus, useMessageStyles } from "../../messages.js";
import { checkboxGroup, controlOf, copyRow, loadFailed, textValue } from "./common.js";
import { deliveryLog } from "./deliveries.js";

register({
  en: {
    "settings.webhooks.title": "Webhook endpoints",
    "settings.webhooks.intro": "Your systems (an ERP, a warehouse, a help desk) hear about each step of a return: the app posts a signed JSON event to each endpoint subscribed to it.",
    "settings.webhooks.none": "No endpoint yet.",
    "settings.webhooks.url": "URL",
    "settings.webhooks.urlHint": "A public http:// or https:// address that answers 2xx within 10 seconds.",
    "settings.webhooks.description": "Description",
    "settings.webhooks.events": "Events",
    "settings.webhooks.eventsHint": "None chosen: every event.",
    "settings.webhooks.everyEvent": "Every event",
    "settings.webhooks.active": "Active",
    "settings.webhooks.pausedBadge": "Paused",
    "settings.webhooks.paused": "Paused since {date}: nothing is delivered until it is resumed",
    "settings.webhooks.created": "Added {date}",
    "settings.webhooks.actionsOf": "Actions for {url}",
    "settings.webhooks.edit": "Edit",
    "settings.webhooks.editTitle": "Edit {url}",
    "settings.webhooks.pause": "Pause",
    "settings.webhooks.resume": "Resume",
    "settings.webhooks.test": "Send test event",
    "settings.webhooks.delete": "Delete",
    "settings.webhooks.deleteTitle": "Delete the endpoint {url}?",
    "settings.webhooks.deleteBody": "It receives nothing more, and its delivery log is deleted with it.",
    "settings.webhooks.log": "Delivery log ({n})",
    "settings.webhooks.add": "Add an endpoint",
    "settings.webhooks.submitAdd": "Add endpoint",
    "settings.webhooks.submitEdit": "Save endpoint",
    "settings.webhooks.cancel": "Cancel",
    "settings.webhooks.secretTitle": "Endpoint added: copy its signing secret now",
    "settings.webhooks.secret": "Signing secret",
    "settings.webhooks.secretOnce": "It is shown only once. Your endpoint checks each delivery's webhook-signature header with it (any Standard Webhooks library does).",
    "settings.webhooks.added": "Endpoint {url} added",
    "settings.webhooks.saved": "Endpoint {url} saved",
    "settings.webhooks.pausedDone": "Endpoint {url} paused",
    "settings.webhooks.resumed": "Endpoint {url} resumed",
    "settings.webhooks.tested": "Test event sent to {url}",
    "settings.webhooks.deleted": "Endpoint {url} deleted",
    "settings.webhooks.failed": "The endpoint was not changed",
  },
  "zh-Hans": {
    "settings.webhooks.title": "Webhook 端点",
    "settings.webhooks.intro": "让您的系统（ERP、仓库、客服系统）获知退货的每个环节：应用会向订阅了该事件的每个端点发送签名的 JSON 事件。",
    "settings.webhooks.none": "还没有端点。",
    "settings.webhooks.url": "URL",
    "settings.webhooks.urlHint": "公网的 http:// 或 https:// 地址，须在 10 秒内返回 2xx。",
    "settings.webhooks.description": "说明",
    "settings.webhooks.events": "事件",
    "settings.webhooks.eventsHint": "不选：所有事件。",
    "settings.webhooks.everyEvent": "所有事件",
    "settings.webhooks.active": "启用中",
    "settings.webhooks.pausedBadge": "已暂停",
    "settings.webhooks.paused": "自 {date} 起暂停：恢复之前不会投递任何内容",
    "settings.webhooks.created": "添加于 {date}",
    "settings.webhooks.actionsOf": "{url} 的操作",
    "settings.webhooks.edit": "编辑",
    "settings.webhooks.editTitle": "编辑 {url}",
    "settings.webhooks.pause": "暂停",
    "settings.webhooks.resume": "恢复",
    "settings.webhooks.test": "发送测试事件",
    "settings.webhooks.delete": "删除",
    "settings.webhooks.deleteTitle": "删除端点 {url}？",
    "settings.webhooks.deleteBody": "它将不再收到任何事件，其投递记录也会一并删除。",
    "settings.webhooks.log": "投递记录（{n}）",
    "settings.webhooks.add": "添加端点",
    "settings.webhooks.submitAdd": "添加端点",
    "settings.webhooks.submitEdit": "保存端点",
    "settings.webhooks.cancel": "取消",
    "settings.webhooks.secretTitle": "端点已添加：请立即复制签名密钥",
    "settings.webhooks.secret": "签名密钥",
    "settings.webhooks.secretOnce": "密钥只显示这一次。您的端点用它校验每次投递的 webhook-signature 请求头（任何 Standard Webhooks 库均可）。",
    "settings.webhooks.added": "已添加端点 {url}",
    "settings.webhooks.saved": "已保存端点 {url}",
    "settings.webhooks.pausedDone": "已暂停端点 {url}",
    "settings.webhooks.resumed": "已恢复端点 {url}",
    "settings.webhooks.tested": "已向 {url} 发送测试事件",
    "settings.webhooks.deleted": "已删除端点 {url}",
    "settings.webhooks.failed": "端点未更改",
  },
});

const ENDPOINT = "id url description eventTypes isActive pausedAt pauseReason createdAt";
const ENDPOINTS = `query WebhookEndpoints { returnWebhookEndpoints { ${ENDPOINT} deliveries(first: 20) { ${MESSAGE_FIELDS} } } }`;
const ERRORS = "errors { field code message }";
const CREATE = `mutation WebhookEndpointCreate($input: ReturnWebhookEndpointCreateInput!) {
  returnWebhookEndpointCreate(input: $input) { endpoint { id url } secret ${ERRORS} } }`;
const UPDATE = `mutation WebhookEndpointUpdate($id: ID!, $input: ReturnWebhookEndpointUpdateInput!) {
  returnWebhookEndpointUpdate(id: $id, input: $input) { endpoint { id url isActive } ${ERRORS} } }`;
const DELETE = `mutation WebhookEndpointDelete($id: ID!) { returnWebhookEndpointDelete(id: $id) { deletedId ${ERRORS} } }`;
const TEST = `mutation WebhookEndpointTest($id: ID!) { returnWebhookEndpointTest(id: $id) { delivery { id status } ${ERRORS} } }`;

export async function webhooksPanel(ctx, panel) {
  useMessageStyles();
  const openLogs = new Set();
  const openAttempts = new Set();
  const result = h("div", { class: "endpoint-result" });
  const list = h("div", { class: "endpoint-list" }, spinner());
  const live = () => ctx.isCurrent() && panel.isConnected;
  let polling = null;

  // Draws the endpoints again; `focus` (a selector inside the list) takes the focus after.
  // Answers every delivery drawn, for keepFresh.
  async function refresh(focus = null) {
    let endpoints;
    try {
      endpoints = (await ctx.api.query(ENDPOINTS)).returnWebhookEndpoints;
    } catch (error) {
      loadFailed(ctx, list, error, () => refresh());
      return null;
    }
    if (!live()) return null;
    redrawKeepingFocus(list, () =>
      clear(list, endpoints.length ? endpoints.map(endpointCard) : h("p", { class: "empty" }, t("settings.webhooks.none"))));
    const target = focus && list.querySelector(focus);
    if (target) target.focus();
    const deliveries = endpoints.flatMap((endpoint) => endpoint.deliveries);
    follow(deliveries);
    return deliveries;
  }

  // Deliveries on their way are followed until they are sent or failed (not while an
  // endpoint is being edited: drawing the list again would throw the edit away).
  function follow(deliveries) {
    if (polling) return;
    const load = () => (list.querySelector("form.endpoint-form.editing") ? null : refresh());
    polling = keepFresh(load, deliveries, live).finally(() => {
      polling = null;
    });
  }

  function endpointCard(endpoint) {
    const selector = `[data-endpoint="${CSS.escape(endpoint.id)}"]`;
    const errors = h("p", { class: "field-error", role: "alert" });
    const change = (control, input, success, focus) =>
      runMutation(ctx, {
        control, slot: errors, mutation: UPDATE, variables: { id: endpoint.id, input }, field: "returnWebhookEndpointUpdate",
        failed: t("settings.webhooks.failed"), success: () => t(success, { url: endpoint.url }),
      }).then((payload) => payload && refresh(`${selector} ${focus}`));
    const resume = button(t("settings.webhooks.resume"), {
      variant: "primary", "data-action": "resume-endpoint", onClick: (event) => change(event.currentTarget, { isActive: true }, "settings.webhooks.resumed", '[data-action="pause-endpoint"]'),
    });
    const pause = button(t("settings.webhooks.pause"), {
      "data-action": "pause-endpoint", onClick: (event) => change(event.currentTarget, { isActive: false }, "settings.webhooks.pausedDone", '[data-action="resume-endpoint"]'),
    });
    const test = button(t("settings.webhooks.test"), {
      "data-action": "test-endpoint",
      onClick: async (event) => {
        const payload = await runMutation(ctx, {
          control: event.currentTarget, slot: errors, mutation: TEST, variables: { id: endpoint.id }, field: "returnWebhookEndpointTest",
          failed: t("settings.webhooks.failed"), success: () => t("settings.webhooks.tested", { url: endpoint.url }),
        });
        if (!payload) return;
        openLogs.add(endpoint.id);
        await refresh(`${selector} [data-action="delivery-log"]`);
      },
    });
    const remove = button(t("settings.webhooks.delete"), {
      variant: "danger",
      "data-action": "delete-endpoint",
      onClick: async (event) => {
        const control = event.currentTarget;
        const sure = await modal(t("settings.webhooks.deleteTitle", { url: endpoint.url }), h("p", {}, t("settings.webhooks.deleteBody")), [
          [t("common.cancel"), false],
          [t("settings.webhooks.delete"), true, "danger"],
        ]);
        if (!sure) {
          control.focus();
          return;
        }
        const payload = await runMutation(ctx, {
          control, slot: errors, mutation: DELETE, variables: { id: endpoint.id }, field: "returnWebhookEndpointDelete",
          failed: t("settings.webhooks.failed"), success: () => t("settings.webhooks.deleted", { url: endpoint.url }),
        });
        if (!payload) return;
        await refresh();
        listCard.querySelector("h2").focus();
      },
    });
    const editSlot = h("div", { class: "endpoint-edit" });
    const edit = button(t("settings.webhooks.edit"), {
      "data-action": "edit-endpoint",
      "aria-expanded": "false",
      onClick: () => {
        edit.setAttribute("aria-expanded", "true");
        clear(editSlot, endpointForm(endpoint, {
          cancel: () => {
            clear(editSlot);
            edit.setAttribute("aria-expanded", "false");
            edit.focus();
          },
          saved: () => refresh(`${selector} [data-action="edit-endpoint"]`),
        }));
        editSlot.querySelector("input").focus();
      },
    });

    const logRegion = h("div", { class: "delivery-log" }, deliveryLog(ctx, endpoint, {
      expanded: openAttempts,
      redelivered: (delivery) => refresh(`[data-delivery="${CSS.escape(delivery.id)}"] [data-action="message-log"]`),
    }));
    logRegion.id = `deliveries-${endpoint.id.replace(/[^\w-]/g, "")}`;
    logRegion.hidden = !openLogs.has(endpoint.id);
    const logToggle = button(t("settings.webhooks.log", { n: endpoint.deliveries.length }), {
      variant: "link",
      "data-action": "delivery-log",
      "aria-expanded": String(!logRegion.hidden),
      "aria-controls": logRegion.id,
      onClick: () => {
        logRegion.hidden = !logRegion.hidden;
        logToggle.setAttribute("aria-expanded", String(!logRegion.hidden));
        if (logRegion.hidden) openLogs.delete(endpoint.id);
        else openLogs.add(endpoint.id);
      },
    });

    return h(
      "article",
      { class: "card endpoint", "data-endpoint": endpoint.id, "data-active": String(endpoint.isActive) },
      h(
        "div",
        { class: "endpoint-head" },
        h("code", { class: "endpoint-url" }, endpoint.url),
        h("span", { class: `badge ${endpoint.isActive ? "badge-message-sent" : "badge-message-pending"}`, "data-endpoint-state": "" },
          endpoint.isActive ? t("settings.webhooks.active") : t("settings.webhooks.pausedBadge")),
      ),
      endpoint.description ? h("p", { class: "endpoint-description" }, endpoint.description) : null,
      endpoint.isActive
        ? null
        : h("div", { class: "endpoint-paused", "data-paused": "" }, banner("warning", t("settings.webhooks.paused", { date: formatDate(endpoint.pausedAt) }), endpoint.pauseReason || ""), resume),
      h(
        "p",
        { class: "endpoint-events" },
        h("span", { class: "muted" }, `${t("settings.webhooks.events")}: `),
        endpoint.eventTypes.length ? endpoint.eventTypes.map(eventName).join(", ") : t("settings.webhooks.everyEvent"),
      ),
      h("p", { class: "hint" }, t("settings.webhooks.created", { date: formatDate(endpoint.createdAt) })),
      h(
        "div",
        { class: "actions", role: "group", "aria-label": t("settings.webhooks.actionsOf", { url: endpoint.url }) },
        edit, endpoint.isActive ? pause : null, test, remove,
      ),
      errors,
      editSlot,
      logToggle,
      logRegion,
    );
  }

  // The form that adds an endpoint (no `endpoint`) or changes one.
  function endpointForm(endpoint, { cancel = null, saved }) {
    const url = field({ label: t("settings.webhooks.url"), name: "url", type: "url", value: endpoint ? endpoint.url : "", required: true, hint: t("settings.webhooks.urlHint"), attrs: { spellcheck: "false" } });
    const description = field({ label: t("settings.webhooks.description"), name: "description", value: endpoint ? endpoint.description : "", attrs: { maxlength: "200" } });
    const events = checkboxGroup({
      label: t("settings.webhooks.events"), name: "eventTypes", hint: t("settings.webhooks.eventsHint"),
      options: EVENTS.map((event) => [event, eventName(event)]), values: endpoint ? endpoint.eventTypes : [],
    });
    const submit = button(endpoint ? t("settings.webhooks.submitEdit") : t("settings.webhooks.submitAdd"), {
      variant: "primary", type: "submit", "data-action": endpoint ? "save-endpoint" : "add-endpoint",
    });
    const form = h(
      "form",
      { class: endpoint ? "endpoint-form editing" : "endpoint-form", novalidate: true, "aria-label": endpoint ? t("settings.webhooks.editTitle", { url: endpoint.url }) : t("settings.webhooks.add") },
      formErrors(),
      h("div", { class: "row" }, url, description),
      events.element,
      h("div", { class: "actions" }, submit, cancel ? button(t("settings.webhooks.cancel"), { onClick: cancel }) : null),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const input = { url: textValue(url), description: textValue(description), eventTypes: events.value() };
      await saveForm(ctx, {
        form, submit, failed: t("settings.webhooks.failed"),
        mutation: endpoint ? UPDATE : CREATE,
        variables: endpoint ? { id: endpoint.id, input } : { input },
        field: endpoint ? "returnWebhookEndpointUpdate" : "returnWebhookEndpointCreate",
        saved: async (answer) => {
          ctx.bridge.notify("success", t(endpoint ? "settings.webhooks.saved" : "settings.webhooks.added", { url: answer.endpoint.url }));
          await saved(answer);
        },
      });
    });
    return form;
  }

  const addForm = endpointForm(null, {
    saved: async (answer) => {
      addForm.reset();
      clear(
        result,
        h(
          "section",
          { class: "card webhook-result", "data-secret-for": answer.endpoint.id },
          h("h2", { class: "card-title" }, t("settings.webhooks.secretTitle")),
          copyRow(answer.secret, t("settings.webhooks.secret")),
          h("p", { class: "hint" }, t("settings.webhooks.secretOnce")),
        ),
      );
      await refresh();
      result.querySelector("input").focus();
    },
  });
  const listCard = card(t("settings.webhooks.title"), h("p", { class: "muted" }, t("settings.webhooks.intro")), list);
  listCard.querySelector("h2").tabIndex = -1;
  clear(panel, result, listCard, card(t("settings.webhooks.add"), addForm));
  await refresh();
}
