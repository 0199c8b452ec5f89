"""gunicorn's error and access logs through the app's logging (`--logger-class`).

With LOG_FORMAT=json every line gunicorn writes is one JSON object, like the
app's own. The access log names method, path, status, size and duration, never
the query string or the referrer, which may carry tokens (webhook keys, lookup
tokens), and the request's `trace_id` and `span_id` when it had a trace (tracing
on, or a `traceparent` sent by the caller), else its `request_id`, like the lines
the app logged meanwhile.
"""

import logging
import logging.config

from gunicorn.glogging import Logger

from saleor_returns.observability.tracing import LOG_IDS_ENVIRON_KEY


class AppLogger(Logger):
    def setup(self, cfg) -> None:
        from django.conf import settings  # noqa: PLC0415 - gunicorn loads this before the app

        logging.config.dictConfig(settings.LOGGING)
        logging.captureWarnings(True)
        # Levels come from LOGGING (gunicorn.error at WARNING unless GUNICORN_LOG_LEVEL says otherwise).
        self.error_log = logging.getLogger("gunicorn.error")
        self.access_log = logging.getLogger("gunicorn.access")
        self.access_log.propagate = self.error_log.propagate = True
        # Handlers live on the root logger only (no doubled lines).
        self.error_log.handlers = []
        self.access_log.handlers = []

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        extra = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        }
        # Left by the request's middleware: the span has ended by now.
        extra.update(environ.get(LOG_IDS_ENVIRON_KEY) or {})
        self.access_log.info("%s %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status, extra=extra)
