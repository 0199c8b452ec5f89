"""Saleor calls and latency of the storefront's eligibility check.

Each check is `returnEligibility(orderId)` as the customer, through the GraphQL
view in-process, against the Saleor double with a fixed latency injected into
every order read (default 50 ms). Half the orders exist (the customer's own),
half are well-formed ids Saleor does not know; each is checked once, with the
order cache cleared, so every check pays the one read it needs, found or not.

    .venv/bin/python bench/eligibility.py [--orders 100] [--latency-ms 50]

Prints the checks, the Saleor calls per check (must be 1) and, last, the p95
latency in milliseconds.
"""

import argparse
import base64
import json
import os
import statistics
import time
import uuid
from decimal import Decimal

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench", "ERROR")
# The Saleor double listens on loopback.
os.environ.setdefault("HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", "1")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from saleor_returns.api.views import ReturnsGraphQLView  # noqa: E402
from saleor_returns.fakes.saleor import FakeSaleor  # noqa: E402
from shops import install_in_double  # noqa: E402

QUERY = "query($o: ID!) { returnEligibility(orderId: $o) { orderId lines { orderLineId isReturnable returnableQuantity } } }"


def missing_order_id() -> str:
    return base64.b64encode(f"Order:{uuid.uuid4()}".encode()).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100, help="checks in all, half of them of missing orders")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)

    with FakeSaleor() as saleor:
        _, installation = install_in_double(saleor)
        customer = saleor.add_customer("bench@example.com")
        token = saleor.issue_customer_token(customer)
        found = []
        for _ in range(args.orders - args.orders // 2):
            order = saleor.add_order(user=customer, lines=[{"sku": "BENCH", "quantity": 2, "unit_price": Decimal("25.00")}])
            saleor.fulfill(order)
            found.append(order["id"])
        order_ids = found + [missing_order_id() for _ in range(args.orders // 2)]

        factory = RequestFactory()
        view = ReturnsGraphQLView.as_view()
        headers = {"HTTP_SALEOR_API_URL": saleor.api_url, "HTTP_AUTHORIZATION": f"Bearer {token}"}

        def check(order_id: str) -> dict:
            body = json.dumps({"query": QUERY, "variables": {"o": order_id}})
            response = view(factory.post("/graphql/", body, content_type="application/json", **headers))
            return json.loads(response.content)

        check(missing_order_id())  # warm up: the JWKS, the policy
        cache.clear()
        saleor.requests.clear()
        samples = []
        for order_id in order_ids:
            saleor.delay_next(seconds=args.latency_ms / 1000, operation="OrderForReturns")
            started = time.perf_counter()
            result = check(order_id)
            samples.append(time.perf_counter() - started)
            assert "errors" not in result, result
            saleor.clear_faults()
        calls = [r for r in saleor.requests if r["operation_name"] not in {"AppSelf"}]
        order_calls = [r for r in calls if r["operation_name"] in {"OrderForReturns", "OrderByNumber"}]
        samples.sort()
        p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
        print(f"checks={len(order_ids)} found={len(found)} missing={len(order_ids) - len(found)}")
        print(f"injected_latency_ms={args.latency_ms:.0f}")
        print(f"p50_ms={statistics.median(samples) * 1000:.1f}")
        print(f"saleor_order_reads={len(order_calls)} saleor_calls_other={len(calls) - len(order_calls)}")
        print(f"saleor_calls_per_check={len(calls) / len(order_ids):.2f}")
        print(f"p95_ms={p95 * 1000:.1f}")
        installation.delete()


if __name__ == "__main__":
    main()
