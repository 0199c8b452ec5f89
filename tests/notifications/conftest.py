"""Fixtures for messages: a real SMTP server and a real HTTP endpoint on free loopback ports, and a return."""

import json
import threading
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.utils import timezone

from saleor_returns.models.notifications import Message
from tests.factories import ReturnLineFactory, ReturnRequestFactory
from tests.test_runner import free_port


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 keeping what it accepts; `refuse(...)` makes it answer DATA with an error.

    With `logins` ({user: password}) it offers AUTH (over plain text: loopback only) and
    accepts those; `logged_in` lists who did.
    """

    def __init__(self, logins: dict[str, str] | None = None):
        self.received = []
        self.envelopes = []
        self.logged_in: list[str] = []
        self._refusals: list[str] = []
        self._logins = logins
        self.port = free_port()
        options = {"authenticator": self._authenticate, "auth_require_tls": False} if logins else {}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        success = self._logins.get(user) == password
        if success:
            self.logged_in.append(user)
        return AuthResult(success=success, handled=False)

    def refuse(self, *replies: str) -> None:
        """The next DATA commands are answered with these replies, one each (e.g. "451 4.3.0 Try later")."""
        self._refusals.extend(replies)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self._refusals:
            return self._refusals.pop(0)
        self.envelopes.append(envelope)
        self.received.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """The deployment's e-mail goes to the test SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "returns@shop.example.com"
    return settings


class WebhookReceiver:
    """A threaded HTTP server on 127.0.0.1 recording each POST (headers, body); `answer(...)` sets its replies."""

    def __init__(self):
        self.requests: list[dict] = []
        self._answers: list[tuple[int, bytes]] = []
        self.default = (200, b'{"ok": true}')
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - stdlib signature
                pass

            def do_POST(self):  # noqa: N802 - stdlib naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                status, answer = receiver._answers.pop(0) if receiver._answers else receiver.default
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/returns"

    def answer(self, *answers: tuple[int, bytes | str]) -> None:
        self._answers.extend((status, body.encode() if isinstance(body, str) else body) for status, body in answers)

    def payloads(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def order(fake_saleor, installation):
    """A shipped order in the fake Saleor, placed in Simplified Chinese by Wang Fang."""
    customer = fake_saleor.add_customer("wang.fang@example.com", first_name="Fang", last_name="Wang")
    placed = fake_saleor.add_order(
        user=customer, lines=[{"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"),
                               "product_name": "Trail Sneaker", "variant_name": "EU 42"}],
        created=timezone.now() - timedelta(days=5), languageCodeEnum="ZH_HANS",
        billingAddress={"firstName": "芳", "lastName": "王"},
    )
    fake_saleor.fulfill(placed, created=timezone.now() - timedelta(days=3))
    return placed


@pytest.fixture
def return_request(installation, order):
    """An approved return of one pair of sneakers, in the fake Saleor's shop."""
    request = ReturnRequestFactory(
        installation=installation, order_id=order["id"], order_number=order["number"], status="approved",
        customer_email="wang.fang@example.com", customer_user_id=order["user"]["id"], status_changed_at=timezone.now(),
    )
    ReturnLineFactory(
        return_request=request, order_line_id=order["lines"][0]["id"], product_name="Trail Sneaker",
        variant_name="EU 42", requested_quantity=1, approved_quantity=1,
    )
    return request


def message_rows() -> str:
    """Everything the outbox stores, as one text: what a leak of a secret would show up in."""
    rows = []
    for message in Message.objects.prefetch_related("attempt_log"):
        rows.append(json.dumps({
            field.name: str(getattr(message, field.attname)) for field in Message._meta.concrete_fields
        }, ensure_ascii=False))
        rows.extend(str(vars(attempt)) for attempt in message.attempt_log.all())
    return "\n".join(rows)


def subject(mail) -> str:
    """A received message's subject, unfolded (a long encoded subject starts on a continuation line)."""
    return str(mail["Subject"]).strip()


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content().replace("\r\n", "\n")
