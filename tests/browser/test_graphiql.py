"""GraphiQL at /graphql/ works without the internet and starts with the shop's header."""

import pytest

pytestmark = pytest.mark.browser


def test_graphiql_runs_offline_with_the_shops_header(page, live_server, settings, shop):
    # given: every request off this machine fails, as without the internet
    settings.DEMO_SHOP_API_URL = shop.saleor_api_url
    outside = []

    def only_local(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)

    # when
    page.goto(f"{live_server.url}/graphql/")
    page.wait_for_selector(".graphiql-container")
    page.click(".graphiql-execute-button")
    page.wait_for_function("() => document.querySelector('.result-window')?.innerText.includes('appVersion')")

    # then: the query ran, with the preset header naming the shop
    result = page.inner_text(".result-window")
    assert '"kind": "ANONYMOUS"' in result
    headers = page.inner_text(".graphiql-editor-tool")
    assert "Saleor-Api-Url" in headers and shop.saleor_api_url in headers
    assert outside == []
