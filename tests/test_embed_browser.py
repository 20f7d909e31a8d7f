"""The embeddable widgets as a patient meets them on a clinic's site: headless Chromium
(Debian's, driven by Playwright) on /embed/demo.html, served under a strict CSP with Trusted
Types, and on a host page of another origin under the CSP docs/kiosk-and-website.md tells
hosts to use. The signup goes all the way to a confirmation mail on a real SMTP server.

The demo page's screenshot goes to tests/artifacts/embed-demo.png; UPDATE_SCREENSHOTS=1 also
refreshes docs/images/embed-demo.png.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, Response
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ROOT
from tests.support.browser import ARTIFACTS, axe_violations, chromium, problems, watched_page
from tests.support.newsletter import SmtpServer, link_token, run_outbox
from tests.support.servers import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOT = ROOT / "docs" / "images" / "embed-demo.png"


def seeded(app: Flask) -> Flask:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


@dataclass
class HostSite:
    """A clinic's own site on another origin (another port): one page, set by the test."""

    url: str
    page: dict[str, str]


@pytest.fixture
def host() -> Iterator[HostSite]:
    page: dict[str, str] = {}
    clinic = Flask("clinic_site")

    @clinic.get("/")
    def index() -> Response:
        return Response(page["html"], headers={"Content-Security-Policy": page["policy"]})

    with live_server(clinic) as url:
        yield HostSite(url, page)


@pytest.fixture
def site(make_app: Any, smtp_server: SmtpServer, host: HostSite) -> Iterator[tuple[Flask, str]]:
    """The demo content on 127.0.0.1, mailing to the SMTP sink, open to the host's origin."""
    app = make_app(
        RATELIMIT_ENABLED=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_TIMEOUT=5,
        CORS_ORIGINS=host.url,
    )
    with live_server(seeded(app)) as url:
        yield app, url


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def demo(site: tuple[Flask, str], browser: Browser) -> Page:
    page = watched_page(browser)
    page.goto(f"{site[1]}/embed/demo.html")
    expect(page.locator("#demo-signup").get_by_role("button", name="Subscribe")).to_be_visible()
    return page


def test_signup_widget_sends_a_confirmation_mail_to_a_real_smtp_server(
    demo, site, client, smtp_server
):
    app, _url = site
    form = demo.locator("#demo-signup")
    form.get_by_label("Email address").fill("reader@riverside-clinic.org")
    form.get_by_role("checkbox", name="Exercise and movement").check()
    form.get_by_role("checkbox", name="I agree to receive").check()
    form.get_by_role("button", name="Subscribe").click()

    status = form.get_by_role("status")
    expect(status).to_contain_text("confirmation link is on its way")
    expect(status).to_be_focused()  # a screen reader reads the answer at once
    assert run_outbox(app) == 1
    (message,) = smtp_server.messages
    assert message["To"] == "reader@riverside-clinic.org"
    confirmed = client.post("/api/v1/newsletter/confirm", json={"token": link_token(message)})
    assert confirmed.status_code == 200
    assert confirmed.get_json()["status"] == "active"
    assert problems(demo) == []


def test_signup_widget_puts_the_api_errors_next_to_their_fields(demo, site, smtp_server):
    form = demo.locator("#demo-signup")
    email = form.get_by_label("Email address")
    email.fill("not-an-email")
    form.get_by_role("button", name="Subscribe").click()

    expect(form.locator("#email-error")).to_contain_text("@-sign")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "email-error")
    expect(email).to_be_focused()
    consent = form.locator("#consent")
    expect(form.locator("#consent-error")).to_contain_text("Consent is required")
    expect(consent).to_have_attribute("aria-describedby", "consent-error")
    # Errors on screen are as accessible as the form (contrast, names, relations).
    assert axe_violations(demo) == []

    email.fill("reader@riverside-clinic.org")
    consent.check()
    form.get_by_role("button", name="Subscribe").click()
    expect(form.get_by_role("status")).to_contain_text("confirmation link")
    assert run_outbox(site[0]) == 1
    # The 422 before wrote nothing and sent nothing: one mail, for the corrected signup.
    assert [message["To"] for message in smtp_server.messages] == ["reader@riverside-clinic.org"]
    # The API's 422 is the error the page expects; nothing else went wrong.
    assert [p for p in problems(demo) if "422" not in p] == []


def test_signup_widget_works_from_the_keyboard_alone(demo, site, smtp_server):
    def focused() -> str:
        return demo.evaluate(
            """() => {
                const active = document.querySelector('#demo-signup').shadowRoot.activeElement;
                return active ? active.id || active.value || active.textContent : '';
            }"""
        )

    demo.locator("#demo-signup").get_by_label("Email address").focus()
    demo.keyboard.type("keys@riverside-clinic.org")
    order = []
    for _ in range(6):
        demo.keyboard.press("Tab")
        order.append(focused())
    # Every topic, the consent, then the button: the honeypot is never reached.
    assert order == [
        "back-pain",
        "exercise-and-movement",
        "posture-and-ergonomics",
        "mindfulness",
        "consent",
        "Subscribe",
    ]
    demo.keyboard.press("Shift+Tab")
    demo.keyboard.press("Space")  # consent
    demo.keyboard.press("Tab")
    demo.keyboard.press("Enter")
    expect(demo.locator("#demo-signup").get_by_role("status")).to_contain_text("confirmation")
    assert run_outbox(site[0]) == 1
    assert [message["To"] for message in smtp_server.messages] == ["keys@riverside-clinic.org"]
    assert problems(demo) == []


def test_related_box_and_topic_list_link_to_what_the_api_lists(demo, client):
    related = client.get("/api/v1/articles/back-pain-guide/related?limit=4").get_json()
    box = demo.locator("#demo-related")
    expect(box.get_by_role("heading", name="Related articles")).to_be_visible()
    links = box.get_by_role("link")
    expect(links).to_have_text([item["article"]["title"] for item in related])
    assert [links.nth(i).get_attribute("href") for i in range(len(related))] == [
        item["article"]["url"] for item in related
    ]

    # A host that changes the article (a single-page site) gets the new article's list.
    box.evaluate("element => element.setAttribute('article', 'desk-posture-and-ergonomics')")
    other = client.get("/api/v1/articles/desk-posture-and-ergonomics/related?limit=4").get_json()
    assert [item["article"]["title"] for item in other] != [i["article"]["title"] for i in related]
    expect(links).to_have_text([item["article"]["title"] for item in other])

    answer = client.get("/api/v1/topics/back-pain/articles?page_size=3")
    listed = answer.get_json()
    topic = demo.locator("#demo-topic")
    expect(topic.get_by_role("heading", name="Back pain")).to_be_visible()
    expect(topic.locator("li a")).to_have_text([article["title"] for article in listed])
    total = json.loads(answer.headers["X-Pagination"])["total"]
    more = topic.get_by_role("link", name=f"All {total} articles on Back pain")
    expect(more).to_have_attribute("href", "https://clinic.example/topics/back-pain")
    assert len(listed) == 3 < total
    assert problems(demo) == []


def test_demo_page_has_no_csp_violation_no_serious_axe_violation_and_a_screenshot(demo):
    expect(demo.locator("#demo-topic li a").first).to_be_visible()
    expect(demo.locator("#demo-related li a").first).to_be_visible()
    assert axe_violations(demo) == []
    assert problems(demo) == []

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    demo.screenshot(path=str(ARTIFACTS / "embed-demo-full.png"), full_page=True)
    # The picture for the docs: the page down to the widgets' end, without the snippets.
    widgets = demo.locator(".layout").bounding_box()
    assert widgets is not None
    clip = {"x": 0, "y": 0, "width": 1280, "height": widgets["y"] + widgets["height"] + 24}
    shot = ARTIFACTS / "embed-demo.png"
    demo.screenshot(path=str(shot), full_page=True, clip=clip)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, SCREENSHOT)


def test_widgets_work_on_another_origin_under_the_documented_host_policy(site, host, browser):
    """A clinic page on another origin with only the CSP the docs ask for: scripts and API
    calls from Careleaf, no style source at all, Trusted Types; CORS does the rest."""
    _app, url = site
    page = watched_page(browser)
    host.page["policy"] = (
        f"default-src 'none'; script-src {url}; connect-src {url}; "
        "require-trusted-types-for 'script'; trusted-types 'none'"
    )
    host.page["html"] = f"""<!doctype html><html lang="en"><head><title>Clinic</title>
      <script src="{url}/embed/careleaf-related.js" defer></script>
      <script src="{url}/embed/careleaf-signup.js" defer></script></head>
      <body><main><careleaf-related article="back-pain-guide"></careleaf-related>
      <careleaf-signup source="clinic-site"></careleaf-signup></main></body></html>"""
    page.goto(host.url)
    expect(page.locator("careleaf-related li a").first).to_be_visible()
    button = page.get_by_role("button", name="Subscribe")
    # The widget's own styles applied, though the host allows no style source.
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 110, 79)"
    page.get_by_label("Email address").fill("neighbour@riverside-clinic.org")
    page.get_by_role("checkbox", name="I agree to receive").check()
    button.click()
    expect(page.get_by_role("status")).to_contain_text("confirmation link")
    assert problems(page) == []


def test_signup_widget_shows_a_refusal_without_a_field_in_an_alert(make_app, browser):
    app = make_app(NEWSLETTER_SIGNUP_LIMIT_PER_IP="1 per minute")
    with live_server(seeded(app)) as url:
        page = watched_page(browser)
        for attempt in range(2):
            page.goto(f"{url}/embed/demo.html")
            form = page.locator("#demo-signup")
            form.get_by_label("Email address").fill(f"reader{attempt}@riverside-clinic.org")
            form.get_by_role("checkbox", name="I agree to receive").check()
            form.get_by_role("button", name="Subscribe").click()
            if attempt == 0:
                expect(form.get_by_role("status")).to_contain_text("confirmation link")

        # The API's 429 names no field: its detail goes to the alert above the button.
        expect(form.get_by_role("alert")).to_have_text("Too many requests; try again later.")
        expect(form.locator("[aria-invalid]")).to_have_count(0)
        expect(form.get_by_role("button", name="Subscribe")).to_be_enabled()
        assert [p for p in problems(page) if "429" not in p] == []
