"""The GraphQL endpoint: authenticates, then runs graphene."""

import json

from django.http import HttpResponse
from graphene_django.views import GraphQLView

from saleor_returns.api.authentication import AuthenticationFailed, authenticate


def unauthenticated(message: str) -> HttpResponse:
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return HttpResponse(json.dumps(body), status=401, content_type="application/json")


class ReturnsGraphQLView(GraphQLView):
    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" or request.headers.get("Authorization") or request.headers.get("Saleor-Api-Url"):
            try:
                request.requestor = authenticate(request)
            except AuthenticationFailed as error:
                return unauthenticated(str(error))
        else:
            # GraphiQL in a browser: anonymous, no shop.
            request.requestor = authenticate(request)
        return super().dispatch(request, *args, **kwargs)
