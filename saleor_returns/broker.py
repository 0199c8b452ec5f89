"""The default broker: kombu's SQLAlchemy transport over the app's own PostgreSQL, polling every 0.05 s.

kombu's virtual transports sleep their polling interval (1 s by default) whenever the worker could take
no message — its queues empty, or every worker process busy — before looking again. A second is long
for a busy worker: a process frees up and waits up to a second for its next message, and under load
the queue grows. The interval can't be given as a transport option here (kombu's SQLAlchemy channel
hands the options to SQLAlchemy's `create_engine`, which refuses it), so this transport has its own;
`BROKER_POLLING_INTERVAL` (seconds) sets it.
"""

import os

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sql

# The URL prefix that selects this transport: `returns-sql+postgresql+psycopg://…`.
ALIAS = "returns-sql"


class Transport(kombu_sql.Transport):
    polling_interval = float(os.environ.get("BROKER_POLLING_INTERVAL", "0.05"))


TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
