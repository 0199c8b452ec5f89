"""graphql/schema.graphql is the API as it is."""

from saleor_returns.api.schema import printed_schema
from saleor_returns.paths import BASE_DIR


def test_published_schema_is_current():
    published = (BASE_DIR / "graphql" / "schema.graphql").read_text()
    assert published == printed_schema(), "graphql/schema.graphql is stale: run `make schema`."


def test_graphiql_needs_no_internet_and_names_the_demo_shop(client, db, settings):
    import re

    settings.DEMO_SHOP_API_URL = "http://127.0.0.1:8011/graphql/"

    page = client.get("/graphql/", headers={"Accept": "text/html"})

    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/graphql/assets/") for source in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert b"".join(asset.streaming_content) if asset.streaming else asset.content
    assert '\\"Saleor-Api-Url\\": \\"http://127.0.0.1:8011/graphql/\\"' in html
    assert client.get("/graphql/assets/../settings.py").status_code == 404
