"""HTTP client for Saleor's GraphQL API.

Every call has explicit timeouts. Queries are retried with backoff on
timeouts, connection errors and 5xx answers. Mutations are retried only when
the request surely never reached Saleor (the connection could not be made):
after a read timeout or a 5xx Saleor may have done the work, so the caller
must confirm the outcome from Saleor before trying again.

The API URL comes from outside (the install call), so every call goes through
`saleor_returns.outbound`: a Saleor on a loopback, private or link-local address
is refused (`SaleorAddressForbidden`, never retried) and a redirect is an error
(`SaleorRedirect`), never followed.
"""

import logging
import time
from dataclasses import dataclass, field

import httpx
from django.conf import settings

from saleor_returns import __version__
from saleor_returns.observability.tracing import tracer
from saleor_returns.outbound import ForbiddenAddress, outbound_client
from saleor_returns.saleor.documents import document

logger = logging.getLogger(__name__)

USER_AGENT = f"saleor-returns/{__version__}"


class SaleorError(Exception):
    """Base of every failure talking to Saleor."""


class SaleorUnavailable(SaleorError):
    """Timeout, connection error or 5xx: worth retrying later (for mutations, after reconciling)."""


class SaleorHTTPError(SaleorError):
    """Saleor answered a 4xx: retrying the same request will not help."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code


@dataclass
class GraphQLErrorDetail:
    message: str
    code: str | None = None
    path: list | None = None


class SaleorRedirect(SaleorHTTPError):
    """Saleor answered a 3xx. Redirects are never followed: the URL must be the API URL itself."""


class SaleorAddressForbidden(SaleorError):
    """The API URL resolves to an address the app does not call (see saleor_returns.outbound)."""

    def __init__(self, reason: str):
        super().__init__(f"The Saleor API URL resolves to a forbidden address ({reason}).")
        self.reason = reason


class SaleorGraphQLError(SaleorError):
    """The response carried top-level GraphQL `errors`."""

    def __init__(self, errors: list[GraphQLErrorDetail], data: dict | None = None):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors
        self.data = data

    @property
    def is_permission_denied(self) -> bool:
        return any(error.code == "PermissionDenied" for error in self.errors)


@dataclass
class MutationErrorDetail:
    field: str | None
    code: str | None
    message: str | None
    extra: dict = field(default_factory=dict)


class SaleorMutationError(SaleorError):
    """A mutation answered with a non-empty `errors` list in its payload."""

    def __init__(self, mutation: str, errors: list[MutationErrorDetail]):
        super().__init__(f"{mutation}: " + "; ".join(f"{e.field}: {e.code} {e.message}" for e in errors))
        self.mutation = mutation
        self.errors = errors

    @property
    def codes(self) -> set[str]:
        return {error.code for error in self.errors if error.code}


def _graphql_errors(raw_errors: list) -> list[GraphQLErrorDetail]:
    details = []
    for raw in raw_errors:
        extensions = raw.get("extensions") or {}
        code = (extensions.get("exception") or {}).get("code") or extensions.get("code")
        details.append(GraphQLErrorDetail(message=raw.get("message", ""), code=code, path=raw.get("path")))
    return details


class SaleorClient:
    """Talks to one Saleor API URL, optionally as an app (`token`)."""

    def __init__(
        self,
        api_url: str,
        token: str | None = None,
        *,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
    ):
        self.api_url = api_url
        self.token = token
        self.timeout = httpx.Timeout(
            timeout if timeout is not None else settings.SALEOR_HTTP_TIMEOUT,
            connect=connect_timeout if connect_timeout is not None else settings.SALEOR_HTTP_CONNECT_TIMEOUT,
        )
        self.retries = retries if retries is not None else settings.SALEOR_HTTP_RETRIES
        self.backoff = backoff if backoff is not None else settings.SALEOR_HTTP_BACKOFF

    @classmethod
    def for_installation(cls, installation, **options) -> "SaleorClient":
        return cls(installation.saleor_api_url, installation.app_token, **options)

    def query(self, operation_name: str, variables: dict | None = None) -> dict:
        """Run a query from graphql/saleor/ and return its `data`."""
        return self._execute(operation_name, variables, retry_after_sent=True)

    def mutate(self, operation_name: str, variables: dict | None = None) -> dict:
        """Run a mutation; raise `SaleorMutationError` if any payload has errors."""
        data = self._execute(operation_name, variables, retry_after_sent=False)
        for mutation, payload in data.items():
            errors = (payload or {}).get("errors") or []
            if errors:
                raise SaleorMutationError(
                    mutation,
                    [
                        MutationErrorDetail(
                            field=error.get("field"),
                            code=error.get("code"),
                            message=error.get("message"),
                            extra={k: v for k, v in error.items() if k not in {"field", "code", "message"}},
                        )
                        for error in errors
                    ],
                )
        return data

    def _execute(self, operation_name: str, variables: dict | None, *, retry_after_sent: bool) -> dict:
        # One span per operation; each HTTP attempt (retries included) is a client span inside it.
        attributes = {"graphql.operation.name": operation_name}
        with tracer.start_as_current_span(f"Saleor {operation_name}", attributes=attributes):
            return self._attempt(operation_name, variables, retry_after_sent=retry_after_sent)

    def _attempt(self, operation_name: str, variables: dict | None, *, retry_after_sent: bool) -> dict:
        body = {"query": document(operation_name), "operationName": operation_name, "variables": variables or {}}
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            attempt += 1
            try:
                with outbound_client(timeout=self.timeout) as client:
                    response = client.post(self.api_url, json=body, headers=headers)
            except ForbiddenAddress as error:
                logger.warning("Saleor call refused: forbidden address", extra={"saleor_api_url": self.api_url})
                raise SaleorAddressForbidden(error.reason) from error
            except httpx.ConnectError as error:
                failure = SaleorUnavailable(f"Cannot connect to Saleor: {error}")
                retryable = True
            except httpx.TimeoutException as error:
                failure = SaleorUnavailable(f"Saleor did not answer in time: {error.__class__.__name__}")
                retryable = retry_after_sent or isinstance(error, httpx.ConnectTimeout)
            except httpx.TransportError as error:
                failure = SaleorUnavailable(f"Connection to Saleor failed: {error.__class__.__name__}")
                retryable = retry_after_sent
            else:
                if response.status_code >= 500:
                    failure = SaleorUnavailable(f"Saleor answered HTTP {response.status_code}.")
                    retryable = retry_after_sent
                else:
                    return self._data(operation_name, response)
            if not retryable or attempt > self.retries:
                logger.warning(
                    "Saleor call failed",
                    extra={"operation": operation_name, "attempts": attempt, "saleor_api_url": self.api_url},
                )
                raise failure
            time.sleep(self.backoff * (2 ** (attempt - 1)))

    def _data(self, operation_name: str, response: httpx.Response) -> dict:
        if 300 <= response.status_code < 400:
            raise SaleorRedirect(response.status_code, f"Saleor answered HTTP {response.status_code}, a redirect.")
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 400 and not (isinstance(payload, dict) and payload.get("errors")):
            raise SaleorHTTPError(response.status_code, f"Saleor answered HTTP {response.status_code}.")
        if not isinstance(payload, dict):
            raise SaleorHTTPError(response.status_code, "Saleor answered with a body that is not JSON.")
        if payload.get("errors"):
            raise SaleorGraphQLError(_graphql_errors(payload["errors"]), payload.get("data"))
        data = payload.get("data")
        if not isinstance(data, dict):
            raise SaleorHTTPError(response.status_code, f"{operation_name}: the response has no data.")
        return data
