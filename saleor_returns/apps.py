"""Django app configuration."""

import logging

from django.apps import AppConfig

from saleor_returns.catalogs import compile_catalogs
from saleor_returns.observability.metrics import prepare_shared_folder
from saleor_returns.observability.task_signals import connect_task_signals
from saleor_returns.observability.tracing import configure_tracing

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
        # Traces only when the OTEL_* variables ask for them; tasks are timed and carry the trace anyway.
        configure_tracing()
        prepare_shared_folder()
        connect_task_signals()
