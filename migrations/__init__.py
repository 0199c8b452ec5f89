"""Migrations of saleor_returns (installed as saleor_returns.migrations)."""
