"""The demo shop: seeded through the real actions, a return in every status, replaced on restart.

Each seed takes seconds (about ninety calls to the Saleor double), so one test checks
what a single seed made.
"""

from collections import Counter

import pytest

from saleor_returns.demo import DEMO_STAFF_EMAIL
from saleor_returns.demo.seed import SEEDED_STATUSES, seed_demo_shop
from saleor_returns.models import Installation, Refund, ReplacementOrder, ReturnRequest
from saleor_returns.states import ReturnStatus


@pytest.fixture
def seeded(transactional_db, fake_saleor):
    return seed_demo_shop(fake_saleor)


def test_the_demo_has_a_return_in_every_status_made_through_saleor(seeded, fake_saleor):
    # then: every status but the instant "requested"
    statuses = Counter(ReturnRequest.objects.values_list("status", flat=True))
    assert SEEDED_STATUSES == set(ReturnStatus.values) - {ReturnStatus.REQUESTED}
    assert set(statuses) == SEEDED_STATUSES
    assert statuses[ReturnStatus.PENDING_REVIEW] == 3
    claim = ReturnRequest.objects.get(kind="damaged_on_arrival")
    assert (claim.status, claim.evidence.count(), claim.risk_reasons) == (ReturnStatus.PENDING_REVIEW, 1, [])

    # then: the refund was granted and paid in Saleor, store credit is a gift card, the exchange an order
    refunds = {refund.kind: refund for refund in Refund.objects.all()}
    assert {kind: refund.status for kind, refund in refunds.items()} == {
        "original_payment": "succeeded", "store_credit": "succeeded"
    }
    order = fake_saleor.lookup(refunds["original_payment"].return_request.order_id)
    assert [grant["status"] for grant in order["grantedRefunds"]] == ["SUCCESS"]
    assert len(fake_saleor.gift_cards) == 1
    exchange = ReturnRequest.objects.get(kind="exchange")
    assert (exchange.status, ReplacementOrder.objects.get().return_request) == (ReturnStatus.RESOLVED, exchange)

    # then: the installation is the one Saleor's register call would have made
    installation = Installation.objects.get()
    assert (installation.saleor_api_url, installation.app_id) == (fake_saleor.api_url, seeded.app["id"])
    assert installation.jwks == fake_saleor.jwks()
    assert seeded.staff["email"] == DEMO_STAFF_EMAIL
    assert len(seeded.orders) == 15


def test_seeding_again_replaces_the_previous_demo(seeded, fake_saleor):
    # given
    first_ids = set(ReturnRequest.objects.values_list("pk", flat=True))

    # when
    seed_demo_shop(fake_saleor)

    # then
    assert Installation.objects.count() == 1
    assert ReturnRequest.objects.count() == len(first_ids)
    assert not ReturnRequest.objects.filter(pk__in=first_ids).exists()
