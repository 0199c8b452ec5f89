// Settings: the return policy per channel, the reason taxonomy, carrier accounts
// and the return address, the returns portal, the messages to customers (templates,
// the e-mail sender), the webhooks to the shop's systems and the sales history (its backfill).
//
// The policy form edits the rules JSON the API stores (snake_case keys, decimals
// as strings). Each control's data-field is the camelCase path the API names in
// its errors ("windowDays", "autoApproval.maxValue", "restockingFees.0.percentage"),
// so every refusal lands next to its control. Settings the form does not show are
// sent back as they were loaded.
//
// Each tab is a module in ./settings/ (the API keys tab is settings-keys.js).

import { register, t } from "../i18n.js";
import { banner, clear, h, loadStyle, readOnlyWhen } from "../ui.js";
import { policyPanel } from "./settings/policy.js";
import { reasonsPanel } from "./settings/reasons.js";
import { carriersPanel } from "./settings/carriers.js";
import { portalPanel } from "./settings/portal.js";
import { templatesPanel } from "./settings/templates.js";
import { senderPanel } from "./settings/sender.js";
import { webhooksPanel } from "./settings/webhooks.js";
import { salesPanel } from "./settings/sales.js";
import { keysPanel } from "./settings-keys.js";

register({
  en: {
    "settings.title": "Settings",
    "settings.tabs": "Settings sections",
    "settings.tab.policy": "Return policy",
    "settings.tab.reasons": "Reasons",
    "settings.tab.carriers": "Carriers",
    "settings.tab.portal": "Returns portal",
    "settings.tab.templates": "Message templates",
    "settings.tab.sender": "E-mail sender",
    "settings.tab.webhooks": "Webhooks",
    "settings.hiddenTitle": "Not available",
    "settings.hidden": "Seeing and changing these settings needs {permissions} in Saleor.",
  },
  "zh-Hans": {
    "settings.title": "设置",
    "settings.tabs": "设置分区",
    "settings.tab.policy": "退货政策",
    "settings.tab.reasons": "退货原因",
    "settings.tab.carriers": "物流商",
    "settings.tab.portal": "退货门户",
    "settings.tab.templates": "消息模板",
    "settings.tab.sender": "邮件发件人",
    "settings.tab.webhooks": "Webhook",
    "settings.hiddenTitle": "无法使用",
    "settings.hidden": "查看和修改这些设置需要 Saleor 权限：{permissions}。",
  },
});

const TABS = ["policy", "reasons", "carriers", "portal", "templates", "sender", "webhooks", "sales", "keys"];

// ------------------------------------------------------------------ page

// The staff action (viewer.actions) each tab's changes need.
const TAB_ACTIONS = {
  policy: "settings", reasons: "settings", carriers: "integrations", portal: "settings",
  templates: "integrations", sender: "integrations", webhooks: "integrations", sales: "review", keys: "integrations",
};
// Tabs whose settings the API shows only to staff who may change them.
const UNREADABLE_WITHOUT_PERMISSION = new Set(["templates", "sender", "webhooks"]);

export async function render(ctx) {
  loadStyle("pages/settings.css");
  const requested = ctx.query.get("tab");
  let selected = TABS.includes(requested) ? requested : "policy";
  const loaded = new Set();
  const tabs = {};
  const panels = {};
  const bodies = {};
  const loaders = {
    policy: policyPanel, reasons: reasonsPanel, carriers: carriersPanel, portal: portalPanel,
    templates: templatesPanel, sender: senderPanel, webhooks: webhooksPanel, sales: salesPanel, keys: keysPanel,
  };

  const tablist = h("div", { class: "tabs settings-tabs", role: "tablist", "aria-label": t("settings.tabs") });
  for (const name of TABS) {
    tabs[name] = h(
      "button",
      {
        class: "tab", type: "button", role: "tab", id: `settings-tab-${name}`, "aria-controls": `settings-panel-${name}`,
        "data-tab": name, onclick: () => select(name, true),
      },
      t(`settings.tab.${name}`),
    );
    panels[name] = h("section", { class: "settings-panel", role: "tabpanel", id: `settings-panel-${name}`, "aria-labelledby": `settings-tab-${name}` });
    // Staff without the permission to change a tab's settings still read them, where the API lets them.
    bodies[name] = h("div", { class: "settings-panel-body" });
    const missing = ctx.missing(TAB_ACTIONS[name]);
    if (missing.length && UNREADABLE_WITHOUT_PERMISSION.has(name)) {
      panels[name].append(banner("info", t("settings.hiddenTitle"), t("settings.hidden", { permissions: missing.join(", ") })));
      loaded.add(name);
    } else {
      panels[name].append(...readOnlyWhen(missing, bodies[name]));
    }
    tablist.append(tabs[name]);
  }
  tablist.addEventListener("keydown", (event) => {
    const index = TABS.indexOf(selected);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(TABS[(moves[event.key] + TABS.length) % TABS.length], true);
    tabs[selected].focus();
  });

  function select(name, remember) {
    selected = name;
    for (const other of TABS) {
      const active = other === name;
      tabs[other].setAttribute("aria-selected", String(active));
      tabs[other].tabIndex = active ? 0 : -1;
      panels[other].hidden = !active;
    }
    if (remember) ctx.replaceRoute("/dashboard/settings/", { tab: name === "policy" ? null : name });
    if (!loaded.has(name)) {
      loaded.add(name);
      loaders[name](ctx, bodies[name]);
    }
  }

  clear(ctx.root, h("div", { class: "page-head" }, h("h1", {}, t("settings.title"))), tablist, TABS.map((name) => panels[name]));
  select(selected, false);
  return undefined;
}
