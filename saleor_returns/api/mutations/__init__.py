"""One module per mutation."""
