// The message templates tab: what each step's e-mail says in English and Chinese.
// Staff pick an event and a language, edit the subject, the text and the HTML beside a
// live preview on sample data, save, or go back to the shipped default. The API checks
// every part: an unknown placeholder or a syntax error lands next to its field and
// nothing is saved.

import { formatDate, has, locale, register, t } from "../../i18n.js";
import { banner, button, card, clear, clearErrors, field, formErrors, h, modal, saveForm, showErrors, spinner } from "../../ui.js";
import { EVENTS, eventName } from "../../messages.js";
import { controlOf, loadInto } from "./common.js";

register({
  en: {
    "settings.templates.title": "Message templates",
    "settings.templates.intro": "The e-mail each step of a return sends the customer, in the order's language. Placeholders such as {example} are filled in when the e-mail is sent; {condition} … {end} keeps a part for messages that have the value.",
    "settings.templates.event": "Event",
    "settings.templates.language": "Language",
    "settings.templates.language.EN": "English",
    "settings.templates.language.ZH_HANS": "Simplified Chinese",
    "settings.templates.subject": "Subject",
    "settings.templates.text": "Text",
    "settings.templates.textHint": "The plain-text part, for mail programs that show no HTML.",
    "settings.templates.html": "HTML",
    "settings.templates.htmlHint": "The HTML part: the values placed into it are escaped.",
    "settings.templates.customized": "The shop's own",
    "settings.templates.default": "Default",
    "settings.templates.unsubscribe": "Reminders and surveys end with an unsubscribe line the template cannot leave out.",
    "settings.templates.updatedAt": "Last changed {date}",
    "settings.templates.placeholders": "Placeholders of this e-mail",
    "settings.templates.placeholdersHint": "A click puts it where the cursor was in the subject, text or HTML.",
    "settings.templates.insert": "Insert {placeholder}",
    "settings.templates.preview": "Preview with sample data",
    "settings.templates.previewing": "Updating the preview…",
    "settings.templates.previewStale": "Correct the marked fields to update the preview.",
    "settings.templates.previewFailed": "The preview could not be made: {message}",
    "settings.templates.previewSubject": "Subject",
    "settings.templates.previewHtml": "HTML part",
    "settings.templates.previewText": "Text part",
    "settings.templates.save": "Save template",
    "settings.templates.saved": "Template saved: {event} ({language})",
    "settings.templates.failed": "The template was not saved",
    "settings.templates.unchanged": "Nothing changed since the last save.",
    "settings.templates.restore": "Restore the default",
    "settings.templates.restoreTitle": "Restore the default e-mail for {event} ({language})?",
    "settings.templates.restoreBody": "The shop's own subject, text and HTML of this e-mail are removed; the shipped default is sent again.",
    "settings.templates.restored": "Default restored: {event} ({language})",
    "settings.templates.discardTitle": "Discard your changes?",
    "settings.templates.discardBody": "The edited template was not saved.",
    "settings.templates.discard": "Discard",
    "settings.templates.keepEditing": "Keep editing",
  },
  "zh-Hans": {
    "settings.templates.title": "消息模板",
    "settings.templates.intro": "退货各环节发给顾客的电子邮件，使用订单的语言。{example} 等占位符在发送时填入；{condition} … {end} 包住的部分只在有该值时出现。",
    "settings.templates.event": "事件",
    "settings.templates.language": "语言",
    "settings.templates.language.EN": "英语",
    "settings.templates.language.ZH_HANS": "简体中文",
    "settings.templates.subject": "主题",
    "settings.templates.text": "纯文本",
    "settings.templates.textHint": "纯文本部分，供不显示 HTML 的邮件程序使用。",
    "settings.templates.html": "HTML",
    "settings.templates.htmlHint": "HTML 部分：填入的值会被转义。",
    "settings.templates.customized": "店铺自定义",
    "settings.templates.default": "默认",
    "settings.templates.unsubscribe": "提醒和调查邮件末尾带有退订说明，模板无法去掉。",
    "settings.templates.updatedAt": "最近修改：{date}",
    "settings.templates.placeholders": "此邮件可用的占位符",
    "settings.templates.placeholdersHint": "点击后插入到主题、纯文本或 HTML 中光标所在的位置。",
    "settings.templates.insert": "插入 {placeholder}",
    "settings.templates.preview": "示例数据预览",
    "settings.templates.previewing": "正在更新预览…",
    "settings.templates.previewStale": "请更正标出的字段以更新预览。",
    "settings.templates.previewFailed": "无法生成预览：{message}",
    "settings.templates.previewSubject": "主题",
    "settings.templates.previewHtml": "HTML 部分",
    "settings.templates.previewText": "纯文本部分",
    "settings.templates.save": "保存模板",
    "settings.templates.saved": "模板已保存：{event}（{language}）",
    "settings.templates.failed": "模板未保存",
    "settings.templates.unchanged": "自上次保存以来没有更改。",
    "settings.templates.restore": "恢复默认",
    "settings.templates.restoreTitle": "恢复 {event}（{language}）的默认邮件？",
    "settings.templates.restoreBody": "将删除此邮件中店铺自定义的主题、纯文本和 HTML，之后发送内置的默认内容。",
    "settings.templates.restored": "已恢复默认：{event}（{language}）",
    "settings.templates.discardTitle": "放弃您的更改？",
    "settings.templates.discardBody": "编辑过的模板尚未保存。",
    "settings.templates.discard": "放弃",
    "settings.templates.keepEditing": "继续编辑",
  },
});

// Placeholder descriptions in the desk's languages; the API's own (English) for any other.
register({
  en: {
    "settings.templates.placeholder.rma_number": "The return's number, e.g. RMA-000123.",
    "settings.templates.placeholder.order_number": "The order's number in the shop.",
    "settings.templates.placeholder.customer_name": "The customer's name from the order (empty when the order has none).",
    "settings.templates.placeholder.shop_name": "The sender name of the e-mail settings, else the shop's domain.",
    "settings.templates.placeholder.support_email": "The reply-to address of the e-mail settings, else the sender address.",
    "settings.templates.placeholder.return_link": "A signed link that opens this return in the returns portal.",
    "settings.templates.placeholder.items": "The returned items, one a line, with the quantities this step is about.",
    "settings.templates.placeholder.deadline": "The last day to send the parcel, in the customer's language.",
    "settings.templates.placeholder.label_url": "The return label to print (empty without a label).",
    "settings.templates.placeholder.qr_code_url": "The QR code to show at a drop-off point instead of a label (empty without one).",
    "settings.templates.placeholder.return_address": "Where to send the parcel, one part a line (empty when a label carries it).",
    "settings.templates.placeholder.question": "What the shop asked the customer.",
    "settings.templates.placeholder.reason": "Why the shop decided as it did.",
    "settings.templates.placeholder.amount": "The amount refunded or credited, with its currency.",
    "settings.templates.placeholder.refund_components": "What the refund is made of, one part a line (fees the shop keeps are negative).",
    "settings.templates.placeholder.refund_method": "Where the money goes (the original payment method).",
    "settings.templates.placeholder.gift_card_last4": "The last four characters of the gift card's code (never the code itself).",
    "settings.templates.placeholder.replacement_order_number": "The number of the order that sends the new item.",
    "settings.templates.placeholder.amount_to_pay": "What the customer still pays for a dearer item (empty when nothing).",
    "settings.templates.placeholder.decision": "The claim's outcome: approved or rejected.",
    "settings.templates.placeholder.survey_link": "A signed link to the satisfaction survey.",
  },
  "zh-Hans": {
    "settings.templates.placeholder.rma_number": "退货编号，例如 RMA-000123。",
    "settings.templates.placeholder.order_number": "店铺中的订单号。",
    "settings.templates.placeholder.customer_name": "订单上的顾客姓名（订单没有时为空）。",
    "settings.templates.placeholder.shop_name": "邮件设置中的发件人名称，否则为店铺域名。",
    "settings.templates.placeholder.support_email": "邮件设置中的回复地址，否则为发件地址。",
    "settings.templates.placeholder.return_link": "在退货门户中打开此退货的签名链接。",
    "settings.templates.placeholder.items": "退回的商品，每行一件，附本环节涉及的数量。",
    "settings.templates.placeholder.deadline": "寄回包裹的最后一天，使用顾客的语言。",
    "settings.templates.placeholder.label_url": "要打印的退货面单（没有面单时为空）。",
    "settings.templates.placeholder.qr_code_url": "在投递点出示、可代替面单的二维码（没有时为空）。",
    "settings.templates.placeholder.return_address": "包裹的寄送地址，每行一项（面单已载明时为空）。",
    "settings.templates.placeholder.question": "店铺向顾客提出的问题。",
    "settings.templates.placeholder.reason": "店铺作出该决定的原因。",
    "settings.templates.placeholder.amount": "退款或发放余额的金额，含币种。",
    "settings.templates.placeholder.refund_components": "退款的组成，每行一项（店铺扣留的费用为负数）。",
    "settings.templates.placeholder.refund_method": "款项退回的去处（原支付方式）。",
    "settings.templates.placeholder.gift_card_last4": "礼品卡代码的最后四位（绝不包含完整代码）。",
    "settings.templates.placeholder.replacement_order_number": "寄出新商品的订单号。",
    "settings.templates.placeholder.amount_to_pay": "换成更贵商品时顾客还需支付的金额（无需支付时为空）。",
    "settings.templates.placeholder.decision": "索赔结果：批准或拒绝。",
    "settings.templates.placeholder.survey_link": "满意度调查的签名链接。",
  },
});

const LANGUAGES = ["EN", "ZH_HANS"];
const PARTS = ["subject", "text", "html"];
const TEMPLATE = "event language subject text html customized isTransactional placeholders { name description } updatedAt";
const TEMPLATES = `query MessageTemplate($event: ReturnMessageEventEnum!, $language: ReturnMessageLanguageEnum!) {
  returnMessageTemplates(event: $event, language: $language) { ${TEMPLATE} } }`;
const PREVIEW = `query MessagePreview($event: ReturnMessageEventEnum!, $language: ReturnMessageLanguageEnum!,
  $subject: String, $text: String, $html: String) {
  returnMessagePreview(event: $event, language: $language, subject: $subject, text: $text, html: $html) {
    subject text html errors { field code message } } }`;
const UPDATE = `mutation MessageTemplateUpdate($event: ReturnMessageEventEnum!, $language: ReturnMessageLanguageEnum!,
  $input: ReturnMessageTemplateInput!) {
  returnMessageTemplateUpdate(event: $event, language: $language, input: $input) {
    template { ${TEMPLATE} } errors { field code message } } }`;
const PREVIEW_DELAY_MS = 400;

function languageName(language) {
  return t(`settings.templates.language.${language}`);
}

function placeholderText(name) {
  return `{{ ${name} }}`;
}

export async function templatesPanel(ctx, panel) {
  const eventField = field({
    label: t("settings.templates.event"), name: "event", type: "select", value: EVENTS[0],
    options: EVENTS.map((event) => [event, eventName(event)]),
  });
  const languageField = field({
    label: t("settings.templates.language"), name: "language", type: "select",
    value: locale() === "zh-Hans" ? "ZH_HANS" : "EN", options: LANGUAGES.map((code) => [code, languageName(code)]),
  });
  const editor = h("div", { class: "template-editor" }, spinner());
  clear(
    panel,
    card(
      t("settings.templates.title"),
      h("p", { class: "muted" }, t("settings.templates.intro", {
        example: placeholderText("rma_number"), condition: "{% if label_url %}", end: "{% endif %}",
      })),
      h("div", { class: "row template-choice" }, eventField, languageField),
    ),
    editor,
  );
  let editing = null;
  let loads = 0;
  let chosen = { event: controlOf(eventField).value, language: controlOf(languageField).value };

  async function choose(control) {
    const next = { event: controlOf(eventField).value, language: controlOf(languageField).value };
    if (editing && editing.isDirty()) {
      const discard = await modal(t("settings.templates.discardTitle"), h("p", {}, t("settings.templates.discardBody")), [
        [t("settings.templates.keepEditing"), false],
        [t("settings.templates.discard"), true, "danger"],
      ]);
      if (!discard) {
        controlOf(eventField).value = chosen.event;
        controlOf(languageField).value = chosen.language;
        control.focus();
        return;
      }
    }
    chosen = next;
    await load();
  }
  controlOf(eventField).addEventListener("change", (event) => choose(event.target));
  controlOf(languageField).addEventListener("change", (event) => choose(event.target));

  // The latest choice wins when answers cross.
  async function load() {
    const ticket = ++loads;
    const data = await loadInto(ctx, editor, TEMPLATES, chosen, load);
    if (!data || !ctx.isCurrent() || ticket !== loads) return;
    const [template] = data.returnMessageTemplates;
    editing = templateEditor(ctx, template, { reload: load });
    clear(editor, editing.element);
    editing.preview();
  }
  await load();
}

// The form for one template beside its preview; answers {element, isDirty, preview}.
function templateEditor(ctx, template, { reload }) {
  const { event, language } = template;
  const saved = Object.fromEntries(PARTS.map((part) => [part, template[part]]));
  const customized = new Set(template.customized);
  const fields = {
    subject: field({ label: t("settings.templates.subject"), name: "subject", value: saved.subject, attrs: { maxlength: "500", spellcheck: "true" } }),
    text: field({ label: t("settings.templates.text"), name: "text", type: "textarea", value: saved.text, hint: t("settings.templates.textHint"), attrs: { rows: "12", class: "code" } }),
    html: field({ label: t("settings.templates.html"), name: "html", type: "textarea", value: saved.html, hint: t("settings.templates.htmlHint"), attrs: { rows: "12", spellcheck: "false", class: "code" } }),
  };
  // Each part says whether it is the shop's own or the shipped default.
  for (const part of PARTS) {
    const state = customized.has(part) ? "customized" : "default";
    fields[part].querySelector("label").append(" ", h("span", { class: `part-tag ${state}`, "data-part-state": state }, t(`settings.templates.${state}`)));
  }
  const values = () => Object.fromEntries(PARTS.map((part) => [part, controlOf(fields[part]).value]));
  const isDirty = () => PARTS.some((part) => controlOf(fields[part]).value !== saved[part]);

  // Placeholders go where the cursor last was (the text part until then).
  let target = controlOf(fields.text);
  for (const part of PARTS) controlOf(fields[part]).addEventListener("focus", (focus) => { target = focus.target; });
  const placeholders = h(
    "section",
    { class: "placeholders", "aria-labelledby": "template-placeholders" },
    h("h3", { id: "template-placeholders" }, t("settings.templates.placeholders")),
    h("p", { class: "hint" }, t("settings.templates.placeholdersHint")),
    h(
      "ul",
      { class: "placeholder-list" },
      template.placeholders.map((placeholder) =>
        h(
          "li",
          { "data-placeholder": placeholder.name },
          button(placeholderText(placeholder.name), {
            variant: "link",
            class: "btn btn-link placeholder-insert",
            "aria-label": t("settings.templates.insert", { placeholder: placeholderText(placeholder.name) }),
            onClick: () => insert(target, placeholderText(placeholder.name)),
          }),
          h("span", { class: "muted" }, describe(placeholder)),
        ),
      ),
    ),
  );

  const status = h("p", { class: "preview-status muted", role: "status", "aria-live": "polite" });
  const previewSubject = h("strong", { "data-preview": "subject" });
  const previewText = h("pre", { class: "preview-text", "data-preview": "text", tabindex: "0", "aria-label": t("settings.templates.previewText") });
  // The e-mail's HTML in a sandbox (no scripts, forms, pop-ups or way out of the frame), written
  // into a blank page of the app whose own policy lets its inline styles apply.
  const previewHtml = h("iframe", {
    class: "preview-html", src: `${ctx.config.basePath}frames/message-preview`, sandbox: "allow-same-origin",
    referrerpolicy: "no-referrer", title: t("settings.templates.previewHtml"), "data-preview": "html",
  });
  const frameReady = new Promise((resolve) => previewHtml.addEventListener("load", resolve, { once: true }));
  const preview = h(
    "section",
    { class: "card template-preview", "aria-labelledby": "template-preview-title" },
    h("h3", { id: "template-preview-title" }, t("settings.templates.preview")),
    status,
    h("p", {}, h("span", { class: "muted" }, `${t("settings.templates.previewSubject")}: `), previewSubject),
    h("h4", {}, t("settings.templates.previewHtml")),
    previewHtml,
    h("h4", {}, t("settings.templates.previewText")),
    previewText,
  );

  const save = button(t("settings.templates.save"), { variant: "primary", type: "submit", "data-action": "save-template" });
  const restore = button(t("settings.templates.restore"), {
    variant: "danger", "data-action": "restore-template", disabled: !customized.size, onClick: () => restoreDefault(),
  });
  const saveStatus = h("span", { class: "muted", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "template-form", novalidate: true, "data-event": event, "data-language": language },
    formErrors(),
    fields.subject,
    fields.text,
    fields.html,
    template.isTransactional ? null : banner("info", t("settings.templates.unsubscribe")),
    template.updatedAt ? h("p", { class: "hint" }, t("settings.templates.updatedAt", { date: formatDate(template.updatedAt) })) : null,
    h("div", { class: "actions" }, save, restore, saveStatus),
  );

  // The preview follows the form: asked for a moment after the last keystroke; a late
  // answer to an earlier version is dropped.
  let timer = null;
  let asked = 0;
  async function runPreview() {
    const ticket = ++asked;
    status.textContent = t("settings.templates.previewing");
    preview.setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = (await ctx.api.query(PREVIEW, { event, language, ...values() })).returnMessagePreview;
    } catch (error) {
      if (ticket !== asked) return;
      preview.removeAttribute("aria-busy");
      status.textContent = t("settings.templates.previewFailed", { message: ctx.describeError(error) });
      return;
    }
    if (ticket !== asked) return;
    preview.removeAttribute("aria-busy");
    if (answer.errors.length) {
      showErrors(form, answer.errors, { focus: false });
      status.textContent = t("settings.templates.previewStale");
      preview.classList.add("stale");
      return;
    }
    clearErrors(form);
    preview.classList.remove("stale");
    status.textContent = "";
    previewSubject.textContent = answer.subject;
    previewText.textContent = answer.text;
    await frameReady;
    if (ticket !== asked || !previewHtml.contentDocument) return;
    const page = previewHtml.contentDocument;
    page.open();
    page.write(answer.html);
    page.close();
  }
  form.addEventListener("input", () => {
    saveStatus.textContent = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(runPreview, PREVIEW_DELAY_MS);
  });

  form.addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    clearErrors(form);
    // Only the parts staff changed are sent: the others stay as they are (a default stays a default).
    const current = values();
    const input = Object.fromEntries(PARTS.map((part) => [part, current[part] !== saved[part] ? current[part] : null]));
    if (PARTS.every((part) => input[part] === null)) {
      saveStatus.textContent = t("settings.templates.unchanged");
      return;
    }
    await saveForm(ctx, {
      form, submit: save, failed: t("settings.templates.failed"), mutation: UPDATE,
      variables: { event, language, input }, field: "returnMessageTemplateUpdate",
      saved: async () => {
        // What was sent is what is stored now: choosing another template before the reload lands
        // must not ask to discard it.
        for (const part of PARTS) if (input[part] !== null) saved[part] = input[part];
        ctx.bridge.notify("success", t("settings.templates.saved", { event: eventName(event), language: languageName(language) }));
        await reload();
      },
    });
  });

  async function restoreDefault() {
    const sure = await modal(
      t("settings.templates.restoreTitle", { event: eventName(event), language: languageName(language) }),
      h("p", {}, t("settings.templates.restoreBody")),
      [[t("common.cancel"), false], [t("settings.templates.restore"), true, "danger"]],
    );
    if (!sure) {
      restore.focus();
      return;
    }
    await saveForm(ctx, {
      form, submit: restore, failed: t("settings.templates.failed"), mutation: UPDATE,
      variables: { event, language, input: { subject: "", text: "", html: "" } }, field: "returnMessageTemplateUpdate",
      saved: async () => {
        ctx.bridge.notify("success", t("settings.templates.restored", { event: eventName(event), language: languageName(language) }));
        await reload();
      },
    });
  }

  const element = h(
    "div",
    { class: "template-grid" },
    h("div", { class: "template-main" }, card(null, form), card(null, placeholders)),
    h("div", { class: "template-aside" }, preview),
  );
  return { element, isDirty, preview: runPreview };
}

function describe(placeholder) {
  const key = `settings.templates.placeholder.${placeholder.name}`;
  return has(key) ? t(key) : placeholder.description;
}

// Types `text` into a field at its cursor, as if typed (the preview follows).
function insert(control, text) {
  const start = control.selectionStart ?? control.value.length;
  const end = control.selectionEnd ?? start;
  control.setRangeText(text, start, end, "end");
  control.focus();
  control.dispatchEvent(new Event("input", { bubbles: true }));
}
