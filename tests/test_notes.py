"""The app's own timeline notes: stored in English, said again in the reader's language."""

import re
import string
from decimal import Decimal

import pytest

from saleor_returns.models import ReturnEvent
from saleor_returns.notes import CATALOG, TERMS, SystemNote, event_note, note_data


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_note_says_the_same_things_in_both_languages(key):
    texts = CATALOG[key]
    assert set(texts) == {"en", "zh"}
    assert placeholders(texts["en"]) == placeholders(texts["zh"])
    # said with sample values (translated words taking their first value), the Chinese text is Chinese
    sample = {name: next(iter(TERMS[name])) if name in TERMS else "1" for name in placeholders(texts["en"])}
    note = SystemNote(key, **sample)
    assert re.search(r"[\u4e00-\u9fff]", event_note(ReturnEvent(note=str(note), data=note_data(note)), "zh-Hans"))


@pytest.mark.parametrize("name", sorted(TERMS))
def test_every_translated_term_has_both_languages(name):
    for value, texts in TERMS[name].items():
        assert set(texts) == {"en", "zh"}, value


def test_a_system_note_is_its_english_text_and_keeps_what_translates_it():
    note = SystemNote("carrier_claim", carrier="DHL", amount=Decimal("25.00"), currency="EUR", status="paid")

    assert note == "Carrier claim with DHL: 25.00 EUR, paid."
    assert note_data(note) == {
        "note_key": "carrier_claim",
        "note_params": {"carrier": "DHL", "amount": "25.00", "currency": "EUR", "status": "paid"},
    }
    event = ReturnEvent(note=str(note), data=note_data(note))
    assert event_note(event, "zh-Hans") == "向 DHL 提出的承运商索赔：25.00 EUR，已赔付。"
    assert event_note(event, "zh-CN") == event_note(event, "zh-hans")
    assert event_note(event, "en-GB") == "Carrier claim with DHL: 25.00 EUR, paid."
    assert event_note(event, "fr") == "Carrier claim with DHL: 25.00 EUR, paid."


def test_notes_typed_by_people_are_never_translated():
    assert note_data("Worn shoes cannot be returned.") == {}
    event = ReturnEvent(note="Worn shoes cannot be returned.", data={"reason": "no_scan"})
    assert event_note(event, "zh-Hans") == "Worn shoes cannot be returned."


def test_an_unknown_or_broken_stored_key_falls_back_to_the_stored_text():
    assert event_note(ReturnEvent(note="Kept.", data={"note_key": "gone"}), "zh-Hans") == "Kept."
    assert event_note(ReturnEvent(note="Kept.", data={"note_key": "no_scan", "note_params": {}}), "zh-Hans") == "Kept."


def test_an_unknown_key_is_refused_when_written():
    with pytest.raises(KeyError):
        SystemNote("nothing_like_this")


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    (Decimal("104.000"), "USD", "104.00 USD"),
    (Decimal("500.000"), "JPY", "500 JPY"),
    (Decimal("1.235"), "KWD", "1.235 KWD"),
])
def test_amounts_read_in_the_currencys_precision(amount, currency, shown):
    # given: amounts as the database keeps them (three decimals)
    note = SystemNote("carrier_claim", carrier="DHL", amount=amount, currency=currency, status="filed")
    stored = type("Event", (), {"data": note_data(note), "note": str(note)})()

    # then
    assert shown in str(note)
    assert shown in event_note(stored, "en")
    assert shown in event_note(stored, "zh-Hans")
