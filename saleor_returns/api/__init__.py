"""The app's GraphQL API (graphene) for storefronts and staff."""
