"""`make run`: PostgreSQL, migrations, web server, Celery worker and beat, in one command.

Unless DEMO_SHOP=0 it also serves a demo shop (saleor_returns.demo): a Saleor double
with sample data on DEMO_SALEOR_PORT (default 8011), framed by a Dashboard double,
kept in this process while the app talks to it. Without mail settings (EMAIL_BACKEND,
EMAIL_HOST) the app's e-mail goes to a mail catcher in this process (MAIL_CATCHER_PORT,
default 8025 or any free port), which the demo shop shows at /demo/mail/.

The runner owns every child process: Ctrl-C (or SIGTERM) stops the web server
and Celery first, then the demo shop and the embedded PostgreSQL it started, and
nothing is left running.
"""

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from saleor_returns.notifications.mail_catcher import DEFAULT_PORT as MAIL_CATCHER_DEFAULT_PORT
from saleor_returns.notifications.mail_catcher import PAGE_PATH as MAIL_PAGE_PATH
from saleor_returns.notifications.mail_catcher import MailCatcher
from saleor_returns.paths import data_dir

STOP_TIMEOUT_SECONDS = 15
READY_TIMEOUT_SECONDS = 60


# gunicorn logs through the app's logging: JSON lines (LOG_FORMAT), and an access log of
# method, path, status, size and time only, never query strings or referrers, which may
# carry tokens (webhook keys, lookup tokens).
GUNICORN_LOGGER = "saleor_returns.gunicorn_logging.AppLogger"

def _log(message: str) -> None:
    print(f"[saleor-returns] {message}", flush=True)


def _wait_until_ready(url: str, children: list[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def start_mail_catcher() -> MailCatcher | None:
    """Catch the app's e-mail locally when no mail settings are given, pointing EMAIL_HOST/EMAIL_PORT at it.

    MAIL_CATCHER_PORT chooses the port (then it must be free); else 8025, or any free port.
    """
    if any(os.environ.get(name, "").strip() for name in ("EMAIL_BACKEND", "EMAIL_HOST")):
        return None
    chosen = os.environ.get("MAIL_CATCHER_PORT", "").strip()
    catcher = None
    for port in [int(chosen)] if chosen else [MAIL_CATCHER_DEFAULT_PORT, 0]:
        try:
            catcher = MailCatcher(port).start()
            break
        except OSError:
            continue
    if catcher is None:
        _log(f"E-mail is not caught: port {chosen} is not free; set MAIL_CATCHER_PORT to another one.")
        return None
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(catcher.port)
    return catcher


def use_metrics_folder() -> None:
    """The web workers and the Celery worker count into one folder, emptied at each start, so /metrics adds them up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    folder = data_dir() / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _start_demo_shop(mail_catcher: MailCatcher | None):
    """The demo shop beside the app, or None: DEMO_SHOP=0, or it cannot start (logged with why)."""
    if os.environ.get("DEMO_SHOP", "1").strip().lower() in {"0", "false", "no", "off"}:
        return None
    from saleor_returns.demo import DEFAULT_PORT  # noqa: PLC0415 - needs Django set up
    from saleor_returns.demo.server import DemoShopUnavailable, start_demo_shop  # noqa: PLC0415

    port = int(os.environ.get("DEMO_SALEOR_PORT") or DEFAULT_PORT)
    _log("Starting the demo shop (sample data; DEMO_SHOP=0 turns it off)")
    try:
        return start_demo_shop(port=port, mail_catcher=mail_catcher)
    except DemoShopUnavailable as error:
        _log(f"Demo shop is off: {error}.")
    except Exception as error:  # noqa: BLE001 - the app runs without its demo
        logging.getLogger(__name__).exception("Demo shop could not be seeded")
        _log(f"Demo shop is off: seeding failed ({type(error).__name__}: {error}).")
    return None


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            child.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run() -> int:
    os.environ.setdefault("SALEOR_RETURNS_DEV", "1")
    # A local run installs into any Saleor, and reaches the demo shop (and a Saleor on the
    # same machine) over loopback; private and link-local addresses stay refused.
    for name, local_default in (("SALEOR_API_URL_ALLOWLIST", "*"), ("HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", "1")):
        if not os.environ.get(name, "").strip():
            os.environ[name] = local_default
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")
    owns_database = not os.environ.get("DATABASE_URL")
    mail_catcher = start_mail_catcher()
    use_metrics_folder()

    import django  # noqa: PLC0415 - settings must see the environment set above
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    if owns_database:
        from saleor_returns import embedded_db  # noqa: PLC0415

        _log(f"Starting PostgreSQL (data in {data_dir() / 'postgres'})")
        os.environ["DATABASE_URL"] = embedded_db.ensure_database_url(
            data_dir() / "postgres", stop_on_exit=False
        )
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    _log("Database migrated")

    port = str(settings.PORT)
    python = sys.executable
    bin_dir = Path(python).parent
    children: list[subprocess.Popen] = []
    demo = None
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    # Children ignore the terminal's Ctrl-C: the runner stops them in order. A local run is
    # often root in a container: Celery's warning about it would be most of the start.
    detach = {"start_new_session": True}
    celery_env = dict(os.environ, PYTHONWARNINGS="ignore:You're running the worker with superuser privileges")
    try:
        demo = _start_demo_shop(mail_catcher)
        if demo is not None:
            # The web and worker processes reach the demo shop over HTTP; the desk labels it.
            os.environ["DEMO_SHOP_API_URL"] = demo.api_url
        if mail_catcher is not None:
            shown = f"http://{demo.shop.fake.domain}{MAIL_PAGE_PATH}" if demo is not None else f"127.0.0.1:{mail_catcher.port}"
            _log(f"E-mail is caught, not sent (set EMAIL_HOST to send it): {shown}")
        if stopping:
            return 0
        children.append(
            subprocess.Popen(
                [
                    str(bin_dir / "gunicorn"),
                    "saleor_returns.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--worker-class",
                    "gthread",
                    "--workers",
                    os.environ.get("WEB_CONCURRENCY", "2"),
                    "--threads",
                    "8",
                    "--access-logfile",
                    "-",
                    "--logger-class",
                    GUNICORN_LOGGER,
                ],
                **detach,
            )
        )
        children.append(
            subprocess.Popen(
                [python, "-m", "celery", "-A", "saleor_returns", "-q", "worker", "--concurrency", "2"],
                env=celery_env,
                **detach,
            )
        )
        children.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "saleor_returns",
                    "-q",
                    "beat",
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                ],
                env=celery_env,
                **detach,
            )
        )
        if _wait_until_ready(f"http://127.0.0.1:{port}/healthz", children):
            _log("Ready. Press Ctrl-C to stop.")
            _log(f"Manifest URL to paste into the Saleor Dashboard: {settings.APP_PUBLIC_URL}/api/manifest")
            if demo is not None:
                _log(f"Demo shop (sample data, not a real Saleor), open: {demo.dashboard_url}")
                _log(f"Its returns portal, for customers: {demo.portal_url}")
        elif not stopping:
            _log("The app did not become ready; stopping.")
            stopping = True
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        if not stopping:
            _log("A process exited; stopping the others.")
        return_code = 0 if stopping else 1
    finally:
        _log("Stopping…")
        _stop(children)
        if demo is not None:
            demo.stop()
        if mail_catcher is not None:
            mail_catcher.stop()
        if owns_database:
            from django.db import connections  # noqa: PLC0415

            from saleor_returns import embedded_db  # noqa: PLC0415

            connections.close_all()
            embedded_db.stop(data_dir() / "postgres")
        _log("Stopped.")
    return return_code
