"""Inspection: receive returned items, inspect them, decide their disposition, restock."""
