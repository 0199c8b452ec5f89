"""Guest lookup limits hold across processes: two gunicorn servers (two workers each) on one database."""

import json
import urllib.request

import pytest

from saleor_returns.installations import actions as installation_actions
from tests.api.conftest import shipped_order
from tests.test_worker import web_processes

LOOKUP = """
mutation($number: String!, $email: String!) {
  returnLookupTokenCreate(orderNumber: $number, email: $email) { token errors { code } }
}
"""


@pytest.fixture
def two_servers():
    with web_processes(2, workers=2) as urls:
        yield urls


def lookup(base_url: str, api_url: str, number, email: str) -> dict:
    body = json.dumps({"query": LOOKUP, "variables": {"number": str(number), "email": email}}).encode()
    request = urllib.request.Request(
        f"{base_url}/graphql/", data=body, method="POST",
        headers={"Content-Type": "application/json", "Saleor-Api-Url": api_url},
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        return json.loads(response.read())["data"]["returnLookupTokenCreate"]


@pytest.mark.django_db(transaction=True)
def test_failed_lookups_are_counted_once_for_every_process(installation, fake_saleor, two_servers):
    # given
    installation_actions.seed_default_reasons(installation=installation)
    order = shipped_order(fake_saleor, email="guest@example.com")
    api_url = installation.saleor_api_url

    # when: ten wrong guesses spread over both servers (and their workers)
    for attempt in range(10):
        failed = lookup(two_servers[attempt % 2], api_url, order["number"], f"guess{attempt}@example.com")
        assert failed["errors"] == [{"code": "NOT_FOUND"}]

    # then: the eleventh try is refused, whichever server takes it
    for base_url in two_servers:
        refused = lookup(base_url, api_url, order["number"], "guest@example.com")
        assert refused == {"token": None, "errors": [{"code": "TOO_MANY_ATTEMPTS"}]}
