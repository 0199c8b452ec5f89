"""Finding a reason of the requestor's shop by its global id."""

from saleor_returns.api.mutations.base import InputError, decode_id
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.ids import is_uuid
from saleor_returns.models import ReturnReason


def load_reason(requestor, global_id: str) -> ReturnReason:
    pk = decode_id(global_id, "ReturnReason")
    reason = ReturnReason.objects.filter(installation=requestor.installation, pk=pk).first() if is_uuid(pk) else None
    if reason is None:
        raise InputError("id", ReturnErrorCode.NOT_FOUND, "No ReturnReason has this id.")
    return reason

