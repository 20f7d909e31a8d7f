"""The demo articles as a careful clinician would sign them: each opens with key points and
backs its claims with references it cites (seed/README.md, docs/content.md)."""

from __future__ import annotations

import re

import pytest

from api.importer.cli import SEED_DIRECTORY

SLUGS = sorted(path.stem for path in (SEED_DIRECTORY / "articles").glob("*.md"))
REFERENCE_ITEM = re.compile(r'<li id="ref-([a-z0-9-]+)">')


@pytest.fixture
def demo(runner, db_session):
    # db_session: the seed command runs in the app context it pushes, as `flask seed` does.
    result = runner.invoke(args=["seed"])
    db_session.rollback()
    assert result.exit_code == 0, result.output


@pytest.fixture
def demo_articles(demo, editor):
    """Every demo article as staff read it, drafts too."""
    return {slug: editor.get(f"/api/v1/articles/{slug}").get_json() for slug in SLUGS}


def test_the_demo_has_ten_articles():
    assert len(SLUGS) == 10


def test_every_demo_article_opens_with_three_to_five_key_points(demo_articles):
    for slug, article in demo_articles.items():
        kinds = [section["kind"] for section in article["sections"]]
        assert kinds.count("callout:key-points") == 1, slug
        key_points = kinds.index("callout:key-points")
        first_heading = next(
            index
            for index, section in enumerate(article["sections"])
            if section["kind"] == "text" and section["level"] == 2
        )
        assert key_points < first_heading, (slug, "key points come after the intro")
        html = article["sections"][key_points]["html"]
        assert html.startswith('<aside class="callout callout-key-points"'), slug
        assert 3 <= html.count("<li>") <= 5, slug


def test_every_demo_article_cites_each_of_its_references(demo_articles):
    for slug, article in demo_articles.items():
        references = article["references"]
        assert len(references) >= 2, slug
        for reference in references:
            assert reference.get("doi") or reference.get("pmid") or reference.get("url"), (
                slug,
                reference["key"],
            )
            assert reference.get("year") or reference.get("url"), (slug, reference["key"])
        # The References list holds the cited ones, in citation order: so every one is cited.
        listed = REFERENCE_ITEM.findall(article["body_html"])
        assert sorted(listed) == sorted(r["key"] for r in references), slug
        for key in listed:
            assert f'<a href="#ref-{key}" id="cite-{key}-1"' in article["body_html"], (slug, key)
        assert "[@" not in article["body_html"], slug
        codes = {warning["code"] for warning in article.get("warnings") or []}
        assert "reference_not_cited" not in codes, slug


def test_published_demo_articles_show_numbered_references_with_resolved_links(
    client, demo_articles
):
    published = [slug for slug, a in demo_articles.items() if a["status"] == "published"]
    assert len(published) == 9  # the sleep article is a draft
    for slug in published:
        public = client.get(f"/api/v1/articles/{slug}").get_json()
        references = public["references"]
        assert [r["number"] for r in references] == list(range(1, len(references) + 1)), slug
        assert len(references) == len(demo_articles[slug]["references"]), slug
        for reference in references:
            if reference.get("doi"):
                assert reference["doi_url"] == f"https://doi.org/{reference['doi']}"
            if reference.get("pmid"):
                assert reference["pubmed_url"] == (
                    f"https://pubmed.ncbi.nlm.nih.gov/{reference['pmid']}/"
                )


def test_demo_articles_stay_within_the_clinic_reading_grade(app, demo_articles):
    limit = app.config["CLINIC_MAX_READING_GRADE"]
    for slug, article in demo_articles.items():
        assert article["reading_grade"] <= limit, (slug, article["reading_grade"])
