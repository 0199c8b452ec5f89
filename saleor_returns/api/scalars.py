"""Custom scalars."""

import graphene


class Upload(graphene.Scalar):
    """A file from a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec)."""

    @staticmethod
    def serialize(value):
        return None

    @staticmethod
    def parse_literal(node, _variables=None):
        return None

    @staticmethod
    def parse_value(value):
        return value
