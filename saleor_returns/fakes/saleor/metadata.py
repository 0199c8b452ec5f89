"""Metadata: ``updateMetadata`` and ``updatePrivateMetadata``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import GraphQLError

from .common import _metadata_dict, _metadata_items, from_global_id
from .errors import _MISSING_NODE, _invalid, permission_denied
from .schema import RequestContext


# Saleor's PUBLIC/PRIVATE_META_PERMISSION_MAP for the objects the returns app writes to.
_METADATA_PERMISSIONS = {
    "Order": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "OrderLine": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "Fulfillment": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "GiftCard": ("MANAGE_GIFT_CARD",),
    "TransactionItem": ("HANDLE_PAYMENTS",),
}


def _metadata_input(items: Iterable[Mapping] | None, field: str) -> dict[str, str]:
    """MetadataInput items as a dict; an empty key is Saleor's REQUIRED error on ``field``."""
    values: dict[str, str] = {}
    for item in items or ():
        if not item["key"].strip():
            raise _invalid(field, "Metadata key cannot be empty.", "REQUIRED")
        values[item["key"]] = item["value"]
    return values


def _sorted_metadata(values: Mapping[str, str]) -> list[dict]:
    """Metadata items sorted by key, the order Saleor's resolve_metadata answers in."""
    return _metadata_items(dict(sorted(values.items())))


def _has_metadata(items: Iterable[Mapping], key: str, value: str | None) -> bool:
    """Saleor's metadata filter: the key with that value, or just the key when value is null."""
    stored = _metadata_dict(items)
    return key in stored and (value is None or stored[key] == value)


def _metadata_updated_event(
    type_name: str, instance: dict, order: dict | None
) -> tuple[str | None, dict]:
    """The webhook Saleor's TYPE_EXTRA_METHODS send after a metadata change (none for OrderLine)."""
    if type_name == "Order":
        return "ORDER_METADATA_UPDATED", {"order": instance}
    if type_name == "Fulfillment":
        return "FULFILLMENT_METADATA_UPDATED", {"fulfillment": instance, "order": order}
    if type_name == "GiftCard":
        return "GIFT_CARD_METADATA_UPDATED", {"giftCard": instance}
    if type_name == "TransactionItem":
        return "TRANSACTION_ITEM_METADATA_UPDATED", {"transaction": instance}
    return None, {}


class MetadataMixin:
    def _resolve_update_metadata(self, info: Any, id: str, input: list[dict]) -> dict:
        return self._update_metadata(info, id, input, "metadata")

    def _resolve_update_private_metadata(self, info: Any, id: str, input: list[dict]) -> dict:
        return self._update_metadata(info, id, input, "privateMetadata")

    def _update_metadata(self, info: Any, id: str, input: list[dict], key: str) -> dict:
        """``updateMetadata`` and ``updatePrivateMetadata``: set the given keys, keep the rest.

        Implemented for Order (by ID or token), OrderLine, Fulfillment, GiftCard and
        TransactionItem, the objects a returns app writes to.
        """
        context: RequestContext = info.context
        try:
            type_name, _ = from_global_id(id)
        except ValueError:
            type_name = "Order" if any(o.get("token") == id for o in self.orders) else None
            if type_name is None:
                raise _invalid("id", "Couldn't resolve to a node.", "GRAPHQL_ERROR") from None
        schema_type = self.schema.get_type(type_name)
        if schema_type is None:
            raise _invalid("id", f"Invalid type: {type_name}", "GRAPHQL_ERROR")
        if "ObjectWithMetadata" not in {i.name for i in getattr(schema_type, "interfaces", ())}:
            raise _invalid("id", f"Couldn't resolve to a item with meta: {id}", "NOT_FOUND")
        if type_name not in _METADATA_PERMISSIONS:
            raise GraphQLError(f"Metadata of {type_name} is not implemented in the fake.")
        if type_name == "TransactionItem" and context.app is None and not context.is_staff:
            raise permission_denied("HANDLE_PAYMENTS")
        context.require(*_METADATA_PERMISSIONS[type_name])
        found = self._metadata_owner(type_name, id)
        if found is None:
            raise _invalid("id", f"{_MISSING_NODE} {id}", "NOT_FOUND")
        order, instance = found
        items = _metadata_input(input, "input")
        before = _metadata_dict(instance.get(key))
        after = {**before, **items}
        instance[key] = _sorted_metadata(after)
        if after != before:
            event_type, event = _metadata_updated_event(type_name, instance, order)
            if event_type:
                self.emit_event(event_type, event, issuing_principal=context.requestor)
        return {"item": instance}

    def _metadata_owner(self, type_name: str, id: str) -> tuple[dict | None, dict] | None:
        """``(order, object)`` for an object with metadata, by ID (orders also by token)."""
        if type_name == "GiftCard":
            card = next((card for card in self.gift_cards if card["id"] == id), None)
            return (None, card) if card is not None else None
        for order in self.orders:
            if type_name == "Order" and id in (order.get("id"), order.get("token")):
                return order, order
            collection = {
                "OrderLine": order["lines"],
                "Fulfillment": order["fulfillments"],
                "TransactionItem": order["transactions"],
            }.get(type_name, ())
            for item in collection:
                if item.get("id") == id:
                    return order, item
        return None
