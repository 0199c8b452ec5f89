"""The demo shop `make run` serves beside the app: a Saleor double with sample data, framed by a
Dashboard double, so the returns desk can be tried without a real Saleor.

`server.start_demo_shop()` starts it (the runner calls it unless DEMO_SHOP=0);
`seed.seed_demo_shop()` fills a running FakeSaleor and this app's database.
"""

DEMO_BANNER = "Demo shop — sample data, not a real Saleor"
DEMO_STAFF_EMAIL = "demo@example.com"
# Every demo customer and the demo staff member log in with this password (tokenCreate).
DEMO_PASSWORD = "returns-demo"
# A fresh staff token for the demo staff member (the Dashboard's token for this app), as JSON.
STAFF_TOKEN_PATH = "/demo/staff-token"
# The demo's customers with their passwords and orders (ids and numbers), as JSON.
ACCOUNTS_PATH = "/demo/accounts"
DEFAULT_PORT = 8011
