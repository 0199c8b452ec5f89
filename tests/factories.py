"""factory_boy factories."""

from decimal import Decimal

import factory
from django.utils import timezone

from saleor_returns.installations.actions import current_policy, seed_default_reasons
from saleor_returns.models import Installation, ReturnLine, ReturnPolicy, ReturnReason, ReturnRequest
from saleor_returns.policy_rules import PolicyRules
from saleor_returns.states import ReturnStatus


class InstallationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Installation

    saleor_api_url = factory.Sequence(lambda n: f"https://shop-{n}.example.com/graphql/")
    saleor_domain = factory.LazyAttribute(lambda o: o.saleor_api_url.split("/")[2])
    app_id = factory.Sequence(lambda n: f"QXBwOj{n}")
    app_token = factory.Sequence(lambda n: f"apptoken{n:022d}")
    is_active = True
    installed_at = factory.LazyFunction(timezone.now)


class ReturnPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnPolicy

    installation = factory.SubFactory(InstallationFactory)
    channel_slug = ""
    version = 1
    rules = factory.LazyFunction(lambda: PolicyRules().to_json())
    is_current = True


class ReturnRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnRequest

    installation = factory.SubFactory(InstallationFactory)
    number = factory.Sequence(lambda n: 900000 + n)
    status = ReturnStatus.PENDING_REVIEW
    order_id = factory.Sequence(lambda n: f"T3JkZXI6{n:08d}")
    order_number = factory.Sequence(lambda n: str(1000 + n))
    channel_slug = "default-channel"
    currency = "USD"
    customer_user_id = "VXNlcjo5"
    customer_email = "customer@example.com"
    created_by_kind = "customer"
    created_by_id = "VXNlcjo5"
    policy = factory.LazyAttribute(lambda o: current_policy(installation=o.installation, channel_slug=""))


class ReturnLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnLine

    return_request = factory.SubFactory(ReturnRequestFactory)
    order_line_id = factory.Sequence(lambda n: f"T3JkZXJMaW5lOj{n:06d}")
    product_name = "Sneaker"
    variant_name = "42"
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    reason = factory.LazyAttribute(lambda o: reason_for(o.return_request.installation, "DEFECT"))
    reason_code = factory.LazyAttribute(lambda o: o.reason.code)
    requested_quantity = 1
    currency = factory.LazyAttribute(lambda o: o.return_request.currency)
    unit_price_gross_amount = Decimal("25.00")
    unit_price_net_amount = Decimal("25.00")
    unit_tax_amount = Decimal("0.00")
    undiscounted_unit_price_gross_amount = Decimal("25.00")


def reason_for(installation, code: str) -> ReturnReason:
    seed_default_reasons(installation=installation)
    return ReturnReason.objects.get(installation=installation, code=code)
