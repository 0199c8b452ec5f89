"""Sample data for the demo shop: customers and shipped orders in a FakeSaleor, and this app's
installation for that shop with return requests in every status the desk shows.

Every return goes through the actions the API, webhooks and tasks call, in the order a
shop would see them; the tasks they queue run eagerly, right after each commit, in this
process, so the seed always ends in the same state. "requested" is the one status left
out: the review task moves a request on as soon as it is stored.
"""

import logging
import secrets
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from saleor_returns.carriers.tracking import Location, TrackingEvent, TrackingStatus
from saleor_returns import lifecycle
from saleor_returns.celery import app as celery_app
from saleor_returns.demo import DEMO_PASSWORD, DEMO_STAFF_EMAIL
from saleor_returns.fakes.saleor import FakeSaleor
from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Evidence, Installation, Resolution, ReturnKind, ReturnRequest
from saleor_returns.requestors import Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.requests import evidence as request_evidence
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.saleor.orders import fetch_order
from saleor_returns.shipping import actions as shipping_actions
from saleor_returns.states import ReturnStatus

logger = logging.getLogger(__name__)

APP_PERMISSIONS = ("MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS", "MANAGE_STAFF")
# The demo's staff member may do everything the desk offers (a shop owner).
STAFF_PERMISSIONS = ("MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS", "MANAGE_SETTINGS",
                     "MANAGE_APPS")
CHANNEL = "default-channel"
CURRENCY = "USD"
WAREHOUSES = ("Default warehouse", "Returns warehouse")
SHIPPING_PRICE = Decimal("7.50")
# Every status a demo return ends in.
SEEDED_STATUSES = frozenset(set(ReturnStatus.values) - {ReturnStatus.REQUESTED})

# sku: (product, variant, gross unit price, category)
CATALOG = {
    "SNEAKER-42": ("Trail Sneaker", "EU 42", "89.00", "Shoes"),
    "SNEAKER-43": ("Trail Sneaker", "EU 43", "89.00", "Shoes"),
    "JACKET-M": ("Rain Jacket", "M", "129.00", "Outerwear"),
    "TEE-S": ("Organic Tee", "S", "25.00", "Tops"),
    "TEE-L": ("Organic Tee", "L", "25.00", "Tops"),
    "DAYPACK-20": ("Daypack 20 L", "Black", "74.50", "Bags"),
    "HEADPHONES": ("Wireless Headphones", "Graphite", "149.00", "Electronics"),
    "MUG-SET": ("Stoneware Mug", "Set of 2", "18.00", "Home"),
}

# Saleor's language of an account and its orders, by the customer's country (else EN_US): the
# returns portal speaks it.
LANGUAGE_BY_COUNTRY = {"CN": "ZH_HANS"}
# e-mail: (first name, last name, street, city, postal code, country code, country)
CUSTOMERS = {
    "alice.martin@example.com": ("Alice", "Martin", "417 Montgomery St", "San Francisco", "94104", "US",
                                 "United States"),
    "bruno.costa@example.com": ("Bruno", "Costa", "Rua Augusta 120", "Lisboa", "1100-053", "PT", "Portugal"),
    "wei.chen@example.com": ("Wei", "Chen", "88 Century Ave", "Shanghai", "200120", "CN", "China"),
    "dara.okafor@example.com": ("Dara", "Okafor", "12 Marina Rd", "Lagos", "101241", "NG", "Nigeria"),
    "emma.schulz@example.com": ("Emma", "Schulz", "Hauptstr. 1", "Berlin", "10115", "DE", "Germany"),
    "farid.haddad@example.com": ("Farid", "Haddad", "5 Rue de Rivoli", "Paris", "75001", "FR", "France"),
}


@dataclass
class DemoShop:
    """What the seed made: the fake's app and staff user, and the app's installation for it."""

    fake: FakeSaleor
    app: dict
    staff: dict
    installation: Installation
    orders: list[dict] = field(default_factory=list)


def seed_demo_shop(fake: FakeSaleor) -> DemoShop:
    """Fill a started `fake` with the demo shop and install this app for it, replacing any
    earlier demo data stored for the fake's API URL. Commits as it goes, so it must not
    run inside a transaction."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("seed_demo_shop() commits step by step; call it outside a transaction.")
    with _eager_tasks(), _quiet_logs():
        app, staff, customers, method = _populate_saleor(fake)
        remove_demo_data(saleor_api_url=fake.api_url)
        installation = _install(fake, app)
        seeder = _Seeder(fake=fake, installation=installation, staff=staff, customers=customers, shipping_method=method)
        seeder.seed_returns()
    logger.info("Demo shop seeded", extra={"saleor_api_url": fake.api_url})
    return DemoShop(fake=fake, app=app, staff=staff, installation=installation, orders=seeder.orders)


def remove_demo_data(*, saleor_api_url: str) -> None:
    """Delete the installation for `saleor_api_url` with its returns and evidence files."""
    installation = Installation.objects.filter(saleor_api_url=saleor_api_url).first()
    if installation is None:
        return
    storage = Evidence._meta.get_field("file").storage
    files = list(Evidence.objects.filter(installation=installation).values_list("file", flat=True))
    with transaction.atomic():
        # Returns protect their installation, policy and reasons: they go first.
        ReturnRequest.objects.filter(installation=installation).delete()
        installation.delete()
    for name in files:
        storage.delete(name)


@contextmanager
def _eager_tasks() -> Iterator[None]:
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """The seed's dozens of actions would each log a line at start-up."""
    app_logger = logging.getLogger("saleor_returns")
    previous = app_logger.level
    app_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        app_logger.setLevel(previous)


def _populate_saleor(fake: FakeSaleor) -> tuple[dict, dict, dict[str, dict], dict]:
    fake.add_channel(CHANNEL, CURRENCY)
    for name in WAREHOUSES:
        fake.add_warehouse(name)
    method = fake.add_shipping_method("Standard shipping", SHIPPING_PRICE, channel_slug=CHANNEL, currency=CURRENCY)
    for sku, (product, variant, price, category) in CATALOG.items():
        fake.add_variant(sku, price=Decimal(price), channel_slug=CHANNEL, currency=CURRENCY, product_name=product,
                         variant_name=variant, category=category, product_type=category)
        for warehouse, quantity in zip(WAREHOUSES, (24, 3)):
            fake.set_stock(sku, quantity, warehouse=warehouse)
    customers = {
        email: fake.add_customer(email, first_name=first, last_name=last, password=DEMO_PASSWORD,
                                 languageCode=LANGUAGE_BY_COUNTRY.get(country, "EN_US"))
        for email, (first, last, _street, _city, _postal_code, country, _name) in CUSTOMERS.items()
    }
    staff = fake.add_staff(DEMO_STAFF_EMAIL, STAFF_PERMISSIONS, first_name="Demo", last_name="Staff",
                           password=DEMO_PASSWORD)
    app = fake.add_app(identifier="saleor.returns", name="Returns", permissions=APP_PERMISSIONS)
    return app, staff, customers, method


def _install(fake: FakeSaleor, app: dict) -> Installation:
    """The installation Saleor's register call would make; its JWKS is fetched by the task it queues."""
    installation = installation_actions.install_app(
        saleor_api_url=fake.api_url, saleor_domain=fake.domain, app_token=app["token"], app_id=app["id"],
        permissions=list(APP_PERMISSIONS),
    )
    installation.refresh_from_db()
    return installation


def _photo(offset: int) -> bytes:
    """A small PNG standing in for a customer's photo of a dented parcel (each `offset` a different one)."""
    width, height = 120, 90
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            dent = abs((x - offset) - (y * 4 // 3)) < 4
            row += bytes((120, 84, 50) if dent else (198, 160, 112))
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


class _Seeder:
    """Walks demo returns through their lifecycle, one scenario per method call."""

    def __init__(self, *, fake: FakeSaleor, installation: Installation, staff: dict, customers: dict[str, dict],
                 shipping_method: dict):
        self.fake = fake
        self.installation = installation
        self.customers = customers
        self.shipping_method = shipping_method
        self.staff = Actor(kind="staff", id=staff["id"], email=staff["email"])
        self.warehouse_id = fake.add_warehouse(WAREHOUSES[0])["id"]
        self.orders: list[dict] = []
        # Sends the tracking updates a carrier integration would (never the default
        # account, so approvals buy no labels).
        self.tracking_feed = installation_actions.set_carrier_account(
            installation=installation, provider="generic", name="Demo tracking feed",
            credentials={"webhook_secret": secrets.token_urlsafe(24)}, is_default=False,
        )
        self.tracking_numbers = iter(f"1ZDEMO{number:010d}" for number in range(4000100, 4000200))

    # ------------------------------------------------------------------ scenarios

    def seed_returns(self) -> None:
        alice, bruno, wei, dara, emma, farid = CUSTOMERS
        # Waits for staff: a change of mind, and a question back to the customer.
        self.request(self.order(alice, {"TEE-S": 2, "SNEAKER-42": 1}, days_ago=4), alice, {"TEE-S": 1},
                     note="Too small for me, sorry!")
        asked = self.request(self.order(bruno, {"JACKET-M": 1}, days_ago=6), bruno, {"JACKET-M": 1},
                             reason="NOT_AS_DESCRIBED", note="The colour is much darker than on the photos.")
        request_actions.request_info(return_request=asked, actor=self.staff,
                             message="Could you send a photo of the jacket in daylight?")
        # Decided.
        self.approve(self.request(self.order(wei, {"HEADPHONES": 1}, days_ago=5), wei, {"HEADPHONES": 1},
                                  reason="ORDERED_BY_MISTAKE"))
        rejected = self.request(self.order(dara, {"MUG-SET": 2}, days_ago=8), dara, {"MUG-SET": 1},
                                reason="PRICE_DROPPED")
        request_actions.reject_return_request(return_request=rejected, actor=self.staff,
                                      message="Price changes are refunded by our support team, not as a return.")
        canceled = self.request(self.order(emma, {"TEE-L": 1}, days_ago=3), emma, {"TEE-L": 1})
        request_actions.cancel_return_request(return_request=canceled, actor=self.customer(emma),
                                      note="I'll keep it after all.")
        # On the way back.
        self.ship(self.approve(self.request(self.order(farid, {"DAYPACK-20": 1}, days_ago=7), farid, {"DAYPACK-20": 1},
                                            reason="NOT_AS_DESCRIBED")))
        in_transit = self.ship(self.approve(self.request(self.order(alice, {"SNEAKER-42": 1}, days_ago=10), alice,
                                                         {"SNEAKER-42": 1})))
        self.scan(in_transit, TrackingStatus.IN_TRANSIT, hours_ago=20, city="Oakland")
        delivered = self.ship(self.approve(self.request(self.order(bruno, {"JACKET-M": 1, "TEE-S": 1}, days_ago=12),
                                                        bruno, {"JACKET-M": 1, "TEE-S": 1})))
        self.scan(delivered, TrackingStatus.IN_TRANSIT, hours_ago=50, city="Porto")
        self.scan(delivered, TrackingStatus.DELIVERED, hours_ago=3, city="Austin")
        # At the returns desk.
        self.inspect(self.receive(self.ship(self.approve(self.request(
            self.order(wei, {"SNEAKER-42": 2}, days_ago=14), wei, {"SNEAKER-42": 2}, reason="CHANGED_MIND")))))
        refunded = self.inspect(self.receive(self.ship(self.approve(self.request(
            self.order(dara, {"JACKET-M": 1}, days_ago=16), dara, {"JACKET-M": 1}, reason="DEFECT",
            photo=True)))))
        resolution_actions.resolve_return_request(return_request=refunded, actor=self.staff, resolution=Resolution.REFUND)
        closed = self.inspect(self.receive(self.ship(self.approve(self.request(
            self.order(emma, {"TEE-S": 3}, days_ago=20), emma, {"TEE-S": 2}, resolution=Resolution.STORE_CREDIT)))))
        resolution_actions.resolve_return_request(return_request=closed, actor=self.staff, resolution=Resolution.STORE_CREDIT)
        self.close(closed)
        # An exchange for the next size, sent once the first pair was inspected.
        exchange = self.inspect(self.receive(self.ship(self.approve(self.request(
            self.order(farid, {"SNEAKER-42": 1}, days_ago=9), farid, {"SNEAKER-42": 1},
            kind=ReturnKind.EXCHANGE, resolution=Resolution.EXCHANGE,
            exchange_variant_id=self.variant_id("SNEAKER-43"), note="Half a size too small.")))))
        resolution_actions.resolve_return_request(return_request=exchange, actor=self.staff, resolution=Resolution.EXCHANGE)
        # A claim with the customer's photo, waiting for staff.
        self.request(self.order(wei, {"MUG-SET": 1}, days_ago=2), wei, {"MUG-SET": 1},
                     kind=ReturnKind.DAMAGED_ON_ARRIVAL, reason="DAMAGED_IN_TRANSIT", photo=True,
                     note="One mug arrived in pieces.")
        # Orders without returns, to start one from the order page.
        self.order(alice, {"HEADPHONES": 1}, days_ago=2)
        self.order(bruno, {"TEE-L": 2, "MUG-SET": 1}, days_ago=5)

    # ------------------------------------------------------------------ steps

    def customer(self, email: str) -> Actor:
        user = self.customers[email]
        return Actor(kind="customer", id=user["id"], email=email)

    def variant_id(self, sku: str) -> str:
        return next(v["id"] for v in self.fake.variants if v["sku"] == sku)

    def order(self, email: str, items: dict[str, int], *, days_ago: int) -> dict:
        """An order delivered `days_ago` days ago, paid in full by card."""
        now = timezone.now()
        lines = [
            {"sku": sku, "quantity": quantity, "unit_price": Decimal(CATALOG[sku][2]), "product_name": CATALOG[sku][0],
             "variant_name": CATALOG[sku][1], "category": CATALOG[sku][3], "product_type": CATALOG[sku][3]}
            for sku, quantity in items.items()
        ]
        order = self.fake.add_order(user=self.customers[email], user_email=email, channel_slug=CHANNEL,
                                    currency=CURRENCY, lines=lines, shipping=SHIPPING_PRICE,
                                    created=now - timedelta(days=days_ago + 2))
        address = self._address(email)
        with self.fake.lock:
            order.update(shippingAddress=address, billingAddress=dict(address),
                         deliveryMethod={**self.shipping_method, "__typename": "ShippingMethod"},
                         languageCodeEnum=self.customers[email]["languageCode"])
        self.fake.fulfill(order, created=now - timedelta(days=days_ago), warehouse=WAREHOUSES[0])
        total = sum((Decimal(CATALOG[sku][2]) * quantity for sku, quantity in items.items()), SHIPPING_PRICE)
        self.fake.add_transaction(order, charged=total, created=now - timedelta(days=days_ago + 2))
        self.orders.append(order)
        return order

    def _address(self, email: str) -> dict:
        first, last, street, city, postal_code, country_code, country = CUSTOMERS[email]
        return {
            "__typename": "Address", "id": self.fake.new_id("Address"), "firstName": first, "lastName": last,
            "companyName": "", "streetAddress1": street, "streetAddress2": "", "city": city, "cityArea": "",
            "postalCode": postal_code, "countryArea": "", "phone": "",
            "country": {"__typename": "CountryDisplay", "code": country_code, "country": country},
        }

    def request(self, order: dict, email: str, items: dict[str, int], *, reason: str = "CHANGED_MIND",
                kind: str = ReturnKind.RETURN, resolution: str = Resolution.REFUND, exchange_variant_id: str = "",
                note: str = "", photo: bool = False) -> ReturnRequest:
        """The customer asks to return `items` ({sku: quantity}); the review task runs at once."""
        actor = self.customer(email)
        evidence_ids = []
        if photo:
            # Each its own picture: the same photo on two returns is a risk flag.
            upload = SimpleUploadedFile("photo.png", _photo(offset=len(self.orders) * 7), content_type="image/png")
            evidence_ids = [str(request_evidence.upload_evidence(installation=self.installation, uploaded_by=actor,
                                                        uploaded_file=upload).pk)]
        line_ids = {line["productSku"]: line["id"] for line in order["lines"]}
        data = request_actions.ReturnRequestInput(
            order_id=order["id"], kind=kind, resolution=resolution, exchange_variant_id=exchange_variant_id,
            customer_note=note,
            lines=[request_actions.LineInput(order_line_id=line_ids[sku], quantity=quantity, reason_code=reason,
                                     evidence_ids=evidence_ids)
                   for sku, quantity in items.items()],
        )
        snapshot = fetch_order(self.installation, order["id"], use_cache=False)
        return_request, _ = request_actions.create_return_request(
            installation=self.installation, order=snapshot, data=data, actor=actor, is_staff=False
        )
        return self.reloaded(return_request)

    def approve(self, return_request: ReturnRequest) -> ReturnRequest:
        request_actions.approve_return_request(return_request=return_request, actor=self.staff)
        return self.reloaded(return_request)

    def ship(self, return_request: ReturnRequest) -> ReturnRequest:
        """The customer drops the parcel off and enters the tracking number."""
        shipping_actions.add_customer_tracking(return_request=return_request, actor=self.customer(return_request.customer_email),
                                      carrier="UPS", tracking_number=next(self.tracking_numbers))
        return self.reloaded(return_request)

    def scan(self, return_request: ReturnRequest, status: TrackingStatus, *, hours_ago: int,
             city: str) -> ReturnRequest:
        """A tracking update arrives from the carrier feed, as its webhook would store it."""
        shipment = return_request.shipments.get()
        event = TrackingEvent(
            provider="generic", event_id=f"demo-{secrets.token_hex(8)}", tracking_number=shipment.tracking_number,
            carrier="ups", status=status, provider_status=status.value.upper(),
            occurred_at=timezone.now() - timedelta(hours=hours_ago), location=Location(city=city),
            message="Delivered to the returns desk" if status is TrackingStatus.DELIVERED else "Departed facility",
        )
        shipping_actions.record_carrier_events(account=self.tracking_feed, parsed=[event])
        return self.reloaded(return_request)

    def receive(self, return_request: ReturnRequest) -> ReturnRequest:
        quantities = {str(line.pk): line.approved_quantity for line in return_request.lines.order_by("pk")}
        inspection_actions.receive_return_lines(return_request=return_request, actor=self.staff, quantities=quantities)
        return self.reloaded(return_request)

    def inspect(self, return_request: ReturnRequest) -> ReturnRequest:
        """Everything arrived as new and goes back on the shelf."""
        inspections = [
            inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=line.received_quantity, condition="as_new",
                                    disposition="restock", warehouse_id=self.warehouse_id)
            for line in return_request.lines.order_by("pk")
        ]
        inspection_actions.inspect_return_lines(return_request=return_request, actor=self.staff, inspections=inspections)
        return self.reloaded(return_request)

    def close(self, return_request: ReturnRequest) -> ReturnRequest:
        """Staff file a resolved return away (no action closes returns yet)."""
        with transaction.atomic():
            locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
            lifecycle.transition(locked, to=ReturnStatus.CLOSED, actor=self.staff, note="Store credit sent; closed.")
        return self.reloaded(return_request)

    @staticmethod
    def reloaded(return_request: ReturnRequest) -> ReturnRequest:
        return ReturnRequest.objects.get(pk=return_request.pk)
