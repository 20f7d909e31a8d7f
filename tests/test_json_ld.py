"""Structured data: each public article is a schema.org MedicalWebPage, safe in a script tag."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from tests.support.staff import new_article

HOSTILE = "Back pain </script><script>alert(1)</script> <!-- & \u2028\u2029 end"
URL = "/api/v1/articles/doc"


@pytest.fixture
def published(make, make_staff, frozen_clock):
    """`doc`, written, reviewed by Dr Rivera (MD) and published through the workflow."""
    make.author(slug="jane-doe", name="Jane Doe", credentials="PT", job_title="Physiotherapist")
    make.topic(slug="back-pain", name="Back pain", codes={"icd10": "M54.50", "mesh": "D001416"})
    make.topic(slug="posture", name="Posture", parent="back-pain", synonyms=["sitting"])
    make.article(slug="guide", topics=["back-pain"])
    writer, editor = make_staff("writer"), make_staff("editor")
    reviewer = make_staff("reviewer", name="Dr Rivera", credentials="MD")
    body = new_article(slug="doc", title=HOSTILE, topics=["posture", "back-pain"], language="en-GB")
    assert writer.post("/api/v1/articles", body).status_code == 201
    for who, action in ((writer, "submit"), (reviewer, "approve"), (editor, "publish")):
        assert who.post(f"{URL}/transitions", {"action": action}).status_code == 200
    assert editor.edit("/api/v1/topics/back-pain", {"pillar": "guide"}).status_code == 200
    return editor


def test_a_public_article_is_a_medical_web_page(client, published):
    ld = client.get(URL).get_json()["json_ld"]
    page = "https://clinic.example/learn/doc"
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "MedicalWebPage"
    assert ld["url"] == ld["@id"] == ld["mainEntityOfPage"] == page
    assert ld["headline"] == HOSTILE and ld["description"] == "What it is about."
    assert ld["inLanguage"] == "en-GB"
    assert ld["about"] == [
        {
            "@type": "Thing",
            "name": "Posture",
            "alternateName": ["sitting"],
            "url": "https://clinic.example/topics/posture",
        },
        {
            "@type": "MedicalCondition",
            "name": "Back pain",
            "url": "https://clinic.example/topics/back-pain",
            "code": [
                {"@type": "MedicalCode", "codeValue": "M54.50", "codingSystem": "ICD-10-CM"},
                {"@type": "MedicalCode", "codeValue": "D001416", "codingSystem": "MeSH"},
            ],
        },
    ]
    assert ld["author"] == {
        "@type": "Person",
        "name": "Jane Doe",
        "honorificSuffix": "PT",
        "jobTitle": "Physiotherapist",
    }
    assert ld["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Rivera",
        "jobTitle": "MD",
        "hasCredential": {"@type": "EducationalOccupationalCredential", "name": "MD"},
    }
    assert ld["lastReviewed"] == "2026-01-15"  # a schema.org Date
    assert ld["datePublished"] == "2026-01-15T09:00:00Z"
    assert ld["dateModified"].startswith("2026-01-15T09:00:00")
    assert ld["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert ld["isPartOf"] == {"@type": "WebPage", "url": "https://clinic.example/learn/guide"}


def test_only_a_public_pillar_is_named_and_never_the_page_itself(client, published, make):
    assert "isPartOf" not in client.get("/api/v1/articles/guide").get_json()["json_ld"]
    make.update_article("guide", status="draft", published_at=None)
    assert "isPartOf" not in client.get(URL).get_json()["json_ld"]


def test_organization_authors_and_unreviewed_articles(client, make):
    make.author(slug="clinic", name="The Clinic", kind="organization")
    make.article(slug="plain", author="clinic")
    ld = client.get("/api/v1/articles/plain").get_json()["json_ld"]
    assert ld["author"] == {"@type": "Organization", "name": "The Clinic"}
    assert not {"reviewedBy", "lastReviewed", "about", "isPartOf"} & set(ld)


class ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script"
        if self.inside:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.scripts[-1] += data

    def handle_comment(self, data):
        raise AssertionError("a comment opened inside the page")


def test_the_script_form_cannot_break_out_of_its_tag(client, published):
    article = client.get(URL).get_json()
    script = article["json_ld_script"]
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in script
    assert json.loads(script) == article["json_ld"]
    page = f'<html><head><script type="application/ld+json">{script}</script></head></html>'
    collector = ScriptCollector()
    collector.feed(page)
    assert collector.scripts == [script]
    assert json.loads(collector.scripts[0])["headline"] == HOSTILE


def test_staff_see_the_structured_data_they_will_publish(published):
    staff = published.get(URL).get_json()
    assert staff["json_ld"]["headline"] == HOSTILE and staff["json_ld_script"]
    assert staff["json_ld"]["isPartOf"]["url"] == "https://clinic.example/learn/guide"
