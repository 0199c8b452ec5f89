"""Return requests: create (with evidence), auto-review, approve, reject, ask for information, cancel."""
