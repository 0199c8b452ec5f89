// Messages in English and Simplified Chinese, following the Dashboard's locale.
//
// Page modules add their own messages with register({en: {...}, "zh-Hans": {...}});
// t("key", {name: value}) fills {name} placeholders. A key missing in Chinese
// falls back to English, and a missing key shows itself (tests catch those).

export const LOCALES = ["en", "zh-Hans"];
const catalog = { en: {}, "zh-Hans": {} };
let current = "en";

// The Dashboard sends codes such as "en", "EN_US", "zh-Hans" or "ZH_HANS".
export function normalizeLocale(code) {
  const value = String(code || "").replace("_", "-").toLowerCase();
  return value.startsWith("zh") ? "zh-Hans" : "en";
}

export function setLocale(code) {
  current = normalizeLocale(code);
  document.documentElement.lang = current;
  return current;
}

export function locale() {
  return current;
}

export function register(messages) {
  for (const code of LOCALES) Object.assign(catalog[code], messages[code] || {});
}

export function t(key, vars = {}) {
  const template = catalog[current][key] ?? catalog.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

export function has(key) {
  return key in catalog.en;
}

// Keys present in English but missing in another language (checked by tests).
export function missing(code) {
  return Object.keys(catalog.en).filter((key) => !(key in catalog[code]));
}

function intlLocale() {
  return current === "zh-Hans" ? "zh-Hans-CN" : "en-US";
}

// Money as the API sends it: {amount: "12.50", currency: "USD"}.
export function formatMoney(money) {
  if (!money) return "—";
  const amount = Number(money.amount);
  try {
    return new Intl.NumberFormat(intlLocale(), { style: "currency", currency: money.currency }).format(amount);
  } catch (error) {
    return `${money.amount} ${money.currency}`;
  }
}

export function formatNumber(value, digits = 0) {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: digits }).format(value);
}

// A share of 0 to 1 as a percentage: 0.3538 → "35.4%"; "—" without one.
export function formatPercent(value, digits = 1) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(intlLocale(), { style: "percent", maximumFractionDigits: digits }).format(Number(value));
}

export function formatDate(value, withTime = true) {
  if (!value) return "—";
  const options = withTime
    ? { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
    : { year: "numeric", month: "short", day: "numeric" };
  return new Intl.DateTimeFormat(intlLocale(), options).format(new Date(value));
}

// "3 hours ago", "2 天前".
export function formatAge(value, now = Date.now()) {
  if (!value) return "—";
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const units = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const formatter = new Intl.RelativeTimeFormat(intlLocale(), { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return formatter.format(Math.round(seconds / size), unit);
  }
  return formatter.format(seconds, "second");
}

export function formatHours(hours) {
  if (hours === null || hours === undefined) return "—";
  if (hours < 48) return t("common.hours", { n: formatNumber(hours, 1) });
  return t("common.days", { n: formatNumber(hours / 24, 1) });
}
