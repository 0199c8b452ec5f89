// The Analytics page's period: a preset (this month, last quarter, …) or custom days, and the channel.

import { t } from "../../i18n.js";
import { button, field, h } from "../../ui.js";

export const PRESETS = ["this-month", "last-month", "this-quarter", "last-quarter", "last-12-months", "custom"];

function isoDay(date) {
  const pad = (value) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// The first and last day of a preset, as of `today` (the browser's calendar day).
export function presetRange(preset, today = new Date()) {
  const year = today.getFullYear();
  const month = today.getMonth();
  const quarter = Math.floor(month / 3) * 3;
  switch (preset) {
    case "last-month":
      return { from: isoDay(new Date(year, month - 1, 1)), to: isoDay(new Date(year, month, 0)) };
    case "this-quarter":
      return { from: isoDay(new Date(year, quarter, 1)), to: isoDay(new Date(year, quarter + 3, 0)) };
    case "last-quarter":
      return { from: isoDay(new Date(year, quarter - 3, 1)), to: isoDay(new Date(year, quarter, 0)) };
    case "last-12-months":
      return { from: isoDay(new Date(year - 1, month, today.getDate() + 1)), to: isoDay(today) };
    default:
      return { from: isoDay(new Date(year, month, 1)), to: isoDay(new Date(year, month + 1, 0)) };
  }
}

// The period the address names: a preset is worked out again for today; custom days are kept.
export function periodFromQuery(query) {
  const from = query.get("from");
  const to = query.get("to");
  let preset = query.get("period");
  if (!PRESETS.includes(preset)) preset = from && to ? "custom" : "this-month";
  if (preset === "custom") return { preset, from: from || "", to: to || "" };
  return { preset, ...presetRange(preset) };
}

// The toolbar: period preset, its days and the channel. `apply({preset, from, to, channel})` runs
// when the staff member picks a preset or channel, or shows custom days.
export function periodToolbar({ state, channels, apply }) {
  const presetField = field({
    label: t("analytics.period"), name: "period", type: "select", value: state.preset,
    options: PRESETS.map((preset) => [preset, t(`analytics.preset.${preset}`)]),
  });
  const fromField = field({ label: t("analytics.from"), name: "from", type: "date", value: state.from });
  const toField = field({ label: t("analytics.to"), name: "to", type: "date", value: state.to });
  const channelField = field({
    label: t("analytics.channel"), name: "channel", type: "select", value: state.channel,
    options: [["", t("analytics.allChannels")], ...channels.map((slug) => [slug, slug])],
  });
  const preset = presetField.querySelector("select");
  const from = fromField.querySelector("input");
  const to = toField.querySelector("input");
  const channel = channelField.querySelector("select");
  const show = button(t("analytics.show"), { variant: "primary", "data-action": "show" });
  const current = () => ({ preset: preset.value, from: from.value, to: to.value, channel: channel.value });

  preset.addEventListener("change", () => {
    if (preset.value !== "custom") {
      const range = presetRange(preset.value);
      from.value = range.from;
      to.value = range.to;
      apply(current());
    }
  });
  for (const input of [from, to]) input.addEventListener("input", () => { preset.value = "custom"; });
  show.addEventListener("click", () => apply(current()));
  channel.addEventListener("change", () => apply(current()));

  const form = h("div", { class: "toolbar analytics-toolbar" },
    presetField, fromField, toField, channelField, h("div", { class: "field field-action" }, show));
  return { element: form, current };
}
