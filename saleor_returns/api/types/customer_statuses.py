"""The shop's status of a customer (VIP, watch, block), as staff see it on a return and in the ranking."""

import graphene

from saleor_returns.models import CustomerStatus as CustomerStatusModel

ReturnCustomerStatusEnum = graphene.Enum(
    "ReturnCustomerStatusEnum",
    [(value.upper(), value) for value in CustomerStatusModel.Status.values],
    description="vip (may be approved beyond the rules, per the policy), watch and block (always left for staff).",
)


class ReturnCustomerStatus(graphene.ObjectType):
    """What the shop decided about a customer."""

    customer = graphene.String(required=True, description='"user:<Saleor user id>" or "email:<address>".')
    status = graphene.Field(ReturnCustomerStatusEnum, required=True)
    note = graphene.String(required=True)
    set_by = graphene.String(required=True)
    set_at = graphene.DateTime(required=True)

    def resolve_customer(status, info):
        return status.customer_key

    def resolve_status(status, info):
        return CustomerStatusModel.Status(status.status).value
