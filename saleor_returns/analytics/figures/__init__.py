"""Return analytics: figures for a period of the shop's days and an optional channel, computed in PostgreSQL."""
