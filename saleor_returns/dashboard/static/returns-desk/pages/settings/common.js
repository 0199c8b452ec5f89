// What the settings tabs share: the banner for a tab that failed to load, and form
// helpers for checkbox groups, typed values, repeatable rows and reason options.

import { register, t } from "../../i18n.js";
import { banner, button, clear, h, nextId, spinner } from "../../ui.js";

register({
  en: {
    "settings.loadFailed": "The settings could not be loaded",
    "settings.copy": "Copy",
    "settings.copied": "Copied",
    "settings.copyManually": "Selected: press Ctrl+C (⌘C) to copy.",
    "settings.edit": "Edit",
    "settings.actions": "Actions",
  },
  "zh-Hans": {
    "settings.loadFailed": "无法加载设置",
    "settings.copy": "复制",
    "settings.copied": "已复制",
    "settings.copyManually": "已选中：按 Ctrl+C（⌘C）复制。",
    "settings.edit": "编辑",
    "settings.actions": "操作",
  },
});

export function loadFailed(ctx, panel, error, retry) {
  clear(
    panel,
    banner("error", t("settings.loadFailed"), ctx.describeError(error)),
    h("div", { class: "actions" }, button(t("common.retry"), { onClick: retry })),
  );
}

// What `query` answers for a tab (`variables` given), while `panel` shows a spinner; on a
// failure, null, with the reason and a button that calls `retry`.
export async function loadInto(ctx, panel, query, variables, retry) {
  clear(panel, spinner());
  try {
    return await ctx.api.query(query, variables);
  } catch (error) {
    loadFailed(ctx, panel, error, retry);
    return null;
  }
}

// A group of checkboxes that answers for one API field (a list of codes).
export function checkboxGroup({ label, name, options, values = [], hint = "" }) {
  const chosen = new Set(values);
  const known = new Set(options.map(([value]) => value));
  // Codes the rules name but the shop no longer offers stay visible, so saving keeps them.
  const all = [...options, ...[...chosen].filter((value) => !known.has(value)).map((value) => [value, value])];
  const boxes = all.map(([value, text]) => {
    const id = nextId(name.replace(/[^\w-]/g, "-"));
    const input = h("input", { type: "checkbox", id, value, checked: chosen.has(value) });
    return h("span", { class: "check" }, input, h("label", { for: id }, text));
  });
  const element = h(
    "fieldset",
    { class: "field checkbox-group", "data-field": name },
    h("legend", {}, label),
    h("div", { class: "checks" }, boxes),
    hint ? h("p", { class: "hint" }, hint) : null,
    h("p", { class: "field-error", "aria-live": "polite" }),
  );
  return {
    element,
    value: () => [...element.querySelectorAll("input[type=checkbox]")].filter((box) => box.checked).map((box) => box.value),
  };
}

export function controlOf(element) {
  return element.querySelector("input, select, textarea");
}

export function textValue(element) {
  return controlOf(element).value.trim();
}

// Whole numbers as numbers; anything else is sent as typed for the API to refuse by name.
export function intValue(raw) {
  if (raw === "") return null;
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

// Decimals travel as strings (the API refuses floats).
export function decimalValue(raw, whenEmpty = null) {
  return raw === "" ? whenEmpty : raw.replace(/\s/g, "");
}

export function shown(value) {
  return value === null || value === undefined ? "" : String(value);
}

// A list of rows that can grow and shrink; rows are rebuilt on removal so their
// indexes (and data-field paths) follow the order the API will name them in.
export function repeatable(build, initial, emptyText) {
  const list = h("div", { class: "repeat-list" });
  let rows = [];
  function draw(values) {
    rows = values.map((value, index) =>
      build(index, value, () => {
        const current = rows.map((row) => row.value());
        current.splice(index, 1);
        draw(current);
      }),
    );
    list.replaceChildren(...(rows.length ? rows.map((row) => row.element) : [h("p", { class: "muted" }, emptyText)]));
  }
  draw(initial);
  return {
    element: list,
    values: () => rows.map((row) => row.value()),
    add(value) {
      draw([...rows.map((row) => row.value()), value]);
      const last = rows[rows.length - 1];
      if (last) controlOf(last.element).focus();
    },
  };
}

export function copyRow(value, label) {
  const input = h("input", { type: "text", readonly: true, value, "aria-label": label, class: "webhook-url", "data-copy": "" });
  const status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
  const copy = button(t("settings.copy"), {
    "aria-label": `${t("settings.copy")}: ${label}`,
    onClick: async () => {
      status.textContent = "";
      try {
        if (!navigator.clipboard) throw new Error("no clipboard");
        await navigator.clipboard.writeText(value);
        status.textContent = t("settings.copied");
      } catch (error) {
        // Clipboard access is often refused inside the Dashboard's iframe: select the text instead.
        input.focus();
        input.select();
        let copied = false;
        try {
          copied = document.execCommand("copy");
        } catch (problem) {
          copied = false;
        }
        status.textContent = copied ? t("settings.copied") : t("settings.copyManually");
      }
    },
  });
  return h("div", { class: "copy-row" }, input, copy, status);
}

export function reasonOptions(groups, { activeOnly = false } = {}) {
  const options = [];
  for (const group of groups) {
    for (const reason of group.children || []) {
      if (activeOnly && !reason.isActive) continue;
      options.push([reason.code, `${reason.label} (${reason.code})`]);
    }
  }
  return options;
}
