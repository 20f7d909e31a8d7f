"""Markdown rendering, sanitizing, table of contents and reading statistics."""

from __future__ import annotations

import re

import pytest

from api.core.markdown import render_markdown, sanitize_html, slugify
from api.core.readability import flesch_kincaid_grade, reading_time_minutes


def test_commonmark_with_anchored_headings_and_toc():
    rendered = render_markdown("# Title\n\n## Gut & spine\n\n- one\n- two\n\n## Gut & spine\n")
    assert '<h2 id="gut-spine">Gut &amp; spine</h2>' in rendered.html
    assert "<ul>\n<li>one</li>" in rendered.html
    assert [entry["anchor"] for entry in rendered.toc] == ["title", "gut-spine", "gut-spine-1"]
    assert rendered.text.startswith("Title")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<svg><script>alert(1)</script></svg>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<iframe src=https://evil.example></iframe>",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
    ],
)
def test_nothing_executable_survives(hostile):
    html = render_markdown(hostile).html.lower()
    tags = " ".join(re.findall(r"<[^>]*>", html))
    for marker in ("<script", "javascript:", "onerror", "data:", "<iframe", "style=", "<svg"):
        assert marker not in tags


def test_safe_links_keep_href_and_get_rel():
    assert sanitize_html('<a href="https://example.org">x</a>') == (
        '<a href="https://example.org" rel="noopener noreferrer">x</a>'
    )


def test_slugify_folds_accents_and_punctuation():
    assert slugify("Crème brûlée & Back-Pain!") == "creme-brulee-back-pain"


def test_readability():
    assert reading_time_minutes("word " * 401) == 3
    easy = flesch_kincaid_grade("The cat sat. The dog ran. We all had fun.")
    hard = flesch_kincaid_grade(
        "Inflammatory spondyloarthropathies frequently necessitate multidisciplinary "
        "pharmacological interventions alongside physiotherapeutic rehabilitation."
    )
    assert easy < 3 < 12 < hard
    assert flesch_kincaid_grade("") == 0.0
