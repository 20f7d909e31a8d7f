"""Care callouts: `::: <kind> [title]` blocks render as labelled, sanitized <aside> boxes."""

from __future__ import annotations

import re

import pytest

from api.articles.callouts import CALLOUTS
from tests.support.staff import new_article, problem
from tests.support.xss import assert_inert

KINDS = [
    ("emergency", "Emergency", "Call 911 now"),
    ("urgent", "Urgent", "Get care today"),
    ("see-a-clinician", "See a clinician", "Book an appointment"),
    ("self-care", "Self-care", "Caring for yourself at home"),
    ("key-points", "Key points", "Key points"),
    ("questions-to-ask", "Questions to ask", "Questions to ask your clinician"),
    ("note", "Note", "Note"),
]


def test_the_vocabulary_is_fixed():
    assert [kind for kind, _, _ in KINDS] == list(CALLOUTS)


@pytest.mark.parametrize(("kind", "label", "title"), KINDS)
def test_each_kind_renders_as_a_labelled_aside(admin, make, kind, label, title):
    make.author(slug="jane-doe")
    body = f"Intro.\n\n::: {kind}\nWhat to do.\n:::\n"
    article = admin.post("/api/v1/articles", new_article(body_markdown=body)).get_json()
    anchor = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    assert (
        f'<aside class="callout callout-{kind}" data-callout="{kind}" role="note"'
        f' aria-label="{label}">\n<h2 class="callout-title" id="{anchor}">{title}</h2>\n'
        "<p>What to do.</p>\n</aside>"
    ) in article["body_html"]
    assert {"level": 2, "text": title, "anchor": anchor} in article["toc"]


def test_a_title_after_the_kind_replaces_the_default_and_the_level_follows_the_outline(admin, make):
    make.author(slug="jane-doe")
    body = (
        "## When to get help\n\n"
        "::: emergency Call 911 if you have *chest pain*\nDo not drive yourself.\n:::\n\n"
        "::: urgent\nFever over 38 °C.\n:::\n"
    )
    html = admin.post("/api/v1/articles", new_article(body_markdown=body)).get_json()["body_html"]
    assert (
        '<h3 class="callout-title" id="call-911-if-you-have-chest-pain">'
        "Call 911 if you have <em>chest pain</em></h3>"
    ) in html
    assert '<h3 class="callout-title" id="get-care-today">Get care today</h3>' in html


def test_unknown_kinds_are_refused_naming_the_kind(admin, make):
    make.author(slug="jane-doe")
    body = "::: emergncy\nCall 911.\n:::\n\n::: warning\nx\n:::\n"
    created = admin.post("/api/v1/articles", new_article(slug="typo", body_markdown=body))
    messages = problem(created, 422)["errors"]["body_markdown"]
    assert "`emergncy`" in messages[0] and "`warning`" in messages[1]
    assert admin.get("/api/v1/articles/typo").status_code == 404  # nothing half-written


def test_colons_in_code_are_not_callouts(admin, make):
    make.author(slug="jane-doe")
    body = "```\n::: anything\n```\n\n    ::: indented code\n"
    created = admin.post("/api/v1/articles", new_article(body_markdown=body))
    assert created.status_code == 201
    assert "<aside" not in created.get_json()["body_html"]


def test_forged_callout_markup_keeps_only_the_exact_allowlisted_values(admin, make):
    make.author(slug="jane-doe")
    body = (
        '<aside class="callout callout-evil big" data-callout="evil" role="alert"'
        ' aria-label="Click me" onclick="x">raw</aside>\n\n'
        '<h2 class="callout-title red" id="x">t</h2>\n\n<p class="callout">p</p>\n'
    )
    html = admin.post("/api/v1/articles", new_article(body_markdown=body)).get_json()["body_html"]
    assert '<aside class="callout">raw</aside>' in html
    assert '<h2 class="callout-title" id="x">t</h2>' in html
    assert "<p>p</p>" in html
    assert_inert(html)
