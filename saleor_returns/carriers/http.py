"""JSON over HTTP to a provider's API, with explicit timeouts and typed errors.

Each call is a client span of the trace in progress and carries it on (`traceparent`).
One request per call and no retries here: a purchase that timed out may have
gone through, so only the calling task, which can reconcile first, decides
whether to try again. Status mapping: 408, 429 and 5xx (and timeouts and
connection errors) raise `CarrierUnavailable`; any other 4xx raises
`CarrierRejected` with the provider's own message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from saleor_returns import __version__
from saleor_returns.carriers.base import Credentials
from saleor_returns.carriers.errors import CarrierError, CarrierRejected, CarrierUnavailable
from saleor_returns.observability.tracing import http_client_span, record_http_status

logger = logging.getLogger(__name__)

USER_AGENT = f"saleor-returns/{__version__}"
RETRYABLE_STATUSES = frozenset({408, 429})

# Reads the provider's error body: (message, code), either may be None.
ErrorReader = Callable[[Any], tuple[str | None, str | None]]


class JsonApi:
    """Calls one provider's REST API rooted at `base_url`."""

    def __init__(
        self,
        *,
        provider: str,
        name: str,
        base_url: str,
        credentials: Credentials,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        read_error: ErrorReader,
    ):
        self.provider = provider
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        self.auth = auth
        self.timeout = httpx.Timeout(credentials.timeout, connect=credentials.connect_timeout)
        self.read_error = read_error

    def get(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, payload: Mapping[str, Any]) -> Any:
        return self.request("POST", path, payload=payload)

    def request(
        self,
        method: str,
        path: str,
        *,
        payload: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        url = httpx.URL(f"{self.base_url}{path}")
        # A client span of the trace in progress, whose traceparent the provider receives.
        headers = dict(self.headers)
        with http_client_span(method, url, headers, {"carrier.provider": self.provider}) as span:
            try:
                with httpx.Client(timeout=self.timeout, auth=self.auth, headers=headers) as client:
                    response = client.request(method, url, json=payload, params=params)
            except httpx.TimeoutException as error:
                raise self._unavailable(path, f"{self.name} did not answer in time.") from error
            except httpx.TransportError as error:
                raise self._unavailable(path, f"Cannot reach {self.name}.") from error
            record_http_status(span, response.status_code)
        return self._result(path, response)

    def _result(self, path: str, response: httpx.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if status >= 500 or status in RETRYABLE_STATUSES:
            raise self._unavailable(
                path,
                f"{self.name} answered HTTP {status}.",
                status_code=status,
                retry_after=_retry_after(response),
            )
        if status >= 400:
            message, code = self.read_error(body) if body is not None else (None, None)
            # Info, not warning: some refusals are expected and handled by the
            # adapter (AfterShip's "already exists"); the caller logs the rest.
            logger.info(
                "Carrier refused a request",
                extra={"provider": self.provider, "path": path, "status_code": status, "code": code},
            )
            raise CarrierRejected(
                message or f"{self.name} answered HTTP {status}.",
                provider=self.provider,
                status_code=status,
                code=code,
            )
        if body is None:
            raise CarrierError(
                f"{self.name} answered with a body that is not JSON.",
                provider=self.provider,
                status_code=status,
            )
        return body

    def required(self, data: Any, key: str) -> str:
        """The non-empty string `data[key]` the provider must have answered with."""
        value = data.get(key) if isinstance(data, Mapping) else None
        if not isinstance(value, str) or not value:
            raise CarrierError(f"{self.name} answered without {key}.", provider=self.provider)
        return value

    def _unavailable(self, path: str, message: str, **kwargs: Any) -> CarrierUnavailable:
        logger.warning(
            "Carrier unavailable",
            extra={"provider": self.provider, "path": path, "status_code": kwargs.get("status_code")},
        )
        return CarrierUnavailable(message, provider=self.provider, **kwargs)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
