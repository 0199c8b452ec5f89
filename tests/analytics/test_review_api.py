"""The KPI review through the staff API, as a printable page and as a PDF."""

import io
import sys

import pytest
from PIL import Image, ImageFile
from pypdf import PdfReader

from saleor_returns.models import SpikeAlert

from tests.analytics.test_figures import seeded  # noqa: F401 - the seeded shop
from tests.analytics.test_review import reviewed  # noqa: F401 - the seeded shop with February
from tests.api.conftest import as_staff, as_viewer, staff_user, viewer_user  # noqa: F401 - the API tests' callers

REVIEW = """
query($from: Date!, $to: Date!, $channel: String, $compareTo: ReturnKpiComparison) {
  returnKpiReview(period: {from: $from, to: $to}, channel: $channel, compareTo: $compareTo) {
    errors { field code message }
    period { from to }
    previousPeriod { from to }
    compareTo
    timeZone
    channel
    currencies {
      currency
      returnedUnits { current previous change relativeChange direction }
      returnRateUnits { current previous changePoints direction }
      soldValue { current { amount currency } previous { amount } change { amount } }
      refundRate { current previous changePoints direction }
    }
    timeToRefund { requests { current previous } medianHours { current previous change }
                   p90Hours { current } withinTargetShare { current previous changePoints direction } targetHours }
    satisfaction { averageRating { current previous change direction } responseRate { current previous } }
    topReasons { reasonCode units { current previous } share { current previous changePoints } }
    topVariants { variantId label currency returnedUnits { current previous } returnRateUnits { current previous }
                  returnedValue { current { amount } } }
    alerts { id variantId label weekStart note notedBy dominantReasonCode }
    alertCount { current previous direction }
  }
}"""
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def test_staff_read_the_review(as_staff, reviewed):
    result = as_staff(REVIEW, MARCH)

    assert "errors" not in result, result
    review = result["data"]["returnKpiReview"]
    assert review["errors"] == []
    assert (review["period"], review["previousPeriod"], review["compareTo"], review["timeZone"], review["channel"]) == (
        {"from": "2026-03-01", "to": "2026-03-31"}, {"from": "2026-02-01", "to": "2026-02-28"}, "PREVIOUS_PERIOD",
        "UTC", None)
    eur, usd = review["currencies"]
    assert usd == {
        "currency": "USD",
        "returnedUnits": {"current": 9, "previous": 1, "change": 8, "relativeChange": 8.0, "direction": "UP"},
        "returnRateUnits": {"current": 0.45, "previous": 0.1, "changePoints": 35.0, "direction": "UP"},
        "soldValue": {"current": {"amount": "650.00", "currency": "USD"}, "previous": {"amount": "500.00"},
                      "change": {"amount": "150.00"}},
        "refundRate": {"current": 0.1231, "previous": 0.1, "changePoints": 2.31, "direction": "UP"},
    }
    assert eur["refundRate"] == {"current": 0.0, "previous": None, "changePoints": None, "direction": None}
    assert review["timeToRefund"] == {
        "requests": {"current": 2, "previous": 1},
        "medianHours": {"current": 264.0, "previous": 312.0, "change": -48.0},
        "p90Hours": {"current": 360.0},
        "withinTargetShare": {"current": 0.5, "previous": 1.0, "changePoints": -50.0, "direction": "DOWN"},
        "targetHours": 336,
    }
    assert review["satisfaction"] == {
        "averageRating": {"current": 4.5, "previous": 2.0, "change": 2.5, "direction": "UP"},
        "responseRate": {"current": 1.0, "previous": 1.0},
    }
    assert review["topReasons"][0] == {"reasonCode": "DEFECT", "units": {"current": 8, "previous": 0},
                                       "share": {"current": 0.8, "previous": None, "changePoints": None}}
    assert review["topVariants"][-1] == {
        "variantId": "V-RED", "label": "P-Shoe / SKU-V-RED", "currency": "USD",
        "returnedUnits": {"current": 1, "previous": 1}, "returnRateUnits": {"current": 0.25, "previous": 0.1},
        "returnedValue": {"current": {"amount": "50.00"}},
    }
    assert [(alert["variantId"], alert["label"], alert["weekStart"], alert["note"], alert["notedBy"])
            for alert in review["alerts"]] == [
        ("V-BLUE", "P-Shoe / SKU-V-BLUE", "2026-03-09", "Size chart fixed", "ann@example.com"),
        ("V-RED", "P-Shoe / SKU-V-RED", "2026-02-23", "", ""),
    ]
    assert review["alertCount"] == {"current": 2, "previous": 2, "direction": "SAME"}


def test_the_same_period_a_year_before_and_one_channel(as_staff, reviewed):
    review = as_staff(REVIEW, {**MARCH, "compareTo": "PREVIOUS_YEAR", "channel": "europe"})["data"]["returnKpiReview"]

    assert (review["previousPeriod"], review["compareTo"], review["channel"]) == (
        {"from": "2025-03-01", "to": "2025-03-31"}, "PREVIOUS_YEAR", "europe")
    assert [row["currency"] for row in review["currencies"]] == ["EUR"]


@pytest.mark.parametrize(("period", "message"), [
    ({"from": "2026-03-31", "to": "2026-03-01"}, "The period ends before it starts."),
    ({"from": "2020-01-01", "to": "2026-03-01"}, "A period covers at most three years."),
])
def test_a_bad_period_is_a_field_error(as_staff, shop, period, message):
    review = as_staff(REVIEW, period)["data"]["returnKpiReview"]

    assert review["errors"] == [{"field": "period.to", "code": "INVALID", "message": message}]
    assert review["currencies"] is None and review["period"] is None and review["alerts"] is None


def test_a_viewer_is_refused(as_viewer, shop):
    result = as_viewer(REVIEW, MARCH)

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "PermissionDenied"


def download(caller, extension: str, **params):
    headers = {"Saleor-Api-Url": caller.api_url}
    if caller.token:
        headers["Authorization"] = f"Bearer {caller.token}"
    return caller.client.get(f"/analytics/review.{extension}", params, headers=headers)


def test_the_printable_page(as_staff, reviewed):
    response = download(as_staff, "html", **MARCH)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert '<html lang="en">' in page and "Return KPI review" in page
    assert "Mar 1, 2026 – Mar 31, 2026" in page
    assert "Compared with Feb 1, 2026 – Feb 28, 2026 (the period before)" in page
    assert "size: A4" in page and "counter(pages)" in page and "<svg" in page
    # the return rate in USD: 45.0 % against 10.0 %, up 35 points; the refund rate up 2.31 points
    assert "45.0 %" in page and "+35.00 pp" in page and "+2.31 pp" in page
    assert "$650.00" in page and "€100.00" in page
    # time to refund: the median 264 hours against 312; the staff's note on the alert
    assert "264.0" in page and "312.0" in page and "Size chart fixed" in page and "ann@example.com" in page
    # reasons by the shop's labels
    assert '<tr data-reason="DEFECT">\n        <td>Defective or faulty</td>' in page


def test_the_page_speaks_chinese_and_escapes_what_staff_wrote(as_staff, reviewed):
    SpikeAlert.objects.filter(variant_id="V-BLUE").update(note='<script>alert("x")</script> 尺码表已更正')

    page = download(as_staff, "html", lang="zh-Hans", **MARCH).content.decode()

    assert '<html lang="zh-Hans">' in page and "退货 KPI 回顾" in page
    assert "&lt;script&gt;" in page and "<script>" not in page and "尺码表已更正" in page


def test_the_pdf_holds_the_kpis(as_staff, reviewed, pango):
    response = download(as_staff, "pdf", **MARCH)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="return-kpi-review-2026-03-01-2026-03-31.pdf"'
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    for expected in ("Return KPI review", "Return rate (units)", "45.0 %", "+35.00 pp", "Refund rate", "Time to refund",
                     "Size chart fixed", "Page 1 of"):
        assert expected in text, expected


def test_without_pango_the_pdf_is_unavailable_and_the_page_still_works(as_staff, reviewed, monkeypatch):
    # given: a server where WeasyPrint cannot load (its system libraries missing)
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = download(as_staff, "pdf", **MARCH)

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "UNAVAILABLE"
    assert download(as_staff, "html", **MARCH).status_code == 200


def test_the_chinese_pdf(as_staff, reviewed, pango):
    response = download(as_staff, "pdf", lang="zh-Hans", **MARCH)

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "退货 KPI 回顾" in text


@pytest.mark.parametrize(("who", "params", "status"), [
    ("anonymous", MARCH, 403),
    ("viewer", MARCH, 403),
    ("staff", {"from": "2026-03-31", "to": "2026-03-01"}, 400),
    ("staff", {"from": "March", "to": "2026-03-01"}, 400),
    ("staff", {**MARCH, "compare": "last_decade"}, 400),
])
@pytest.mark.parametrize("extension", ["html", "pdf"])
def test_the_page_is_refused_to_whom_and_for_what_it_must(client, as_staff, as_viewer, shop, who, params, status,
                                                          extension):
    caller = {"staff": as_staff, "viewer": as_viewer}.get(who)
    if caller is None:
        response = client.get(f"/analytics/review.{extension}", params, headers={"Saleor-Api-Url": shop.saleor_api_url})
    else:
        response = download(caller, extension, **params)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_a_bad_token_is_unauthenticated(client, shop):
    response = client.get("/analytics/review.pdf", MARCH,
                          headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization": "Bearer nonsense"})

    assert response.status_code == 401


def test_a_pdf_leaves_pillow_refusing_cut_short_images(as_staff, reviewed, pango):
    # given: a PNG cut short, as the evidence upload must refuse it
    image = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(image, format="PNG")
    cut = image.getvalue()[:-40]

    # when: a PDF is made in this process (WeasyPrint sets Pillow's flag when it is imported)
    assert download(as_staff, "pdf", **MARCH).status_code == 200

    # then
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(OSError):
        Image.open(io.BytesIO(cut)).load()
