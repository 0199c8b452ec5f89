"""Loopback fakes of the carrier aggregators' APIs and webhook senders (EasyPost, Shippo, AfterShip).

`FakeEasyPost` (`easypost.py`), `FakeShippo` (`shippo.py`) and `FakeAfterShip`
(`aftership.py`) each serve, over a ThreadingHTTPServer on 127.0.0.1 with a random
port, the endpoints the adapters in `saleor_returns.carriers` call, and answer JSON
shaped as in specs/carriers-and-payments.md §1–3 (field names real, values
invented). Each one (see `base.py`):

* checks the provider's authentication header and answers the provider's 401;
* validates requests the way the provider would refuse them (missing addresses,
  unknown rate, buying twice) with the provider's error body shape;
* keeps a request log (`requests`: method, path, query, lower-cased headers, JSON);
* injects faults: `fail_next(count, status, message)` answers the next requests
  with an error instead of handling them (5xx without a message is an HTML proxy
  page, as a load balancer sends), `delay_next(count, seconds)` sleeps first and
  then handles the request, so work may be done after the client gave up;
* builds webhook deliveries from its own state (`tracker_event`, `track_event`,
  `tracking_event`) and signs them exactly as the provider does
  (`signed_webhook(event) -> (headers, body)`).

`GenericWebhookSender` (`generic.py`) builds and signs deliveries of the app's own
generic scheme (`saleor_returns.carriers.generic`).

The signing functions (`easypost_signature`, `shippo_signature`,
`aftership_signature`, `generic_signature`) are written from the spec,
independently of the adapters, and match the spec's test vectors; a test that
passes therefore shows the adapter agrees with the vendor's formula, not merely
with itself.

Known differences from the real services: error codes beyond the spec are
illustrative, rates and tracking numbers are invented, label URLs point at the
fake (nothing is served there), and asynchronous work (USPS refunds, Shippo label
queues) completes at once.

Typical use::

    with FakeEasyPost(webhook_secret="sekret") as easypost:
        carrier = get_carrier(
            "easypost",
            {"api_key": easypost.api_key, "webhook_secret": "sekret", "base_url": easypost.base_url},
        )
        label = carrier.create_return_label(...)
        headers, body = easypost.signed_webhook(
            easypost.tracker_event(label.tracking_number, status="delivered", status_detail="arrived_at_destination")
        )
        carrier.verify_webhook(headers, body)
"""
