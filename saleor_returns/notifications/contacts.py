"""Whom a return's e-mail greets and in which language: read once from the order in Saleor, then kept."""

import logging

from saleor_returns.models.notifications import OrderContact
from saleor_returns.saleor.client import SaleorClient, SaleorError, SaleorUnavailable

logger = logging.getLogger(__name__)


def remember_order_contact(return_request, *, language_code: str, customer_name: str = "") -> OrderContact:
    """Keep the order's language (Saleor's LanguageCodeEnum) and the customer's name for the return's
    messages, e.g. when the return is created from an order read with them; no call to Saleor follows."""
    contact, _ = OrderContact.objects.update_or_create(
        return_request=return_request, defaults={"language_code": language_code, "customer_name": customer_name}
    )
    return contact


def contact_for(return_request) -> OrderContact:
    """The return's contact, read from its order in Saleor the first time (raises SaleorUnavailable).

    An order Saleor no longer has, or will not show, leaves the contact empty: the message
    goes out in English without a name rather than never.
    """
    contact = OrderContact.objects.filter(return_request=return_request).first()
    if contact is not None:
        return contact
    try:
        order = SaleorClient.for_installation(return_request.installation).query(
            "OrderContact", {"id": return_request.order_id}
        ).get("order") or {}
    except SaleorUnavailable:
        raise
    except SaleorError:
        logger.warning("The order's contact could not be read", extra={"return_request_id": str(return_request.pk)})
        order = {}
    person = order.get("billingAddress") or order.get("user") or {}
    language_code = order.get("languageCodeEnum") or ""
    return remember_order_contact(
        return_request, language_code=language_code,
        customer_name=full_name(person.get("firstName") or "", person.get("lastName") or "", language_code),
    )


def full_name(first: str, last: str, language_code: str) -> str:
    """"Fang Wang" in English; in Chinese the family name first and no space: "王芳"."""
    if language_code.upper().startswith("ZH"):
        return f"{last}{first}".strip()
    return " ".join(part for part in (first, last) if part)
