"""The users of bench/load.py, run by locust as a library (headless) in a process of their own: locust
patches the standard library for gevent when imported, which the app's own code must not see.

    python bench/load_users.py <config.json> <result.json>

The config (written by bench/load.py) names the app, the tokens, the orders each customer may return,
the return requests staff open, the carrier webhook path and secret, and pre-signed Saleor deliveries.
The result holds the requests, the seconds, per kind the count, failures and p50 / p95 / p99 in
milliseconds, and the errors (failed requests and exceptions in the users' code) with a few samples.
"""

import itertools
import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ itself is on the path: run as a script

from load import CREATE, ELIGIBILITY, STAFF_DETAIL, STAFF_LIST  # noqa: E402
from saleor_returns.fakes.carriers.generic import GenericWebhookSender  # noqa: E402

CONFIG = json.loads(Path(sys.argv[1]).read_text())
ERROR_SAMPLES = 5

customer_numbers = itertools.count()
saleor_deliveries = itertools.cycle(CONFIG["saleor_webhooks"])
carrier_events = itertools.count()
return_ids = list(CONFIG["return_ids"])


class Caller(FastHttpUser):
    """One of the users: a customer of its own, who also plays staff, carrier and Saleor in turn."""

    host = CONFIG["host"]
    wait_time = constant(0)

    def on_start(self):
        customer = CONFIG["customers"][next(customer_numbers) % len(CONFIG["customers"])]
        self.token = customer["token"]
        self.orders = list(customer["orders"])
        self.sender = GenericWebhookSender(CONFIG["carrier_secret"])

    def graphql(self, kind: str, token: str, query: str, variables: dict, field: str):
        """POSTs the query; a failure unless 200 with data for `field` and no errors, nor payload errors."""
        headers = {"Saleor-Api-Url": CONFIG["api_url"], "Authorization": f"Bearer {token}"}
        with self.client.post("/graphql/", json={"query": query, "variables": variables}, headers=headers,
                              name=kind, catch_response=True) as response:
            try:
                body = response.json()
            except ValueError:
                body = {}
            data = (body.get("data") or {}).get(field)
            if response.status_code != 200 or body.get("errors") or data is None or (data.get("errors") if isinstance(data, dict) else None):
                response.failure(f"{kind}: {response.status_code} {response.text[:300]}")
                return None
            return data

    @task(4)
    def eligibility(self):
        order = random.choice(self.orders)
        self.graphql("eligibility", self.token, ELIGIBILITY, {"o": order["id"]}, "returnEligibility")

    @task(1)
    def return_create(self):
        order = self.orders.pop()  # a new order each time: one return request per order line
        variables = {"input": {"orderId": order["id"], "lines": [
            {"orderLineId": order["lines"][0], "quantity": 1, "reason": "CHANGED_MIND"}]}}
        data = self.graphql("return_create", self.token, CREATE, variables, "returnRequestCreate")
        if data:
            return_ids.append(data["returnRequest"]["id"])

    @task(2)
    def staff_list(self):
        self.graphql("staff_list", CONFIG["staff_token"], STAFF_LIST, {}, "returnRequests")

    @task(2)
    def staff_detail(self):
        self.graphql("staff_detail", CONFIG["staff_token"], STAFF_DETAIL, {"id": random.choice(return_ids)}, "returnRequest")

    @task(3)
    def carrier_webhook(self):
        event = self.sender.event(f"LOAD{next(carrier_events):010d}", status="in_transit", occurred_at=datetime.now(timezone.utc))
        headers, body = self.sender.signed_webhook(event)
        self.post_raw("carrier_webhook", CONFIG["carrier_path"], headers, body)

    @task(1)
    def saleor_webhook(self):
        delivery = next(saleor_deliveries)
        self.post_raw("saleor_webhook", "/webhooks/saleor/order-updated/", delivery["headers"], delivery["body"].encode())

    def post_raw(self, kind: str, path: str, headers: dict, body: bytes):
        with self.client.post(path, data=body, headers=headers, name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{kind}: {response.status_code} {response.text[:300]}")


def main() -> None:
    environment = Environment(user_classes=[Caller], host=CONFIG["host"])
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(CONFIG["users"], spawn_rate=CONFIG["users"])
    gevent.sleep(CONFIG["seconds"])
    seconds = time.monotonic() - started
    runner.quit()
    stats = environment.stats
    kinds = {
        entry.name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{name: entry.get_response_time_percentile(share) for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))},
        }
        for entry in stats.entries.values()
    }
    samples = [f"{error.occurrences}x {error.error}" for error in list(stats.errors.values())[:ERROR_SAMPLES]]
    samples += [f"{e['count']}x {e['msg']}" for e in list(runner.exceptions.values())[:ERROR_SAMPLES]]
    errors = stats.total.num_failures + sum(e["count"] for e in runner.exceptions.values())
    Path(sys.argv[2]).write_text(json.dumps({
        "seconds": seconds, "requests": stats.total.num_requests, "kinds": kinds, "errors": errors,
        "error_samples": samples,
    }))


if __name__ == "__main__":
    main()
