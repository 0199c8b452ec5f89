"""What of an order can be returned, line by line, and why not."""

import graphene

from saleor_returns import policies, policy_rules
from saleor_returns.api.enums import ResolutionEnum, ReturnErrorCodeEnum
from saleor_returns.api.types.common import Money, money


class Ineligibility(graphene.ObjectType):
    code = graphene.Field(ReturnErrorCodeEnum, required=True)
    message = graphene.String(required=True)


class LineEligibility(graphene.ObjectType):
    order_line_id = graphene.ID(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    sku = graphene.String()
    quantity = graphene.Int(required=True, description="Units ordered.")
    shipped_quantity = graphene.Int(required=True)
    returnable_quantity = graphene.Int(required=True)
    is_returnable = graphene.Boolean(required=True)
    deadline = graphene.DateTime(description="The last moment a return can be requested.")
    unit_price = graphene.Field(Money, required=True)
    allowed_reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    allowed_resolutions = graphene.List(graphene.NonNull(ResolutionEnum), required=True)
    photo_required_reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    ineligible_reasons = graphene.List(graphene.NonNull(Ineligibility), required=True)


class ReturnEligibility(graphene.ObjectType):
    order_id = graphene.ID(required=True)
    order_number = graphene.String(required=True)
    policy_version = graphene.Int(required=True)
    lines = graphene.List(graphene.NonNull(LineEligibility), required=True)


def line_eligibility(order_line, result: policies.LineEligibility, rules: policy_rules.PolicyRules) -> LineEligibility:
    return LineEligibility(
        order_line_id=order_line.id,
        product_name=order_line.product_name or "",
        variant_name=order_line.variant_name or "",
        sku=order_line.sku,
        quantity=order_line.quantity,
        shipped_quantity=result.shipped_quantity,
        returnable_quantity=result.returnable_quantity,
        is_returnable=result.is_returnable,
        deadline=result.deadline,
        unit_price=money(order_line.unit_price_gross.amount, order_line.unit_price_gross.currency),
        allowed_reasons=list(result.allowed_reason_codes),
        allowed_resolutions=list(result.allowed_resolutions),
        photo_required_reasons=list(rules.photo_required_reason_codes),
        ineligible_reasons=[Ineligibility(code=p.code.value, message=p.message) for p in result.ineligible],
    )
