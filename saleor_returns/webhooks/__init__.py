"""Incoming webhooks: from Saleor (saleor/) and from carriers."""
