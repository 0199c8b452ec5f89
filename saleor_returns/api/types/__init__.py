"""GraphQL object types of the returns API, one module per part of a return's life."""
