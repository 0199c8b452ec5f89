"""Return analytics: the desk's overview figures, the sales ledger with its daily rollups, and its backfill."""
