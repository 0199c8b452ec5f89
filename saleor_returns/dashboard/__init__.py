"""The returns desk shown inside the Saleor Dashboard: its page, assets and widget."""
