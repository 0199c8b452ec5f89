// The carriers tab: carrier accounts (provider, credentials, the default one)
// and the return address parcels are sent to.

import { register, t } from "../../i18n.js";
import { button, card, clear, clearErrors, field, formErrors, h, readOnlyWhen, saveForm, spinner } from "../../ui.js";
import { controlOf, copyRow, loadFailed, textValue } from "./common.js";

register({
  en: {
    "settings.carriers.title": "Carrier accounts",
    "settings.carriers.intro": "Return labels are bought from the default account. Each account has its own webhook URL for tracking updates.",
    "settings.carriers.none": "No carrier account is connected yet.",
    "settings.carriers.provider": "Provider",
    "settings.carriers.name": "Name",
    "settings.carriers.default": "Default",
    "settings.carriers.webhookUrl": "Webhook URL",
    "settings.carriers.webhookUrlOf": "Webhook URL of {name}",
    "settings.carriers.connect": "Connect a carrier account",
    "settings.carriers.update": "Update {name}",
    "settings.carriers.generic": "Generic (signed webhook)",
    "settings.carriers.credentials": "Credentials",
    "settings.carriers.apiKey": "API key",
    "settings.carriers.webhookSecret": "Webhook secret",
    "settings.carriers.webhookToken": "Webhook token",
    "settings.carriers.webhookTokenHint": "Shippo signs nothing: choose a long random token; it becomes part of the webhook URL.",
    "settings.carriers.secretsHint": "Credentials are stored encrypted and never shown again.",
    "settings.carriers.secretsAgain": "Leave a secret empty to keep the stored one.",
    "settings.carriers.isDefault": "Use this account for return labels",
    "settings.carriers.save": "Save account",
    "settings.carriers.cancelEdit": "Cancel editing",
    "settings.carriers.saved": "Carrier account {name} saved",
    "settings.carriers.failed": "The carrier account was not saved",
    "settings.carriers.resultTitle": "Paste this webhook URL into {provider}",
    "settings.carriers.instructions.easypost": "In EasyPost: Account settings → Webhooks → Add webhook, paste the URL and the same webhook secret.",
    "settings.carriers.instructions.shippo": "In Shippo: Settings → API → Webhooks, add the URL for the track_updated event. The token in the URL is its secret: keep it private.",
    "settings.carriers.instructions.aftership": "In AfterShip: Settings → Notifications → Webhooks, paste the URL; the webhook secret there must match the one saved here.",
    "settings.carriers.instructions.generic": "Send tracking events to this URL, signed with the webhook secret (HMAC-SHA256 of the body).",
    "settings.address.title": "Return address",
    "settings.address.intro": "Where parcels are sent back, printed on return labels. Saving replaces the address of the chosen warehouse.",
    "settings.address.warehouse": "Warehouse",
    "settings.address.onlyAddress": "The shop's only address",
    "settings.address.warehousesFailed": "Saleor's warehouses could not be loaded: {message}",
    "settings.address.name": "Name",
    "settings.address.company": "Company",
    "settings.address.street1": "Street",
    "settings.address.street2": "Street (line 2)",
    "settings.address.city": "City",
    "settings.address.state": "State or province",
    "settings.address.zip": "Postal code",
    "settings.address.country": "Country code",
    "settings.address.countryHint": "Two letters, e.g. DE or CN.",
    "settings.address.phone": "Phone",
    "settings.address.email": "E-mail",
    "settings.address.isDefault": "Default return address",
    "settings.address.save": "Save address",
    "settings.address.saved": "Return address saved",
    "settings.address.failed": "The return address was not saved",
  },
  "zh-Hans": {
    "settings.carriers.title": "物流商账户",
    "settings.carriers.intro": "退货面单从默认账户购买。每个账户都有自己的 Webhook 地址，用于接收物流跟踪更新。",
    "settings.carriers.none": "尚未连接物流商账户。",
    "settings.carriers.provider": "服务商",
    "settings.carriers.name": "名称",
    "settings.carriers.default": "默认",
    "settings.carriers.webhookUrl": "Webhook 地址",
    "settings.carriers.webhookUrlOf": "{name} 的 Webhook 地址",
    "settings.carriers.connect": "连接物流商账户",
    "settings.carriers.update": "更新 {name}",
    "settings.carriers.generic": "通用（签名 Webhook）",
    "settings.carriers.credentials": "凭据",
    "settings.carriers.apiKey": "API 密钥",
    "settings.carriers.webhookSecret": "Webhook 密钥",
    "settings.carriers.webhookToken": "Webhook 令牌",
    "settings.carriers.webhookTokenHint": "Shippo 不对 Webhook 签名：请设置一个足够长的随机令牌，它会成为 Webhook 地址的一部分。",
    "settings.carriers.secretsHint": "凭据加密保存，之后不会再显示。",
    "settings.carriers.secretsAgain": "留空的密钥将保留已存储的值。",
    "settings.carriers.isDefault": "使用此账户购买退货面单",
    "settings.carriers.save": "保存账户",
    "settings.carriers.cancelEdit": "取消编辑",
    "settings.carriers.saved": "已保存物流商账户 {name}",
    "settings.carriers.failed": "物流商账户未保存",
    "settings.carriers.resultTitle": "请将此 Webhook 地址粘贴到 {provider}",
    "settings.carriers.instructions.easypost": "在 EasyPost 中：账户设置 → Webhooks → 添加 Webhook，粘贴此地址并填写相同的 Webhook 密钥。",
    "settings.carriers.instructions.shippo": "在 Shippo 中：设置 → API → Webhooks，为 track_updated 事件添加此地址。地址中的令牌即为密钥，请勿泄露。",
    "settings.carriers.instructions.aftership": "在 AfterShip 中：设置 → 通知 → Webhooks，粘贴此地址；那里的 Webhook 密钥须与此处保存的一致。",
    "settings.carriers.instructions.generic": "将物流事件发送到此地址，并用 Webhook 密钥签名（请求正文的 HMAC-SHA256）。",
    "settings.address.title": "退货地址",
    "settings.address.intro": "包裹寄回的地址，会打印在退货面单上。保存会替换所选仓库的地址。",
    "settings.address.warehouse": "仓库",
    "settings.address.onlyAddress": "店铺唯一的地址",
    "settings.address.warehousesFailed": "无法加载 Saleor 仓库：{message}",
    "settings.address.name": "收件人",
    "settings.address.company": "公司",
    "settings.address.street1": "街道地址",
    "settings.address.street2": "街道地址（第 2 行）",
    "settings.address.city": "城市",
    "settings.address.state": "省／州",
    "settings.address.zip": "邮政编码",
    "settings.address.country": "国家代码",
    "settings.address.countryHint": "两个字母，例如 CN 或 DE。",
    "settings.address.phone": "电话",
    "settings.address.email": "电子邮箱",
    "settings.address.isDefault": "默认退货地址",
    "settings.address.save": "保存地址",
    "settings.address.saved": "退货地址已保存",
    "settings.address.failed": "退货地址未保存",
  },
});

const CARRIERS = `query CarrierSettings { returnCarrierAccounts { id provider name isDefault webhookUrl } }`;
const WAREHOUSES = `query ReturnWarehouses { returnWarehouses { id name } }`;
const CARRIER_SET = `
mutation CarrierSet($id: ID, $input: CarrierAccountInput!) {
  returnCarrierAccountSet(id: $id, input: $input) {
    carrierAccount { id provider name isDefault webhookUrl }
    errors { field code message }
  }
}`;
const ADDRESSES = `query ReturnAddresses {
  returnAddresses { warehouseId name company street1 street2 city state zip country phone email isDefault }
}`;
const ADDRESS_SET = `
mutation AddressSet($input: ReturnAddressInput!) {
  returnAddressSet(input: $input) { ok errors { field code message } }
}`;

const PROVIDERS = [
  ["easypost", "EasyPost"],
  ["shippo", "Shippo"],
  ["aftership", "AfterShip"],
  ["generic", null], // named in the user's language: settings.carriers.generic
];

export async function carriersPanel(ctx, panel) {
  const list = h("div", { class: "carrier-list" }, spinner());
  const result = h("div", { class: "carrier-result", "aria-live": "polite" });
  let editing = null;

  async function load() {
    let accounts;
    try {
      accounts = (await ctx.api.query(CARRIERS)).returnCarrierAccounts;
    } catch (error) {
      loadFailed(ctx, list, error, load);
      return;
    }
    if (!accounts.length) {
      clear(list, h("p", { class: "empty" }, t("settings.carriers.none")));
      return;
    }
    clear(
      list,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "carrier-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["provider", "name", "default", "webhookUrl"].map((key) => h("th", { scope: "col" }, t(`settings.carriers.${key}`))),
              h("th", { scope: "col" }, t("settings.actions")),
            ),
          ),
          h(
            "tbody",
            {},
            accounts.map((account) =>
              h(
                "tr",
                { "data-account": account.id },
                h("td", {}, providerLabel(account.provider)),
                h("td", {}, account.name),
                h("td", {}, account.isDefault ? h("span", { class: "badge badge-resolved" }, t("settings.carriers.default")) : "—"),
                h("td", { class: "webhook-cell" }, copyRow(account.webhookUrl, t("settings.carriers.webhookUrlOf", { name: account.name }))),
                h("td", {}, button(t("settings.edit"), { variant: "link", "aria-label": `${t("settings.edit")} ${account.name}`, onClick: () => startEditing(account) })),
              ),
            ),
          ),
        ),
      ),
    );
  }

  const providerField = field({
    label: t("settings.carriers.provider"), name: "provider", type: "select",
    options: PROVIDERS.map(([value]) => [value, providerLabel(value)]),
  });
  const nameField = field({ label: t("settings.carriers.name"), name: "name", required: true });
  const apiKey = field({ label: t("settings.carriers.apiKey"), name: "apiKey", type: "password", attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const webhookSecret = field({ label: t("settings.carriers.webhookSecret"), name: "webhookSecret", type: "password", attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const webhookToken = field({ label: t("settings.carriers.webhookToken"), name: "webhookToken", type: "password", hint: t("settings.carriers.webhookTokenHint"), attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const isDefault = field({ label: t("settings.carriers.isDefault"), name: "isDefault", type: "checkbox", value: true });
  const secretsHint = h("p", { class: "hint" }, t("settings.carriers.secretsHint"));
  const formTitle = h("h2", { class: "card-title" }, t("settings.carriers.connect"));
  const save = button(t("settings.carriers.save"), { variant: "primary", type: "submit", "data-action": "save-carrier" });
  const cancelEdit = button(t("settings.carriers.cancelEdit"), { onClick: () => startEditing(null) });
  const form = h(
    "form",
    { class: "card carrier-form", novalidate: true },
    formTitle,
    formErrors(),
    h("div", { class: "row" }, providerField, nameField),
    h(
      "fieldset",
      { class: "field credentials", "data-field": "credentials" },
      h("legend", {}, t("settings.carriers.credentials")),
      secretsHint,
      h("div", { class: "row" }, apiKey, webhookSecret, webhookToken),
      h("p", { class: "field-error", "aria-live": "polite" }),
    ),
    isDefault,
    h("div", { class: "actions" }, save, cancelEdit),
  );

  function syncProvider() {
    webhookToken.hidden = controlOf(providerField).value !== "shippo";
  }
  controlOf(providerField).addEventListener("change", syncProvider);

  function startEditing(account) {
    editing = account;
    clearErrors(form);
    form.reset();
    controlOf(isDefault).checked = account ? account.isDefault : true;
    if (account) {
      controlOf(providerField).value = account.provider;
      controlOf(nameField).value = account.name;
    }
    formTitle.textContent = account ? t("settings.carriers.update", { name: account.name }) : t("settings.carriers.connect");
    secretsHint.textContent = account ? t("settings.carriers.secretsAgain") : t("settings.carriers.secretsHint");
    cancelEdit.hidden = !account;
    syncProvider();
    if (account) controlOf(nameField).focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = {
      provider: controlOf(providerField).value,
      name: textValue(nameField),
      apiKey: controlOf(apiKey).value || null,
      webhookSecret: controlOf(webhookSecret).value || null,
      webhookToken: webhookToken.hidden ? null : controlOf(webhookToken).value || null,
      isDefault: controlOf(isDefault).checked,
    };
    await saveForm(ctx, {
      form,
      submit: save,
      failed: t("settings.carriers.failed"),
      mutation: CARRIER_SET,
      variables: { id: editing ? editing.id : null, input },
      field: "returnCarrierAccountSet",
      saved: async (answer) => {
        const account = answer.carrierAccount;
        ctx.bridge.notify("success", t("settings.carriers.saved", { name: account.name }));
        startEditing(null);
        clear(
          result,
          h(
            "section",
            { class: "card webhook-result", "data-account": account.id },
            h("h2", { class: "card-title" }, t("settings.carriers.resultTitle", { provider: providerLabel(account.provider) })),
            copyRow(account.webhookUrl, t("settings.carriers.webhookUrlOf", { name: account.name })),
            h("p", { class: "hint" }, t(`settings.carriers.instructions.${account.provider}`)),
          ),
        );
        result.querySelector("input").focus();
        await load();
      },
    });
  });

  startEditing(null);
  clear(
    panel,
    result,
    card(t("settings.carriers.title"), h("p", { class: "muted" }, t("settings.carriers.intro")), list),
    form,
    ...readOnlyWhen(ctx.missing("settings"), addressSection(ctx)),
  );
  await load();
}

function providerLabel(provider) {
  if (provider === "generic") return t("settings.carriers.generic");
  const found = PROVIDERS.find(([value]) => value === provider);
  return found ? found[1] : provider;
}

function addressSection(ctx) {
  const warehouse = field({ label: t("settings.address.warehouse"), name: "warehouseId", type: "select", options: [["", t("settings.address.onlyAddress")]] });
  const names = ["name", "company", "street1", "street2", "city", "state", "zip", "country", "phone", "email"];
  const required = new Set(["name", "street1", "city", "zip", "country"]);
  const fields = Object.fromEntries(
    names.map((name) => [
      name,
      field({
        label: t(`settings.address.${name}`), name, required: required.has(name),
        type: name === "email" ? "email" : "text",
        hint: name === "country" ? t("settings.address.countryHint") : "",
        // No maxlength on the country: a cut-off "Ge(rmany)" would be a valid code (Georgia).
        attrs: name === "country" ? { autocomplete: "country", size: "4" } : {},
      }),
    ]),
  );
  const isDefault = field({ label: t("settings.address.isDefault"), name: "isDefault", type: "checkbox", value: true });
  const save = button(t("settings.address.save"), { variant: "primary", type: "submit", "data-action": "save-address" });
  const warehouseNote = h("p", { class: "hint" });
  const form = h(
    "form",
    { class: "address-form", novalidate: true },
    h("p", { class: "muted" }, t("settings.address.intro")),
    formErrors(),
    warehouse,
    warehouseNote,
    h("div", { class: "row" }, fields.name, fields.company),
    h("div", { class: "row" }, fields.street1, fields.street2),
    h("div", { class: "row" }, fields.city, fields.state, fields.zip, fields.country),
    h("div", { class: "row" }, fields.phone, fields.email),
    isDefault,
    h("div", { class: "actions" }, save),
  );
  // The saved addresses fill the form for the chosen warehouse.
  let saved = [];
  const fill = () => {
    const chosen = controlOf(warehouse).value || null;
    const address = saved.find((item) => (item.warehouseId || null) === chosen);
    for (const name of names) controlOf(fields[name]).value = address ? address[name] || "" : "";
    controlOf(isDefault).checked = address ? address.isDefault : saved.length === 0;
  };
  controlOf(warehouse).addEventListener("change", fill);
  // What staff already typed is never overwritten by the load.
  let typed = false;
  form.addEventListener("input", (event) => {
    if (event.target !== controlOf(warehouse)) typed = true;
  });
  let warehousesLoaded = false;
  const details = h("details", { class: "card address-card" }, h("summary", {}, h("h2", { class: "card-title" }, t("settings.address.title"))), form);
  details.addEventListener("toggle", async () => {
    if (!details.open || warehousesLoaded) return;
    warehousesLoaded = true;
    try {
      saved = (await ctx.api.query(ADDRESSES)).returnAddresses;
      if (!typed) fill();
      const found = (await ctx.api.query(WAREHOUSES)).returnWarehouses;
      controlOf(warehouse).append(...found.map((item) => h("option", { value: item.id }, item.name)));
    } catch (error) {
      warehouseNote.textContent = t("settings.address.warehousesFailed", { message: ctx.describeError(error) });
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = { warehouseId: controlOf(warehouse).value || null, isDefault: controlOf(isDefault).checked };
    for (const name of names) input[name] = textValue(fields[name]) || (required.has(name) ? "" : null);
    await saveForm(ctx, {
      form,
      submit: save,
      failed: t("settings.address.failed"),
      mutation: ADDRESS_SET,
      variables: { input },
      field: "returnAddressSet",
      saved: async () => {
        ctx.bridge.notify("success", t("settings.address.saved"));
        saved = (await ctx.api.query(ADDRESSES)).returnAddresses;
      },
    });
  });
  return details;
}
