"""Refunds through the Saleor double, with failures injected, counted for exactly-once.

Runs N refunds (default 1 000) end to end: each return is inspected, resolved
to a refund, and the refund task grants, requests and confirms it in a fake
Saleor over loopback. Each return keeps the copy of its order the app reads
when a return is requested. One refund in ten loses Saleor's answer after
Saleor did the work (on the grant or on the refund request), as a timeout
would. With `--stale F`, a share F of the orders also changed after their copy
was taken: the payment was refunded in full in the Dashboard and the customer
paid again with another card, so the copy names a payment Saleor will refuse.

    .venv/bin/python bench/refund_pipeline.py [--refunds 1000] [--stale 0.1]

Prints the lost answers and out-of-date copies injected, the Saleor calls per
refund and, last, `double_refunds=<n>` (must be 0).
"""

import argparse
import os
import random
import time
from decimal import Decimal

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench", "ERROR")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ.setdefault("SALEOR_HTTP_BACKOFF", "0")
# The Saleor double listens on loopback.
os.environ.setdefault("HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from saleor_returns.celery import app as celery_app  # noqa: E402
from saleor_returns.fakes.saleor import FakeSaleor  # noqa: E402
from saleor_returns.installations import actions as installation_actions  # noqa: E402
from saleor_returns.models import Installation, Refund, ReturnLine, ReturnReason, ReturnRequest  # noqa: E402
from saleor_returns.requestors import SYSTEM  # noqa: E402
from saleor_returns.requests import actions as request_actions  # noqa: E402
from saleor_returns.resolutions import actions as resolution_actions  # noqa: E402
from saleor_returns.saleor import orders  # noqa: E402
from saleor_returns.states import ReturnStatus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refunds", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stale", type=float, default=0.0,
                        help="share of orders whose payment changed after the return's copy was taken")
    args = parser.parse_args()
    random.seed(args.seed)
    # Its own sequence, so the lost answers injected are the same whatever --stale is.
    staleness = random.Random(args.seed + 1000)
    # Retries run in place, as a worker would run them later.
    celery_app.conf.task_eager_propagates = False
    call_command("migrate", interactive=False, verbosity=0)

    with FakeSaleor() as saleor:
        app = saleor.add_app(permissions=["MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS"])
        installation = Installation.objects.create(
            saleor_api_url=saleor.api_url, app_id=app["id"], encrypted_app_token="", installed_at=timezone.now()
        )
        installation.app_token = app["token"]
        installation.save()
        installation_actions.seed_default_reasons(installation=installation)
        policy = installation_actions.current_policy(installation=installation, channel_slug="")
        reason = ReturnReason.objects.get(installation=installation, code="DEFECT")
        customer = saleor.add_customer("bench@example.com")
        staff = saleor.add_staff("staff@example.com", ["MANAGE_ORDERS", "HANDLE_PAYMENTS"])
        staff_token = saleor.issue_customer_token(staff)

        expected: dict[str, Decimal] = {}
        lost_answers = 0
        stale_copies = 0
        outside: dict[str, Decimal] = {}
        started = time.perf_counter()
        for index in range(args.refunds):
            order = saleor.add_order(user=customer, lines=[{"sku": "BENCH", "quantity": 2, "unit_price": Decimal("25.00")}],
                                     shipping=Decimal("10"))
            saleor.fulfill(order)
            first_payment = saleor.add_transaction(order, charged=Decimal("60.00"))
            # The copy the app reads (with its token) when a return is requested, kept with the return.
            copy = orders.fetch_order(installation, order["id"], use_cache=False)
            orders.invalidate_order(installation, order["id"])
            outside[order["id"]] = Decimal("0")
            if staleness.random() < args.stale:
                replace_payment(saleor, staff_token, order, first_payment)
                outside[order["id"]] = Decimal("60.00")
                stale_copies += 1
            return_request = ReturnRequest.objects.create(
                installation=installation, number=request_actions._next_number(), status=ReturnStatus.INSPECTED,
                order_id=order["id"], order_number=str(order["number"]), channel_slug="default-channel", currency="USD",
                customer_email="bench@example.com", created_by_kind="staff", policy=policy,
                order_snapshot=copy.to_json(),
            )
            ReturnLine.objects.create(
                return_request=return_request, order_line_id=order["lines"][0]["id"], product_name="Bench", reason=reason,
                reason_code="DEFECT", requested_quantity=2, approved_quantity=2, received_quantity=2, accepted_quantity=2,
                currency="USD", unit_price_gross_amount=Decimal("25.00"), unit_price_net_amount=Decimal("25.00"),
                unit_tax_amount=Decimal("0"), undiscounted_unit_price_gross_amount=Decimal("25.00"),
            )
            roll = random.random()
            if roll < 0.05:
                saleor.fail_after_execute_next(count=1, status=502, operation="GrantRefund")
            elif roll < 0.10:
                saleor.fail_after_execute_next(count=1, status=502, operation="RequestGrantedRefund")
            lost_answers += roll < 0.10
            refund = resolution_actions.resolve_return_request(return_request=return_request, actor=SYSTEM, resolution="refund")
            expected[order["id"]] = refund.amount
            saleor.clear_faults()
        elapsed = time.perf_counter() - started

        refund_calls = [r for r in saleor.requests if r["operation_name"] in
                        {"OrderRefundState", "GrantRefund", "RequestGrantedRefund"}]
        doubles = 0
        wrong = 0
        for order_id, amount in expected.items():
            order = saleor.lookup(order_id)
            grants = order["grantedRefunds"]
            ours = [grant for grant in grants if grant["app"] is not None]
            # Money that went back to the customer, less what staff refunded in the Dashboard.
            refunded = sum(Decimal(str(t["refundedAmount"]["amount"])) for t in order["transactions"]) - outside[order_id]
            if len(ours) > 1 or refunded > amount:
                doubles += 1
            elif refunded != amount:
                wrong += 1
        succeeded = Refund.objects.filter(return_request__installation=installation, status="succeeded").count()
        print(f"refunds={args.refunds}")
        print(f"succeeded={succeeded}")
        print(f"not_refunded_or_wrong_amount={wrong}")
        print(f"seconds={elapsed:.1f}")
        # The happy path is two calls (grant, request); a lost answer costs one read, an
        # out-of-date copy a read and a second grant (README, Performance).
        print(f"lost_answers_per_refund={lost_answers / args.refunds:.2f}")
        print(f"stale_copies_per_refund={stale_copies / args.refunds:.2f}")
        print(f"saleor_calls_per_refund={len(refund_calls) / args.refunds:.2f}")
        print(f"double_refunds={doubles}")
        installation.return_requests.all().delete()


DASHBOARD_GRANT = """mutation($id: ID!, $input: OrderGrantRefundCreateInput!) {
  orderGrantRefundCreate(id: $id, input: $input) { grantedRefund { id } errors { code } } }"""
DASHBOARD_REQUEST = """mutation($id: ID!) {
  transactionRequestRefundForGrantedRefund(grantedRefundId: $id) { errors { code } } }"""


def replace_payment(saleor, staff_token, order, payment) -> None:
    """Staff refund the whole payment in the Dashboard; the customer pays again with another card."""
    _, body = saleor.execute(DASHBOARD_GRANT, {"id": order["id"], "input": {"transactionId": payment["id"], "amount": "60.00"}},
                             token=staff_token)
    grant = body["data"]["orderGrantRefundCreate"]["grantedRefund"]
    saleor.execute(DASHBOARD_REQUEST, {"id": grant["id"]}, token=staff_token)
    saleor.add_transaction(order, charged=Decimal("60.00"), name="Another card")


if __name__ == "__main__":
    main()
