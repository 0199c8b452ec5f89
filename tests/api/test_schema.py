"""graphql/schema.graphql is the API as it is."""

from saleor_returns.api.schema import printed_schema
from saleor_returns.paths import BASE_DIR


def test_published_schema_is_current():
    published = (BASE_DIR / "graphql" / "schema.graphql").read_text()
    assert published == printed_schema(), "graphql/schema.graphql is stale: run `make schema`."
