"""The Celery application: `celery -A saleor_returns worker`."""

import logging.config
import os

from celery import Celery
from celery.signals import celeryd_init, setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")


def configure_logging(**_kwargs) -> None:
    """Workers and beat log like the web processes: Django's LOGGING (one JSON object a line
    with LOG_FORMAT=json), never Celery's own plain-text handlers. Python warnings (Celery's
    superuser warning, deprecations) become log lines too."""
    from django.conf import settings  # noqa: PLC0415 - read when the worker starts

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)


# celeryd_init comes before the worker's first words (its privilege check); setup_logging is
# where Celery would install its own handlers, for the worker and for beat.
celeryd_init.connect(configure_logging)
setup_logging.connect(configure_logging)

app = Celery("saleor_returns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["saleor_returns", "saleor_returns.notifications"])
