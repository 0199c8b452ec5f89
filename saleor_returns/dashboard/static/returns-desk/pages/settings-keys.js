// Settings → API keys: keys for integrators and storefront servers, with the
// scopes chosen here (never one the staff member lacks), an optional expiry,
// who answers for each key, its last use, and why a revoked key died.

import { formatDate, register, t } from "../i18n.js";
import { banner, button, card, clear, clearErrors, field, formErrors, h, modal, nextId, saveForm, spinner } from "../ui.js";

register({
  en: {
    "settings.tab.keys": "API keys",
    "keys.title": "API keys",
    "keys.intro": "Keys let an ERP, a warehouse system or a storefront's server call the returns API. A key holds only the scopes chosen for it, answers to the staff member who made it, and stops working when they lose those permissions or leave.",
    "keys.none": "No API key yet.",
    "keys.name": "Name",
    "keys.prefix": "Key",
    "keys.scopes": "Scopes",
    "keys.createdBy": "Answers to",
    "keys.expires": "Expires",
    "keys.never": "Never",
    "keys.lastUsed": "Last used",
    "keys.notUsed": "Not yet",
    "keys.status": "Status",
    "keys.status.ACTIVE": "Active",
    "keys.status.EXPIRED": "Expired",
    "keys.status.REVOKED": "Revoked",
    "keys.showRevoked": "Show revoked and expired keys",
    "keys.revoke": "Revoke",
    "keys.revokeTitle": "Revoke {name}?",
    "keys.revokeBody": "Whatever uses this key (and every key it made) stops working at once.",
    "keys.revoked": "Key {name} revoked",
    "keys.create": "Create a key",
    "keys.expiresAt": "Expires on (optional)",
    "keys.scopesHint": "You can give a key only the permissions you hold yourself.",
    "keys.notHeld": "you do not hold {permission}",
    "keys.submit": "Create key",
    "keys.created": "Key {name} created",
    "keys.failed": "The key was not created",
    "keys.once": "Copy the key now: it is shown only once.",
    "keys.theKey": "The new key",
    "keys.scope.MANAGE_ORDERS": "Returns: read and work them (MANAGE_ORDERS)",
    "keys.scope.HANDLE_PAYMENTS": "Refunds to the original payment (HANDLE_PAYMENTS)",
    "keys.scope.MANAGE_GIFT_CARD": "Store credit (MANAGE_GIFT_CARD)",
    "keys.scope.MANAGE_PRODUCTS": "Restocking (MANAGE_PRODUCTS)",
    "keys.scope.MANAGE_SETTINGS": "Policy, reasons, addresses (MANAGE_SETTINGS)",
    "keys.scope.MANAGE_APPS": "Carriers and API keys (MANAGE_APPS)",
    "keys.scope.GUEST_LOOKUP": "Storefront server: look orders up for guests (GUEST_LOOKUP)",
    "keys.reason.revoked": "Revoked by staff",
    "keys.reason.parent_revoked": "The key that made it was revoked",
    "keys.reason.creator_deleted": "Its creator's account was deleted",
    "keys.reason.creator_deactivated": "Its creator's account was deactivated",
    "keys.reason.creator_lost_permissions": "Its creator lost a permission it holds",
    "keys.reason.creator_not_found": "The app can no longer see its creator",
  },
  "zh-Hans": {
    "settings.tab.keys": "API 密钥",
    "keys.title": "API 密钥",
    "keys.intro": "密钥让 ERP、仓储系统或店面服务器调用退货 API。密钥只拥有创建时选择的权限范围，由创建它的员工负责；该员工失去这些权限或离开时，密钥随即失效。",
    "keys.none": "还没有 API 密钥。",
    "keys.name": "名称",
    "keys.prefix": "密钥",
    "keys.scopes": "权限范围",
    "keys.createdBy": "负责人",
    "keys.expires": "到期",
    "keys.never": "永不",
    "keys.lastUsed": "最近使用",
    "keys.notUsed": "尚未使用",
    "keys.status": "状态",
    "keys.status.ACTIVE": "有效",
    "keys.status.EXPIRED": "已过期",
    "keys.status.REVOKED": "已吊销",
    "keys.showRevoked": "显示已吊销和已过期的密钥",
    "keys.revoke": "吊销",
    "keys.revokeTitle": "吊销 {name}？",
    "keys.revokeBody": "使用此密钥（及其创建的所有密钥）的系统将立即无法访问。",
    "keys.revoked": "密钥 {name} 已吊销",
    "keys.create": "创建密钥",
    "keys.expiresAt": "到期日（可选）",
    "keys.scopesHint": "只能授予您自己拥有的权限。",
    "keys.notHeld": "您没有 {permission} 权限",
    "keys.submit": "创建密钥",
    "keys.created": "密钥 {name} 已创建",
    "keys.failed": "密钥未创建",
    "keys.once": "请立即复制密钥：它只显示这一次。",
    "keys.theKey": "新密钥",
    "keys.scope.MANAGE_ORDERS": "退货：查看和处理（MANAGE_ORDERS）",
    "keys.scope.HANDLE_PAYMENTS": "原路退款（HANDLE_PAYMENTS）",
    "keys.scope.MANAGE_GIFT_CARD": "店铺余额（MANAGE_GIFT_CARD）",
    "keys.scope.MANAGE_PRODUCTS": "重新入库（MANAGE_PRODUCTS）",
    "keys.scope.MANAGE_SETTINGS": "政策、原因、地址（MANAGE_SETTINGS）",
    "keys.scope.MANAGE_APPS": "物流商和 API 密钥（MANAGE_APPS）",
    "keys.scope.GUEST_LOOKUP": "店面服务器：为访客查询订单（GUEST_LOOKUP）",
    "keys.reason.revoked": "被员工吊销",
    "keys.reason.parent_revoked": "创建它的密钥已被吊销",
    "keys.reason.creator_deleted": "创建者的账户已删除",
    "keys.reason.creator_deactivated": "创建者的账户已停用",
    "keys.reason.creator_lost_permissions": "创建者失去了密钥拥有的权限",
    "keys.reason.creator_not_found": "应用已无法看到其创建者",
  },
});

const SCOPES = ["MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS", "MANAGE_SETTINGS", "MANAGE_APPS", "GUEST_LOOKUP"];
// Not a Saleor permission: anyone who may make keys may give it.
const FREE_SCOPES = new Set(["GUEST_LOOKUP"]);

const KEYS = `query ApiKeys($all: Boolean) {
  viewer { permissions }
  returnApiKeys(includeRevoked: $all) {
    id name prefix scopes createdByEmail createdByKeyPrefix expiresAt lastUsedAt status revokedReason
  }
}`;
const CREATE = `mutation ApiKeyCreate($name: String!, $scopes: [ApiKeyScope!]!, $expiresAt: DateTime) {
  returnApiKeyCreate(name: $name, scopes: $scopes, expiresAt: $expiresAt) {
    key apiKey { id name } errors { field code message }
  }
}`;
const REVOKE = `mutation ApiKeyRevoke($id: ID!) { returnApiKeyRevoke(id: $id) { apiKey { id status } errors { field code message } } }`;

export async function keysPanel(ctx, panel) {
  const list = h("div", { class: "key-list" }, spinner());
  const result = h("div", { class: "key-result", "aria-live": "polite" });
  const showAll = h("input", { type: "checkbox", id: nextId("keys-all") });
  const form = h("form", { class: "card key-form", novalidate: true });
  let held = new Set();

  async function load() {
    let data;
    try {
      data = await ctx.api.query(KEYS, { all: showAll.checked });
    } catch (error) {
      clear(list, banner("error", t("settings.loadFailed"), ctx.describeError(error)), button(t("common.retry"), { onClick: load }));
      return;
    }
    held = new Set(data.viewer.permissions);
    renderForm();
    renderList(data.returnApiKeys);
  }

  function renderList(keys) {
    if (!keys.length) {
      clear(list, h("p", { class: "empty" }, t("keys.none")));
      return;
    }
    const columns = ["name", "prefix", "scopes", "createdBy", "expires", "lastUsed", "status"];
    clear(
      list,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "key-table" },
          h("thead", {}, h("tr", {}, columns.map((key) => h("th", { scope: "col" }, t(`keys.${key}`))), h("th", { scope: "col" }, t("settings.actions")))),
          h(
            "tbody",
            {},
            keys.map((key) =>
              h(
                "tr",
                { "data-key": key.id, "data-status": key.status },
                h("td", {}, key.name),
                h("td", {}, h("code", {}, `rk_${key.prefix}_…`)),
                h("td", {}, key.scopes.map((scope) => h("span", { class: "badge", title: t(`keys.scope.${scope}`) }, scope))),
                h("td", {}, key.createdByEmail || "—", key.createdByKeyPrefix ? h("span", { class: "muted" }, ` (rk_${key.createdByKeyPrefix}_…)`) : null),
                h("td", {}, key.expiresAt ? formatDate(key.expiresAt) : t("keys.never")),
                h("td", {}, key.lastUsedAt ? formatDate(key.lastUsedAt) : t("keys.notUsed")),
                h(
                  "td",
                  {},
                  t(`keys.status.${key.status}`),
                  key.revokedReason ? h("div", { class: "muted" }, t(`keys.reason.${key.revokedReason.toLowerCase()}`)) : null,
                ),
                h("td", {}, key.status === "ACTIVE"
                  ? button(t("keys.revoke"), { variant: "link", "data-action": "revoke-key", "aria-label": `${t("keys.revoke")} ${key.name}`, onClick: () => revoke(key) })
                  : null),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function revoke(key) {
    const choice = await modal(t("keys.revokeTitle", { name: key.name }), h("p", {}, t("keys.revokeBody")), [
      [t("common.cancel"), null],
      [t("keys.revoke"), "revoke", "danger"],
    ]);
    if (choice !== "revoke") return;
    try {
      const answer = await ctx.api.mutate(REVOKE, { id: key.id }, "returnApiKeyRevoke");
      if (answer.errors.length) {
        ctx.bridge.notify("error", answer.errors[0].message);
        return;
      }
      ctx.bridge.notify("success", t("keys.revoked", { name: key.name }));
    } catch (error) {
      ctx.bridge.notify("error", ctx.describeError(error));
    }
    await load();
  }

  function renderForm() {
    const name = field({ label: t("keys.name"), name: "name", required: true });
    const expires = field({ label: t("keys.expiresAt"), name: "expiresAt", type: "date" });
    const boxes = SCOPES.map((scope) => {
      const id = nextId(`scope-${scope}`);
      const allowed = FREE_SCOPES.has(scope) || held.has(scope);
      const input = h("input", { type: "checkbox", id, value: scope, disabled: !allowed });
      const why = allowed ? null : h("span", { class: "muted" }, ` — ${t("keys.notHeld", { permission: scope })}`);
      return h("span", { class: "check" }, input, h("label", { for: id }, t(`keys.scope.${scope}`)), why);
    });
    const scopes = h(
      "fieldset",
      { class: "field checkbox-group", "data-field": "scopes" },
      h("legend", {}, t("keys.scopes")),
      h("div", { class: "checks" }, boxes),
      h("p", { class: "hint" }, t("keys.scopesHint")),
      h("p", { class: "field-error", "aria-live": "polite" }),
    );
    const submit = button(t("keys.submit"), { variant: "primary", type: "submit", "data-action": "create-key" });
    clear(form, h("h2", { class: "card-title" }, t("keys.create")), formErrors(), h("div", { class: "row" }, name, expires), scopes, h("div", { class: "actions" }, submit));
    form.onsubmit = async (event) => {
      event.preventDefault();
      clearErrors(form);
      const day = expires.querySelector("input").value;
      const variables = {
        name: name.querySelector("input").value.trim(),
        scopes: [...scopes.querySelectorAll("input:checked")].map((box) => box.value),
        // The end of the chosen day, in the staff member's time zone.
        expiresAt: day ? new Date(`${day}T23:59:59`).toISOString() : null,
      };
      await saveForm(ctx, {
        form,
        submit,
        failed: t("keys.failed"),
        mutation: CREATE,
        variables,
        field: "returnApiKeyCreate",
        saved: async (answer) => {
          ctx.bridge.notify("success", t("keys.created", { name: answer.apiKey.name }));
          const shown = h("input", { type: "text", readonly: true, value: answer.key, "aria-label": t("keys.theKey"), class: "webhook-url", "data-new-key": "" });
          clear(result, card(t("keys.theKey"), banner("warning", t("keys.once")), shown));
          await load();
          shown.focus();
          shown.select();
        },
      });
    };
  }

  showAll.addEventListener("change", load);
  clear(
    panel,
    result,
    card(
      t("keys.title"),
      h("p", { class: "muted" }, t("keys.intro")),
      h("p", { class: "check" }, showAll, h("label", { for: showAll.id }, t("keys.showRevoked"))),
      list,
    ),
    form,
  );
  await load();
}
