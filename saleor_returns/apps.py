"""Django app configuration."""

import logging

from django.apps import AppConfig

from saleor_returns.catalogs import compile_catalogs

logger = logging.getLogger(__name__)


class SaleorReturnsConfig(AppConfig):
    name = "saleor_returns"
    verbose_name = "Saleor returns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Every process (web, worker, beat, manage, tests and their children) passes here
        # before it translates anything, so a `.po` changed since the install step, or a
        # fresh checkout without `make`, never serves stale or missing translations.
        try:
            compile_catalogs()
        except OSError:
            logger.warning("Message catalogs could not be compiled; translations may be stale", exc_info=True)
