"""Topics by medical code: lookup, the ICD-10-CM hierarchy fallback, and search by code."""

from __future__ import annotations

import pytest

from tests.support.staff import problem

# Codes taken from the demo seed (seed/topics.yaml), which only holds verified codes.
BACK_PAIN = {"icd10": "M54.9", "snomed": "161891005", "mesh": "D001416"}
MAST_CELL = {"icd10": "D89.40"}


@pytest.fixture
def coded(make):
    make.topic(slug="back-pain", name="Back pain", codes=BACK_PAIN)
    make.topic(slug="mast-cell-activation", name="Mast cell activation", codes=MAST_CELL)
    make.topic(slug="sleep-health", name="Sleep health")


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [topic["slug"] for topic in response.get_json()]


@pytest.mark.parametrize(
    "code",
    [
        "ICD-10-CM:M54.9",
        "icd-10-cm:m54.9",
        "SNOMED%20CT:161891005",
        "snomed%20ct:161891005",
        "MeSH:D001416",
        "MESH:d001416",
    ],
)
def test_each_code_system_finds_its_topic_ignoring_case(coded, client, code):
    response = client.get(f"/api/v1/topics?code={code}")
    assert slugs(response) == ["back-pain"]
    assert response.headers["X-Matched-Code"] == code.split(":")[1].upper()


def test_an_icd10_code_no_topic_holds_falls_back_to_its_nearest_ancestor(make, coded, client):
    make.topic(slug="low-back", name="Low back", codes={"icd10": "M54.5"})
    response = client.get("/api/v1/topics?code=ICD-10-CM:M54.50")
    assert slugs(response) == ["low-back"]
    assert response.headers["X-Matched-Code"] == "M54.5"

    make.topic(slug="dorsalgia", name="Dorsalgia", codes={"icd10": "M54"})
    response = client.get("/api/v1/topics?code=ICD-10-CM:M54.89")
    assert slugs(response) == ["dorsalgia"]
    assert response.headers["X-Matched-Code"] == "M54"


def test_the_exact_code_wins_over_its_ancestors(make, coded, client):
    make.topic(slug="low-back", name="Low back", codes={"icd10": "M54.5"})
    make.topic(slug="low-back-unspecified", name="Low back, unspecified", codes={"icd10": "M54.50"})
    response = client.get("/api/v1/topics?code=ICD-10-CM:M54.50")
    assert slugs(response) == ["low-back-unspecified"]
    assert response.headers["X-Matched-Code"] == "M54.50"


def test_no_fallback_outside_icd10_and_nothing_found_is_an_empty_list(coded, client):
    for code in ("SNOMED%20CT:161891006", "ICD-10-CM:Z99.89"):
        response = client.get(f"/api/v1/topics?code={code}")
        assert slugs(response) == []
        assert "X-Matched-Code" not in response.headers


def test_an_unknown_code_system_is_a_422_naming_it(coded, client):
    body = problem(client.get("/api/v1/topics?code=LOINC:1234-5"), 422)
    assert "LOINC" in body["detail"]
    assert "LOINC" in body["errors"]["code"][0]


@pytest.mark.parametrize(
    "code", ["M54.50", "ICD-10-CM:", "ICD-10-CM:not a code", "SNOMED%20CT:D001416", "tree"]
)
def test_malformed_codes_are_422s_on_the_code_parameter(coded, client, code):
    body = problem(client.get(f"/api/v1/topics?code={code}"), 422)
    assert list(body["errors"]) == ["code"]


def test_code_and_tree_together_are_refused(coded, client):
    body = problem(client.get("/api/v1/topics?code=MeSH:D001416&tree=true"), 422)
    assert list(body["errors"]) == ["code"]


def test_searching_a_code_returns_its_topics_first(make, coded, client):
    make.article(slug="sitting-well", title="Sitting well", topics=["back-pain"])
    body = client.get("/api/v1/search?q=M54.9").get_json()
    assert [topic["slug"] for topic in body["topics"]][:1] == ["back-pain"]

    body = client.get("/api/v1/search?q=D89.40").get_json()
    assert [topic["slug"] for topic in body["topics"]][:1] == ["mast-cell-activation"]

    body = client.get("/api/v1/search?q=D001416").get_json()
    assert [topic["slug"] for topic in body["topics"]][:1] == ["back-pain"]


def test_searching_a_code_falls_back_along_the_icd10_hierarchy(make, coded, client):
    make.topic(slug="low-back", name="Low back", codes={"icd10": "M54.5"})
    body = client.get("/api/v1/search?q=M54.50").get_json()
    assert [topic["slug"] for topic in body["topics"]][:1] == ["low-back"]


def test_searching_words_that_are_not_codes_finds_no_coded_topic(coded, client):
    body = client.get("/api/v1/search?q=sleep").get_json()
    assert [topic["slug"] for topic in body["topics"]] == ["sleep-health"]
