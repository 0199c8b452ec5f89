// One row of the returns table: the request's number linking to its detail page,
// its order, customer, kind, status, value, age and item count.

import { formatAge, formatDate, register, t } from "../../i18n.js";
import { h, money, statusBadge } from "../../ui.js";
import { itemCount } from "./query.js";

register({
  en: {
    "list.selectRow": "Select {number}",
  },
  "zh-Hans": {
    "list.selectRow": "选择 {number}",
  },
});

// One return request's row; in the review queue it starts with a checkbox that
// reports its state to onSelect.
export function returnRow(ctx, node, { selectable, isSelected, busy, onSelect }) {
  const href = ctx.deskUrl(`/dashboard/returns/${node.id}/`);
  return h(
    "tr",
    { "data-id": node.id, "data-number": node.number, class: isSelected ? "is-selected" : null },
    selectable
      ? h(
          "td",
          { class: "col-select" },
          h("input", {
            type: "checkbox",
            "aria-label": t("list.selectRow", { number: node.number }),
            "data-select": node.id,
            checked: isSelected,
            disabled: busy,
            onchange: (event) => onSelect(event.target.checked),
          }),
        )
      : null,
    h(
      "td",
      { class: "col-number" },
      h(
        "a",
        {
          href,
          class: "rma-link",
          onclick: (event) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
            event.preventDefault();
            ctx.navigate(`/dashboard/returns/${node.id}/`);
          },
        },
        node.number,
      ),
    ),
    h("td", {}, `#${node.orderNumber}`),
    h("td", { class: "col-email" }, node.customerEmail),
    h("td", {}, t(`kind.${node.kind}`)),
    h("td", {}, statusBadge(node.status)),
    h("td", { class: "num" }, money(node.requestedValue)),
    h("td", {}, h("time", { datetime: node.createdAt, title: formatDate(node.createdAt) }, formatAge(node.createdAt))),
    h("td", { class: "num" }, String(itemCount(node))),
  );
}
