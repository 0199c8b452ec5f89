"""The KPI review as a printable HTML page in the reader's language, and as a PDF rendered by WeasyPrint from it.

The page holds everything it needs (its style inline, bars as inline SVG, no image or font fetched),
so the same HTML prints from a browser, shows in the desk's sandboxed frame and becomes the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from PIL import ImageFile

from saleor_returns.analytics.review import PREVIOUS_YEAR, Change, KpiReview
from saleor_returns.models import ReturnReason
from saleor_returns.translations import language_code

BABEL_LOCALES = {"en": "en", "zh-hans": "zh_Hans_CN"}
HTML_LANGUAGES = {"en": "en", "zh-hans": "zh-Hans"}
# Whether a figure going up is good news: colours its change (None: neither).
HIGHER_IS_BETTER, LOWER_IS_BETTER = True, False
BAR_WIDTH = 120


class RefusedFetch(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    label: str
    current: str
    previous: str
    change: str
    direction: str
    tone: str
    bar_current: float | None
    bar_previous: float | None


class Words:
    """Numbers, money, dates and changes as the reader's language writes them."""

    def __init__(self, language: str):
        self.locale = BABEL_LOCALES[language]

    def number(self, value, places: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(Decimal(value), format=pattern, locale=self.locale)

    def percent(self, rate) -> str:
        return "—" if rate is None else gettext("{value} %").format(value=self.number(Decimal(rate) * 100, 1))

    def money(self, amount, currency: str) -> str:
        return "—" if amount is None else format_currency(Decimal(amount), currency, locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    def moment(self, value: datetime | None) -> str:
        return format_datetime(value, format="medium", locale=self.locale) if value else ""

    def signed(self, text: str, difference) -> str:
        return text if difference is None or difference <= 0 else f"+{text}"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string, every character but letters, digits and spaces escaped (safe in <style>)."""
    # (the space after an escape ends it and is not shown)
    escaped = "".join(char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):06x} "
                      for char in text)
    return mark_safe(f'"{escaped}"')


def page_numbers(text: str) -> str:
    """A CSS `content` saying `text` with {page} and {pages} as the page counters."""
    parts = re.split(r"(\{pages?\})", text)
    return mark_safe(" ".join(
        "counter(pages)" if part == "{pages}" else "counter(page)" if part == "{page}" else css_string(part)
        for part in parts if part
    ))


def _tone(change: Change, higher_is_better: bool | None) -> str:
    if higher_is_better is None or change.direction in ("", "same"):
        return ""
    return "good" if (change.direction == "up") == higher_is_better else "bad"


def _bars(change: Change) -> tuple[float | None, float | None]:
    values = [Decimal(value) for value in (change.current, change.previous) if value is not None]
    top = max(values, default=Decimal(0))
    if top <= 0:
        return None, None
    return tuple(
        None if value is None else round(float(Decimal(value) / top) * BAR_WIDTH, 1)
        for value in (change.current, change.previous)
    )


def _row(label: str, change: Change, current: str, previous: str, change_text: str,
         higher_is_better: bool | None) -> Row:
    bar_current, bar_previous = _bars(change)
    return Row(label=label, current=current, previous=previous, change=change_text, direction=change.direction,
               tone=_tone(change, higher_is_better), bar_current=bar_current, bar_previous=bar_previous)


def _difference(words: Words, change: Change, write) -> str:
    """The change written by `write`, signed, with its share of the previous figure when there is one."""
    difference = change.difference
    if difference is None:
        return "—"
    text = words.signed(write(difference), difference)
    if change.relative is not None:
        text += f" ({words.signed(words.percent(change.relative), change.relative)})"
    return text


def count_row(words: Words, label: str, change: Change, higher_is_better: bool | None = None, places: int = 0) -> Row:
    def write(value):
        return words.number(value, places)

    return _row(label, change, write(change.current), write(change.previous), _difference(words, change, write),
                higher_is_better)


def rate_row(words: Words, label: str, change: Change, higher_is_better: bool | None = None) -> Row:
    points = change.points
    text = "—" if points is None else gettext("{points} pp").format(
        points=words.signed(words.number(points, 2), points))
    return _row(label, change, words.percent(change.current), words.percent(change.previous), text, higher_is_better)


def money_row(words: Words, label: str, change: Change, currency: str, higher_is_better: bool | None = None) -> Row:
    def write(value):
        return words.money(value, currency)

    return _row(label, change, write(change.current), write(change.previous), _difference(words, change, write),
                higher_is_better)


def _labels() -> dict[str, str]:
    return {
        "title": gettext("Return KPI review"),
        "kpi": gettext("Figure"),
        "this_period": gettext("This period"),
        "compared": gettext("Compared period"),
        "change": gettext("Change"),
        "channel": gettext("Channel"),
        "time_zone": gettext("Time zone"),
        "generated": gettext("Generated"),
        "return_rate": gettext("Return rate and refund rate"),
        "currency_note": gettext("Each currency on its own: amounts of different currencies are never added."),
        "time_to_refund": gettext("Time to refund"),
        "time_note": gettext("From the request to the refund or store credit confirmed, over the period's requests."),
        "satisfaction": gettext("Customer satisfaction"),
        "top_reasons": gettext("Top return reasons"),
        "reason": gettext("Reason"),
        "units": gettext("Units returned"),
        "share": gettext("Share of units"),
        "top_variants": gettext("Variants returned most"),
        "variant": gettext("Variant"),
        "currency": gettext("Currency"),
        "return_rate_units": gettext("Return rate (units)"),
        "alerts": gettext("Spike alerts"),
        "alerts_note": gettext("Weeks overlapping the period, every channel."),
        "week": gettext("Week of"),
        "figures": gettext("Returned of sold"),
        "main_reason": gettext("Main reason"),
        "noted": gettext("What staff noted"),
        "no_note": gettext("Nothing noted yet."),
        "nothing": gettext("Nothing in this period."),
        "legend_current": gettext("This period"),
        "legend_previous": gettext("Compared period"),
    }


def _currency_rows(words: Words, review: KpiReview) -> list[dict]:
    return [
        {
            "currency": row.currency,
            "rows": [
                count_row(words, gettext("Units sold"), row.sold_units, HIGHER_IS_BETTER),
                count_row(words, gettext("Units returned"), row.returned_units, LOWER_IS_BETTER),
                rate_row(words, gettext("Return rate (units)"), row.return_rate_units, LOWER_IS_BETTER),
                money_row(words, gettext("Net value sold"), row.sold_value, row.currency, HIGHER_IS_BETTER),
                money_row(words, gettext("Net value returned"), row.returned_value, row.currency, LOWER_IS_BETTER),
                rate_row(words, gettext("Return rate (value)"), row.return_rate_value, LOWER_IS_BETTER),
                money_row(words, gettext("Refunded"), row.refunded_value, row.currency, LOWER_IS_BETTER),
                rate_row(words, gettext("Refund rate (refunded of sold)"), row.refund_rate, LOWER_IS_BETTER),
            ],
        }
        for row in review.currencies
    ]


def reason_labels(review: KpiReview, language: str) -> dict[str, str]:
    """The shop's label, in `language`, of each reason code the review names."""
    codes = {row.reason_code for row in review.reasons} | {alert.dominant_reason_code for alert in review.alerts}
    reasons = ReturnReason.objects.filter(installation_id=review.scope.installation_id, code__in=codes)
    return {reason.code: reason.label(language) for reason in reasons}


def review_context(review: KpiReview, *, shop: str, now: datetime, words: Words, reasons: dict[str, str]) -> dict:
    """What the template shows, every text in the active language; `reasons` names the reason codes."""
    scope, previous = review.scope, review.previous_scope
    time, satisfaction = review.time_to_refund, review.satisfaction
    period = gettext("{first} – {last}").format(first=words.day(scope.first), last=words.day(scope.last))
    compared = gettext("{first} – {last}").format(first=words.day(previous.first), last=words.day(previous.last))
    how = (gettext("the same period a year before") if review.comparison == PREVIOUS_YEAR
           else gettext("the period before"))
    labels = _labels()
    return {
        "labels": labels,
        "page_head_left": css_string(f"{shop} · {labels['title']}"),
        "page_head_right": css_string(period),
        "page_numbers": page_numbers(gettext("Page {page} of {pages}")),
        "shop": shop,
        "period": period,
        "compared_with": gettext("Compared with {period} ({how})").format(period=compared, how=how),
        "channel": scope.channel_slug or gettext("Every channel"),
        "time_zone": scope.time_zone.key,
        "generated": words.moment(now.astimezone(scope.time_zone)),
        "bar_width": BAR_WIDTH,
        "currencies": _currency_rows(words, review),
        "time_rows": [
            count_row(words, gettext("Requests paid"), time.count),
            count_row(words, gettext("Median (hours)"), time.median_hours, LOWER_IS_BETTER, places=1),
            count_row(words, gettext("90th percentile (hours)"), time.p90_hours, LOWER_IS_BETTER, places=1),
            rate_row(words, gettext("Within the target of {hours} hours").format(hours=time.target_hours),
                     time.within_target_share, HIGHER_IS_BETTER),
        ],
        "satisfaction_rows": [
            count_row(words, gettext("Average rating (1 to 5)"), satisfaction.average_rating, HIGHER_IS_BETTER,
                      places=2),
            rate_row(words, gettext("Response rate"), satisfaction.response_rate, HIGHER_IS_BETTER),
            count_row(words, gettext("Answers"), satisfaction.responses),
        ],
        "reasons": [
            {"code": row.reason_code, "label": reasons.get(row.reason_code, row.reason_code),
             "units": count_row(words, row.reason_code, row.units, LOWER_IS_BETTER),
             "share": rate_row(words, row.reason_code, row.share, LOWER_IS_BETTER)}
            for row in review.reasons
        ],
        "variants": [
            {"label": row.label or row.variant_id, "variant_id": row.variant_id, "currency": row.currency,
             "units": count_row(words, row.variant_id, row.returned_units, LOWER_IS_BETTER),
             "rate": rate_row(words, row.variant_id, row.return_rate_units, LOWER_IS_BETTER)}
            for row in review.variants
        ],
        "alert_rows": [count_row(words, gettext("Spike alerts"), review.alert_count, LOWER_IS_BETTER)],
        "alerts": [
            {
                "week": words.day(alert.week_start),
                "variant": " / ".join(part for part in (alert.product_name, alert.sku) if part) or alert.variant_id,
                "figures": gettext("{returned} of {sold}; before: {baseline_returned} of {baseline_sold}").format(
                    returned=words.number(alert.returned_units), sold=words.number(alert.sold_units),
                    baseline_returned=words.number(alert.baseline_returned_units),
                    baseline_sold=words.number(alert.baseline_sold_units)),
                "reason": reasons.get(alert.dominant_reason_code, alert.dominant_reason_code),
                "note": alert.note,
                "noted_by": alert.noted_by,
                "noted_at": words.moment(alert.noted_at.astimezone(scope.time_zone)) if alert.noted_at else "",
            }
            for alert in review.alerts
        ],
    }


def review_html(review: KpiReview, *, shop: str, language: str, now: datetime, print_nonce: str | None = None) -> str:
    """The review's page in `language` (a language tag; the app's default when it is not one of its own).

    With `print_nonce`, the page opens the browser's print dialog once loaded, by a script carrying that nonce.
    """
    code = language_code(language)
    with translation.override(code):
        context = review_context(review, shop=shop, now=now, words=Words(code), reasons=reason_labels(review, code))
        return render_to_string("saleor_returns/kpi_review.html",
                                {**context, "html_lang": HTML_LANGUAGES[code], "print_nonce": print_nonce})


def _refuse_fetch(url: str, *args, **kwargs):
    raise RefusedFetch(f"The review fetches nothing: {url}")


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here: the system's Pango libraries are missing."""


def load_weasyprint():
    """WeasyPrint's module, loaded on first use, not at start-up: it needs the system's Pango (Debian's
    libpango-1.0-0 and libpangoft2-1.0-0), and the app runs without them — only the PDF is then unavailable.

    Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES` (weasyprint/images.py),
    which would make the evidence upload accept a cut-short photo: the flag is put back as it was (the
    review's page holds no raster image).
    """
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint  # noqa: PLC0415 - loads the system's Pango, see above
    except (ImportError, OSError) as missing:
        raise PdfUnavailable(str(missing)) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return weasyprint


def review_pdf(html: str) -> bytes:
    """The page as a PDF (A4, page numbers in the margin); nothing outside the page is fetched."""
    return load_weasyprint().HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
