"""Installations: install, uninstall, refresh, Saleor webhook sync, API keys and the shop's settings."""
