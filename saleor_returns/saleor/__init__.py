"""The Saleor boundary: install protocol, signatures and tokens, the GraphQL client, orders."""
