"""/embed: the widget scripts and the demo page as HTTP serves them (the browser tests in
tests/test_embed_browser.py show them working)."""

from __future__ import annotations

import re

import pytest

from api.embed import DEMO_POLICY, STATIC, WIDGETS

SCRIPTS = [f"/embed/careleaf-{name}.js" for name in WIDGETS]


@pytest.mark.parametrize("path", SCRIPTS)
def test_each_widget_is_one_script_with_the_core_cached_and_revalidated(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    body = response.get_data(as_text=True)
    assert body.count("window.CareleafEmbed = Object.freeze(") == 1
    name = path.removeprefix("/embed/careleaf-").removesuffix(".js")
    assert f'embed.define("careleaf-{name}"' in body

    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_the_demo_page_is_served_under_the_strict_policy_it_documents(client):
    response = client.get("/embed/demo.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    policy = DEMO_POLICY.format(api="http://localhost")
    assert response.headers["Content-Security-Policy"] == policy
    assert "script-src 'self' http://localhost;" in policy
    html = response.get_data(as_text=True)
    for path in SCRIPTS:
        assert f'<script src="http://localhost{path}" defer></script>' in html
    # No inline script or style attribute for the policy to refuse.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert "require-trusted-types-for &#39;script&#39;" in html  # the policy, shown as text


def test_the_demo_page_names_the_public_address_of_the_api(make_app):
    public = make_app(SITE_URL="https://careleaf.clinic.example")
    response = public.test_client().get("/embed/demo.html")
    html = response.get_data(as_text=True)
    assert '<script src="https://careleaf.clinic.example/embed/careleaf-signup.js"' in html
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://careleaf.clinic.example;" in policy


@pytest.mark.parametrize("path", ["/embed/core.js", "/embed/missing.js", "/embed/..%2Fapi"])
def test_only_the_built_files_are_served(client, path):
    assert client.get(path).status_code == 404


def test_no_widget_turns_a_string_into_markup_or_code():
    # What keeps them working under Trusted Types and CSP without 'unsafe-inline'/'unsafe-eval'.
    forbidden = re.compile(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function"
        r"|setAttribute\(\s*[\"']style|\.style\b|<style"
    )
    for source in STATIC.glob("*.js"):
        assert not forbidden.search(source.read_text(encoding="utf-8")), source.name
