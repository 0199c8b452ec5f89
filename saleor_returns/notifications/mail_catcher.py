"""A local SMTP server that keeps what it is sent, for `make run`: a newcomer sees every message the app writes.

The runner starts it on loopback when no mail settings are given and points the app's
e-mail at it; the demo shop shows the caught messages at `/demo/mail/` (`mail_page`).
Nothing leaves the machine. It keeps the latest `keep` messages, in memory only.
"""

import html
import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

DEFAULT_PORT = 8025
PAGE_PATH = "/demo/mail/"


@dataclass(frozen=True)
class CaughtMail:
    received_at: datetime
    sender: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    headers: dict[str, str]


class MailCatcher:
    """An aiosmtpd server on 127.0.0.1:`port` (0: any free port) that accepts and keeps every message."""

    def __init__(self, port: int = DEFAULT_PORT, *, keep: int = 200):
        self.port = port
        self._mail: deque[CaughtMail] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> "MailCatcher":
        """Raises OSError when the port is taken."""
        if self.port == 0:
            self.port = _free_port()
        controller = Controller(self, hostname="127.0.0.1", port=self.port)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[CaughtMail]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._mail))

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.content, policy=default_policy)
        text_part = parsed.get_body(preferencelist=("plain",))
        html_part = parsed.get_body(preferencelist=("html",))
        caught = CaughtMail(
            received_at=datetime.now(tz=UTC),
            sender=envelope.mail_from,
            to=tuple(envelope.rcpt_tos),
            subject=str(parsed.get("Subject", "")),
            text=_content(text_part),
            html=_content(html_part),
            headers={name: str(value) for name, value in parsed.items()},
        )
        with self._lock:
            self._mail.append(caught)
        return "250 Message accepted"


def _content(part) -> str:
    # SMTP carries lines ending in CRLF; the page shows them as written.
    return part.get_content().replace("\r\n", "\n") if part is not None else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_page(catcher: MailCatcher) -> bytes:
    """The caught messages as one HTML page, newest first; each HTML part in a sandboxed frame."""
    items = []
    for mail in catcher.messages:
        unsubscribe = mail.headers.get("List-Unsubscribe", "")
        items.append(
            "<article>"
            f"<h2>{html.escape(mail.subject) or '(no subject)'}</h2>"
            "<dl>"
            f"<dt>To</dt><dd>{html.escape(', '.join(mail.to))}</dd>"
            f"<dt>From</dt><dd>{html.escape(mail.headers.get('From', mail.sender))}</dd>"
            f"<dt>Received</dt><dd>{mail.received_at:%Y-%m-%d %H:%M:%S} UTC</dd>"
            + (f"<dt>List-Unsubscribe</dt><dd>{html.escape(unsubscribe)}</dd>" if unsubscribe else "")
            + "</dl>"
            f"<details open><summary>Text</summary><pre>{html.escape(mail.text)}</pre></details>"
            + (
                '<details><summary>HTML</summary><iframe sandbox="" referrerpolicy="no-referrer" '
                f'title="HTML part" srcdoc="{html.escape(mail.html, quote=True)}"></iframe></details>'
                if mail.html
                else ""
            )
            + "</article>"
        )
    body = "".join(items) or "<p>No e-mail yet: messages the app sends appear here.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Caught e-mail</title>'
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#25262a}"
        "article{border:1px solid #d0d7de;border-radius:8px;padding:0 1rem 1rem;margin:1rem 0}"
        "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#59636e}dd{margin:0}"
        "pre{white-space:pre-wrap;background:#f6f8fa;padding:.75rem;border-radius:6px}"
        "iframe{width:100%;height:32rem;border:1px solid #d0d7de;border-radius:6px;background:#fff}</style></head>"
        f"<body><h1>Caught e-mail</h1><p>{len(catcher.messages)} message(s), newest first; "
        "nothing left this machine.</p>"
        f"{body}</body></html>"
    ).encode()
