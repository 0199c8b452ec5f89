"""The baseline of bench/carrier_webhooks.py: a bare Django view that only inserts the raw body.

Served by gunicorn from the bench, with the app's own settings and database.
"""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")
django.setup()


@csrf_exempt
def bare_view(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_raw_webhook (body) VALUES (%s)", [request.body])
    return HttpResponse("ok")


urlpatterns = [path("hook/", bare_view)]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
