"""WSGI entry point: `gunicorn saleor_returns.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")

application = get_wsgi_application()
