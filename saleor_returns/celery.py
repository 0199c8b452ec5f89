"""The Celery application: `celery -A saleor_returns worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")

app = Celery("saleor_returns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["saleor_returns"])
