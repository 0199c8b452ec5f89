// The returns portal tab: the hosted pages customers use (address, on or off),
// the shop's branding (name, logo, colours, support address) and the sites that
// may show the portal in a frame.

import { register, t } from "../../i18n.js";
import { button, card, clear, clearErrors, field, formErrors, h, showErrors } from "../../ui.js";
import { controlOf, copyRow, loadInto, textValue } from "./common.js";

register({
  en: {
    "settings.portal.title": "Returns portal",
    "settings.portal.intro": "A page of the app where customers return items without your storefront building anything: the policy, order lookup or sign-in, the return form and each return's status, in English and Chinese.",
    "settings.portal.url": "Portal address",
    "settings.portal.isEnabled": "Customers may use the returns portal",
    "settings.portal.branding": "Branding",
    "settings.portal.shopName": "Shop name",
    "settings.portal.shopNameHint": "Shown at the top of every page; the shop's domain when empty.",
    "settings.portal.logoUrl": "Logo address",
    "settings.portal.logoUrlHint": "An https:// image address.",
    "settings.portal.primaryColor": "Primary colour",
    "settings.portal.accentColor": "Accent colour",
    "settings.portal.colorHint": "# and six hexadecimal digits. Text on it is chosen to stay readable.",
    "settings.portal.supportEmail": "Support e-mail",
    "settings.portal.embedding": "Embedding",
    "settings.portal.frameAncestors": "Sites that may show the portal in a frame",
    "settings.portal.frameAncestorsHint": "One origin a line, e.g. https://shop.example.com or https://*.example.com. Empty: no other site.",
    "settings.portal.preview": "Preview",
    "settings.portal.previewButton": "Send the return request",
    "settings.portal.save": "Save portal settings",
    "settings.portal.saved": "Portal settings saved",
    "settings.portal.failed": "The portal settings were not saved",
  },
  "zh-Hans": {
    "settings.portal.title": "退货门户",
    "settings.portal.intro": "由应用托管的退货页面，店铺前台无需开发：顾客可查看退货政策、查找订单或登录、填写退货申请并跟踪每个退货的状态，支持中英文。",
    "settings.portal.url": "门户地址",
    "settings.portal.isEnabled": "允许顾客使用退货门户",
    "settings.portal.branding": "品牌",
    "settings.portal.shopName": "店铺名称",
    "settings.portal.shopNameHint": "显示在每个页面顶部；留空时显示店铺域名。",
    "settings.portal.logoUrl": "标志图片地址",
    "settings.portal.logoUrlHint": "以 https:// 开头的图片地址。",
    "settings.portal.primaryColor": "主色",
    "settings.portal.accentColor": "强调色",
    "settings.portal.colorHint": "# 加六位十六进制数字。其上的文字颜色会自动选择以保证可读。",
    "settings.portal.supportEmail": "客服邮箱",
    "settings.portal.embedding": "嵌入",
    "settings.portal.frameAncestors": "允许在框架中显示门户的网站",
    "settings.portal.frameAncestorsHint": "每行一个源，例如 https://shop.example.com 或 https://*.example.com。留空：不允许其他网站。",
    "settings.portal.preview": "预览",
    "settings.portal.previewButton": "提交退货申请",
    "settings.portal.save": "保存门户设置",
    "settings.portal.saved": "门户设置已保存",
    "settings.portal.failed": "门户设置未保存",
  },
});

const FIELDS = "portalUrl isEnabled shopName logoUrl primaryColor accentColor supportEmail frameAncestors";
const SETTINGS = `query PortalSettings { returnPortalSettings { ${FIELDS} } }`;
const UPDATE = `
mutation PortalSettingsUpdate($input: ReturnPortalSettingsInput!) {
  returnPortalSettingsUpdate(input: $input) { portalSettings { ${FIELDS} } errors { field code message } }
}`;
const HEX = /^#[0-9a-f]{6}$/i;

// The same choice the portal makes: white or near-black, whichever contrasts more.
function textOn(hex) {
  const channel = (index) => {
    const value = parseInt(hex.slice(index, index + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0613 ? "#FFFFFF" : "#1B1B1F";
}

export async function portalPanel(ctx, panel) {
  const data = await loadInto(ctx, panel, SETTINGS, {}, () => portalPanel(ctx, panel));
  if (!data) return;
  const settings = data.returnPortalSettings;
  const fields = {
    isEnabled: field({ label: t("settings.portal.isEnabled"), name: "isEnabled", type: "checkbox", value: settings.isEnabled }),
    shopName: field({ label: t("settings.portal.shopName"), name: "shopName", value: settings.shopName, hint: t("settings.portal.shopNameHint"), attrs: { maxlength: "100" } }),
    logoUrl: field({ label: t("settings.portal.logoUrl"), name: "logoUrl", type: "url", value: settings.logoUrl, hint: t("settings.portal.logoUrlHint") }),
    primaryColor: field({ label: t("settings.portal.primaryColor"), name: "primaryColor", value: settings.primaryColor, hint: t("settings.portal.colorHint"), attrs: { size: "8", spellcheck: "false" } }),
    accentColor: field({ label: t("settings.portal.accentColor"), name: "accentColor", value: settings.accentColor, hint: t("settings.portal.colorHint"), attrs: { size: "8", spellcheck: "false" } }),
    supportEmail: field({ label: t("settings.portal.supportEmail"), name: "supportEmail", type: "email", value: settings.supportEmail }),
    frameAncestors: field({ label: t("settings.portal.frameAncestors"), name: "frameAncestors", type: "textarea", value: settings.frameAncestors.join("\n"), hint: t("settings.portal.frameAncestorsHint") }),
  };
  const sample = h("span", { class: "portal-preview-button" }, t("settings.portal.previewButton"));
  const badge = h("span", { class: "portal-preview-badge" }, t("settings.portal.title"));
  const preview = h("div", { class: "portal-preview", "aria-label": t("settings.portal.preview"), role: "img" }, sample, " ", badge);
  const paint = () => {
    const primary = textValue(fields.primaryColor);
    const accent = textValue(fields.accentColor);
    if (HEX.test(primary)) Object.assign(sample.style, { background: primary, color: textOn(primary) });
    if (HEX.test(accent)) Object.assign(badge.style, { background: accent, color: textOn(accent) });
  };
  controlOf(fields.primaryColor).addEventListener("input", paint);
  controlOf(fields.accentColor).addEventListener("input", paint);
  paint();

  const save = button(t("settings.portal.save"), { variant: "primary", type: "submit", "data-action": "save-portal" });
  const form = h(
    "form",
    { class: "portal-form", novalidate: true },
    formErrors(),
    fields.isEnabled,
    h("h3", {}, t("settings.portal.branding")),
    h("div", { class: "row" }, fields.shopName, fields.supportEmail),
    fields.logoUrl,
    h("div", { class: "row" }, fields.primaryColor, fields.accentColor),
    h("p", { class: "hint" }, t("settings.portal.preview")),
    preview,
    h("h3", {}, t("settings.portal.embedding")),
    fields.frameAncestors,
    h("div", { class: "actions" }, save),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = {
      isEnabled: controlOf(fields.isEnabled).checked,
      shopName: textValue(fields.shopName),
      logoUrl: textValue(fields.logoUrl),
      primaryColor: textValue(fields.primaryColor),
      accentColor: textValue(fields.accentColor),
      supportEmail: textValue(fields.supportEmail),
      frameAncestors: controlOf(fields.frameAncestors).value.split("\n").map((line) => line.trim()).filter(Boolean),
    };
    save.disabled = true;
    try {
      const answer = await ctx.api.mutate(UPDATE, { input }, "returnPortalSettingsUpdate");
      if (answer.errors.length) {
        showErrors(form, answer.errors);
        ctx.bridge.notify("error", t("settings.portal.failed"), answer.errors[0].message);
        return;
      }
      controlOf(fields.frameAncestors).value = answer.portalSettings.frameAncestors.join("\n");
      ctx.bridge.notify("success", t("settings.portal.saved"));
    } catch (error) {
      const message = ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      ctx.bridge.notify("error", t("settings.portal.failed"), message);
    } finally {
      save.disabled = false;
    }
  });
  clear(
    panel,
    card(
      t("settings.portal.title"),
      h("p", { class: "muted" }, t("settings.portal.intro")),
      h("p", { class: "field-label" }, t("settings.portal.url")),
      copyRow(settings.portalUrl, t("settings.portal.url")),
    ),
    card(null, form),
  );
}
