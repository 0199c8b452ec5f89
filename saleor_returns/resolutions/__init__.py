"""Resolutions: preview and resolve, the refund saga, store credit, exchanges and replacements, claims."""
