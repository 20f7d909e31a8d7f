"""Citations as data: `[@key]` in the body cites the article's `references`."""

from __future__ import annotations

import pytest

from tests.support.staff import new_article, problem

REFERENCES = [
    {
        "key": "chou-2017",
        "title": "Nonpharmacologic therapies for low back pain",
        "authors": ["Chou R", "Deyo R", "Friedly J"],
        "journal": "Annals of Internal Medicine",
        "year": 2017,
        "doi": "10.7326/M16-2459",
        "pmid": "28192793",
    },
    {
        "key": "nice-ng59",
        "title": "Low back pain and sciatica in over 16s: assessment and management",
        "authors": [],
        "publisher": "NICE",
        "year": 2016,
        "url": "https://www.nice.org.uk/guidance/ng59",
        "accessed": "2026-11-01",
    },
]
BODY = (
    "Staying active helps [@nice-ng59].\n\n"
    "## Exercise\n\nExercise therapy works [@chou-2017; @nice-ng59]. Again [@chou-2017].\n"
)


@pytest.fixture
def cited(admin, make):
    make.author(slug="jane-doe")
    created = admin.post(
        "/api/v1/articles",
        new_article(slug="cited", body_markdown=BODY, references=REFERENCES),
    )
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_a_citation_renders_as_a_numbered_link_to_its_reference(cited):
    html = cited["body_html"]
    assert '<sup class="citation"><a href="#ref-nice-ng59" id="cite-nice-ng59-1"' in html
    assert ">1</a></sup>" in html
    assert 'id="cite-chou-2017-1"' in html and 'id="cite-nice-ng59-2"' in html
    assert 'id="cite-chou-2017-2"' in html
    print(html)
