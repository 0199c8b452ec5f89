"""Django app configuration."""

from django.apps import AppConfig


class SaleorReturnsConfig(AppConfig):
    name = "saleor_returns"
    verbose_name = "Saleor returns"
    default_auto_field = "django.db.models.BigAutoField"
