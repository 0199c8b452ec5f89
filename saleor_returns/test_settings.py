"""Settings for the test suite: the real settings with test defaults.

Tasks run eagerly at commit in ordinary tests (the worker tests start a real
Celery worker instead); the embedded PostgreSQL for tests keeps its data apart
from `make run`'s. Calls to the Saleor double on 127.0.0.1 need loopback allowed.
"""

import os

from saleor_returns.paths import data_dir

os.environ.setdefault("SALEOR_RETURNS_TESTING", "1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("SALEOR_HTTP_BACKOFF", "0.01")
os.environ.setdefault("SALEOR_HTTP_TIMEOUT", "2")
os.environ.setdefault("DATA_DIR", str(data_dir() / "test"))
os.environ.setdefault("APP_PUBLIC_URL", "https://returns.example.com")
os.environ.setdefault("LOG_FORMAT", "text")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The Saleor doubles listen on 127.0.0.1 with a free port: any Saleor may install, and
# loopback is allowed. The SSRF tests turn these off again with `settings`.
os.environ.setdefault("SALEOR_API_URL_ALLOWLIST", "*")
os.environ.setdefault("HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", "1")

from saleor_returns.settings import *  # noqa: E402,F403
