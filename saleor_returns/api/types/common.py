"""What every part of the API's types shares: ids, the caller, their language, money."""

from decimal import Decimal

import graphene
from django.utils import translation
from graphene import relay

from saleor_returns.access import MANAGE_ORDERS
from saleor_returns.money import quantize


def global_id(type_name: str, pk) -> str:
    return relay.Node.to_global_id(type_name, str(pk))


def is_staff(info) -> bool:
    return info.context.requestor.has_permission(MANAGE_ORDERS)


def language(info) -> str:
    """The caller's language among LANGUAGES, from Accept-Language as Django reads it (q-values
    weighed, zh-CN and zh-Hans both meaning Simplified Chinese); English otherwise."""
    return translation.get_language_from_request(info.context).lower()


class Money(graphene.ObjectType):
    amount = graphene.Decimal(required=True, description="Exact amount, rounded to the currency's precision.")
    currency = graphene.String(required=True, description="ISO 4217 code.")


def money(amount: Decimal, currency: str) -> Money:
    return Money(amount=quantize(Decimal(amount), currency), currency=currency)
