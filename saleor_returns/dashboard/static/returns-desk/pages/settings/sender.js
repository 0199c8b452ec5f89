// The e-mail sender tab: who the shop's e-mail comes from (name, address, reply-to), where
// alerts to the shop's staff go and in which language, and how it leaves: the app's own mail settings, the shop's SMTP server, or a mail service
// through django-anymail. Passwords and keys are write-only: the API says only whether
// one is stored, and a field left empty keeps it.

import { formatDate, register, t } from "../../i18n.js";
import { button, card, clear, clearErrors, field, formErrors, h, saveForm, showErrors } from "../../ui.js";
import { controlOf, loadInto, textValue } from "./common.js";

register({
  en: {
    "settings.sender.title": "E-mail sender",
    "settings.sender.intro": "Messages to customers come from this sender. Without a transport of your own, the app's mail settings send them.",
    "settings.sender.fromName": "Sender name",
    "settings.sender.fromNameHint": "Also how messages name the shop; empty: the shop's domain.",
    "settings.sender.fromEmail": "Sender address",
    "settings.sender.fromEmailHint": "Empty: the app's address, {address}.",
    "settings.sender.replyTo": "Reply-to address",
    "settings.sender.replyToHint": "Where customers' answers go; messages also give it for questions.",
    "settings.sender.naming": "Messages are signed {name}; questions go to {email}.",
    "settings.sender.alertsEmail": "Alerts address",
    "settings.sender.alertsEmailHint": "Your staff's address for alerts such as a spike in returns; empty: alerts are not e-mailed.",
    "settings.sender.alertsLanguage": "Alerts language",
    "settings.sender.language.EN": "English",
    "settings.sender.language.ZH_HANS": "Simplified Chinese",
    "settings.sender.transport": "How e-mail is sent",
    "settings.sender.transport.DEFAULT": "The app's mail settings",
    "settings.sender.transport.SMTP": "The shop's SMTP server",
    "settings.sender.transport.ESP": "A mail service",
    "settings.sender.smtp": "SMTP server",
    "settings.sender.smtpHost": "Host",
    "settings.sender.smtpPort": "Port",
    "settings.sender.smtpPortHint": "Empty: 587 with STARTTLS, 465 with SSL, 25 without.",
    "settings.sender.smtpSecurity": "Security",
    "settings.sender.security.STARTTLS": "STARTTLS",
    "settings.sender.security.SSL": "SSL/TLS",
    "settings.sender.security.NONE": "None",
    "settings.sender.smtpUsername": "User name",
    "settings.sender.smtpPassword": "Password",
    "settings.sender.service": "Mail service",
    "settings.sender.esp": "Service",
    "settings.sender.apiKey": "API key",
    "settings.sender.apiKey.POSTMARK": "Server token",
    "settings.sender.apiKey.AMAZON_SES": "Access key ID",
    "settings.sender.secretKey": "Secret access key",
    "settings.sender.region": "Region",
    "settings.sender.regionHint.AMAZON_SES": "The AWS region, e.g. eu-west-1.",
    "settings.sender.regionHint.MAILGUN": "us or eu.",
    "settings.sender.senderDomain": "Sending domain",
    "settings.sender.messageStream": "Message stream",
    "settings.sender.messageStreamHint": "Empty: the server's default transactional stream.",
    "settings.sender.secretSet": "Set",
    "settings.sender.secretNotSet": "Not set",
    "settings.sender.secretHint": "Stored encrypted and never shown. Leave empty to keep the stored one.",
    "settings.sender.invalidPort": "Enter a whole number.",
    "settings.sender.updatedAt": "Last changed {date}",
    "settings.sender.save": "Save sender",
    "settings.sender.saved": "E-mail sender saved",
    "settings.sender.failed": "The e-mail sender was not saved",
  },
  "zh-Hans": {
    "settings.sender.title": "邮件发件人",
    "settings.sender.intro": "发给顾客的消息以此发件人发出。未设置自己的发送方式时，由应用的邮件设置发送。",
    "settings.sender.fromName": "发件人名称",
    "settings.sender.fromNameHint": "也是消息中对店铺的称呼；留空时为店铺域名。",
    "settings.sender.fromEmail": "发件地址",
    "settings.sender.fromEmailHint": "留空时使用应用的地址 {address}。",
    "settings.sender.replyTo": "回复地址",
    "settings.sender.replyToHint": "顾客回复发往此地址；消息中也以此作为咨询地址。",
    "settings.sender.naming": "消息署名为 {name}；咨询请发往 {email}。",
    "settings.sender.alertsEmail": "提醒接收地址",
    "settings.sender.alertsEmailHint": "员工接收提醒（如退货激增）的地址；留空则不以邮件发送提醒。",
    "settings.sender.alertsLanguage": "提醒语言",
    "settings.sender.language.EN": "英语",
    "settings.sender.language.ZH_HANS": "简体中文",
    "settings.sender.transport": "发送方式",
    "settings.sender.transport.DEFAULT": "应用的邮件设置",
    "settings.sender.transport.SMTP": "店铺的 SMTP 服务器",
    "settings.sender.transport.ESP": "邮件服务商",
    "settings.sender.smtp": "SMTP 服务器",
    "settings.sender.smtpHost": "主机",
    "settings.sender.smtpPort": "端口",
    "settings.sender.smtpPortHint": "留空：STARTTLS 用 587，SSL 用 465，不加密用 25。",
    "settings.sender.smtpSecurity": "加密方式",
    "settings.sender.security.STARTTLS": "STARTTLS",
    "settings.sender.security.SSL": "SSL/TLS",
    "settings.sender.security.NONE": "不加密",
    "settings.sender.smtpUsername": "用户名",
    "settings.sender.smtpPassword": "密码",
    "settings.sender.service": "邮件服务",
    "settings.sender.esp": "服务商",
    "settings.sender.apiKey": "API 密钥",
    "settings.sender.apiKey.POSTMARK": "服务器令牌",
    "settings.sender.apiKey.AMAZON_SES": "访问密钥 ID",
    "settings.sender.secretKey": "秘密访问密钥",
    "settings.sender.region": "区域",
    "settings.sender.regionHint.AMAZON_SES": "AWS 区域，例如 eu-west-1。",
    "settings.sender.regionHint.MAILGUN": "us 或 eu。",
    "settings.sender.senderDomain": "发信域名",
    "settings.sender.messageStream": "消息流",
    "settings.sender.messageStreamHint": "留空：服务器默认的事务性消息流。",
    "settings.sender.secretSet": "已设置",
    "settings.sender.secretNotSet": "未设置",
    "settings.sender.secretHint": "加密保存，不会显示。留空则保留已存储的值。",
    "settings.sender.invalidPort": "请输入整数。",
    "settings.sender.updatedAt": "最近修改：{date}",
    "settings.sender.save": "保存发件人",
    "settings.sender.saved": "邮件发件人已保存",
    "settings.sender.failed": "邮件发件人未保存",
  },
});

const SENDER = `fromName fromEmail defaultFromEmail replyTo alertsEmail alertsLanguage transport smtpHost smtpPort smtpUsername smtpSecurity
  hasSmtpPassword esp hasApiKey hasSecretKey region senderDomain messageStream shopName supportEmail updatedAt`;
const SETTINGS = `query SenderSettings { returnSenderSettings { ${SENDER} } }`;
const UPDATE = `mutation SenderSettingsUpdate($input: ReturnSenderSettingsInput!) {
  returnSenderSettingsUpdate(input: $input) { senderSettings { ${SENDER} } errors { field code message } } }`;
const TRANSPORTS = ["DEFAULT", "SMTP", "ESP"];
const LANGUAGES = ["EN", "ZH_HANS"];
const SECURITIES = ["STARTTLS", "SSL", "NONE"];
const SERVICES = [["POSTMARK", "Postmark"], ["MAILGUN", "Mailgun"], ["AMAZON_SES", "Amazon SES"], ["SENDGRID", "SendGrid"]];
// The settings each mail service takes besides its API key.
const SERVICE_FIELDS = { POSTMARK: ["messageStream"], MAILGUN: ["region", "senderDomain"], AMAZON_SES: ["secretKey", "region"], SENDGRID: [] };
// Write-only fields and the flag that says one is stored.
const SECRETS = { smtpPassword: "hasSmtpPassword", apiKey: "hasApiKey", secretKey: "hasSecretKey" };

export async function senderPanel(ctx, panel) {
  const data = await loadInto(ctx, panel, SETTINGS, {}, () => senderPanel(ctx, panel));
  if (!data) return;
  const settings = data.returnSenderSettings;
  const secret = (name, label) =>
    field({ label, name, type: "password", hint: t("settings.sender.secretHint"), attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const fields = {
    fromName: field({ label: t("settings.sender.fromName"), name: "fromName", hint: t("settings.sender.fromNameHint"), attrs: { maxlength: "100" } }),
    fromEmail: field({ label: t("settings.sender.fromEmail"), name: "fromEmail", type: "email", hint: t("settings.sender.fromEmailHint", { address: settings.defaultFromEmail }) }),
    replyTo: field({ label: t("settings.sender.replyTo"), name: "replyTo", type: "email", hint: t("settings.sender.replyToHint") }),
    alertsEmail: field({ label: t("settings.sender.alertsEmail"), name: "alertsEmail", type: "email", hint: t("settings.sender.alertsEmailHint") }),
    alertsLanguage: field({ label: t("settings.sender.alertsLanguage"), name: "alertsLanguage", type: "select", options: LANGUAGES.map((code) => [code, t(`settings.sender.language.${code}`)]) }),
    transport: field({ label: t("settings.sender.transport"), name: "transport", type: "select", options: TRANSPORTS.map((code) => [code, t(`settings.sender.transport.${code}`)]) }),
    smtpHost: field({ label: t("settings.sender.smtpHost"), name: "smtpHost", attrs: { spellcheck: "false", autocomplete: "off" } }),
    smtpPort: field({ label: t("settings.sender.smtpPort"), name: "smtpPort", hint: t("settings.sender.smtpPortHint"), attrs: { inputmode: "numeric", size: "6" } }),
    smtpSecurity: field({ label: t("settings.sender.smtpSecurity"), name: "smtpSecurity", type: "select", options: SECURITIES.map((code) => [code, t(`settings.sender.security.${code}`)]) }),
    smtpUsername: field({ label: t("settings.sender.smtpUsername"), name: "smtpUsername", attrs: { autocomplete: "off", spellcheck: "false" } }),
    smtpPassword: secret("smtpPassword", t("settings.sender.smtpPassword")),
    esp: field({ label: t("settings.sender.esp"), name: "esp", type: "select", options: SERVICES }),
    apiKey: secret("apiKey", t("settings.sender.apiKey")),
    secretKey: secret("secretKey", t("settings.sender.secretKey")),
    region: field({ label: t("settings.sender.region"), name: "region", hint: t("settings.sender.regionHint.AMAZON_SES"), attrs: { spellcheck: "false" } }),
    senderDomain: field({ label: t("settings.sender.senderDomain"), name: "senderDomain", attrs: { spellcheck: "false" } }),
    messageStream: field({ label: t("settings.sender.messageStream"), name: "messageStream", hint: t("settings.sender.messageStreamHint"), attrs: { spellcheck: "false" } }),
  };
  // Each secret's label says whether one is stored.
  const states = {};
  for (const name of Object.keys(SECRETS)) {
    states[name] = h("span", { class: "secret-state", "data-secret-state": name });
    fields[name].querySelector("label").append(" ", states[name]);
  }
  const naming = h("p", { class: "hint sender-naming" });
  const updated = h("p", { class: "hint" });
  const smtp = h(
    "fieldset",
    { class: "transport-group", "data-transport": "SMTP" },
    h("legend", {}, t("settings.sender.smtp")),
    h("div", { class: "row" }, fields.smtpHost, fields.smtpPort, fields.smtpSecurity),
    h("div", { class: "row" }, fields.smtpUsername, fields.smtpPassword),
  );
  const service = h(
    "fieldset",
    { class: "transport-group", "data-transport": "ESP" },
    h("legend", {}, t("settings.sender.service")),
    h("div", { class: "row" }, fields.esp, fields.apiKey),
    h("div", { class: "row" }, fields.secretKey, fields.region, fields.senderDomain, fields.messageStream),
  );

  function fill(current) {
    for (const name of ["fromName", "fromEmail", "replyTo", "alertsEmail", "smtpHost", "smtpUsername", "region", "senderDomain", "messageStream"]) {
      controlOf(fields[name]).value = current[name] || "";
    }
    controlOf(fields.alertsLanguage).value = current.alertsLanguage;
    controlOf(fields.transport).value = current.transport;
    controlOf(fields.smtpPort).value = current.smtpPort === null ? "" : String(current.smtpPort);
    controlOf(fields.smtpSecurity).value = current.smtpSecurity;
    controlOf(fields.esp).value = current.esp || SERVICES[0][0];
    for (const [name, flag] of Object.entries(SECRETS)) {
      controlOf(fields[name]).value = "";
      states[name].textContent = current[flag] ? t("settings.sender.secretSet") : t("settings.sender.secretNotSet");
      states[name].dataset.set = String(current[flag]);
    }
    naming.textContent = t("settings.sender.naming", { name: current.shopName, email: current.supportEmail });
    updated.textContent = current.updatedAt ? t("settings.sender.updatedAt", { date: formatDate(current.updatedAt) }) : "";
    sync();
  }

  // Only the chosen transport's settings show, and only those the chosen service takes.
  function sync() {
    const transport = controlOf(fields.transport).value;
    smtp.hidden = transport !== "SMTP";
    service.hidden = transport !== "ESP";
    const esp = controlOf(fields.esp).value;
    for (const name of ["secretKey", "region", "senderDomain", "messageStream"]) fields[name].hidden = !SERVICE_FIELDS[esp].includes(name);
    fields.apiKey.querySelector("label").firstChild.textContent = t(["POSTMARK", "AMAZON_SES"].includes(esp) ? `settings.sender.apiKey.${esp}` : "settings.sender.apiKey");
    if (esp === "MAILGUN" || esp === "AMAZON_SES") fields.region.querySelector(".hint").textContent = t(`settings.sender.regionHint.${esp}`);
  }
  controlOf(fields.transport).addEventListener("change", sync);
  controlOf(fields.esp).addEventListener("change", sync);

  // What the form sends: the visible settings; hidden ones and empty secrets stay as stored.
  function read(problems) {
    const transport = controlOf(fields.transport).value;
    const input = {
      fromName: textValue(fields.fromName), fromEmail: textValue(fields.fromEmail), replyTo: textValue(fields.replyTo),
      alertsEmail: textValue(fields.alertsEmail), alertsLanguage: controlOf(fields.alertsLanguage).value, transport,
    };
    if (transport === "SMTP") {
      const port = textValue(fields.smtpPort);
      if (port && !/^\d+$/.test(port)) problems.push({ field: "smtpPort", code: "INVALID", message: t("settings.sender.invalidPort") });
      Object.assign(input, {
        smtpHost: textValue(fields.smtpHost), smtpPort: port && /^\d+$/.test(port) ? Number(port) : null,
        smtpSecurity: controlOf(fields.smtpSecurity).value, smtpUsername: textValue(fields.smtpUsername),
        smtpPassword: controlOf(fields.smtpPassword).value || null,
      });
    }
    if (transport === "ESP") {
      const esp = controlOf(fields.esp).value;
      Object.assign(input, { esp, apiKey: controlOf(fields.apiKey).value || null });
      for (const name of SERVICE_FIELDS[esp]) {
        input[name] = SECRETS[name] ? controlOf(fields[name]).value || null : textValue(fields[name]);
      }
    }
    return input;
  }

  const save = button(t("settings.sender.save"), { variant: "primary", type: "submit", "data-action": "save-sender" });
  const form = h(
    "form",
    { class: "sender-form", novalidate: true },
    formErrors(),
    h("div", { class: "row" }, fields.fromName, fields.fromEmail, fields.replyTo),
    naming,
    h("div", { class: "row" }, fields.alertsEmail, fields.alertsLanguage),
    fields.transport,
    smtp,
    service,
    updated,
    h("div", { class: "actions" }, save),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problems = [];
    const input = read(problems);
    if (problems.length) {
      showErrors(form, problems);
      return;
    }
    await saveForm(ctx, {
      form, submit: save, failed: t("settings.sender.failed"), mutation: UPDATE, variables: { input },
      field: "returnSenderSettingsUpdate",
      saved: async (answer) => {
        fill(answer.senderSettings);
        ctx.bridge.notify("success", t("settings.sender.saved"));
      },
    });
  });
  fill(settings);
  clear(panel, card(t("settings.sender.title"), h("p", { class: "muted" }, t("settings.sender.intro")), form));
}
