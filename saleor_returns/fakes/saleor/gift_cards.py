"""Gift cards: ``giftCardCreate``, ``giftCards`` and ``GiftCard.code``."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from babel.numbers import get_currency_precision
from graphql import GraphQLError

from .common import _connection, _money, _now_iso
from .errors import _EMAIL, PermissionDenied, _decimal_argument, _invalid
from .metadata import _has_metadata, _metadata_input, _sorted_metadata
from .schema import RequestContext


class GiftCardsMixin:
    def _resolve_gift_card_create(self, info: Any, input: dict) -> dict:
        """``giftCardCreate``: store credit with an exact balance and a generated code."""
        context: RequestContext = info.context
        context.require("MANAGE_GIFT_CARD")
        code = input.get("code")
        if code and any(card["code"] == code for card in self.gift_cards):
            raise _invalid("code", "Promo code already exists.", "ALREADY_EXISTS")
        code = code or self._new_gift_card_code()
        expiry_date = input.get("expiryDate")
        if expiry_date and datetime.date.fromisoformat(str(expiry_date)) <= datetime.date.today():
            raise _invalid("expiryDate", "Expiry date must be in the future.", "INVALID")
        balance = input["balance"]
        currency = balance["currency"]
        amount = _decimal_argument(balance["amount"], "balance")
        precision = get_currency_precision(currency)
        if amount and amount.normalize().as_tuple().exponent < -precision:
            message = f"Value cannot have more than {precision} decimal places."
            raise _invalid("balance", message, "INVALID")
        if not amount > 0:
            raise _invalid("balance", "Balance amount have to be greater than 0.", "INVALID")
        email = input.get("userEmail")
        if email:
            if not _EMAIL.fullmatch(email):
                raise _invalid("email", "Provided email is invalid.", "INVALID")
            if not input.get("channel"):
                message = "Channel slug must be specified when user_email is provided."
                raise _invalid("channel", message, "REQUIRED")
        assigned_to = None
        if input.get("assignedTo"):
            assigned_to = self._user_or_error(input["assignedTo"], "assignedTo")
        metadata = _metadata_input(input.get("metadata"), "metadata")
        private_metadata = _metadata_input(input.get("privateMetadata"), "privateMetadata")
        user = context.user
        card = {
            "__typename": "GiftCard",
            "id": self.new_id("GiftCard"),
            "code": code,
            "displayCode": code[-4:],
            "last4CodeChars": code[-4:],
            "created": _now_iso(),
            "createdBy": user,
            "createdByEmail": user["email"] if user else None,
            "usedBy": None,
            "usedByEmail": None,
            "assignedTo": assigned_to,
            "assignedToEmail": assigned_to["email"] if assigned_to else None,
            "app": context.app,
            "product": None,
            "lastUsedOn": None,
            "expiryDate": str(expiry_date) if expiry_date else None,
            "isActive": bool(input["isActive"]),
            "boughtInChannel": None,
            "initialBalance": _money(amount, currency),
            "currentBalance": _money(amount, currency),
            "tags": [
                {"__typename": "GiftCardTag", "id": self.new_id("GiftCardTag"), "name": tag}
                for tag in input.get("addTags") or ()
            ],
            "events": [],
            "metadata": _sorted_metadata(metadata),
            "privateMetadata": _sorted_metadata(private_metadata),
            "_note": input.get("note"),
        }
        self.gift_cards.append(card)
        self.emit_event(
            "GIFT_CARD_CREATED", {"giftCard": card}, issuing_principal=context.requestor
        )
        return {"giftCard": card}

    def _new_gift_card_code(self) -> str:
        """Saleor's generate_promo_code: 12 upper-case hex digits in groups of 4, unique."""
        while True:
            digits = secrets.token_hex(6).upper()
            code = "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
            if all(card["code"] != code for card in self.gift_cards):
                return code

    def _resolve_gift_cards(self, info: Any, **args: Any) -> dict:
        info.context.require("MANAGE_GIFT_CARD")
        unsupported = set(args) - {"first", "last", "filter"}
        if unsupported:
            raise GraphQLError(
                f"giftCards({', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        filter_ = args.get("filter") or {}
        unsupported = set(filter_) - {"metadata", "isActive", "tags", "used"}
        if unsupported:
            raise GraphQLError(
                f"giftCards(filter: {', '.join(sorted(unsupported))}) "
                "is not implemented in the fake."
            )
        cards = list(self.gift_cards)
        for item in filter_.get("metadata") or ():
            cards = [
                card
                for card in cards
                if _has_metadata(card["metadata"], item["key"], item.get("value"))
            ]
        if filter_.get("isActive") is not None:
            cards = [card for card in cards if card["isActive"] == filter_["isActive"]]
        if filter_.get("tags"):
            wanted = set(filter_["tags"])
            cards = [card for card in cards if wanted & {tag["name"] for tag in card["tags"]}]
        if filter_.get("used") is not None:
            cards = [card for card in cards if (card["usedByEmail"] is not None) == filter_["used"]]
        # GiftCard's default ordering is by code.
        cards.sort(key=lambda card: card["code"])
        return _connection(cards, info, args, "GiftCard", "code")

    @staticmethod
    def _resolve_gift_card_code(card: dict, info: Any, **args: Any) -> str:
        context: RequestContext = info.context
        requestor = context.requestor
        owners = {(card.get(key) or {}).get("id") for key in ("usedBy", "assignedTo")} - {None}
        if requestor is not None and (
            requestor.get("id") in owners or context.has_perm("MANAGE_GIFT_CARD")
        ):
            return card["code"]
        raise PermissionDenied(permissions=["OWNER", "MANAGE_GIFT_CARD"])
