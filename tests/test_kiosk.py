"""/kiosk/ as HTTP serves it, and the article QR code it shows (the browser tests in
tests/test_kiosk_browser.py show the kiosk working)."""

from __future__ import annotations

import re

import pytest
import segno

from api.articles.models import ArticleStatus
from api.kiosk import POLICY, STATIC

QUIET_ZONE = 4  # segno's default border, in modules
SCALE = 4


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """The (row, column) of every dark module in a segno SVG path (M/m moves, h runs)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg)
    assert path, svg
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, arguments in re.findall(r"([Mmh])([^Mmh]*)", path.group(1)):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", arguments)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            dark.update((int(y - 0.5), int(x) + step) for step in range(int(numbers[0])))
            x += numbers[0]
    return dark


def expected_modules(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m", micro=False).matrix
    return {
        (row + QUIET_ZONE, column + QUIET_ZONE)
        for row, line in enumerate(matrix)
        for column, module in enumerate(line)
        if module
    }


def test_the_qr_code_encodes_the_articles_page_on_the_clinic_site(client, make):
    make.article(slug="knee-care")
    response = client.get("/api/v1/articles/knee-care/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    url = "https://clinic.example/learn/knee-care"
    assert f"<title>QR code: {url}</title>" in svg
    assert dark_modules(svg) == expected_modules(url)
    # Cached and revalidated like article detail.
    assert response.headers["Cache-Control"].startswith("public")
    again = client.get(
        "/api/v1/articles/knee-care/qr.svg", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_qr_code_follows_the_article_url_setting(make_app, make):
    make.article(slug="knee-care")
    app = make_app(ARTICLE_URL_TEMPLATE="https://riverside.example/read/{slug}?from=kiosk")
    svg = app.test_client().get("/api/v1/articles/knee-care/qr.svg").get_data(as_text=True)
    assert dark_modules(svg) == expected_modules(
        "https://riverside.example/read/knee-care?from=kiosk"
    )


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, None])
def test_no_qr_code_for_a_draft_or_an_unknown_article(client, make, status):
    if status is not None:
        make.article(slug="secret-plan", status=status, published_at=None)
    response = client.get("/api/v1/articles/secret-plan/qr.svg")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "secret-plan" in response.get_json()["detail"]


def test_the_kiosk_page_is_served_under_its_policy_and_revalidated(client):
    response = client.get("/kiosk/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    assert '<script type="module" src="app.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # nothing inline for the policy
    assert " style=" not in html
    again = client.get("/kiosk/", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.iterdir()))
def test_every_kiosk_file_is_served_with_its_type(client, name):
    response = client.get(f"/kiosk/{name}", follow_redirects=True)  # index.html: /kiosk/
    assert response.status_code == 200
    expected = {"html": "text/html", "js": "text/javascript", "css": "text/css"}
    assert response.mimetype == expected[name.rsplit(".", 1)[1]]


def test_the_service_worker_keeps_every_file_of_the_page(client):
    worker = client.get("/kiosk/sw.js").get_data(as_text=True)
    files = re.search(r"const FILES = \[([^\]]*)\]", worker).group(1)
    kept = {name.strip(' "') for name in files.split(",")}
    assert kept == {"./"} | {p.name for p in STATIC.iterdir() if p.suffix in {".js", ".css"}} - {
        "sw.js"
    }


def test_unknown_kiosk_files_are_404(client):
    assert client.get("/kiosk/../api/__init__.py").status_code == 404
    assert client.get("/kiosk/nothing.js").status_code == 404
