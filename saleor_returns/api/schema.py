"""The app's GraphQL schema. `graphql/schema.graphql` is its printed form."""

import graphene

from saleor_returns import __version__


class RequestorKindEnum(graphene.Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    GUEST = "guest"
    STAFF = "staff"


class Viewer(graphene.ObjectType):
    """Who the API takes the caller to be: handy to check a token."""

    kind = graphene.Field(RequestorKindEnum, required=True)
    user_id = graphene.ID(description="Saleor's global ID of the user, when known.")
    email = graphene.String()
    permissions = graphene.List(graphene.NonNull(graphene.String), required=True)
    saleor_api_url = graphene.String(description="The shop the request was made for.")

    def resolve_kind(requestor, info):
        return requestor.kind.value

    def resolve_permissions(requestor, info):
        return sorted(requestor.permissions)

    def resolve_saleor_api_url(requestor, info):
        return requestor.installation.saleor_api_url if requestor.installation else None


class Query(graphene.ObjectType):
    app_version = graphene.String(required=True, description="Version of the returns app.")
    viewer = graphene.Field(Viewer, required=True)

    def resolve_app_version(root, info):
        return __version__

    def resolve_viewer(root, info):
        return info.context.requestor


schema = graphene.Schema(query=Query)


def printed_schema() -> str:
    """The SDL kept in graphql/schema.graphql (`make schema` rewrites it)."""
    return str(schema).strip() + "\n"
