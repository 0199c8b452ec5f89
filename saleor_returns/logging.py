"""Structured logging: one JSON object a line, with secrets redacted and the trace it belongs to."""

import json
import logging
from datetime import datetime, timezone

from saleor_returns.observability.tracing import log_ids

# Attributes every LogRecord has; anything else came in through `extra`.
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Fields never written to a log, whatever their value (STYLE.md: never log
# tokens, signatures, addresses or e-mails).
SECRET_FIELDS = (
    "token",
    "authorization",
    "signature",
    "password",
    "secret",
    "email",
    "address",
    "api_key",
    "credential",
)
REDACTED = "[redacted]"


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_FIELDS)


class RedactSecretsFilter(logging.Filter):
    """Blanks `extra` fields whose names say they hold a secret or personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in list(vars(record)):
            if name not in _STANDARD_ATTRS and _is_secret(name):
                setattr(record, name, REDACTED)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRS and not name.startswith("_"):
                entry[name] = value
        # The span in progress when the line was logged (a request, a task run): the line
        # can be found from the trace, and the trace from the line. A request without a
        # trace is named by its request id instead.
        entry.update(log_ids())
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
