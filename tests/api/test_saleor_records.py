"""After inspection, Saleor records the return: a RETURNED fulfillment, restocked units,
and the return's status in the order's metadata — each once, whatever fails in between."""

from decimal import Decimal

import pytest

from saleor_returns.celery import app as celery_app
from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.inspection import tasks as inspection_tasks
from saleor_returns.models import ReturnRequest
from saleor_returns.policies import FULFILLMENT_RMA_KEY
from saleor_returns.requestors import Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import create_request, shipped_order

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")


@pytest.fixture(autouse=True)
def eager_retries():
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def warehouse(fake_saleor):
    return fake_saleor.add_warehouse("Default warehouse")


def inspect(as_alice, fake_saleor, alice, warehouse, *, accepted=2, disposition="restock"):
    order = shipped_order(fake_saleor, alice, lines=[{"sku": "SNEAKER", "quantity": 3, "unit_price": Decimal("25.00")}])
    fake_saleor.set_stock("SNEAKER", 5, warehouse="Default warehouse")
    create_request(as_alice, order, {0: 2})
    return_request = ReturnRequest.objects.get()
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    shipping_actions.add_customer_tracking(return_request=return_request, actor=STAFF, carrier="UPS", tracking_number="1Z1")
    line = return_request.lines.get()
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 2})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=accepted, condition="as_new",
                                disposition=disposition, warehouse_id=warehouse["id"] if disposition == "restock" else "")
    ])
    return order


def returned_fulfillments(fake_saleor, order):
    return [f for f in fake_saleor.lookup(order["id"])["fulfillments"] if f["status"] == "RETURNED"]


def test_accepted_units_are_returned_and_restocked_in_saleor(as_alice, fake_saleor, alice, warehouse, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = inspect(as_alice, fake_saleor, alice, warehouse)

    # then
    (returned,) = returned_fulfillments(fake_saleor, order)
    assert [line["quantity"] for line in returned["lines"]] == [2]
    assert {item["key"]: item["value"] for item in returned["metadata"]}[FULFILLMENT_RMA_KEY] == ReturnRequest.objects.get().rma_number
    assert fake_saleor.stock_levels("SNEAKER") == {"Default warehouse": 7}
    stored = ReturnRequest.objects.get()
    assert stored.saleor_return_fulfillment_id == returned["id"]
    metadata = {item["key"]: item["value"] for item in fake_saleor.lookup(order["id"])["metadata"]}
    assert metadata[f"saleor-returns.{stored.rma_number}"] == "inspected"


def test_running_the_task_again_changes_nothing(as_alice, fake_saleor, alice, warehouse, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = inspect(as_alice, fake_saleor, alice, warehouse)
    inspection_tasks.record_return_in_saleor_task.apply(args=[str(ReturnRequest.objects.get().pk)])
    assert len(returned_fulfillments(fake_saleor, order)) == 1
    assert fake_saleor.stock_levels("SNEAKER") == {"Default warehouse": 7}


@pytest.mark.parametrize("operation", ["ReturnOrderLines", "VariantStocksUpdate", "UpdateMetadata"])
def test_a_lost_answer_never_returns_or_restocks_twice(as_alice, fake_saleor, alice, warehouse, django_capture_on_commit_callbacks, operation):
    fake_saleor.fail_after_execute_next(count=1, status=502, operation=operation)
    with django_capture_on_commit_callbacks(execute=True):
        order = inspect(as_alice, fake_saleor, alice, warehouse)
    assert len(returned_fulfillments(fake_saleor, order)) == 1
    assert fake_saleor.stock_levels("SNEAKER") == {"Default warehouse": 7}
    assert ReturnRequest.objects.get().lines.get().restocked_at is not None


def test_scrapped_units_are_returned_but_not_restocked(as_alice, fake_saleor, alice, warehouse, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = inspect(as_alice, fake_saleor, alice, warehouse, disposition="scrap")
    assert len(returned_fulfillments(fake_saleor, order)) == 1
    assert fake_saleor.stock_levels("SNEAKER") == {"Default warehouse": 5}
