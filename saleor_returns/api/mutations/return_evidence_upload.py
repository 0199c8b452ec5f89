"""returnEvidenceUpload: a photo or PDF, sent as a GraphQL multipart request."""

import graphene

from saleor_returns.api.errors import error
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.scalars import Upload
from saleor_returns.api.types.return_requests import Evidence
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.requests import evidence as request_evidence


class ReturnEvidenceUpload(ReturnMutation):
    """Upload first, then reference the id in returnRequestCreate or returnRequestAddInfo."""

    customers_allowed = True

    class Arguments:
        file = Upload(
            required=True,
            description="JPEG, PNG, WebP, HEIC or PDF, at most 10 MB. Photos are stored re-encoded, without "
            "metadata (HEIC as JPEG).",
        )

    evidence = graphene.Field(Evidence)

    @classmethod
    def perform(cls, info, requestor, actor, file):
        if not hasattr(file, "read"):
            return cls(errors=[error("file", ReturnErrorCode.INVALID_FILE, "Send the file as a multipart upload.")])
        evidence = request_evidence.upload_evidence(installation=requestor.installation, uploaded_by=actor, uploaded_file=file)
        return cls(evidence=evidence, errors=[])
