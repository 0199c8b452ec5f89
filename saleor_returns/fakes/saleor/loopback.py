"""Serving a fake over loopback HTTP: the server thread, a quiet request handler, a proxy's error page.

The Saleor double and the carrier fakes both serve this way; like the rest of the double it
imports nothing of the project.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULT_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)


class LoopbackHandler(BaseHTTPRequestHandler):
    """A request handler that keeps test output clean (the fake's own log is its record)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_plain(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "text/plain",
        extra: Mapping[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout fired during delay_next).
            self.close_connection = True

    def send_fault_page(self, status: int, extra: Mapping[str, str] | None = None) -> None:
        """The HTML error page a load balancer answers when its upstream fails."""
        reason = self.responses.get(status, ("Error",))[0]
        page = FAULT_PAGE.format(status=status, reason=reason).encode()
        self.send_plain(status, page, content_type="text/html", extra=extra)


class LoopbackServer:
    """Serves a fake on 127.0.0.1 in a daemon thread; a context manager that starts and stops it.

    Subclasses name their `handler_class`, whose handlers reach the fake as `self.fake`.
    """

    handler_class: type[LoopbackHandler] = LoopbackHandler
    thread_name = "fake"
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self, *, port: int = 0):
        """Serve on 127.0.0.1, on `port` or a free one, in a daemon thread."""
        if self._server is not None:
            return self
        handler = type(f"{type(self).__name__}Handler", (self.handler_class,), {"fake": self})
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name=self.thread_name, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started; call start() first")
        return self._server.server_address[1]
