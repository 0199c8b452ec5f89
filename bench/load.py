"""A mixed load on the app: gunicorn, a real Celery worker, the Saleor double over HTTP, driven by locust.

Serves the app under gunicorn on loopback with a Celery worker beside it, the Saleor double answering
the app's calls, then runs locust headless at a fixed number of users (each sends its next request as
soon as the last is answered) for a fixed time:

- customers check an order's eligibility and request returns (Saleor customer tokens, one order each);
- staff list the shop's returns and open one (the Dashboard's token);
- carriers post signed tracking events (the generic signed JSON webhook);
- Saleor posts ORDER_UPDATED, signed with the double's key as Saleor signs them.

The broker is the app's PostgreSQL unless `--redis`: then REDIS_URL, or a redis-server started on a
free port in a temporary folder (Debian's, installed with apt-get when missing and possible).

    .venv/bin/python bench/load.py [--seconds 60] [--users 20] [--redis]

Prints per kind the requests and p50 / p95 / p99, the webhooks the worker had not applied yet a minute
after the load (its backlog), requests per second and, last, `errors=<count>` (must be 0): requests
answered with an error status, GraphQL errors or a mutation's errors, and exceptions in the users' code.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench", "ERROR")
os.environ.setdefault("CELERY_LOG_LEVEL", "ERROR")
# The app calls the Saleor double on loopback.
os.environ.setdefault("HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", "1")

# The captures of a real Saleor, as the tests find them.
CAPTURES_DIR = Path(os.environ.get("SALEOR_CAPTURES", ROOT.parent / "shared" / "saleor" / "captures"))
CARRIER_SECRET = "bench-load-generic-secret"
KINDS = ("eligibility", "return_create", "staff_list", "staff_detail", "carrier_webhook", "saleor_webhook")
ELIGIBILITY = "query($o: ID!) { returnEligibility(orderId: $o) { orderId lines { orderLineId isReturnable } } }"
CREATE = """mutation($input: ReturnRequestCreateInput!) {
  returnRequestCreate(input: $input) { returnRequest { id number } errors { field code message } }
}"""
STAFF_LIST = """query { returnRequests(first: 20) { totalCount edges { node {
  id number status kind orderNumber customerEmail createdAt
  lines { sku requestedQuantity reason { code } unitPrice { amount currency } }
} } } }"""
STAFF_DETAIL = """query($id: ID!) { returnRequest(id: $id) {
  number status lines { sku requestedQuantity evidence { filename } } timeline { type createdAt note }
  shipments { trackingNumber events { status } } requestedValue { amount currency }
} }"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(check, what: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s")


def start(command: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True, **kwargs)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def redis_server_binary() -> str:
    """Debian's redis-server, installed with apt-get (as root, or through sudo) when missing."""
    found = shutil.which("redis-server")
    if found:
        return found
    install = ["apt-get", "install", "-y", "redis-server"]
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            sys.exit("--redis needs REDIS_URL or Debian's redis-server: run `apt-get install -y redis-server` as root.")
        install = ["sudo", "-n", *install]
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0 or not shutil.which("redis-server"):
        sys.exit("--redis needs REDIS_URL or Debian's redis-server, and `apt-get install -y redis-server` failed.")
    return shutil.which("redis-server")


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = start([
        redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
        "--save", "", "--appendonly", "no", "--loglevel", "warning",
    ], stdout=subprocess.DEVNULL)

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    wait_until_up(answers, "redis-server", process)
    return process, f"redis://127.0.0.1:{port}/0"


def start_app(port: int) -> tuple[subprocess.Popen, subprocess.Popen]:
    """gunicorn as the bench's other servers run it, and a Celery worker with two processes."""
    bin_dir = Path(sys.executable).parent
    app = start([
        str(bin_dir / "gunicorn"), "saleor_returns.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread", "--workers", "2", "--threads", "8", "--log-level", "warning",
    ])

    def healthy() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return True
        except OSError as error:
            return bool(getattr(error, "code", None))  # an HTTP answer means it is up

    wait_until_up(healthy, "gunicorn", app)
    from saleor_returns.celery import app as celery_app

    celery_app.control.purge()  # tasks an earlier run left queued would call a Saleor double long gone
    worker = start([sys.executable, "-m", "celery", "-A", "saleor_returns", "-q", "worker", "--concurrency", "2",
                    "--loglevel", "WARNING"])
    return app, worker


def prepare_database() -> None:
    from saleor_returns import embedded_db
    from saleor_returns.paths import data_dir

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded_db.ensure_database_url(data_dir() / "postgres", stop_on_exit=False)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def shipped_order(saleor, customer) -> dict:
    order = saleor.add_order(
        user=customer, user_email=customer["email"], shipping=Decimal("10.00"),
        created=datetime.now(timezone.utc) - timedelta(days=5),
        lines=[
            {"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker", "variant_name": "42"},
            {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Jacket", "variant_name": "M"},
        ],
    )
    saleor.fulfill(order, created=datetime.now(timezone.utc) - timedelta(days=3))
    return order


def order_updated_deliveries(saleor, app: dict, orders: list[dict], count: int) -> list[dict]:
    """Signed ORDER_UPDATED deliveries shaped like the captured one, each a new delivery."""
    captured = json.loads((CAPTURES_DIR / "webhooks" / "order_updated.body").read_bytes())
    deliveries = []
    for index in range(count):
        order = orders[index % len(orders)]
        payload = dict(captured)
        payload["issuedAt"] = datetime.now(timezone.utc).isoformat()
        payload["recipient"] = {"id": app["id"], "name": app.get("name") or "Returns"}
        payload["order"] = {**(payload.get("order") or {}), "id": order["id"], "number": str(order["number"])}
        body = saleor.webhook_body(payload)
        deliveries.append({"headers": saleor.webhook_headers("order_updated", body), "body": body.decode()})
    return deliveries


def prepare_shop(saleor, *, users: int, seconds: float) -> dict:
    """A shop installed from the double, its customers' orders and tokens, staff, a carrier account."""
    from saleor_returns.installations import actions as installation_actions
    from shops import install_in_double

    app, installation = install_in_double(saleor)
    account = installation_actions.set_carrier_account(
        installation=installation, provider="generic", name="Bench", credentials={"webhook_secret": CARRIER_SECRET},
        is_default=False,
    )
    ttl = int(seconds) + 600
    staff = saleor.add_staff("staff@example.com", ["MANAGE_ORDERS", "HANDLE_PAYMENTS"])
    customers, all_orders = [], []
    for index in range(users):
        customer = saleor.add_customer(f"customer{index}@example.com")
        # More orders than a user can return in the time: each return request takes a new one.
        orders = [shipped_order(saleor, customer) for _ in range(int(seconds) + 20)]
        all_orders += orders
        customers.append({
            "token": saleor.issue_customer_token(customer, ttl=ttl),
            "orders": [{"id": order["id"], "lines": [line["id"] for line in order["lines"]]} for order in orders],
        })
    return {
        "installation_id": str(installation.pk),
        "api_url": saleor.api_url,
        "staff_token": saleor.issue_staff_app_token(staff, app, ttl=ttl),
        "customers": customers,
        "carrier_path": f"/webhooks/carriers/generic/{account.webhook_key}/",
        "saleor_webhooks": order_updated_deliveries(saleor, app, all_orders, max(200, int(seconds * 40))),
    }


def seed_returns(host: str, shop: dict, count: int) -> list[str]:
    """Return requests made through the API before the load, for staff to open."""
    ids = []
    for index in range(count):
        customer = shop["customers"][index % len(shop["customers"])]
        order = customer["orders"].pop()
        variables = {"input": {"orderId": order["id"], "lines": [
            {"orderLineId": order["lines"][0], "quantity": 1, "reason": "CHANGED_MIND"}]}}
        request = urllib.request.Request(
            f"{host}/graphql/", json.dumps({"query": CREATE, "variables": variables}).encode(),
            headers={"Content-Type": "application/json", "Saleor-Api-Url": shop["api_url"],
                     "Authorization": f"Bearer {customer['token']}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = json.loads(response.read())["data"]["returnRequestCreate"]
        if payload["errors"]:
            raise RuntimeError(f"seeding a return failed: {payload['errors']}")
        ids.append(payload["returnRequest"]["id"])
    return ids


def drain(installation_id: str, seconds: float = 60) -> tuple[int, float]:
    """Waits (a minute at most) for the worker to apply the webhooks the load stored; returns how many
    are still pending, and the wait."""
    from django.db import connection

    from saleor_returns.models import CarrierWebhookEvent, SaleorWebhookDelivery

    started = time.monotonic()
    while True:
        pending = (
            SaleorWebhookDelivery.objects.filter(installation_id=installation_id, status="pending").count()
            + CarrierWebhookEvent.objects.filter(carrier_account__installation_id=installation_id, status="pending").count()
        )
        waited = time.monotonic() - started
        if not pending or waited > seconds:
            connection.close()
            return pending, waited
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--redis", action="store_true", help="Redis as the broker (REDIS_URL, or a redis-server started here)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="returns-load-") as scratch:
        redis = None
        if args.redis and not os.environ.get("REDIS_URL"):
            redis, os.environ["REDIS_URL"] = start_redis(Path(scratch))
        elif not args.redis:
            os.environ.pop("REDIS_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
        try:
            prepare_database()
            from saleor_returns.fakes.saleor import FakeSaleor

            with FakeSaleor() as saleor:
                shop = prepare_shop(saleor, users=args.users, seconds=args.seconds)
                port = free_port()
                app, worker = start_app(port)
                try:
                    host = f"http://127.0.0.1:{port}"
                    config = {**shop, "host": host, "users": args.users, "seconds": args.seconds,
                              "carrier_secret": CARRIER_SECRET, "return_ids": seed_returns(host, shop, 2 * args.users)}
                    config_path, result_path = Path(scratch) / "config.json", Path(scratch) / "result.json"
                    config_path.write_text(json.dumps(config))
                    subprocess.run(
                        [sys.executable, str(ROOT / "bench" / "load_users.py"), str(config_path), str(result_path)],
                        check=True, cwd=ROOT,
                    )
                    result = json.loads(result_path.read_text())
                    result["pending"], result["drain_seconds"] = drain(shop["installation_id"])
                finally:
                    stop(app)
                    stop(worker)
        finally:
            if redis is not None:
                stop(redis)

    broker = "redis" if args.redis else "postgresql"
    print(f"broker={broker} users={args.users} seconds={result['seconds']:.0f}")
    for kind in KINDS:
        figures = result["kinds"].get(kind)
        if figures:
            print(f"{kind}: requests={figures['requests']} p50_ms={figures['p50']:.0f} p95_ms={figures['p95']:.0f} "
                  f"p99_ms={figures['p99']:.0f} failures={figures['failures']}")
    for message in result["error_samples"]:
        print(f"error: {message}")
    print(f"webhooks_pending_after_load={result['pending']} after_waiting_s={result['drain_seconds']:.1f}")
    print(f"requests_per_second={result['requests'] / result['seconds']:.1f}")
    print(f"errors={result['errors']}")


if __name__ == "__main__":
    main()
