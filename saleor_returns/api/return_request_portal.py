"""Fields of ReturnRequest for the customer's own screens: the portal link and how to send the parcel back.

They are added to the ReturnRequest type before the schema is built (`api/schema.py` imports
this module), so the type's module stays about the return itself.
"""

import graphene

from saleor_returns.api.overview import ReturnAddress
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.models import CarrierAccount, Resolution
from saleor_returns.models import ReturnAddress as ReturnAddressModel
from saleor_returns.return_links import return_link


class ReturnShippingOptions(graphene.ObjectType):
    """How the customer can send the parcel back."""

    prepaid_label = graphene.Boolean(
        required=True, description="The shop sells a prepaid label (returnRequestLabelRequest) once approved."
    )
    own_tracking = graphene.Boolean(
        required=True, description="The customer may ship it themselves and add the tracking number."
    )
    address = graphene.Field(ReturnAddress, description="Where the parcel goes when shipped or dropped off.")


def resolve_portal_url(return_request, info):
    return return_link(return_request)


def resolve_return_shipping(return_request, info):
    if return_request.resolution == Resolution.KEEP_ITEM:
        return ReturnShippingOptions(prepaid_label=False, own_tracking=False, address=None)
    addresses = ReturnAddressModel.objects.filter(installation_id=return_request.installation_id)
    return ReturnShippingOptions(
        prepaid_label=CarrierAccount.objects.filter(
            installation_id=return_request.installation_id, is_default=True, is_active=True
        ).exists(),
        own_tracking=True,
        address=addresses.order_by("-is_default", "name").first(),
    )


ReturnRequest._meta.fields["portal_url"] = graphene.Field(
    graphene.String, resolver=resolve_portal_url,
    description="The hosted returns portal's page of this return (a signed link for its customer).",
)
ReturnRequest._meta.fields["return_shipping"] = graphene.Field(
    ReturnShippingOptions, required=True, resolver=resolve_return_shipping,
    description="How the parcel can be sent back: a prepaid label, the customer's own shipment, and the address.",
)
