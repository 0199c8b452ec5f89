"""How much the GraphQL layer costs on the staff list.

Seeds 10 000 return requests (two lines each) in the bench database, then
times `returnRequests(first: 100)` with lines against a hand-written Django
JSON view that reads the same 100 rows and lines. Both run in-process, the
GraphQL one authenticated with an API key as an integrator would be, in turns
of five runs each, so that other load on the machine weighs on both alike.

    .venv/bin/python bench/list_returns.py [--rows 10000] [--repeat 30]

Prints the medians and, last, `ratio=<graphql/plain>`.
"""

import argparse
import json
import statistics
import time
from decimal import Decimal

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from saleor_returns.api.views import ReturnsGraphQLView  # noqa: E402
from saleor_returns.installations import actions as installation_actions  # noqa: E402
from saleor_returns.installations import api_keys  # noqa: E402
from saleor_returns.models import Installation, ReturnLine, ReturnReason, ReturnRequest  # noqa: E402

API_URL = "https://bench.example.com/graphql/"
QUERY = """
{ returnRequests(first: 100) { totalCount edges { node {
    id number status kind orderNumber customerEmail createdAt
    lines { id sku productName requestedQuantity approvedQuantity reason { code } unitPrice { amount currency } }
} } } }
"""


def seed(rows: int) -> Installation:
    installation, _ = Installation.objects.get_or_create(
        saleor_api_url=API_URL,
        defaults={"app_id": "QXBwOjE=", "encrypted_app_token": "", "installed_at": timezone.now()},
    )
    installation_actions.seed_default_reasons(installation=installation)
    policy = installation_actions.current_policy(installation=installation, channel_slug="")
    existing = ReturnRequest.objects.filter(installation=installation).count()
    if existing >= rows:
        return installation
    reasons = list(ReturnReason.objects.filter(installation=installation, parent__isnull=False))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('return_request_number_seq') FROM generate_series(1, %s)", [rows - existing])
        numbers = [row[0] for row in cursor.fetchall()]
    requests = ReturnRequest.objects.bulk_create(
        [
            ReturnRequest(
                installation=installation, number=number, status="pending_review", order_id=f"T3JkZXI6{number}",
                order_number=str(number), channel_slug="default-channel", currency="USD",
                customer_email=f"customer{number % 500}@example.com", created_by_kind="customer", policy=policy,
            )
            for number in numbers
        ],
        batch_size=2000,
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                return_request=request, order_line_id=f"T3JkZXJMaW5lOj{request.number}{index}", sku=f"SKU-{index}",
                product_name="Sneaker", variant_name="42", reason=reasons[(request.number + index) % len(reasons)],
                reason_code=reasons[(request.number + index) % len(reasons)].code, requested_quantity=1 + index,
                currency="USD", unit_price_gross_amount=Decimal("25.00"), unit_price_net_amount=Decimal("25.00"),
                unit_tax_amount=Decimal("0"), undiscounted_unit_price_gross_amount=Decimal("25.00"),
            )
            for request in requests
            for index in range(2)
        ],
        batch_size=4000,
    )
    return installation


def plain_view(request, installation):
    """What a hand-written endpoint would do for the same page."""
    page = list(
        ReturnRequest.objects.filter(installation=installation)
        .order_by("-created_at", "-number")
        .prefetch_related("lines__reason")[:100]
    )
    total = ReturnRequest.objects.filter(installation=installation).count()
    return JsonResponse(
        {
            "totalCount": total,
            "rows": [
                {
                    "id": str(r.pk), "number": r.rma_number, "status": r.status, "kind": r.kind,
                    "orderNumber": r.order_number, "customerEmail": r.customer_email, "createdAt": r.created_at.isoformat(),
                    "lines": [
                        {"id": str(l.pk), "sku": l.sku, "productName": l.product_name, "requestedQuantity": l.requested_quantity,
                         "approvedQuantity": l.approved_quantity, "reason": l.reason.code,
                         "unitPrice": {"amount": str(l.unit_price_gross_amount), "currency": l.currency}}
                        for l in r.lines.all()
                    ],
                }
                for r in page
            ],
        }
    )


BLOCK = 5


def timed(calls: list, repeat: int) -> list[float]:
    """The median time of each call over `repeat` runs, taken in turns of BLOCK runs each, so that other load
    on the machine weighs on each alike while each turn still runs warm."""
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(0, repeat, BLOCK):
        for call, kept in zip(calls, samples):
            call()  # warm up again after the other's turn
            for _ in range(BLOCK):
                started = time.perf_counter()
                call()
                kept.append(time.perf_counter() - started)
    return [statistics.median(kept) for kept in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", interactive=False, verbosity=0)
    installation = seed(args.rows)
    _, key = api_keys.create_api_key(
        installation=installation, name="bench", scopes=["MANAGE_ORDERS"], creator_permissions=["MANAGE_ORDERS"],
        creator_user_id="VXNlcjox",
    )
    factory = RequestFactory()
    graphql_view = ReturnsGraphQLView.as_view()
    headers = {"HTTP_SALEOR_API_URL": API_URL, "HTTP_AUTHORIZATION": f"Bearer {key}"}

    def graphql_call():
        request = factory.post("/graphql/", json.dumps({"query": QUERY}), content_type="application/json", **headers)
        response = graphql_view(request)
        body = json.loads(response.content)
        assert len(body["data"]["returnRequests"]["edges"]) == 100, body

    def plain_call():
        response = plain_view(factory.get("/plain/"), installation)
        assert len(json.loads(response.content)["rows"]) == 100

    graphql_seconds, plain_seconds = timed([graphql_call, plain_call], args.repeat)
    print(f"rows={ReturnRequest.objects.filter(installation=installation).count()}")
    print(f"graphql_ms={graphql_seconds * 1000:.1f}")
    print(f"plain_ms={plain_seconds * 1000:.1f}")
    print(f"ratio={graphql_seconds / plain_seconds:.2f}")


if __name__ == "__main__":
    main()
