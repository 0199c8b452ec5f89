"""returnWarehouses: Saleor's warehouses, offered when staff restock a returned item."""

import pytest

from tests.api.conftest import shipped_order

WAREHOUSES = "{ returnWarehouses { id name } }"
SALEOR_WAREHOUSES = "query($first: Int!) { warehouses(first: $first) { edges { node { name } } } }"


def permission_denied(result: dict) -> bool:
    errors = result.get("errors") or []
    return any(((e.get("extensions") or {}).get("exception") or {}).get("code") == "PermissionDenied" for e in errors)


def test_staff_get_every_warehouse_of_the_shop_sorted_by_name(as_staff, fake_saleor):
    # given: two added warehouses, and the one an order was shipped from
    zurich = fake_saleor.add_warehouse("Zurich")
    amsterdam = fake_saleor.add_warehouse("Amsterdam")
    order = shipped_order(fake_saleor)
    shipped_from = order["fulfillments"][0]["warehouse"]

    # when
    result = as_staff(WAREHOUSES)

    # then
    assert "errors" not in result
    assert result["data"]["returnWarehouses"] == [
        {"id": amsterdam["id"], "name": "Amsterdam"},
        {"id": shipped_from["id"], "name": "Default warehouse"},
        {"id": zurich["id"], "name": "Zurich"},
    ]


def test_a_shop_without_warehouses_gets_an_empty_list(as_staff):
    assert as_staff(WAREHOUSES) == {"data": {"returnWarehouses": []}}


@pytest.mark.parametrize("_case", ["anonymous", "customer", "staff without MANAGE_ORDERS"])
def test_only_staff_with_manage_orders_see_warehouses(request, fake_saleor, _case):
    # given
    fake_saleor.add_warehouse("Amsterdam")
    caller = request.getfixturevalue(
        {"anonymous": "as_anonymous", "customer": "as_alice", "staff without MANAGE_ORDERS": "as_viewer"}[_case]
    )

    # when
    result = caller(WAREHOUSES)

    # then
    assert result["data"] is None
    assert permission_denied(result)


@pytest.mark.parametrize(("_case", "permissions", "allowed"), [
    ("no permission", ["HANDLE_PAYMENTS"], False),
    ("MANAGE_PRODUCTS", ["MANAGE_PRODUCTS"], True),
    ("MANAGE_ORDERS", ["MANAGE_ORDERS"], True),
    ("MANAGE_SHIPPING", ["MANAGE_SHIPPING"], True),
])
def test_the_saleor_double_guards_warehouses_like_saleor(fake_saleor, _case, permissions, allowed):
    # given: fetch_warehouses reads them with the app's token
    fake_saleor.add_warehouse("Amsterdam")
    app = fake_saleor.add_app(identifier=f"test.{_case}", name=_case, permissions=permissions)

    # when
    status, result = fake_saleor.execute(SALEOR_WAREHOUSES, {"first": 10}, token=app["token"])

    # then
    assert status == 200
    if allowed:
        assert result["data"]["warehouses"] == {"edges": [{"node": {"name": "Amsterdam"}}]}
    else:
        assert result["data"]["warehouses"] is None
        assert permission_denied(result)
