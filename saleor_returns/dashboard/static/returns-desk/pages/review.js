// The KPI review: a quarter (or any days) against the period before or the same days a year
// before, as the app's printable page (/analytics/review.html) shown in a sandboxed frame, with
// Print and Download PDF. Analytics links here with ?from=&to=&channel=; the choice stays in the URL.
//
// Print cannot call print() here: the Dashboard frames the desk with the sandbox
// "allow-same-origin allow-forms allow-scripts allow-downloads allow-popups" (saleor-dashboard
// AppIFrame.tsx), without allow-modals, so browsers ignore print() in the desk, in any frame
// inside it and in any popup it opens (a popup inherits the sandbox). Print asks the app for a
// short-lived signed link to the page instead (returnKpiReviewLinkCreate) and has the Dashboard
// open it: a redirect action with newContext and an absolute URL on another host is answered by
// window.open(to) from the Dashboard's own, unsandboxed window (saleor-dashboard
// src/extensions/views/ViewManifestExtension/components/AppFrame/appActionsHandler.ts,
// useHandleRedirectAction → handleExternalHostChange; app-sdk's actions.Redirect in
// src/app-bridge/actions.ts). The page opened so prints itself once loaded. The link is asked
// for on the click: the click's activation reaches the Dashboard's window too (HTML's activation
// notification marks every ancestor), which lets its window.open past a popup blocker for a few
// seconds.

import { downloadRefusal } from "../api.js";
import { locale, register, t } from "../i18n.js";
import { banner, button, clear, field, h, loadStyle, spinner } from "../ui.js";

register({
  en: {
    "review.title": "KPI review",
    "review.preset": "Period",
    "review.preset.last": "Last quarter",
    "review.preset.this": "This quarter",
    "review.preset.custom": "Custom",
    "review.from": "From",
    "review.to": "To",
    "review.channel": "Channel",
    "review.channelHint": "A channel's slug; empty for every channel",
    "review.compare": "Compare with",
    "review.compare.previous_period": "The period before",
    "review.compare.previous_year": "The same period a year before",
    "review.show": "Show",
    "review.print": "Print",
    "review.pdf": "Download PDF",
    "review.pdfFailed": "The PDF was not downloaded",
    "review.printFailed": "The review was not opened for printing",
    "review.frame": "KPI review, printable page",
    "review.refused": "The review could not be made",
  },
  "zh-Hans": {
    "review.title": "KPI 回顾",
    "review.preset": "时段",
    "review.preset.last": "上季度",
    "review.preset.this": "本季度",
    "review.preset.custom": "自定义",
    "review.from": "开始日期",
    "review.to": "结束日期",
    "review.channel": "渠道",
    "review.channelHint": "渠道标识；留空表示所有渠道",
    "review.compare": "对比",
    "review.compare.previous_period": "上一期",
    "review.compare.previous_year": "上一年同期",
    "review.show": "显示",
    "review.print": "打印",
    "review.pdf": "下载 PDF",
    "review.pdfFailed": "PDF 未能下载",
    "review.printFailed": "未能打开回顾以供打印",
    "review.frame": "KPI 回顾，可打印页面",
    "review.refused": "无法生成回顾",
  },
});

const COMPARISONS = ["previous_period", "previous_year"];
const PRINT_LINK = `
mutation ($period: ReturnAnalyticsPeriodInput!, $channel: String, $compareTo: ReturnKpiComparison, $language: String) {
  returnKpiReviewLinkCreate(period: $period, channel: $channel, compareTo: $compareTo, language: $language) {
    url
    errors { field code message }
  }
}`;

function isoDay(date) {
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${month}-${day}`;
}

// The first and last day of the quarter `offset` quarters from today's (0: this one, -1: the last).
export function quarter(offset, today = new Date()) {
  const index = today.getFullYear() * 4 + Math.floor(today.getMonth() / 3) + offset;
  const year = Math.floor(index / 4);
  const firstMonth = (index % 4) * 3;
  return [isoDay(new Date(year, firstMonth, 1)), isoDay(new Date(year, firstMonth + 3, 0))];
}

function presetOf(from, to) {
  for (const [name, offset] of [["last", -1], ["this", 0]]) {
    const [first, last] = quarter(offset);
    if (from === first && to === last) return name;
  }
  return "custom";
}

function reviewUrl(extension, choice) {
  const query = new URLSearchParams({ from: choice.from, to: choice.to, compare: choice.compare, lang: locale() });
  if (choice.channel) query.set("channel", choice.channel);
  return `/analytics/review.${extension}?${query}`;
}

// The reason the app gave (its JSON errors), else the HTTP status.
// Opens the printable page in a new tab of the Dashboard's window, where print() is allowed.
async function printReview(ctx, choice) {
  try {
    const payload = await ctx.api.mutate(PRINT_LINK, {
      period: { from: choice.from, to: choice.to }, channel: choice.channel || null,
      compareTo: choice.compare.toUpperCase(), language: locale(),
    }, "returnKpiReviewLinkCreate");
    if (payload.errors.length) throw new Error(payload.errors.map((error) => error.message).join(" "));
    if (!(await ctx.bridge.redirect(payload.url, true))) throw new Error(t("review.printFailed"));
  } catch (error) {
    ctx.bridge.notify("error", t("review.printFailed"), ctx.describeError(error));
  }
}

async function downloadPdf(ctx, choice) {
  try {
    await ctx.api.download(reviewUrl("pdf", choice), `return-kpi-review-${choice.from}-${choice.to}.pdf`);
  } catch (error) {
    ctx.bridge.notify("error", t("review.pdfFailed"), error.message);
  }
}

export async function render(ctx) {
  loadStyle("./pages/review.css");
  const [lastFirst, lastLast] = quarter(-1);
  const from = field({ label: t("review.from"), name: "from", type: "date", value: ctx.query.get("from") || lastFirst });
  const to = field({ label: t("review.to"), name: "to", type: "date", value: ctx.query.get("to") || lastLast });
  const fromInput = from.querySelector("input");
  const toInput = to.querySelector("input");
  const preset = field({
    label: t("review.preset"), name: "preset", type: "select", value: presetOf(fromInput.value, toInput.value),
    options: ["last", "this", "custom"].map((name) => [name, t(`review.preset.${name}`)]),
  });
  const presetSelect = preset.querySelector("select");
  const channel = field({
    label: t("review.channel"), name: "channel", value: ctx.query.get("channel") || "", hint: t("review.channelHint"),
  });
  const compare = field({
    label: t("review.compare"), name: "compare", type: "select",
    value: COMPARISONS.includes(ctx.query.get("compare")) ? ctx.query.get("compare") : COMPARISONS[0],
    options: COMPARISONS.map((name) => [name, t(`review.compare.${name}`)]),
  });
  const status = h("div", { class: "review-status", "aria-live": "polite" });
  // The page's HTML is written into a blank page of the app whose own policy lets its inline
  // styles apply; the sandbox lets it run no script, submit no form and open nothing.
  const frame = h("iframe", {
    class: "review-frame", src: `${ctx.config.basePath}frames/message-preview`, sandbox: "allow-same-origin",
    referrerpolicy: "no-referrer", title: t("review.frame"), "data-review": "page",
  });
  const frameReady = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
  let asked = 0;

  function choice() {
    return {
      from: fromInput.value, to: toInput.value, channel: channel.querySelector("input").value.trim(),
      compare: compare.querySelector("select").value,
    };
  }

  async function load() {
    const ticket = ++asked;
    const chosen = choice();
    ctx.replaceRoute("/dashboard/review/", {
      from: chosen.from, to: chosen.to, channel: chosen.channel,
      compare: chosen.compare === COMPARISONS[0] ? "" : chosen.compare,
    });
    clear(status, spinner());
    frame.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(reviewUrl("html", chosen), { headers: ctx.api._headers(), credentials: "omit" });
      if (!response.ok) throw new Error(await downloadRefusal(response));
      const html = await response.text();
      await frameReady;
      if (ticket !== asked || !ctx.isCurrent()) return;
      const page = frame.contentDocument;
      page.open();
      page.write(html);
      page.close();
      frame.style.height = `${page.documentElement.scrollHeight + 24}px`;
      clear(status);
      frame.hidden = false;
    } catch (error) {
      if (ticket !== asked) return;
      frame.hidden = true;
      clear(status, banner("error", t("review.refused"), error.message));
    }
    frame.removeAttribute("aria-busy");
  }

  presetSelect.addEventListener("change", () => {
    if (presetSelect.value === "custom") return;
    [fromInput.value, toInput.value] = quarter(presetSelect.value === "last" ? -1 : 0);
    load();
  });
  for (const input of [fromInput, toInput]) {
    input.addEventListener("change", () => { presetSelect.value = presetOf(fromInput.value, toInput.value); });
  }

  const print = button(t("review.print"), { "data-action": "print", onClick: () => printReview(ctx, choice()) });
  const pdf = button(t("review.pdf"), { "data-action": "pdf", onClick: () => downloadPdf(ctx, choice()) });
  const form = h("form", {
    class: "review-toolbar",
    onsubmit: (event) => {
      event.preventDefault();
      load();
    },
  }, preset, from, to, channel, compare, h("div", { class: "review-actions" },
    button(t("review.show"), { variant: "primary", type: "submit" }), print, pdf));

  clear(ctx.root, h("div", { class: "page-head" }, h("h1", {}, t("review.title"))), form, status, frame);
  await load();
}
