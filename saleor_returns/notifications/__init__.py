"""Messages about a return: the outbox, e-mail to the customer and signed webhooks to the merchant's systems.

A step of a return calls `actions.record_message()` in its own transaction; the outbox
row is sent once, after commit, by `tasks.send_message_task`, retried with backoff and
shown on the return's page in the desk.
"""
