"""Structured logs never carry secrets."""

import json
import logging

from saleor_returns.logging import JsonFormatter, RedactSecretsFilter


def format_record(**extra) -> dict:
    record = logging.LogRecord("saleor_returns.test", logging.INFO, __file__, 1, "Return request approved", (), None)
    for name, value in extra.items():
        setattr(record, name, value)
    RedactSecretsFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_lines_are_json_with_extra_fields():
    entry = format_record(return_request_id="abc", saleor_api_url="https://shop.example.com/graphql/")
    assert entry["message"] == "Return request approved"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "saleor_returns.test"
    assert entry["return_request_id"] == "abc"
    assert entry["saleor_api_url"] == "https://shop.example.com/graphql/"


def test_secret_and_personal_fields_are_redacted():
    entry = format_record(
        app_token="abcdefghijklmnopqrstuvwxyz1234",
        authorization="Bearer x",
        signature="eyJ..sig",
        customer_email="someone@example.com",
        shipping_address="1 Main St",
    )
    for name in ["app_token", "authorization", "signature", "customer_email", "shipping_address"]:
        assert entry[name] == "[redacted]"
    assert "someone@example.com" not in json.dumps(entry)
