"""/docs as a person meets it: Swagger UI in headless Chromium (Debian's, driven by Playwright)
renders the document, lists every operation and runs "Try it out" on listArticles against a
real server on a seeded store, under the page's strict Content-Security-Policy.

UPDATE_SCREENSHOTS=1 refreshes docs/images/api-docs.png; otherwise the screenshot goes to the
test's tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT
from tests.support.browser import chromium, problems, watched_page
from tests.support.servers import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOT = ROOT / "docs" / "images" / "api-docs.png"


@pytest.fixture
def server(make_app: Any) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread, on the demo content."""
    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[Page]:
    with chromium() as browser:
        yield watched_page(browser)


def test_docs_render_every_operation_and_try_it_out_returns_articles(
    page, server, client, tmp_path
):
    document = client.get("/openapi.json").get_json()
    operation_ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]

    page.goto(f"{server}/docs")
    expect(page.locator(".info .title")).to_contain_text("Careleaf")
    expect(page.locator(".opblock")).to_have_count(len(operation_ids))
    assert "Unable to render this definition" not in page.content()
    shown = page.locator(".opblock-summary-operation-id").all_inner_texts()
    assert sorted(shown) == sorted(operation_ids)

    operation = page.locator("#operations-articles-listArticles")
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table .response").first
    expect(live.locator(".response-col_status")).to_contain_text("200")
    body = live.locator(".response-col_description pre").first
    expect(body).to_contain_text('"slug"')
    expect(body).to_contain_text('"title"')

    assert problems(page) == []
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "api-docs.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    live.scroll_into_view_if_needed()
    page.screenshot(path=str(target))
