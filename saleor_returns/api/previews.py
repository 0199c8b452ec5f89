"""Previews that need Saleor's prices: an exchange's or a replacement's item and price difference."""

from saleor_returns.models import Resolution
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.saleor.variants import variant_unit_price


def preview_replacement(return_request, resolution: str) -> resolution_actions.ReplacementPreview:
    """Priced by Saleor in the order's channel; raises ValidationError as resolving would."""
    variant_id, _ = resolution_actions.replacement_plan(return_request=return_request, resolution=resolution)
    if resolution != Resolution.EXCHANGE:
        # A claim's replacement is the same item again, at no charge: no price to ask for.
        return resolution_actions.replacement_preview(return_request=return_request, resolution=resolution, unit_price=None)
    channel_id = (return_request.order_snapshot or {}).get("channel_id", "")
    unit_price = variant_unit_price(return_request.installation, variant_id, channel_id)
    return resolution_actions.replacement_preview(return_request=return_request, resolution=resolution, unit_price=unit_price)
