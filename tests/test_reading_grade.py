"""Reading grade of prose only (textstat), reading level bands, and the clinic's grade limit.

Known grades, Flesch-Kincaid = 0.39 * words/sentences + 11.8 * syllables/words - 15.59:
- EASY: 16 words, 2 sentences, 19 syllables -> 3.12 + 14.01 - 15.59 = 1.54 -> 1.5
- PLAIN: 29 words, 2 sentences, 44 syllables -> 5.66 + 17.90 - 15.59 = 7.97 -> 8.0
- HARD: 19 words, 1 sentence, 53 syllables -> 7.41 + 32.92 - 15.59 = 24.74 -> 24.7
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.core.markdown import render_markdown
from api.core.readability import flesch_kincaid_grade, reading_level, reading_time_minutes
from tests.support.staff import new_article, problem, query_store

EASY = "The cat sat on the mat. It was a sunny day and the children played outside."
PLAIN = (
    "Walking every day keeps the muscles around your spine strong and flexible. Most people "
    "with new back pain recover within a few weeks, especially when they stay gently active."
)
HARD = (
    "Persistent inflammatory back pain frequently requires comprehensive evaluation by a "
    "rheumatologist, because untreated spondyloarthritis can gradually restrict spinal mobility."
)
# What is not prose: headings, fragment list items, a table, code, a lead-in colon.
NOT_PROSE = """## Warning signs

### When to call

- Salmon
- Walnuts
- Flax seeds

| Food | Omega-3 |
| --- | --- |
| Sardines | High |

```
stretch --slowly
```
"""


def grade_of(markdown: str) -> float:
    return flesch_kincaid_grade(render_markdown(markdown).prose)


@pytest.mark.parametrize(("text", "grade"), [(EASY, 1.5), (PLAIN, 8.0), (HARD, 24.7)])
def test_known_passages_get_their_flesch_kincaid_grade(text, grade):
    assert grade_of(text) == grade


def test_headings_tables_code_and_fragment_list_items_are_not_sentences():
    # The old count made every heading and list line a sentence: this body scored 2.5.
    # Prose: PLAIN + "You might try these foods." (5 words, 5 syllables): 34 words,
    # 3 sentences, 49 syllables -> 4.42 + 17.01 - 15.59 = 5.84 -> 5.8.
    body = f"{NOT_PROSE}\n{PLAIN}\n\nYou might try these foods:\n\n{NOT_PROSE}"
    assert grade_of(body) == grade_of(f"{PLAIN}\n\nYou might try these foods.") == 5.8


def test_list_items_that_are_sentences_count_as_prose():
    first, second = PLAIN.split(". ")
    assert grade_of(f"- {first}.\n- {second}\n") == 8.0


def test_no_prose_scores_zero_and_reading_time_still_counts_every_word():
    assert grade_of(NOT_PROSE) == 0.0
    assert reading_time_minutes("word " * 401) == 3


@pytest.mark.parametrize(
    ("grade", "level"),
    [
        (0.0, "grade 5 and below: very easy"),
        (5.9, "grade 5 and below: very easy"),
        (6.0, "grade 6-8: easy"),
        (8.9, "grade 6-8: easy"),
        (9.0, "grade 9-10: fairly difficult"),
        (11.0, "grade 11-12: difficult"),
        (12.9, "grade 11-12: difficult"),
        (13.0, "college: very difficult"),
    ],
)
def test_reading_level_bands(grade, level):
    assert reading_level(grade) == level


def test_articles_serve_grade_and_level(client, make):
    make.article(slug="plain", body_markdown=f"{NOT_PROSE}\n{PLAIN}\n")
    body = client.get("/api/v1/articles/plain").get_json()
    assert (body["reading_grade"], body["reading_level"]) == (8.0, "grade 6-8: easy")
    summary = client.get("/api/v1/articles").get_json()[0]
    assert summary["reading_level"] == "grade 6-8: easy"


@pytest.fixture
def drafts(make, make_staff):
    make.author(slug="jane-doe")
    writer = make_staff("writer")
    for slug, text in (("hard", HARD), ("plain", PLAIN)):
        created = writer.post("/api/v1/articles", new_article(slug=slug, body_markdown=text))
        assert created.status_code == 201, created.get_json()
    return writer, make_staff("reviewer", credentials="MD")


def act(staff, slug: str, action: str, **body):
    return staff.post(f"/api/v1/articles/{slug}/transitions", {"action": action, **body})


def test_submitting_above_the_limit_succeeds_with_a_warning(drafts):
    writer, _ = drafts
    hard = act(writer, "hard", "submit")
    assert hard.status_code == 200
    assert hard.get_json()["status"] == "in_review"
    [warning] = hard.get_json()["warnings"]
    assert warning["code"] == "reading_grade_above_limit"
    assert warning["field"] == "reading_grade"
    assert "24.7" in warning["detail"] and "limit of 8" in warning["detail"]
    plain = act(writer, "plain", "submit")  # 8.0 is not above 8
    assert plain.status_code == 200 and plain.get_json()["warnings"] == []


def test_approving_above_the_limit_needs_explicit_acceptance(app, drafts):
    writer, reviewer = drafts
    act(writer, "hard", "submit")
    refused = problem(act(reviewer, "hard", "approve"), 409)
    assert "24.7" in refused["detail"] and "limit of 8" in refused["detail"]
    assert (refused["reading_grade"], refused["max_reading_grade"]) == (24.7, 8.0)
    assert "accept_reading_grade" in refused["errors"]
    assert reviewer.get("/api/v1/articles/hard").get_json()["approved_revision"] is None
    problem(act(reviewer, "hard", "approve", accept_reading_grade=False), 409)

    accepted = act(reviewer, "hard", "approve", accept_reading_grade=True)

    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["approved_revision"] == accepted.get_json()["current_revision"]
    [entry] = query_store(app, select(AuditEntry).where(AuditEntry.action == "article.approve"))
    assert entry.changes["accepted_reading_grade"] == 24.7


def test_within_the_limit_approval_needs_no_acceptance(drafts):
    writer, reviewer = drafts
    act(writer, "plain", "submit")
    assert act(reviewer, "plain", "approve").status_code == 200


def test_the_clinic_sets_the_limit(drafts, monkeypatch, app):
    monkeypatch.setitem(app.config, "CLINIC_MAX_READING_GRADE", 25.0)
    writer, reviewer = drafts
    assert act(writer, "hard", "submit").get_json()["warnings"] == []
    assert act(reviewer, "hard", "approve").status_code == 200


def test_accept_reading_grade_goes_with_approve_only(drafts):
    writer, _ = drafts
    body = problem(act(writer, "hard", "submit", accept_reading_grade=True), 422)
    assert "accept_reading_grade" in body["errors"]
