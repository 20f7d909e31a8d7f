"""Issue 12 items 1-4 and 10: each example of the issue, answered with a problem naming the field
(the sweep over every documented parameter is test_hostile_corpus.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from api.articles.models import Article
from api.newsletter.models import Subscription
from api.topics.models import Topic
from api.users.models import User
from tests.support.staff import new_article, problem, query_store


def _count(app, model):
    return query_store(app, select(func.count()).select_from(model))[0]


# Item 1: integers in ASCII digits only.
@pytest.mark.parametrize(
    "query",
    [
        "page=%C2%B2",  # superscript two: str.isdigit() is True, int() refuses it
        "page_size=%E2%91%A0",  # circled one
        "page=%D9%A3",  # Arabic-Indic three: int() reads it as 3
        "page=%EF%BC%92",  # full-width two
        "page=1_0",
        "page=%202",
        "page=%2B2",
        "page=1e1",
        "page=" + "9" * 5000,
    ],
)
def test_integer_query_parameters_take_ascii_digits_only(client, query):
    name = query.split("=")[0]
    body = problem(client.get(f"/api/v1/articles?{query}"), 422)
    assert name in body["errors"]


def test_ascii_digits_still_page(client, make):
    make.article()
    assert client.get("/api/v1/articles?page=1&page_size=5").status_code == 200


@pytest.mark.parametrize("segment", ["%D9%A3", "%C2%B2", "%EF%BC%91", "1_0"])
def test_integer_path_segments_take_ascii_digits_only(admin, segment):
    problem(admin.get(f"/api/v1/users/{segment}"), 404)


def test_integer_in_a_body_must_be_a_json_number(admin, app):
    before = _count(app, Topic)
    body = problem(admin.post("/api/v1/topics", {"slug": "t", "name": "T", "position": "3"}), 422)
    assert "position" in body["errors"]
    body = problem(admin.post("/api/v1/topics", {"slug": "t", "name": "T", "position": 2.5}), 422)
    assert "position" in body["errors"]
    assert _count(app, Topic) == before
    created = admin.post("/api/v1/topics", {"slug": "t", "name": "T", "position": 3})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["position"] == 3


# Item 2: lone surrogates.
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc00b", "\\ud800\\ud800"])
def test_lone_surrogate_in_confirm_token_is_refused(client, escape):
    response = client.post(
        "/api/v1/newsletter/confirm",
        data=f'{{"token": "{escape}"}}',
        content_type="application/json",
    )
    assert "token" in problem(response, 422)["errors"]


def test_paired_surrogates_are_ordinary_text(client):
    # A valid pair is an astral character: an unknown token, not malformed input.
    response = client.post(
        "/api/v1/newsletter/confirm",
        data='{"token": "\\ud83d\\ude00"}',
        content_type="application/json",
    )
    assert response.status_code < 500
    assert "surrogate" not in response.get_data(as_text=True)


def test_lone_surrogate_in_signup_source_writes_nothing(client, app):
    before = _count(app, Subscription)
    response = client.post(
        "/api/v1/newsletter/subscriptions",
        data='{"email": "a@clinic.example", "consent": true, "source": "\\ud800"}',
        content_type="application/json",
    )
    assert "source" in problem(response, 422)["errors"]
    assert _count(app, Subscription) == before


def test_lone_surrogate_in_staff_title_and_member_name(admin, app, make):
    make.author(slug="jane-doe")
    before = _count(app, Article)
    data = new_article(title="PLACEHOLDER")
    raw = admin.client.open(
        "/api/v1/articles",
        method="POST",
        data=json.dumps(data).replace("PLACEHOLDER", "\\udbff"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert "title" in problem(raw, 422)["errors"]
    nested = admin.client.open(
        "/api/v1/articles",
        method="POST",
        data='{"topics": ["\\udc80"]}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert "topics.0" in problem(nested, 422)["errors"]
    key = admin.client.open(
        "/api/v1/articles",
        method="POST",
        data='{"\\ud800": 1}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert "body" in problem(key, 422)["errors"]
    assert _count(app, Article) == before


# Item 3: dates at the edge of the calendar.
EDGE_INSTANTS = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1899-12-31T23:59:59Z",
    "9999-01-01T00:00:00Z",
]


@pytest.mark.parametrize("instant", EDGE_INSTANTS)
@pytest.mark.parametrize("name", ["published_after", "published_before", "updated_since"])
def test_edge_instants_in_article_filters(client, name, instant):
    response = client.get("/api/v1/articles", query_string={name: instant})
    assert name in problem(response, 422)["errors"]


@pytest.mark.parametrize("instant", EDGE_INSTANTS)
def test_edge_instants_in_audit_since(admin, instant):
    response = admin.get("/api/v1/audit", query_string={"since": instant})
    assert "since" in problem(response, 422)["errors"]


def test_accepted_range_ends_are_inclusive_and_exclusive(client):
    for instant in ("1900-01-01T00:00:00Z", "9998-12-31T23:59:59Z", "1900-01-01T13:00:00+13:00"):
        response = client.get("/api/v1/articles", query_string={"published_after": instant})
        assert response.status_code == 200, (instant, response.get_json())


@pytest.mark.parametrize("instant", EDGE_INSTANTS[:2])
def test_edge_published_at_in_staff_patch(editor, make, app, instant):
    article = make.article()
    url = f"/api/v1/articles/{article.slug}"
    before = editor.get(url).get_json()
    body = problem(editor.edit(url, {"published_at": instant}), 422)
    assert "published_at" in body["errors"]
    assert editor.get(url).get_json()["published_at"] == before["published_at"]


def test_edge_published_at_in_publish_transition(editor, make):
    article = make.article()
    response = editor.post(
        f"/api/v1/articles/{article.slug}/transitions",
        {"action": "publish", "published_at": "0001-01-01T00:00:00+14:00"},
    )
    assert "published_at" in problem(response, 422)["errors"]


# Item 4: numbers the parser cannot or should not take.
@pytest.mark.parametrize(
    "number", ["1" * 4301, "-" + "9" * 5000, "NaN", "Infinity", "-Infinity", "1e999", "2147483648"]
)
def test_unholdable_json_numbers_are_refused(admin, app, number):
    before = _count(app, Topic)
    response = admin.client.open(
        "/api/v1/topics",
        method="POST",
        data=f'{{"slug": "t", "name": "T", "position": {number}}}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert "position" in problem(response, 422)["errors"]
    assert _count(app, Topic) == before


def test_huge_integer_on_a_public_write(client):
    response = client.post(
        "/api/v1/newsletter/confirm",
        data='{"token": ' + "7" * 5000 + "}",
        content_type="application/json",
    )
    assert "token" in problem(response, 422)["errors"]


# Item 10: strict JSON types in bodies.
@pytest.mark.parametrize("value", ["off", "false", "0", 0, "", []])
def test_user_is_active_takes_json_booleans_only(admin, app, value):
    before = _count(app, User)
    response = admin.post(
        "/api/v1/users",
        {"name": "N", "email": "n@clinic.example", "role": "writer", "is_active": value},
    )
    assert "is_active" in problem(response, 422)["errors"]
    assert _count(app, User) == before


def test_user_is_active_false_creates_an_inactive_user(admin):
    response = admin.post(
        "/api/v1/users",
        {"name": "N", "email": "n@clinic.example", "role": "writer", "is_active": False},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["is_active"] is False


def test_signup_consent_takes_json_booleans_only(client, app):
    before = _count(app, Subscription)
    response = client.post(
        "/api/v1/newsletter/subscriptions", json={"email": "a@clinic.example", "consent": "true"}
    )
    assert "consent" in problem(response, 422)["errors"]
    assert _count(app, Subscription) == before


def test_query_strings_keep_their_documented_boolean_and_integer_forms(client, make):
    make.article()
    assert client.get("/api/v1/articles?page=1&page_size=20").status_code == 200
    assert client.get("/api/v1/topics?page=1").status_code == 200


# Other carriers of text: form bodies and headers.
@pytest.mark.parametrize("data", [b"token=%ED%A0%80", b"token=\xed\xa0\x80", b"token=%00"])
def test_unsubscribe_form_with_invalid_text_is_a_problem(client, data):
    response = client.post(
        "/api/v1/newsletter/unsubscribe",
        data=data,
        content_type="application/x-www-form-urlencoded",
    )
    assert "token" in problem(response, 400)["errors"]


@pytest.mark.parametrize("token", ["\xff\xfe", "clf_\x00", "clf_\xed\xa0\x80"])
def test_bearer_token_of_bytes_that_are_not_text_is_a_401(client, token):
    problem(client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}), 401)
