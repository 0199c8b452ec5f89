// The reasons tab: the return reason taxonomy, grouped under parents, with
// editing, activation and deletion.

import { register, t } from "../../i18n.js";
import { button, card, clear, clearErrors, field, formErrors, h, modal, saveForm, spinner } from "../../ui.js";
import { controlOf, loadFailed } from "./common.js";

register({
  en: {
    "settings.delete": "Delete",
    "settings.deactivate": "Deactivate",
    "settings.activate": "Activate",

    "settings.reasons.title": "Reasons",
    "settings.reasons.intro": "Customers pick one of these reasons. A reason where the shop is at fault ships back free and refunds the original shipping.",
    "settings.reasons.code": "Code",
    "settings.reasons.labelEn": "English label",
    "settings.reasons.labelZhHans": "Chinese label",
    "settings.reasons.merchantFault": "Shop at fault",
    "settings.reasons.active": "Active",
    "settings.reasons.inactive": "Inactive",
    "settings.reasons.group": "Group {code}",
    "settings.reasons.empty": "No reasons in this group.",
    "settings.reasons.none": "No reasons yet.",
    "settings.reasons.editTitle": "Edit {code}",
    "settings.reasons.add": "Add a reason",
    "settings.reasons.codeHint": "Letters, digits and underscores, e.g. WRONG_SIZE. Storefronts send it; it cannot change later.",
    "settings.reasons.parent": "Group",
    "settings.reasons.newGroup": "None: create a new group",
    "settings.reasons.create": "Add reason",
    "settings.reasons.created": "Reason {code} added",
    "settings.reasons.updated": "Reason {code} saved",
    "settings.reasons.nowActive": "Reason {code} activated",
    "settings.reasons.nowInactive": "Reason {code} deactivated: customers can no longer choose it",
    "settings.reasons.deleteTitle": "Delete {code}?",
    "settings.reasons.deleteText": "A reason that requests already use is deactivated instead, so their history stays intact.",
    "settings.reasons.deleted": "Reason {code} deleted",
    "settings.reasons.deactivated": "{code} is used by return requests, so it was deactivated instead of deleted.",
    "settings.reasons.failed": "The reason was not saved",
    "settings.reasons.deleteFailed": "The reason was not deleted",
  },
  "zh-Hans": {
    "settings.delete": "删除",
    "settings.deactivate": "停用",
    "settings.activate": "启用",

    "settings.reasons.title": "退货原因",
    "settings.reasons.intro": "客户从这些原因中选择。商家责任的原因免退货运费，并退还原运费。",
    "settings.reasons.code": "代码",
    "settings.reasons.labelEn": "英文名称",
    "settings.reasons.labelZhHans": "中文名称",
    "settings.reasons.merchantFault": "商家责任",
    "settings.reasons.active": "启用",
    "settings.reasons.inactive": "已停用",
    "settings.reasons.group": "分组 {code}",
    "settings.reasons.empty": "此分组下没有原因。",
    "settings.reasons.none": "尚无退货原因。",
    "settings.reasons.editTitle": "编辑 {code}",
    "settings.reasons.add": "添加原因",
    "settings.reasons.codeHint": "字母、数字和下划线，例如 WRONG_SIZE。店面会发送此代码，保存后不可修改。",
    "settings.reasons.parent": "分组",
    "settings.reasons.newGroup": "无：新建分组",
    "settings.reasons.create": "添加原因",
    "settings.reasons.created": "已添加原因 {code}",
    "settings.reasons.updated": "已保存原因 {code}",
    "settings.reasons.nowActive": "已启用原因 {code}",
    "settings.reasons.nowInactive": "已停用原因 {code}：客户将无法再选择",
    "settings.reasons.deleteTitle": "删除 {code}？",
    "settings.reasons.deleteText": "已被退货申请使用的原因会改为停用，以保留其历史记录。",
    "settings.reasons.deleted": "已删除原因 {code}",
    "settings.reasons.deactivated": "{code} 已被退货申请使用，因此已停用而非删除。",
    "settings.reasons.failed": "原因未保存",
    "settings.reasons.deleteFailed": "原因未删除",
  },
});

const REASON_FIELDS = "id code label labelEn labelZhHans isMerchantFault isActive";
const REASONS = `
query ReasonSettings {
  returnReasons(includeInactive: true) { ${REASON_FIELDS} children { ${REASON_FIELDS} } }
}`;
const REASON_CREATE = `
mutation ReasonCreate($input: ReturnReasonCreateInput!) {
  returnReasonCreate(input: $input) { reason { id code } errors { field code message } }
}`;
const REASON_UPDATE = `
mutation ReasonUpdate($id: ID!, $input: ReturnReasonUpdateInput!) {
  returnReasonUpdate(id: $id, input: $input) { reason { id code } errors { field code message } }
}`;
const REASON_DELETE = `
mutation ReasonDelete($id: ID!) {
  returnReasonDelete(id: $id) { deleted reason { id isActive } errors { field code message } }
}`;

export async function reasonsPanel(ctx, panel) {
  const list = h("div", { class: "reason-groups" }, spinner());
  let groups = [];

  async function load() {
    try {
      groups = (await ctx.api.query(REASONS)).returnReasons;
    } catch (error) {
      loadFailed(ctx, list, error, load);
      return;
    }
    drawList();
    fillParents();
  }

  function drawList() {
    if (!groups.length) {
      clear(list, h("p", { class: "empty" }, t("settings.reasons.none")));
      return;
    }
    clear(list, groups.map((group) => groupBlock(group)));
  }

  function actionsFor(reason, placeEditor) {
    return h(
      "div",
      { class: "reason-actions" },
      button(t("settings.edit"), {
        variant: "link", "data-action": "edit", "aria-label": `${t("settings.edit")} ${reason.code}`,
        onClick: () => {
          list.querySelectorAll(".reason-editor").forEach((editor) => editor.remove());
          placeEditor(reasonEditor(ctx, reason, load));
        },
      }),
      button(reason.isActive ? t("settings.deactivate") : t("settings.activate"), {
        variant: "link", "data-action": reason.isActive ? "deactivate" : "activate",
        "aria-label": `${reason.isActive ? t("settings.deactivate") : t("settings.activate")} ${reason.code}`,
        onClick: () => toggleReason(ctx, reason, load),
      }),
      button(t("settings.delete"), {
        variant: "link", "data-action": "delete", "aria-label": `${t("settings.delete")} ${reason.code}`,
        onClick: () => deleteReason(ctx, reason, load),
      }),
    );
  }

  function groupBlock(group) {
    const head = h(
      "div",
      { class: "reason-group-head", "data-reason": group.code },
      h("h3", {}, group.label, " ", h("code", {}, group.code)),
      group.isActive ? null : h("span", { class: "badge badge-canceled" }, t("settings.reasons.inactive")),
    );
    head.append(actionsFor(group, (editor) => head.after(h("div", { class: "reason-editor" }, editor))));
    const rows = (group.children || []).map((reason) => {
      const row = h(
        "tr",
        { "data-reason": reason.code, class: reason.isActive ? "" : "inactive" },
        h("td", {}, h("code", {}, reason.code)),
        h("td", {}, reason.labelEn),
        h("td", { lang: "zh-Hans" }, reason.labelZhHans || "—"),
        h("td", {}, reason.isMerchantFault ? t("common.yes") : t("common.no")),
        h("td", {}, reason.isActive ? t("common.yes") : h("span", { class: "badge badge-canceled" }, t("settings.reasons.inactive"))),
      );
      row.append(h("td", {}, actionsFor(reason, (editor) => row.after(h("tr", { class: "reason-editor" }, h("td", { colspan: "6" }, editor))))));
      return row;
    });
    return h(
      "section",
      { class: "reason-group", "aria-label": t("settings.reasons.group", { code: group.code }) },
      head,
      rows.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "reason-table" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["code", "labelEn", "labelZhHans", "merchantFault", "active"].map((key) => h("th", { scope: "col" }, t(`settings.reasons.${key}`))),
                  h("th", { scope: "col" }, t("settings.actions")),
                ),
              ),
              h("tbody", {}, rows),
            ),
          )
        : h("p", { class: "muted" }, t("settings.reasons.empty")),
    );
  }

  // Add a reason.
  const parent = field({ label: t("settings.reasons.parent"), name: "parentCode", type: "select", options: [] });
  function fillParents() {
    const select = controlOf(parent);
    const current = select.value;
    select.replaceChildren(
      h("option", { value: "" }, t("settings.reasons.newGroup")),
      ...groups.map((group) => h("option", { value: group.code }, `${group.label} (${group.code})`)),
    );
    select.value = groups.some((group) => group.code === current) ? current : groups.length ? groups[0].code : "";
  }
  const addButton = button(t("settings.reasons.create"), { variant: "primary", type: "submit", "data-action": "add-reason" });
  const addForm = h(
    "form",
    { class: "reason-add", novalidate: true },
    formErrors(),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.code"), name: "code", required: true, hint: t("settings.reasons.codeHint"), attrs: { autocomplete: "off", spellcheck: "false" } }),
      parent,
    ),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.labelEn"), name: "labelEn", required: true }),
      field({ label: t("settings.reasons.labelZhHans"), name: "labelZhHans", attrs: { lang: "zh-Hans" } }),
    ),
    field({ label: t("settings.reasons.merchantFault"), name: "isMerchantFault", type: "checkbox" }),
    h("div", { class: "actions" }, addButton),
  );
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(addForm);
    const value = (name) => addForm.querySelector(`[data-field="${name}"] input, [data-field="${name}"] select`);
    const input = {
      code: value("code").value.trim(),
      labelEn: value("labelEn").value.trim(),
      labelZhHans: value("labelZhHans").value.trim() || null,
      parentCode: value("parentCode").value || null,
      isMerchantFault: value("isMerchantFault").checked,
    };
    await saveForm(ctx, {
      form: addForm,
      submit: addButton,
      failed: t("settings.reasons.failed"),
      mutation: REASON_CREATE,
      variables: { input },
      field: "returnReasonCreate",
      saved: async (result) => {
        ctx.bridge.notify("success", t("settings.reasons.created", { code: result.reason.code }));
        addForm.reset();
        await load();
      },
    });
  });

  clear(
    panel,
    card(t("settings.reasons.title"), h("p", { class: "muted" }, t("settings.reasons.intro")), list),
    card(t("settings.reasons.add"), addForm),
  );
  await load();
}

function reasonEditor(ctx, reason, reload) {
  const save = button(t("common.save"), { variant: "primary", type: "submit", "data-action": "save-reason" });
  const form = h(
    "form",
    { class: "reason-edit-form", novalidate: true, "data-editing": reason.code, "aria-label": t("settings.reasons.editTitle", { code: reason.code }) },
    h("h4", {}, t("settings.reasons.editTitle", { code: reason.code })),
    formErrors(),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.labelEn"), name: "labelEn", value: reason.labelEn, required: true }),
      field({ label: t("settings.reasons.labelZhHans"), name: "labelZhHans", value: reason.labelZhHans, attrs: { lang: "zh-Hans" } }),
    ),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.merchantFault"), name: "isMerchantFault", type: "checkbox", value: reason.isMerchantFault }),
      field({ label: t("settings.reasons.active"), name: "isActive", type: "checkbox", value: reason.isActive }),
    ),
    h(
      "div",
      { class: "actions" },
      save,
      button(t("common.cancel"), { onClick: () => form.closest(".reason-editor").remove() }),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const control = (name) => form.querySelector(`[data-field="${name}"] input`);
    const input = {
      labelEn: control("labelEn").value.trim(),
      labelZhHans: control("labelZhHans").value.trim(),
      isMerchantFault: control("isMerchantFault").checked,
      isActive: control("isActive").checked,
    };
    await saveForm(ctx, {
      form,
      submit: save,
      failed: t("settings.reasons.failed"),
      mutation: REASON_UPDATE,
      variables: { id: reason.id, input },
      field: "returnReasonUpdate",
      saved: async () => {
        ctx.bridge.notify("success", t("settings.reasons.updated", { code: reason.code }));
        await reload();
      },
    });
  });
  setTimeout(() => controlOf(form).focus(), 0);
  return form;
}

async function toggleReason(ctx, reason, reload) {
  const isActive = !reason.isActive;
  try {
    const result = await ctx.api.mutate(REASON_UPDATE, { id: reason.id, input: { isActive } }, "returnReasonUpdate");
    if (result.errors.length) {
      ctx.bridge.notify("error", t("settings.reasons.failed"), result.errors[0].message);
      return;
    }
    ctx.bridge.notify("success", t(isActive ? "settings.reasons.nowActive" : "settings.reasons.nowInactive", { code: reason.code }));
    await reload();
  } catch (error) {
    ctx.bridge.notify("error", t("settings.reasons.failed"), ctx.describeError(error));
  }
}

async function deleteReason(ctx, reason, reload) {
  const choice = await modal(
    t("settings.reasons.deleteTitle", { code: reason.code }),
    h("p", {}, t("settings.reasons.deleteText")),
    [[t("common.cancel"), null], [t("settings.delete"), "delete", "danger"]],
  );
  if (choice !== "delete") return;
  try {
    const result = await ctx.api.mutate(REASON_DELETE, { id: reason.id }, "returnReasonDelete");
    if (result.errors.length) {
      ctx.bridge.notify("error", t("settings.reasons.deleteFailed"), result.errors[0].message);
      return;
    }
    if (result.deleted) ctx.bridge.notify("success", t("settings.reasons.deleted", { code: reason.code }));
    else ctx.bridge.notify("info", t("settings.reasons.deactivated", { code: reason.code }));
    await reload();
  } catch (error) {
    ctx.bridge.notify("error", t("settings.reasons.deleteFailed"), ctx.describeError(error));
  }
}
