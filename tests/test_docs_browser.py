"""The interactive API docs render in a browser with no network beyond the server itself."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline(page, live_server):
    server = urlparse(live_server.url).netloc
    elsewhere: list[str] = []

    def only_this_server(route):
        host = urlparse(route.request.url).netloc
        if host != server:
            elsewhere.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_this_server)
    page.goto(page.url_for("/api/v1/docs"))
    page.locator(".swagger-ui .information-container").wait_for()
    assert "opengov API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() >= 60  # every operation is listed
    assert elsewhere == []
