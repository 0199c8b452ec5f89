"""What the shop sold and what came back, for return analytics: the sales ledger, its daily rollups and backfills.

An order counts as sold when Saleor has it as an order that is not a draft, canceled or expired
(an unconfirmed order counts until it is canceled or expires), on the day it was created in the
shop's time zone. Its lines count with the quantity and net total Saleor gives them now: a line
edited later moves the figures by the difference, a canceled order takes its lines out.
"""

import uuid

from django.db import models

from saleor_returns.models.fields import money_field


class VariantPlacement(models.Model):
    """A variant and where it belongs in the catalog: its product, product type and category."""

    variant_id = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=255, blank=True)
    product_id = models.CharField(max_length=255, blank=True)
    product_name = models.CharField(max_length=386, blank=True)
    product_type_id = models.CharField(max_length=255, blank=True)
    product_type_name = models.CharField(max_length=250, blank=True)
    category_id = models.CharField(max_length=255, blank=True)
    category_name = models.CharField(max_length=250, blank=True)

    class Meta:
        abstract = True


class SoldOrder(models.Model):
    """One Saleor order as last recorded; the version (`saleor_updated_at`) keeps older deliveries out."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="sold_orders"
    )
    order_id = models.CharField(max_length=255)
    number = models.CharField(max_length=64, blank=True)
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(help_text="When Saleor created the order.")
    day = models.DateField(help_text="The shop's calendar day of created_at.")
    status = models.CharField(max_length=32, help_text="Saleor's OrderStatus, as last recorded.")
    customer_user_id = models.CharField(max_length=255, blank=True, help_text="Saleor's user id; empty for a guest.")
    customer_email = models.CharField(max_length=254, blank=True, help_text="The order's e-mail, lower-cased.")
    is_counted = models.BooleanField(help_text="Counts as sold: not a draft, canceled or expired.")
    saleor_updated_at = models.DateTimeField(help_text="Saleor's updatedAt of the version recorded.")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "order_id"], name="sold_order_once_per_shop"),
        ]
        indexes = [
            models.Index(fields=["installation", "customer_user_id"], name="sold_order_customer_user"),
            models.Index(fields=["installation", "customer_email"], name="sold_order_customer_email"),
        ]


class SoldLine(VariantPlacement):
    """The sales ledger: one row per Saleor order line, with what it sold and where it belongs."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="sold_lines"
    )
    order_line_id = models.CharField(max_length=255)
    order_id = models.CharField(max_length=255)
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(help_text="When Saleor created the order.")
    day = models.DateField(help_text="The shop's calendar day of created_at.")
    quantity = models.PositiveIntegerField(help_text="Units ordered; 0 once the line left the order.")
    net_amount = money_field(help_text="The line's net total, rounded by the currency's precision.")
    is_counted = models.BooleanField(help_text="The order counts as sold (SoldOrder.is_counted).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "order_line_id"], name="sold_line_once_per_order_line"),
        ]
        indexes = [
            models.Index(fields=["installation", "order_id"], name="sold_line_order"),
            models.Index(fields=["installation", "day"], name="sold_line_day"),
        ]


class DailySales(models.Model):
    """Units and net amount sold per shop, channel, currency, day and variant: the ledger's counted lines summed."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="daily_sales"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    variant_id = models.CharField(max_length=255, blank=True)
    units = models.BigIntegerField(default=0)
    net_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "currency", "day", "variant_id"], name="daily_sales_bucket"
            ),
        ]
        indexes = [models.Index(fields=["installation", "day"], name="daily_sales_day")]


class DailyReturns(models.Model):
    """Units and net value returned per shop, channel, currency, day, variant and reason.

    A return line counts on the day its return was requested (the shop's day), by the
    returned line's variant, with the approved quantity once review decided and the
    requested one until then; rejected and canceled requests count nothing, and claims
    (damaged, missing, wrong item, lost parcel) are not returns of goods.
    """

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="daily_returns"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    variant_id = models.CharField(max_length=255, blank=True)
    reason_code = models.CharField(max_length=64)
    units = models.BigIntegerField(default=0)
    net_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "currency", "day", "variant_id", "reason_code"],
                name="daily_returns_bucket",
            ),
        ]
        indexes = [models.Index(fields=["installation", "day"], name="daily_returns_day")]


class MonthlySales(models.Model):
    """DailySales summed per calendar month (`month` is its first day), so long periods read few rows."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="monthly_sales"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="The first day of the shop's calendar month.")
    variant_id = models.CharField(max_length=255, blank=True)
    units = models.BigIntegerField(default=0)
    net_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "currency", "month", "variant_id"], name="monthly_sales_bucket"
            ),
        ]
        indexes = [models.Index(fields=["installation", "month"], name="monthly_sales_month")]


class MonthlyReturns(models.Model):
    """DailyReturns summed per calendar month (`month` is its first day) over every reason, for return rates
    over long periods."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="monthly_returns"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="The first day of the shop's calendar month.")
    variant_id = models.CharField(max_length=255, blank=True)
    units = models.BigIntegerField(default=0)
    net_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "currency", "month", "variant_id"],
                name="monthly_returns_bucket",
            ),
        ]
        indexes = [models.Index(fields=["installation", "month"], name="monthly_returns_month")]


class DailyResolutions(models.Model):
    """Return requests, units and net value per shop, channel, currency, day and resolution (the resolution mix).

    Counted as DailyReturns counts: on the day requested, approved quantities once decided, neither
    rejected, canceled nor claims; `requests` are those with a line in the currency.
    """

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="daily_resolutions"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    resolution = models.CharField(max_length=32)
    requests = models.BigIntegerField(default=0)
    units = models.BigIntegerField(default=0)
    net_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "currency", "day", "resolution"], name="daily_resolutions_bucket"
            ),
        ]
        indexes = [models.Index(fields=["installation", "day"], name="daily_resolutions_day")]


class DailyDispositions(models.Model):
    """Units and net value per shop, channel, currency, day requested and disposition of the lines inspected."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="daily_dispositions"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    disposition = models.CharField(max_length=32)
    units = models.BigIntegerField(default=0)
    net_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "currency", "day", "disposition"],
                name="daily_dispositions_bucket",
            ),
        ]
        indexes = [models.Index(fields=["installation", "day"], name="daily_dispositions_day")]


class DailyRequests(models.Model):
    """Every return request per shop, channel and day requested: those approved automatically and those of
    them staff overturned. Its counts also tell a figure which days the sweep has not seen yet."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="daily_requests"
    )
    channel_slug = models.CharField(max_length=255)
    day = models.DateField()
    requests = models.BigIntegerField(default=0)
    auto_approved = models.BigIntegerField(default=0)
    overturned = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "channel_slug", "day"], name="daily_requests_bucket"),
        ]
        indexes = [models.Index(fields=["installation", "day"], name="daily_requests_day")]


class DailyRefunds(models.Model):
    """Money confirmed to customers per shop, channel, currency and day (the shop's day of `succeeded_at`):
    refunds to the original payment and store credit apart."""

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="daily_refunds"
    )
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    refunded_amount = money_field(default=0)
    store_credit_amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "channel_slug", "currency", "day"], name="daily_refunds_bucket"),
        ]
        indexes = [models.Index(fields=["installation", "day"], name="daily_refunds_day")]


class ReturnStageTimes(models.Model):
    """How long each stage of one return request took, in elapsed hours (null while it has not gone through it).

    Kept by the returns rollup from the request's events, shipments, lines and refunds; `day` is
    the shop's day of the request.
    """

    return_request = models.OneToOneField(
        "saleor_returns.ReturnRequest", on_delete=models.CASCADE, primary_key=True, related_name="stage_times"
    )
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="return_stage_times"
    )
    channel_slug = models.CharField(max_length=255)
    day = models.DateField()
    decision_hours = models.FloatField(null=True)
    approval_to_first_scan_hours = models.FloatField(null=True)
    scan_to_received_hours = models.FloatField(null=True)
    received_to_resolved_hours = models.FloatField(null=True)
    request_to_money_hours = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["installation", "day"], name="return_stage_times_day")]


class MonthlyStageTimes(models.Model):
    """A histogram of stage durations per shop, channel, calendar month and stage: requests per duration bucket.

    A bucket is named by its upper bound `up_to_hours`: durations up to a day in tenths of an
    hour, longer ones in whole hours, each rounded up (so "within a target of N hours" is exact).
    """

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="monthly_stage_times"
    )
    channel_slug = models.CharField(max_length=255)
    month = models.DateField(help_text="The first day of the shop's calendar month.")
    stage = models.CharField(max_length=32)
    up_to_hours = models.DecimalField(max_digits=12, decimal_places=1)
    requests = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "month", "stage", "up_to_hours"], name="monthly_stage_times_bucket"
            ),
        ]
        indexes = [models.Index(fields=["installation", "month"], name="monthly_stage_times_month")]


class ReturnsRollupMark(models.Model):
    """How far return requests' changes have been rolled up into DailyReturns, per shop."""

    installation = models.OneToOneField(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="returns_rollup_mark"
    )
    rolled_up_until = models.DateTimeField()


class SalesBackfill(models.Model):
    """A run reading a period's orders from Saleor into the ledger, page by page; one at a time per shop."""

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELED = "canceled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="sales_backfills"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    period_from = models.DateField(help_text="The shop's first day read.")
    period_to = models.DateField(help_text="The shop's last day read.")
    created_from = models.DateTimeField(help_text="The first instant of period_from, as sent to Saleor.")
    created_to = models.DateTimeField(help_text="The last instant of period_to, as sent to Saleor.")
    started_by = models.CharField(max_length=254, help_text='"install", or the staff member who asked.')
    cursor = models.TextField(blank=True, help_text="Saleor's endCursor of the last page recorded.")
    pages_done = models.PositiveIntegerField(default=0)
    orders_done = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    total_orders = models.PositiveIntegerField(null=True, blank=True, help_text="Saleor's totalCount of the period.")
    failures = models.PositiveIntegerField(default=0, help_text="Failed attempts in a row.")
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="A failed attempt's retry is due then.")
    leased_until = models.DateTimeField(null=True, blank=True, help_text="A worker is on it until then.")
    lease_token = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation"], condition=models.Q(status="running"), name="one_sales_backfill_running"
            ),
        ]
        indexes = [models.Index(fields=["installation", "-created_at"], name="sales_backfill_latest")]


class SoldVariant(VariantPlacement):
    """Where a variant belongs (product, product type, category), as the ledger and the returns last saw it.

    Kept by the ledger's writes and the returns rollup, so figures by product or category join this
    small table rather than the ledger's lines.
    """

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="sold_variants"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "variant_id"], name="sold_variant_once_per_shop"),
        ]
        indexes = [models.Index(fields=["installation", "product_id"], name="sold_variant_product")]


class CustomerStatus(models.Model):
    """What the merchant decided about a customer (VIP, watch, block), read by the automatic review.

    A customer is their Saleor user id when they have an account, else their e-mail lower-cased:
    `customer_key` is "user:<id>" or "email:<address>" (`key_for`). Blocking routes the customer's
    requests to staff rather than refusing them: a silent refusal would hide a mistaken block.
    """

    class Status(models.TextChoices):
        VIP = "vip"
        WATCH = "watch"
        BLOCK = "block"

    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="customer_statuses"
    )
    customer_key = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)
    set_by = models.CharField(max_length=254, help_text="The staff member who set it.")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "customer_key"], name="customer_status_once_per_shop"),
        ]

    @staticmethod
    def key_for(*, customer_user_id: str, customer_email: str) -> str:
        """The customer's key: their Saleor user id if they have an account, else their e-mail lower-cased."""
        if customer_user_id:
            return f"user:{customer_user_id}"
        return f"email:{customer_email.strip().lower()}"

    @classmethod
    def key_of(cls, return_request) -> str:
        return cls.key_for(customer_user_id=return_request.customer_user_id, customer_email=return_request.customer_email)

    @classmethod
    def of_request(cls, return_request) -> "CustomerStatus | None":
        return cls.of_requests([return_request]).get(return_request.pk)

    @classmethod
    def of_requests(cls, return_requests) -> dict:
        """Each return's customer status (by the return's pk; none when unset), in one query."""
        keys = {request.pk: (request.installation_id, cls.key_of(request)) for request in return_requests}
        if not keys:
            return {}
        statuses = cls.objects.filter(
            installation_id__in={pair[0] for pair in keys.values()}, customer_key__in={pair[1] for pair in keys.values()}
        )
        found = {(status.installation_id, status.customer_key): status for status in statuses}
        return {pk: found[pair] for pk, pair in keys.items() if pair in found}


class SpikeAlert(models.Model):
    """A variant whose return rate in an ISO week stood significantly above its own baseline; once per week."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="spike_alerts"
    )
    variant_id = models.CharField(max_length=255)
    week_start = models.DateField(help_text="The Monday of the ISO week, in the shop's time zone.")
    sold_units = models.BigIntegerField()
    returned_units = models.BigIntegerField()
    baseline_sold_units = models.BigIntegerField()
    baseline_returned_units = models.BigIntegerField()
    rate_lower_bound = models.DecimalField(max_digits=7, decimal_places=6)
    baseline_upper_bound = models.DecimalField(max_digits=7, decimal_places=6)
    dominant_reason_code = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True, help_text="What staff did about it.")
    noted_by = models.CharField(max_length=254, blank=True)
    noted_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True, help_text="When the shop was told.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "variant_id", "week_start"], name="spike_alert_once_per_variant_week"
            ),
        ]
