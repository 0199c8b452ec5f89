"""Return analytics through the staff API and as CSV downloads."""

import csv
import io


import pytest

from saleor_returns.analytics.figures.exports import TABLES
from tests.analytics.test_figures import seeded  # noqa: F401 - the seeded shop
from tests.api.conftest import as_staff, as_viewer, staff_user, viewer_user  # noqa: F401 - the API tests' callers

ANALYTICS = """
query($from: Date!, $to: Date!, $channel: String) {
  returnAnalytics(period: {from: $from, to: $to}, channel: $channel) {
    errors { field code message }
    timeZone
    returnRate(dimension: CATEGORY, sortBy: RETURN_RATE_UNITS, first: 2) {
      totalCount
      rows { key label currency soldUnits soldValue { amount currency } returnedUnits returnRateUnits }
      totals { currency soldValue { amount } returnedValue { amount } returnRateValue }
    }
    reasons { reasonCode units share cumulativeShare }
    refundsAgainstSales { currency soldValue { amount } refundedValue { amount } refundRate }
    resolutionMix { rows { resolution units value { amount currency } } revenueKept { amount currency } }
    stageTimes { stage count targetHours }
    dispositions { rows { disposition units value { amount } } valueRecovered { amount } }
    carrierClaims { currency filed }
    autoApproval { requests autoApproved overturned }
    satisfaction { responses }
  }
}"""


def test_staff_read_the_figures(as_staff, seeded):
    result = as_staff(ANALYTICS, {"from": "2026-03-01", "to": "2026-03-31"})

    assert "errors" not in result, result
    figures = result["data"]["returnAnalytics"]
    assert figures["errors"] == [] and figures["timeZone"] == "UTC"
    assert figures["returnRate"] == {
        "totalCount": 3,
        "rows": [
            {"key": "C-SHOES", "label": "C-Shoes", "currency": "USD", "soldUnits": 10,
             "soldValue": {"amount": "500.00", "currency": "USD"}, "returnedUnits": 4, "returnRateUnits": 0.4},
            {"key": "C-HATS", "label": "C-Hats", "currency": "EUR", "soldUnits": 5,
             "soldValue": {"amount": "100.00", "currency": "EUR"}, "returnedUnits": 1, "returnRateUnits": 0.2},
        ],
        "totals": [
            {"currency": "EUR", "soldValue": {"amount": "100.00"}, "returnedValue": {"amount": "20.00"},
             "returnRateValue": 0.2},
            {"currency": "USD", "soldValue": {"amount": "650.00"}, "returnedValue": {"amount": "230.00"},
             "returnRateValue": 0.3538},
        ],
    }
    assert figures["reasons"][0] == {"reasonCode": "DEFECT", "units": 5, "share": 0.7143, "cumulativeShare": 0.7143}
    assert figures["resolutionMix"]["revenueKept"] == [{"amount": "20.00", "currency": "EUR"},
                                                       {"amount": "150.00", "currency": "USD"}]
    assert [row["disposition"] for row in figures["dispositions"]["rows"]] == [
        "restock", "refurbish", "scrap", "return_to_vendor", "resell_discounted"]
    assert [row["stage"] for row in figures["stageTimes"]] == [
        "decision", "approval_to_first_scan", "scan_to_received", "received_to_resolved", "request_to_money"]
    assert figures["autoApproval"] == {"requests": 4, "autoApproved": 0, "overturned": 0}


@pytest.mark.parametrize(("period", "message"), [
    ({"from": "2026-03-31", "to": "2026-03-01"}, "The period ends before it starts."),
    ({"from": "2020-01-01", "to": "2026-03-01"}, "A period covers at most three years."),
])
def test_a_bad_period_is_a_field_error(as_staff, shop, period, message):
    figures = as_staff(ANALYTICS, period)["data"]["returnAnalytics"]

    assert figures["errors"] == [{"field": "period.to", "code": "INVALID", "message": message}]
    assert figures["returnRate"] is None and figures["reasons"] is None


def download(caller, table: str, **params):
    headers = {"Saleor-Api-Url": caller.api_url}
    if caller.token:
        headers["Authorization"] = f"Bearer {caller.token}"
    return caller.client.get(f"/analytics/{table}.csv", params, headers=headers)


def test_every_table_downloads_as_streamed_csv(as_staff, seeded):
    response = download(as_staff, "return_rate_variant", **{"from": "2026-03-01", "to": "2026-03-31", "sort": "sold_units"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["key", "label", "currency", "sold_units", "sold_value", "returned_units", "returned_value",
         "return_rate_units", "return_rate_value"],
        ["V-CAP", "P-Cap / SKU-V-CAP", "USD", "10", "150.00", "2", "30.00", "0.2000", "0.2000"],
        ["V-BLUE", "P-Shoe / SKU-V-BLUE", "USD", "6", "300.00", "3", "150.00", "0.5000", "0.5000"],
        ["V-CAP", "P-Cap / SKU-V-CAP", "EUR", "5", "100.00", "1", "20.00", "0.2000", "0.2000"],
        ["V-RED", "P-Shoe / SKU-V-RED", "USD", "4", "200.00", "1", "50.00", "0.2500", "0.2500"],
    ]
    for table in TABLES:
        response = download(as_staff, table, **{"from": "2026-03-01", "to": "2026-03-31"})
        assert response.status_code == 200 and response.streaming, table
        assert b"".join(response.streaming_content).count(b"\n") >= 1


def test_reasons_csv_for_one_product(as_staff, seeded):
    response = download(as_staff, "reasons", **{"from": "2026-03-01", "to": "2026-03-31", "product_id": "P-CAP"})

    assert b"".join(response.streaming_content).decode().splitlines() == [
        "reason_code,units,share,cumulative_share", "NOT_AS_DESCRIBED,2,0.6667,0.6667", "DEFECT,1,0.3333,1.0000",
    ]


def test_drill_down_through_the_api_and_as_csv(as_staff, seeded):
    result = as_staff(
        """query($category: ID, $product: ID) {
          returnAnalytics(period: {from: "2026-03-01", to: "2026-03-31"}) {
            products: returnRate(dimension: PRODUCT, categoryId: $category) { totalCount rows { key returnedUnits } }
            variants: returnRate(dimension: VARIANT, productId: $product) { totalCount rows { key currency } }
          }
        }""",
        {"category": "C-SHOES", "product": "P-CAP"},
    )

    assert "errors" not in result, result
    figures = result["data"]["returnAnalytics"]
    assert figures["products"] == {"totalCount": 1, "rows": [{"key": "P-SHOE", "returnedUnits": 4}]}
    assert figures["variants"] == {"totalCount": 2, "rows": [{"key": "V-CAP", "currency": "USD"},
                                                              {"key": "V-CAP", "currency": "EUR"}]}
    response = download(as_staff, "return_rate_variant", **{"from": "2026-03-01", "to": "2026-03-31",
                                                             "category_id": "C-SHOES"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["V-BLUE", "V-RED"]


@pytest.mark.parametrize(("who", "table", "params", "status"), [
    ("anonymous", "reasons", {"from": "2026-03-01", "to": "2026-03-31"}, 403),
    ("viewer", "reasons", {"from": "2026-03-01", "to": "2026-03-31"}, 403),
    ("staff", "no_such_table", {"from": "2026-03-01", "to": "2026-03-31"}, 404),
    ("staff", "reasons", {"from": "2026-03-31", "to": "2026-03-01"}, 400),
    ("staff", "reasons", {"from": "March", "to": "2026-03-01"}, 400),
    ("staff", "return_rate_variant", {"from": "2026-03-01", "to": "2026-03-31", "sort": "name"}, 400),
])
def test_downloads_are_refused_to_whom_and_for_what_they_must(client, as_staff, as_viewer, shop, who, table, params,
                                                              status):
    caller = {"staff": as_staff, "viewer": as_viewer}.get(who)
    if caller is None:
        response = client.get(f"/analytics/{table}.csv", params, headers={"Saleor-Api-Url": shop.saleor_api_url})
    else:
        response = download(caller, table, **params)

    assert response.status_code == status
    assert not response.streaming


def test_a_bad_token_is_unauthenticated(client, shop):
    response = client.get("/analytics/reasons.csv", {"from": "2026-03-01", "to": "2026-03-31"},
                          headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization": "Bearer nonsense"})

    assert response.status_code == 401
