"""Carrier adapters: return labels, tracking registration and verified tracking webhooks.

`base` holds the carrier-neutral interface and the rules for applying tracking
updates; each provider has one module; `registry.get_carrier()` picks one by name.
"""
