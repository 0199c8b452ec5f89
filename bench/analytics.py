"""How fast the return analytics queries answer on a large shop, and how fast the ledger's backfill writes.

Seeds a scratch database (its own data folder, `.data/bench-analytics`) by SQL with generate_series:
5,000 variants, 5,000,000 sold lines and 1,000,000 return lines over two years (times `--scale`),
with the rollups, events, shipments, refunds and dispositions the figures read. Then runs each
analytics query `--repeat` times over the last quarter, the last year and the two years, prints each
query's p95, the backfill's rate (orders per second through the page-writing function, on generated
pages), and, last, `p95_ms=<worst>`.

    .venv/bin/python bench/analytics.py [--scale 0.1] [--repeat 5] [--rebuild]

A database seeded by an earlier run is reused as it is (its scale included); `--rebuild` recomputes
its rollups first, as after a change to what they keep.
"""

import argparse
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench-analytics", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.utils import timezone as django_timezone  # noqa: E402

from saleor_returns.analytics import actions as analytics_actions  # noqa: E402
from saleor_returns.analytics.figures import outcomes, rates, stages  # noqa: E402
from saleor_returns.analytics.figures.scope import scope_for  # noqa: E402
from saleor_returns.analytics.rollups import rebuild_rollups  # noqa: E402
from saleor_returns.installations import actions as installation_actions  # noqa: E402
from saleor_returns.models import (  # noqa: E402
    DailyReturns,
    DailySales,
    Installation,
    MonthlyReturns,
    MonthlySales,
    MonthlyStageTimes,
    Refund,
    ReturnEvent,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ReturnShipment,
    SalesBackfill,
    SoldLine,
    SoldOrder,
    SoldVariant,
)
from saleor_returns.policy_rules import PolicyRules  # noqa: E402

API_URL = "https://bench-analytics.example.com/graphql/"
DAYS = 730
VARIANTS = 5000
LAST_DAY = date(2026, 12, 31)
FIRST_DAY = LAST_DAY - timedelta(days=DAYS - 1)


def insert_select(model, rows: int, expressions: dict, params: list | None = None) -> None:
    """INSERT rows of `model` from generate_series(1, rows) AS g: each column its expression, else a blank default."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        columns.append(field.column)
        if field.column in expressions:
            values.append(f"CAST({expressions[field.column]} AS {field.db_type(connection)})")
        elif field.null:
            values.append("NULL")
        elif isinstance(field, models.BooleanField):
            values.append("false")
        elif isinstance(field, models.JSONField):
            values.append("'{}'::jsonb")
        elif isinstance(field, (models.CharField, models.TextField)):
            values.append("''")
        elif isinstance(field, (models.IntegerField, models.DecimalField)):
            values.append("0")
        else:
            raise SystemExit(f"no value for {model.__name__}.{field.column}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS g",
            [*(params or []), rows],
        )


def seed(scale: float) -> Installation:
    installation = Installation.objects.filter(saleor_api_url=API_URL).first()
    if installation is not None:
        return installation
    installation = Installation.objects.create(
        saleor_api_url=API_URL, app_id="QXBwOjE=", encrypted_app_token="", installed_at=django_timezone.now()
    )
    installation_actions.seed_default_reasons(installation=installation)
    policy = installation_actions.current_policy(installation=installation, channel_slug="")
    reasons = list(ReturnReason.objects.filter(installation=installation, parent__isnull=False).order_by("code"))
    shop, start = installation.pk, datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=timezone.utc)
    sold_lines, return_lines = int(5_000_000 * scale), int(1_000_000 * scale)
    requests = max(return_lines // 2, 1)
    moment = "(%s::timestamptz + (g %% {days}) * interval '1 day' + (g %% 86400) * interval '1 second')"
    print(f"seeding {sold_lines} sold lines, {return_lines} return lines, {VARIANTS} variants", flush=True)
    insert_select(SoldVariant, VARIANTS, {
        "installation_id": f"'{shop}'", "variant_id": "'V' || g", "sku": "'SKU-' || g", "product_id": "'P' || (g / 10)",
        "product_name": "'Product ' || (g / 10)", "product_type_id": "'T' || (g %% 50)",
        "product_type_name": "'Type ' || (g %% 50)", "category_id": "'C' || (g %% 100)",
        "category_name": "'Category ' || (g %% 100)",
    })
    channel = "CASE WHEN g %% 5 = 0 THEN 'europe' ELSE 'default-channel' END"
    currency = "CASE WHEN g %% 5 = 0 THEN 'EUR' ELSE 'USD' END"
    created = moment.format(days=DAYS)
    insert_select(SoldLine, sold_lines, {
        "installation_id": f"'{shop}'", "order_line_id": "'L' || g", "order_id": "'O' || (g / 3)", "channel_slug": channel,
        "currency": currency, "created_at": created, "day": f"({created})::date",
        "variant_id": f"'V' || (1 + (g::bigint * 7919) %% {VARIANTS})", "quantity": "1 + g %% 3",
        "net_amount": "(1 + g %% 3) * (10 + g %% 90)", "is_counted": "true",
    }, [start, start])
    statuses = ["resolved", "approved", "rejected", "pending_review", "received", "canceled", "closed"]
    insert_select(ReturnRequest, requests, {
        "id": "md5('request' || g)::uuid", "installation_id": f"'{shop}'", "number": "10000000 + g",
        "status": f"(ARRAY{statuses})[1 + g %% {len(statuses)}]", "kind": "'return'",
        "resolution": "(ARRAY['refund','store_credit','exchange'])[1 + g %% 3]", "order_id": "'O' || g",
        "order_number": "g::text", "channel_slug": channel, "currency": currency,
        "customer_email": "'c' || (g %% 5000) || '@example.com'", "created_by_kind": "'customer'",
        "policy_id": f"'{policy.pk}'", "is_auto_approved": "g %% 4 = 0", "risk_reasons": "'[]'::jsonb",
        "created_at": created, "updated_at": created,
    }, [start, start])
    request_id = "md5('request' || (1 + (g - 1) %% {requests}))::uuid".format(requests=requests)
    request_created = f"(SELECT created_at FROM {ReturnRequest._meta.db_table} WHERE id = {request_id})"
    insert_select(ReturnLine, return_lines, {
        "id": "md5('line' || g)::uuid", "return_request_id": request_id, "order_line_id": "'L' || g",
        "variant_id": f"'V' || (1 + (g::bigint * 104729) %% {VARIANTS})", "product_name": "'Product'",
        "reason_id": f"(ARRAY{[str(reason.pk) for reason in reasons]})[1 + g %% {len(reasons)}]",
        "reason_code": f"(ARRAY{[reason.code for reason in reasons]})[1 + g %% {len(reasons)}]",
        "requested_quantity": "1 + g %% 2", "approved_quantity": "1 + g %% 2", "received_quantity": "1 + g %% 2",
        "currency": f"(SELECT currency FROM {ReturnRequest._meta.db_table} WHERE id = {request_id})",
        "unit_price_gross_amount": "10 + g %% 90", "unit_price_net_amount": "10 + g %% 90",
        "disposition": "(ARRAY['restock','refurbish','scrap','return_to_vendor','resell_discounted',''])[1 + g %% 6]",
        "received_at": f"{request_created} + (48 + g %% 200) * interval '1 hour'", "created_at": request_created,
    })
    for to_status, hours in (("approved", "(1 + g %% 72)"), ("resolved", "(150 + g %% 300)")):
        insert_select(ReturnEvent, requests, {
            "id": "gen_random_uuid()", "return_request_id": "md5('request' || g)::uuid", "type": "'status_changed'",
            "actor_kind": "'staff'", "to_status": f"'{to_status}'", "data": "'{}'::jsonb",
            "created_at": f"(SELECT created_at FROM {ReturnRequest._meta.db_table} WHERE id = md5('request' || g)::uuid)"
                          f" + {hours} * interval '1 hour'",
        })
    insert_select(ReturnShipment, requests, {
        "id": "gen_random_uuid()", "return_request_id": "md5('request' || g)::uuid", "method": "'label'",
        "label_status": "'none'",
        "first_scan_at": f"(SELECT created_at FROM {ReturnRequest._meta.db_table} WHERE id = md5('request' || g)::uuid)"
                         " + (24 + g %% 96) * interval '1 hour'",
        "created_at": "now()", "updated_at": "now()",
    })
    insert_select(Refund, requests, {
        "id": "gen_random_uuid()", "return_request_id": "md5('request' || g)::uuid",
        "kind": "(ARRAY['original_payment','store_credit'])[1 + g %% 2]", "status": "'succeeded'",
        "currency": f"(SELECT currency FROM {ReturnRequest._meta.db_table} WHERE id = md5('request' || g)::uuid)",
        "amount": "20 + g %% 100", "preview": "'{}'::jsonb", "fingerprint": "'bench'",
        "succeeded_at": f"(SELECT created_at FROM {ReturnRequest._meta.db_table} WHERE id = md5('request' || g)::uuid)"
                        " + (100 + g %% 400) * interval '1 hour'",
        "created_at": "now()", "updated_at": "now()",
    })
    rebuild_rollups([installation])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"rollups: {DailySales.objects.count()} sales buckets, {DailyReturns.objects.count()} return buckets,"
          f" {MonthlySales.objects.count()} monthly sales buckets, {MonthlyReturns.objects.count()} monthly return"
          f" buckets, {MonthlyStageTimes.objects.count()} monthly stage-time buckets", flush=True)
    return installation


def p95_ms(run, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]


def backfill_rate(installation: Installation, orders: int, per_page: int = 100) -> float:
    """Orders per second through record_backfill_page, on generated pages of new orders of three lines."""
    backfill = SalesBackfill.objects.create(
        installation=installation, period_from=FIRST_DAY, period_to=LAST_DAY, started_by="bench",
        created_from=datetime(2020, 1, 1, tzinfo=timezone.utc), created_to=datetime(2030, 1, 1, tzinfo=timezone.utc),
    )
    _claimed, token = analytics_actions.claim_sales_backfill(backfill_id=backfill.pk)
    run = uuid.uuid4().hex[:8]
    began = time.perf_counter()
    for page in range(0, orders, per_page):
        data = [
            {
                "id": f"B{run}-{number}", "number": str(number), "channel": {"slug": "default-channel"},
                "total": {"currency": "USD"}, "status": "UNFULFILLED", "created": "2026-06-01T10:00:00+00:00",
                "updatedAt": "2026-06-01T10:00:00+00:00",
                "lines": [
                    {"id": f"B{run}-{number}-{line}", "quantity": 1 + line,
                     "totalPrice": {"net": {"currency": "USD", "fractionalAmount": 1999 * (1 + line), "fractionDigits": 2}},
                     "variant": {"id": f"V{1 + (number * 31 + line) % VARIANTS}", "sku": "S",
                                 "product": {"id": "P1", "name": "Product", "productType": {"id": "T1", "name": "T"},
                                             "category": {"id": "C1", "name": "C"}}}}
                    for line in range(3)
                ],
            }
            for number in range(page, min(page + per_page, orders))
        ]
        analytics_actions.record_backfill_page(
            backfill_id=backfill.pk, token=token, orders=data, end_cursor=str(page),
            has_next_page=page + per_page < orders, total_count=orders,
        )
    return orders / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backfill-orders", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollups of an already seeded database")
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    installation = seed(args.scale)
    if args.rebuild:
        began = time.perf_counter()
        rebuild_rollups([installation])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"rollups rebuilt in {time.perf_counter() - began:.1f} s", flush=True)
    rules = PolicyRules()
    periods = {
        "quarter": scope_for(installation, LAST_DAY - timedelta(days=89), LAST_DAY),
        "year": scope_for(installation, LAST_DAY - timedelta(days=364), LAST_DAY),
        "two_years": scope_for(installation, FIRST_DAY, LAST_DAY),
    }
    queries = {}
    for name, scope in periods.items():
        for dimension in rates.DIMENSIONS:
            queries[f"return_rate_{dimension}:{name}"] = lambda s=scope, d=dimension: rates.return_rates(s, d, first=50)
        queries[f"reasons:{name}"] = lambda s=scope: rates.reasons(s)
        queries[f"reasons_product:{name}"] = lambda s=scope: rates.reasons(s, "P42")
        queries[f"refunds_against_sales:{name}"] = lambda s=scope: outcomes.refunds_against_sales(s)
        queries[f"resolution_mix:{name}"] = lambda s=scope: outcomes.resolution_mix(s)
        queries[f"dispositions:{name}"] = lambda s=scope: outcomes.dispositions(s)
        queries[f"carrier_claims:{name}"] = lambda s=scope: outcomes.carrier_claims(s)
        queries[f"stage_times:{name}"] = lambda s=scope: stages.stage_times(s, rules)
        queries[f"auto_approval:{name}"] = lambda s=scope: stages.auto_approval(s)
    worst = 0.0
    for name, run in queries.items():
        run()
        p95 = p95_ms(run, args.repeat)
        worst = max(worst, p95)
        print(f"{name}: p95 {p95:.1f} ms", flush=True)
    rate = backfill_rate(installation, args.backfill_orders)
    print(f"backfill: {rate:.0f} orders/s ({SoldOrder.objects.filter(installation=installation).count()} orders recorded)")
    print(f"p95_ms={worst:.1f}")


if __name__ == "__main__":
    main()
