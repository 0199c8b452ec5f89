"""Shipping: return labels, tracking, pickups, carrier events, and the stale and expiry sweeps."""
