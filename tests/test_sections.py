"""`sections`: the body cut at its top-level headings and care callouts, for kiosks and apps."""

from __future__ import annotations

import re

from api.articles.sections import sections_of
from tests.support.staff import new_article

BODY = """Back pain is common.

## When to get help

Most back pain gets better.

::: emergency
Numbness around your bottom.
:::

::: urgent Get care today if
You have a fever.
:::

Read [[desk-setup]] too.

## Self-care

### Heat *and* movement

Keep moving.
"""


def headings_in(html: str) -> list[tuple[int, str]]:
    return [(int(level), anchor) for level, anchor in re.findall(r'<h(\d)[^>]* id="([^"]+)"', html)]


def test_sections_match_the_headings_of_body_html_and_name_their_kinds(client, make):
    make.article(slug="desk-setup", title="Desk setup")
    make.article(slug="back", body_markdown=BODY)
    article = client.get("/api/v1/articles/back").get_json()
    sections = article["sections"]
    assert [(s["kind"], s["anchor"], s["level"], s["heading"]) for s in sections] == [
        ("text", None, None, None),
        ("text", "when-to-get-help", 2, "When to get help"),
        ("callout:emergency", "call-911-now", 3, "Call 911 now"),
        ("callout:urgent", "get-care-today-if", 3, "Get care today if"),
        ("text", None, None, None),
        ("text", "self-care", 2, "Self-care"),
        ("text", "heat-and-movement", 3, "Heat and movement"),
    ]
    # Every heading of body_html starts a section, in order, with its anchor and level.
    assert [(s["level"], s["anchor"]) for s in sections if s["anchor"]] == headings_in(
        article["body_html"]
    )
    # The sections are the body, cut: nothing lost, nothing added, links resolved alike.
    assert "".join(s["html"] for s in sections) == article["body_html"]
    assert 'data-article-slug="desk-setup"' in sections[4]["html"]
    assert sections[2]["html"].startswith('<aside class="callout callout-emergency"')


def test_lists_never_carry_bodies_so_fields_cannot_select_sections(client, make):
    make.article(slug="back", body_markdown=BODY)
    refused = client.get("/api/v1/articles?fields=slug,sections")
    assert refused.status_code == 422 and "fields" in refused.get_json()["errors"]


def test_sections_follow_every_body_change_and_show_in_the_staff_working_copy(admin, make):
    make.author(slug="jane-doe")
    url = "/api/v1/articles/doc"
    assert admin.post("/api/v1/articles", new_article(slug="doc")).status_code == 201
    assert [s["anchor"] for s in admin.get(url).get_json()["sections"]] == [None, "a-part"]
    edited = admin.edit(url, {"body_markdown": "::: key-points\n- Keep moving.\n:::\n"})
    assert edited.status_code == 200, edited.get_json()
    (section,) = edited.get_json()["sections"]
    assert section["kind"] == "callout:key-points" and section["heading"] == "Key points"


def test_bundles_carry_sections(client, make):
    make.article(slug="back", body_markdown=BODY)
    (article,) = client.get("/api/v1/bundles/all").get_json()["articles"]
    assert [s["kind"] for s in article["sections"]][2:4] == ["callout:emergency", "callout:urgent"]


def test_a_references_block_is_its_own_section():
    # The citations lane renders references as <section class="references"> (not Markdown a
    # writer can produce here): the cut recognises it by its class and heading.
    markup = (
        '<p>Text.</p>\n<section class="references">\n<h2 id="references">References</h2>\n'
        "<ol>\n<li>A source.</li>\n</ol>\n</section>\n"
    )
    assert [(s["kind"], s["anchor"], s["level"], s["heading"]) for s in sections_of(markup)] == [
        ("text", None, None, None),
        ("references", "references", 2, "References"),
    ]
