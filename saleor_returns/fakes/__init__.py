"""Test doubles for the systems the app talks to (Saleor, carriers, an OpenTelemetry collector)."""
