"""Templates: shipped defaults for every event in both languages, validation that refuses anything but
placeholders, sandboxed rendering, the shop's own versions and their preview."""

import pytest
from django.core.exceptions import ValidationError

from saleor_returns.notifications import catalog
from saleor_returns.notifications.defaults import LANGUAGES, default_template, labels, language_for
from saleor_returns.models.notifications import MessageEvent, MessageTemplate
from saleor_returns.notifications.samples import sample_data, sample_recipient
from saleor_returns.notifications.templates import (
    HTML_ENVIRONMENT,
    preview_message,
    render,
    template_for,
    template_problems,
    update_message_template,
    validate_template,
)
from saleor_returns.notifications.values import Recipient, placeholder_values
from tests.factories import InstallationFactory

FORBIDDEN = (
    "Only placeholders such as {{ rma_number }} and {% if … %} on them are allowed: "
    "no attributes, calls, filters, loops, literals or other templates."
)


def problems(source: str, event: str = MessageEvent.APPROVED, field: str = "text") -> list[tuple[str, str]]:
    return [(error.code, error.message) for error in template_problems(event, field, source)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", MessageEvent.values)
def test_every_event_has_a_valid_default_in_every_language_that_renders_its_data(event, language):
    # given
    parts = default_template(event, language)

    # when
    validate_template(event, parts)
    values = placeholder_values(event, sample_data(event), language=language,
                                recipient=sample_recipient("Trail Outfitters", "help@trail.example"))
    rendered = render(parts, values, language=language)

    # then: every part says something, names the return, and leaves no placeholder behind
    assert rendered.subject and "\n" not in rendered.subject
    for part in (rendered.subject, rendered.text, rendered.html):
        assert "RMA-000123" in part
        assert "{{" not in part and "{%" not in part
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert "\n\n\n" not in rendered.text


@pytest.mark.parametrize(
    ("_case", "source"),
    [
        ("attribute of a literal", "{{ ''.__class__ }}"),
        ("dunder chain", "{{ rma_number.__class__.__mro__[1].__subclasses__() }}"),
        ("attribute of a placeholder", "{{ rma_number.upper }}"),
        ("method call", "{{ rma_number.upper() }}"),
        ("item access", "{{ rma_number[0] }}"),
        ("attr filter", "{{ rma_number|attr('__class__') }}"),
        ("any filter", "{{ rma_number|upper }}"),
        ("global function", "{{ range(10) }}"),
        ("loop", "{% for x in rma_number %}{{ x }}{% endfor %}"),
        ("assignment", "{% set x = rma_number %}{{ x }}"),
        ("include", "{% include 'saleor_returns/base.html' %}"),
        ("import", "{% import 'x' as x %}"),
        ("macro", "{% macro m() %}{% endmacro %}"),
        ("literal", "{{ 'RMA' }}"),
        ("arithmetic", "{{ 9 ** 9 ** 9 }}"),
        ("comparison", "{% if rma_number == 'x' %}{% endif %}"),
        ("conditional expression", "{{ rma_number if label_url }}"),
        ("test", "{% if rma_number is defined %}{% endif %}"),
    ],
)
def test_anything_that_could_run_code_or_reach_other_data_is_refused(_case, source):
    assert problems(source) == [("template_forbidden", FORBIDDEN)]


def test_an_unknown_placeholder_is_refused_by_name_with_what_may_be_used():
    # when
    found = problems("Hi {{ customer_name }}, your code is {{ gift_card_code }}{{ self }}.", MessageEvent.REJECTED)

    # then
    allowed = ", ".join("{{ %s }}" % name for name in catalog.placeholders(MessageEvent.REJECTED))
    assert found == [
        ("unknown_placeholder", f"{{{{ gift_card_code }}}} is not a placeholder of this message; it can use {allowed}."),
        ("unknown_placeholder", f"{{{{ self }}}} is not a placeholder of this message; it can use {allowed}."),
    ]


def test_a_placeholder_of_another_event_is_unknown_here():
    assert [code for code, _ in problems("{{ amount }}", MessageEvent.APPROVED)] == ["unknown_placeholder"]
    assert problems("{{ amount }}", MessageEvent.REFUNDED) == []


@pytest.mark.parametrize(
    ("_case", "source", "message"),
    [
        ("unclosed placeholder", "Hello {{ customer_name", "Line 1: unexpected end of template, expected 'end of print statement'."),
        ("unclosed if", "{% if label_url %}\nPrint it", "Line 2: Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
        ("unknown tag", "{% frobnicate %}", "Line 1: Encountered unknown tag 'frobnicate'."),
    ],
)
def test_a_syntax_error_names_its_line(_case, source, message):
    assert problems(source) == [("template_syntax", message)]


def test_conditions_on_placeholders_are_allowed():
    source = "{% if label_url and not qr_code_url %}Print {{ label_url }}{% elif qr_code_url or deadline %}QR{% else %}-{% endif %}"
    assert problems(source) == []


def test_rendering_escapes_html_and_keeps_text_as_written():
    # given
    values = {name: "" for name in catalog.placeholders(MessageEvent.INFO_REQUESTED)}
    values.update(rma_number="RMA-000001", question='<script>alert("x")</script>\nand a "photo" & more')
    parts = {"subject": "About {{ rma_number }}\n", "text": "{{ question }}", "html": "<p>{{ question }}</p>"}

    # when
    rendered = render(parts, values, language="en")

    # then
    assert rendered.subject == "About RMA-000001"
    assert rendered.text == '<script>alert("x")</script>\nand a "photo" & more\n'
    assert "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>\nand a &#34;photo&#34; &amp; more</p>" in rendered.html


def test_the_sandbox_itself_refuses_unsafe_attributes_even_if_validation_were_skipped():
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        HTML_ENVIRONMENT.from_string("{{ rma_number.__class__.__mro__ }}").render(rma_number="x")
    assert HTML_ENVIRONMENT.globals == {} and HTML_ENVIRONMENT.filters == {}


@pytest.mark.parametrize(
    ("code", "language"),
    [("ZH_HANS", "zh-hans"), ("ZH_HANS_CN", "zh-hans"), ("ZH", "zh-hans"), ("zh-Hant", "zh-hans"),
     ("EN_US", "en"), ("DE", "en"), ("", "en"), (None, "en")],
)
def test_the_template_language_follows_the_orders_language_with_english_as_fallback(code, language):
    assert language_for(code) == language


@pytest.mark.parametrize(
    ("_case", "currency", "amount", "en", "zh"),
    [("0 decimals", "JPY", "1500", "¥1,500", "JP¥1,500"), ("2 decimals", "USD", "84.50", "$84.50", "US$84.50"),
     ("3 decimals", "KWD", "12.125", "KWD12.125", "KWD12.125")],
)
def test_amounts_are_written_in_the_currencys_precision_for_the_language(_case, currency, amount, en, zh):
    data = {**sample_data(MessageEvent.REFUNDED), "amount": {"amount": amount, "currency": currency}, "components": []}
    written = {
        language: placeholder_values(MessageEvent.REFUNDED, data, language=language, recipient=Recipient())["amount"]
        for language in LANGUAGES
    }
    assert {language: text.replace("\xa0", " ") for language, text in written.items()} == {"en": en, "zh-hans": zh}


def test_refund_components_and_the_deadline_are_words_of_the_language():
    data = {**sample_data(MessageEvent.REFUNDED), "ship_by": "2026-05-01"}
    english = placeholder_values(MessageEvent.REFUNDED, data, language="en", recipient=Recipient())
    chinese = placeholder_values(MessageEvent.REFUNDED, data, language="zh-hans", recipient=Recipient())
    assert english["refund_components"] == "Items: $114.00\nRestocking fee: -$6.00"
    assert chinese["refund_components"] == "商品：US$114.00\n重新上架费：-US$6.00"
    assert english["refund_method"] == labels("en")["method_original_payment"]
    deadline = placeholder_values(MessageEvent.APPROVED, data, language="zh-hans", recipient=Recipient())["deadline"]
    assert deadline == "2026年5月1日"


@pytest.mark.django_db
def test_a_shops_own_part_replaces_the_default_and_an_empty_one_restores_it():
    # given
    shop = InstallationFactory()

    # when
    update_message_template(installation=shop, event="approved", language="en",
                            parts={"subject": "Approved: {{ rma_number }}", "text": None, "html": None})

    # then
    parts = template_for(shop, "approved", "en")
    assert parts["subject"] == "Approved: {{ rma_number }}"
    assert parts["text"] == default_template("approved", "en")["text"]
    assert template_for(shop, "approved", "zh-hans") == default_template("approved", "zh-hans")

    # when
    update_message_template(installation=shop, event="approved", language="en", parts={"subject": ""})

    # then
    assert template_for(shop, "approved", "en") == default_template("approved", "en")


@pytest.mark.django_db
def test_a_refused_template_changes_nothing_and_names_every_part_at_fault():
    # given
    shop = InstallationFactory()
    update_message_template(installation=shop, event="rejected", language="zh-hans", parts={"subject": "{{ reason }}"})

    # when
    with pytest.raises(ValidationError) as refused:
        update_message_template(installation=shop, event="rejected", language="zh-hans",
                                parts={"subject": "{{ nope }}", "text": "fine {{ reason }}", "html": "{{ x.y }}"})

    # then
    assert set(refused.value.message_dict) == {"subject", "html"}
    assert [error.code for error in refused.value.error_dict["html"]] == ["template_forbidden"]
    template = MessageTemplate.objects.get()
    assert (template.subject, template.text, template.html) == ("{{ reason }}", "", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event", "language", "field", "message"),
    [("shipped", "en", "event", "Unknown event."), ("approved", "de", "language", "Templates exist in en, zh-hans.")],
)
def test_an_unknown_event_or_language_is_refused(event, language, field, message):
    with pytest.raises(ValidationError) as refused:
        update_message_template(installation=InstallationFactory(), event=event, language=language, parts={})
    assert refused.value.message_dict == {field: [message]}


@pytest.mark.django_db
def test_a_preview_renders_unsaved_parts_on_sample_data_and_saves_nothing():
    # when
    rendered = preview_message(installation=InstallationFactory(), event="refunded", language="en",
                               parts={"subject": "{{ amount }} back for {{ rma_number }}", "text": None, "html": ""},
                               shop_name="Trail Outfitters", support_email="help@trail.example")

    # then
    assert rendered.subject == "$108.00 back for RMA-000123"
    assert "Hello Alex Kim," in rendered.text and "Restocking fee: -$6.00" in rendered.text
    assert "Trail Outfitters" in rendered.html
    assert not MessageTemplate.objects.exists()
