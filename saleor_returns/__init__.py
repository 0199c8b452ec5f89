"""saleor-returns: a returns-management (RMA) app for Saleor."""

from saleor_returns.celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
