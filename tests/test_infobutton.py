"""HL7 Infobutton knowledge requests, answered as an EHR's client parses them."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from tests.support.staff import problem

ICD10CM, SNOMED_CT, MESH = (
    "2.16.840.1.113883.6.90",
    "2.16.840.1.113883.6.96",
    "2.16.840.1.113883.6.177",
)
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
URL = "/api/v1/infobutton"


@pytest.fixture
def library(make, frozen_clock):
    # Codes from the demo seed (seed/topics.yaml).
    make.topic(
        slug="back-pain",
        name="Back pain",
        synonyms=["backache"],
        codes={"icd10": "M54.9", "snomed": "161891005", "mesh": "D001416"},
    )
    make.topic(slug="posture", name="Posture & ergonomics", parent="back-pain")
    make.topic(slug="low-back", name="Low back pain", parent="back-pain", codes={"icd10": "M54.5"})
    make.topic(slug="sleep", name="Sleep")
    now = frozen_clock()
    make.article(slug="lifting", title="Lifting <safely>", topics=["low-back"], summary="Bend.")
    make.article(
        slug="desk", title="Desk setup", topics=["posture"], published_at=now - dt.timedelta(days=3)
    )
    make.article(slug="dolor", title="Dolor de espalda", topics=["back-pain"], language="es")
    make.article(slug="draft", topics=["back-pain"], status="draft", published_at=None)
    make.article(slug="naps", title="Naps", topics=["sleep"])


def request(client, code: str, system: str, **extra: str):
    params = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system, **extra}
    return client.get(URL, query_string=params)


def atom_feed(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # a real XML parser: malformed XML raises
    assert root.tag == f"{ATOM}feed"
    for required in ("title", "id", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    return root


def entry_links(root: ET.Element) -> list[str]:
    return [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]


def categories(element: ET.Element) -> dict[str, str]:
    return {c.get("scheme"): c.get("term") for c in element.findall(f"{ATOM}category")}


def test_an_icd10_request_answers_atom_with_topic_and_article_pages(library, client):
    root = atom_feed(
        request(
            client,
            "M54.50",
            ICD10CM,
            informationRecipient="PAT",
            **{"informationRecipient.languageCode.c": "en"},
        )
    )
    # M54.50 itself is held by no topic: its parent M54.5 is, with the articles filed under it.
    assert entry_links(root) == [
        "https://clinic.example/topics/low-back",
        "https://clinic.example/learn/lifting",
    ]
    assert categories(root) == {
        "mainSearchCriteria.v.c": "M54.50",
        "mainSearchCriteria.v.cs": ICD10CM,
        "informationRecipient": "PAT",
        "informationRecipient.languageCode.c": "en",
    }
    topic_entry = next(root.iter(f"{ATOM}entry"))
    assert categories(topic_entry)["mainSearchCriteria.v.c"] == "M54.5"
    titles = [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Low back pain", "Lifting <safely>"]
    # The feed's author is this service, at the address it was asked on (SITE_URL unset).
    assert root.find(f"{ATOM}author/{ATOM}uri").text == "http://localhost"


def test_a_snomed_request_answers_the_topic_its_descendants_articles_and_no_draft(library, client):
    root = atom_feed(request(client, "161891005", SNOMED_CT))
    links = entry_links(root)
    assert links[0] == "https://clinic.example/topics/back-pain"
    assert sorted(links[1:]) == sorted(
        f"https://clinic.example/learn/{slug}" for slug in ("lifting", "desk", "dolor")
    )
    back_pain = next(root.iter(f"{ATOM}entry"))
    assert "Also called: backache" in back_pain.find(f"{ATOM}summary").text
    assert back_pain.find(f"{ATOM}summary").get("type") == "html"


def test_the_language_parameter_keeps_articles_in_that_language(library, client):
    root = atom_feed(
        request(client, "D001416", MESH, **{"informationRecipient.languageCode.c": "es"})
    )
    assert entry_links(root)[1:] == ["https://clinic.example/learn/dolor"]
    assert root.get(XML_LANG) == "es"


def test_json_is_the_same_feed_in_the_guides_json_form(library, client):
    response = request(client, "M54.9", ICD10CM, knowledgeResponseType="application/json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    feed = response.get_json()["feed"]
    assert {"scheme": "mainSearchCriteria.v.cs", "term": ICD10CM} in feed["category"]
    assert feed["entry"][0]["title"] == {"_value": "Back pain", "type": "text"}
    assert feed["entry"][0]["link"][0]["href"] == "https://clinic.example/topics/back-pain"
    article_links = {entry["link"][0]["href"] for entry in feed["entry"][1:]}
    assert "https://clinic.example/learn/desk" in article_links
    assert "https://clinic.example/learn/draft" not in article_links

    snomed = request(client, "161891005", SNOMED_CT, knowledgeResponseType="application/json")
    assert snomed.get_json()["feed"]["entry"][0]["title"]["_value"] == "Back pain"


def test_a_code_no_topic_holds_is_an_empty_feed(library, client):
    root = atom_feed(request(client, "J45.909", ICD10CM))
    assert entry_links(root) == []


def test_an_unsupported_code_system_is_a_422_naming_the_parameter(library, client):
    body = problem(request(client, "1234-5", "2.16.840.1.113883.6.1"), 422)  # LOINC
    assert list(body["errors"]) == ["mainSearchCriteria.v.cs"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"mainSearchCriteria.v.cs": ICD10CM}, "mainSearchCriteria.v.c"),
        ({"mainSearchCriteria.v.c": "M54.9"}, "mainSearchCriteria.v.cs"),
        ({"mainSearchCriteria.v.c": "not-a-code", "mainSearchCriteria.v.cs": ICD10CM},
         "mainSearchCriteria.v.c"),
        ({"mainSearchCriteria.v.c": "M54.9", "mainSearchCriteria.v.cs": SNOMED_CT},
         "mainSearchCriteria.v.c"),
        ({"mainSearchCriteria.v.c": "M54.9", "mainSearchCriteria.v.cs": ICD10CM,
          "knowledgeResponseType": "application/pdf"}, "knowledgeResponseType"),
        ({"mainSearchCriteria.v.c": "M54.9", "mainSearchCriteria.v.cs": ICD10CM,
          "informationRecipient": "NURSE"}, "informationRecipient"),
        ({"mainSearchCriteria.v.c": "M54.9", "mainSearchCriteria.v.cs": ICD10CM,
          "informationRecipient.languageCode.c": "en%"}, "informationRecipient.languageCode.c"),
    ],
)  # fmt: skip
def test_malformed_requests_are_422s_naming_the_parameter(library, client, params, field):
    body = problem(client.get(URL, query_string=params), 422)
    assert list(body["errors"]) == [field]


def test_an_unknown_parameter_is_refused_by_name(library, client):
    body = problem(request(client, "M54.9", ICD10CM, **{"mainSearchCriteria.v.x": "1"}), 422)
    assert "mainSearchCriteria.v.x" in str(body)


def test_statements_do_not_grow_with_topics_and_articles(make, client, count_queries):
    make.topic(slug="back-pain", name="Back pain", codes={"snomed": "161891005"})
    counts = []
    for size in (1, 8):
        for number in range(size):
            slug = make.topic(parent="back-pain").slug
            make.article(topics=[slug, "back-pain"], title=f"Article {size}-{number}")
        with count_queries() as counter:
            response = request(client, "161891005", SNOMED_CT)
        assert len(atom_feed(response).findall(f"{ATOM}entry")) > size
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
