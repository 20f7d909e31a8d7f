"""`audience`: who an article is written for, as a list filter and in JSON-LD."""

from __future__ import annotations

import pytest

from tests.support.hostile import publish
from tests.support.staff import new_article, problem


@pytest.fixture
def library(make):
    make.article(slug="for-patients")
    make.article(slug="for-parents", audience="parent")
    make.article(slug="for-clinicians", audience="clinician")


def slugs(response) -> set[str]:
    return {item["slug"] for item in response.get_json()}


def test_patient_is_the_default_and_the_list_filters_by_audience(client, library):
    assert client.get("/api/v1/articles/for-patients").get_json()["audience"] == "patient"
    assert slugs(client.get("/api/v1/articles?audience=patient")) == {"for-patients"}
    assert slugs(client.get("/api/v1/articles?audience=parent")) == {"for-parents"}
    assert slugs(client.get("/api/v1/articles?audience=caregiver")) == set()
    assert len(slugs(client.get("/api/v1/articles"))) == 3


def test_an_unknown_audience_is_a_422_naming_the_field(client, admin, make):
    assert "audience" in problem(client.get("/api/v1/articles?audience=everyone"), 422)["errors"]
    make.author(slug="jane-doe")
    created = admin.post("/api/v1/articles", new_article(audience="everyone"))
    assert "audience" in problem(created, 422)["errors"]


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("for-patients", {"@type": "MedicalAudience", "audienceType": "Patient"}),
        ("for-clinicians", {"@type": "MedicalAudience", "audienceType": "Clinician"}),
        ("for-parents", {"@type": "PeopleAudience", "audienceType": "Parent"}),
    ],
)
def test_json_ld_names_the_audience(client, library, slug, expected):
    assert client.get(f"/api/v1/articles/{slug}").get_json()["json_ld"]["audience"] == expected


def test_audience_is_reviewed_content(admin, reviewer, make, client):
    make.author(slug="jane-doe")
    assert admin.post("/api/v1/articles", new_article(slug="doc")).status_code == 201
    publish(admin, reviewer, "doc")
    edited = admin.edit("/api/v1/articles/doc", {"audience": "caregiver"})
    assert edited.get_json()["audience"] == "caregiver"
    assert edited.get_json()["pending_revision"]["number"] == 2
    assert client.get("/api/v1/articles/doc").get_json()["audience"] == "patient"
