"""The reference kiosk as a patient meets it: headless Chromium (Debian's, driven by
Playwright) on /kiosk/ over the demo content, served for real. Idle and sync intervals come
from the page's query (`?idle=2&sync=1`) so that the tests wait seconds, not minutes; the
changes feed's safety lag is off so a publication reaches the feed at once.

Screenshots go to tests/artifacts/kiosk-home.png and kiosk-article.png; UPDATE_SCREENSHOTS=1
also refreshes docs/images/kiosk-home.png and docs/images/kiosk-article.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from api.core import clock
from tests.conftest import ROOT
from tests.support.browser import ARTIFACTS, axe_violations, chromium, problems, watched_page
from tests.support.servers import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HOME_HEADING = "Learn about your health"
GUIDE = "Back Pain: A Patient's Guide to Causes, Care and Everyday Relief"


@pytest.fixture
def site(make_app: Any) -> Iterator[str]:
    app: Flask = make_app(RATELIMIT_ENABLED=False, CHANGES_SAFETY_LAG_SECONDS=0)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with live_server(app) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def open_kiosk(browser: Browser, site: str, query: str = "") -> Page:
    page = watched_page(browser)
    page.goto(f"{site}/kiosk/{query}")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    return page


def topic_card(page: Page, name: str) -> Any:
    heading = page.get_by_role("heading", name=name, exact=True)
    return page.locator(".topic-card").filter(has=heading)


def page_through_to_the_end(page: Page) -> None:
    while page.get_by_role("link", name="Next").count():
        page.get_by_role("link", name="Next").first.click()


def test_home_topic_article_related_and_back_home_when_idle(browser, site, client):
    page = open_kiosk(browser, site, "?idle=2")
    card = topic_card(page, "Back pain")
    expect(card.get_by_role("link", name=GUIDE)).to_be_visible()  # the topic's pillar
    expect(card.locator(".related-topics").get_by_role("link")).to_have_count(3)
    card.get_by_role("link", name="Back pain", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Back pain")
    expect(page.get_by_role("heading", level=1)).to_be_focused()  # screen readers start here
    page.locator(".pillar").get_by_role("link", name=GUIDE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    expect(page.locator(".pager .position").first).to_have_text("Page 1 of 9")
    page_through_to_the_end(page)
    expect(page.locator(".pager .position").first).to_have_text("Page 9 of 9")

    related = client.get("/api/v1/articles/back-pain-guide/related").get_json()
    titles = [item["article"]["title"] for item in related]
    links = page.locator("section.related").get_by_role("link")
    expect(links).to_have_text(titles)
    links.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titles[0])

    page.get_by_role("button", name="Largest", exact=True).click()
    # Untouched for two seconds: home again, text back to standard, for the next person.
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING, timeout=10_000)
    expect(page.get_by_role("button", name="Standard", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert problems(page) == []


def test_idle_reset_clears_the_typed_search(browser, site):
    page = open_kiosk(browser, site, "?idle=2")
    search = page.get_by_label("Search articles and topics")
    search.fill("mast")
    expect(page.locator("#suggestions li").first).to_be_visible()
    expect(search).to_have_value("", timeout=10_000)
    expect(page.locator("#suggestions li")).to_have_count(0)
    assert problems(page) == []


def test_search_suggests_topics_and_articles_as_you_type(browser, site, client):
    page = open_kiosk(browser, site)
    page.get_by_label("Search articles and topics").press_sequentially("mast", delay=30)

    found = client.get("/api/v1/search/suggest?q=mast&limit=6").get_json()
    names = [t["name"] for t in found["topics"]] + [a["title"] for a in found["articles"]]
    assert names, "the demo content has suggestions for 'mast'"
    expect(page.locator("#suggestions a")).to_have_text(names)
    expect(page.get_by_role("status").filter(has_text="suggestions")).to_have_text(
        f"{len(names)} suggestions"
    )
    article = found["articles"][0]["title"]
    page.locator("#suggestions").get_by_role("link", name=article).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article)
    assert problems(page) == []


def font_size(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_three_text_sizes_scale_the_article(browser, site):
    page = open_kiosk(browser, site)
    page.goto(f"{site}/kiosk/#/article/back-pain-guide")
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    sizes = []
    for name in ("Standard", "Large", "Largest"):
        button = page.get_by_role("button", name=name, exact=True)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        sizes.append((font_size(page, ".body p"), font_size(page, "h1")))
    assert sizes[0][0] >= 20 and sizes[0][0] < sizes[1][0] < sizes[2][0]
    assert sizes[0][1] < sizes[1][1] < sizes[2][1]
    assert (
        page.get_by_role("button", name="Standard", exact=True).get_attribute("aria-pressed")
        == "false"
    )


def test_care_callouts_stand_out_and_the_qr_code_opens_the_article(browser, site):
    page = open_kiosk(browser, site)
    page.goto(f"{site}/kiosk/#/article/back-pain-guide")
    while not page.locator("aside.callout-emergency").count():
        page.get_by_role("link", name="Next").first.click()
    emergency = page.locator("aside.callout-emergency")
    expect(emergency).to_be_visible()
    expect(emergency.get_by_role("heading")).to_have_text("Call 911 now")
    style = emergency.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftWidth]"
    )
    assert style == ["rgb(253, 236, 234)", "10px"]

    qr = page.get_by_role("img", name="QR code for https://clinic.example/learn/back-pain-guide")
    expect(qr).to_have_attribute("src", "/api/v1/articles/back-pain-guide/qr.svg")
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 0
    # The SVG's modules are checked against segno's own matrix in tests/test_kiosk.py.
    page.wait_for_timeout(300)  # let the QR image settle before the screenshot
    shot = ARTIFACTS / "kiosk-article.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=shot)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, ROOT / "docs" / "images" / "kiosk-article.png")
    assert problems(page) == []


def test_axe_finds_no_serious_violation_and_the_home_screenshot(browser, site):
    page = open_kiosk(browser, site)
    assert axe_violations(page) == []
    shot = ARTIFACTS / "kiosk-home.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=shot)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, ROOT / "docs" / "images" / "kiosk-home.png")
    page.get_by_label("Search articles and topics").fill("back")
    expect(page.locator("#suggestions li").first).to_be_visible()
    assert axe_violations(page) == []
    for hash_ in ("#/topic/back-pain", "#/article/back-pain-guide", "#/article/back-pain-guide/5"):
        page.goto(f"{site}/kiosk/{hash_}")
        expect(page.locator("main h1")).not_to_have_text(HOME_HEADING)
        assert axe_violations(page) == [], hash_
    assert problems(page) == []


def test_offline_after_the_first_load_and_catching_up_on_reconnection(browser, site, make):
    page = open_kiosk(browser, site, "?sync=1")
    page.evaluate("navigator.serviceWorker.ready")
    # The QR codes of every article are kept for offline use as the bundle arrives.
    page.wait_for_function(
        """async () => (await (await caches.open("careleaf-kiosk-qr")).keys()).length >= 9"""
    )
    page.context.set_offline(True)
    status = page.locator("#sync-status")
    expect(status).to_contain_text("Offline · last synced", timeout=10_000)

    # Never opened before, read from the stored bundle; its QR code from the cache.
    topic_card(page, "Gut health").get_by_role("link", name="Gut health", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gut health")
    page.locator(".pillar").get_by_role("link").click()
    expect(page.locator(".body")).to_contain_text("gut")
    assert page.locator(".qr img").evaluate("img => img.complete && img.naturalWidth") > 0
    # A fresh load with the network cut: the service worker has the page, IndexedDB the rest.
    page.reload()
    expect(page.locator(".body")).to_contain_text("gut")
    page.goto(f"{site}/kiosk/?sync=1#/topic/gut-health")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gut health")

    make.article(
        slug="fibre-and-your-gut",
        title="Fibre and Your Gut: Small Steps",
        topics=["gut-health"],
        author="lena-hartwell",
        published_at=clock.now(),  # an event older than the kiosk's cursor would never reach it
    )
    page.wait_for_timeout(1500)  # a sync pass fails meanwhile: still offline
    expect(page.locator(".topic")).not_to_contain_text("Fibre and Your Gut")
    synced_before = status.get_attribute("data-synced-at")

    page.context.set_offline(False)
    expect(page.locator(".article-list")).to_contain_text("Fibre and Your Gut", timeout=10_000)
    expect(status).to_contain_text("Last synced")
    assert status.get_attribute("data-synced-at") > synced_before
    page.locator(".article-list").get_by_role("link", name="Fibre and Your Gut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fibre and Your Gut: Small Steps")
    # Only the sync passes made while offline failed (the kiosk retries on its own).
    assert [p for p in problems(page) if "/api/v1/changes" not in p] == []
