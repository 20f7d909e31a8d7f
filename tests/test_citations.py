"""Citations as data: `[@key]` in the body cites the article's `references`, which are
reviewed content; readers get them numbered in citation order, in HTML, JSON and JSON-LD."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT
from tests.support.staff import new_article, problem
from tests.support.xss import assert_inert

CHOU = {
    "key": "chou-2017",
    "title": "Nonpharmacologic therapies for low back pain",
    "authors": ["Chou R", "Deyo R", "Friedly J"],
    "journal": "Annals of Internal Medicine",
    "year": 2017,
    "doi": "10.7326/M16-2459",
    "pmid": "28192793",
}
NICE = {
    "key": "nice-ng59",
    "title": "Low back pain and sciatica in over 16s: assessment and management",
    "authors": [],
    "publisher": "NICE",
    "year": 2016,
    "url": "https://www.nice.org.uk/guidance/ng59",
    "accessed": "2026-11-01",
}
BODY = (
    "Staying active helps [@nice-ng59].\n\n"
    "## Exercise\n\nExercise therapy works [@chou-2017; @nice-ng59]. Again [@chou-2017].\n"
)
URL = "/api/v1/articles/cited"
DOCUMENT = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
# The schema.org properties each type of a citation may carry (ScholarlyArticle is a
# CreativeWork); anything else, or a node without its required property, is malformed.
SCHEMA_ORG = {
    "CreativeWork": {"name", "author", "datePublished", "isPartOf", "publisher", "url",
                     "sameAs", "identifier"},
    "Person": {"name"},
    "Organization": {"name"},
    "Periodical": {"name"},
    "PropertyValue": {"propertyID", "value"},
}  # fmt: skip
SCHEMA_ORG["ScholarlyArticle"] = SCHEMA_ORG["CreativeWork"]


def conforms(body: dict, component: str) -> None:
    """`body` is what the committed OpenAPI document says `component` is."""
    schema = {**DOCUMENT, "$ref": f"#/components/schemas/{component}"}
    jsonschema.Draft202012Validator(schema).validate(body)


def well_formed(node: object) -> None:
    """A schema.org node: a known @type, only its properties, the required ones present."""
    if isinstance(node, list):
        for item in node:
            well_formed(item)
        return
    assert isinstance(node, dict) and node.get("@type") in SCHEMA_ORG, node
    allowed = SCHEMA_ORG[node["@type"]]
    assert set(node) - {"@type"} <= allowed, node
    required = {"name"} if "name" in allowed else {"propertyID", "value"}
    assert required <= set(node), node
    for name, value in node.items():
        if isinstance(value, dict | list) and name != "sameAs":
            well_formed(value)
        elif name in ("url", "sameAs"):
            urls = value if isinstance(value, list) else [value]
            assert all(url.startswith("https://") for url in urls), node


def publish(admin, reviewer, slug: str) -> None:
    url = f"/api/v1/articles/{slug}/transitions"
    approve = {"action": "approve", "accept_reading_grade": True}
    for staff, body in (
        (admin, {"action": "submit"}),
        (reviewer, approve),
        (admin, {"action": "publish"}),
    ):
        response = staff.post(url, body)
        assert response.status_code == 200, response.get_json()


@pytest.fixture
def cited(admin, make):
    make.author(slug="jane-doe")
    created = admin.post(
        "/api/v1/articles",
        new_article(slug="cited", body_markdown=BODY, references=[CHOU, NICE]),
    )
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_a_citation_renders_as_a_numbered_link_to_its_reference(cited):
    html = cited["body_html"]
    # Numbered in first-citation order: NICE is cited first, so it is 1.
    assert (
        '<sup class="citation"><a href="#ref-nice-ng59" id="cite-nice-ng59-1"'
        ' rel="noopener noreferrer">1</a></sup>'
    ) in html
    assert (
        '<sup class="citation"><a href="#ref-chou-2017" id="cite-chou-2017-1"'
        ' rel="noopener noreferrer">2</a>, <a href="#ref-nice-ng59" id="cite-nice-ng59-2"'
        ' rel="noopener noreferrer">1</a></sup>'
    ) in html
    assert 'id="cite-chou-2017-2" rel="noopener noreferrer">2</a>' in html


def test_the_references_list_ends_the_body_in_citation_order(cited):
    html = cited["body_html"]
    section = html[html.index('<section class="references">') :]
    assert html.rstrip().endswith("</section>")
    assert section.startswith('<section class="references">\n<h2 id="references">References</h2>')
    assert section.index('<li id="ref-nice-ng59">') < section.index('<li id="ref-chou-2017">')
    assert '<a href="https://doi.org/10.7326/M16-2459" rel="noopener noreferrer">' in section
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/28192793/"' in section
    assert "(accessed 2026-11-01)" in section and "<em>Annals of Internal Medicine</em>" in section
    assert cited["toc"][-1] == {"level": 2, "text": "References", "anchor": "references"}
    assert_inert(html)


def test_sections_end_with_the_references(cited):
    sections = cited["sections"]
    assert [(s["kind"], s["anchor"]) for s in sections] == [
        ("text", None),
        ("text", "exercise"),
        ("references", "references"),
    ]
    assert sections[-1]["heading"] == "References"
    assert "".join(s["html"] for s in sections) == cited["body_html"]


def test_the_public_json_carries_the_cited_references_numbered_and_resolved(
    cited, admin, reviewer, client
):
    publish(admin, reviewer, "cited")
    article = client.get(URL).get_json()
    assert [(r["number"], r["key"]) for r in article["references"]] == [
        (1, "nice-ng59"),
        (2, "chou-2017"),
    ]
    chou = article["references"][1]
    assert chou["doi_url"] == "https://doi.org/10.7326/M16-2459"
    assert chou["pubmed_url"] == "https://pubmed.ncbi.nlm.nih.gov/28192793/"
    assert "doi_url" not in article["references"][0]

    citations = article["json_ld"]["citation"]
    assert citations[0] == {
        "@type": "CreativeWork",
        "name": NICE["title"],
        "datePublished": "2016",
        "publisher": {"@type": "Organization", "name": "NICE"},
        "url": "https://www.nice.org.uk/guidance/ng59",
    }
    assert citations[1]["@type"] == "ScholarlyArticle"
    assert citations[1]["author"][0] == {"@type": "Person", "name": "Chou R"}
    assert citations[1]["url"] == "https://doi.org/10.7326/M16-2459"
    assert citations[1]["sameAs"] == ["https://pubmed.ncbi.nlm.nih.gov/28192793/"]
    assert {"@type": "PropertyValue", "propertyID": "PMID", "value": "28192793"} in citations[1][
        "identifier"
    ]
    well_formed(citations)
    assert all(len(citation["datePublished"]) == 4 for citation in citations)


def test_responses_with_references_are_what_the_openapi_document_says(
    cited, admin, reviewer, client
):
    conforms(admin.get(URL).get_json(), "StaffArticle")
    publish(admin, reviewer, "cited")
    conforms(client.get(URL).get_json(), "Article")


def test_unknown_keys_are_refused_naming_the_key(admin, make):
    make.author(slug="jane-doe")
    body = "Claim [@chou-2017]. Another [@nobody; @chou-2017]. Third [@Smith 2020]."
    created = admin.post(
        "/api/v1/articles", new_article(slug="typo", body_markdown=body, references=[CHOU])
    )
    messages = problem(created, 422)["errors"]["body_markdown"]
    assert "`nobody`" in messages[0] and "`Smith 2020`" in messages[1]
    assert admin.get("/api/v1/articles/typo").status_code == 404  # nothing half-written


def test_removing_a_cited_reference_is_refused(cited, admin):
    edited = admin.edit(URL, {"references": [CHOU]})
    assert "`nice-ng59`" in problem(edited, 422)["errors"]["body_markdown"][0]
    assert len(admin.get(URL).get_json()["references"]) == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"doi": "11.1000/x"}, "doi", "Not a DOI"),
        ({"pmid": "PMC123"}, "pmid", "digits only"),
        ({"doi": None, "pmid": None}, "doi", "at least one of doi, pmid or url"),
        ({"url": "javascript:alert(1)", "accessed": "2026-01-01"}, "url", "Not a valid URL"),
        ({"url": "https://example.org/guide"}, "accessed", "Required with a url"),
        ({"accessed": "yesterday", "url": "https://example.org/"}, "accessed", "date"),
        ({"key": "Chou 2017"}, "key", "lowercase"),
        ({"title": ""}, "title", "Length must be between 1 and 500"),
        ({"year": "2017"}, "year", "Not a valid integer"),
    ],
)
def test_reference_shapes_are_checked_per_item(admin, make, change, field, message):
    make.author(slug="jane-doe")
    reference = {k: v for k, v in {**CHOU, **change}.items() if v is not None}
    created = admin.post(
        "/api/v1/articles", new_article(body_markdown="x", references=[NICE, reference])
    )
    errors = problem(created, 422)["errors"]["references"]
    assert message in " ".join(errors["1"][field]), errors


def test_keys_are_unique(admin, make):
    make.author(slug="jane-doe")
    created = admin.post("/api/v1/articles", new_article(references=[CHOU, NICE, CHOU]))
    errors = problem(created, 422)["errors"]["references"]
    assert errors == {"2": {"key": ["Duplicate key 'chou-2017'."]}}


def test_an_unused_reference_is_a_warning_for_staff_and_hidden_from_readers(
    cited, admin, reviewer, client
):
    assert cited["warnings"] == []
    extra = {**CHOU, "key": "unused-one"}
    edited = admin.edit(URL, {"references": [CHOU, NICE, extra]}).get_json()
    assert edited["warnings"] == [
        {
            "code": "reference_not_cited",
            "field": "references[2]",
            "detail": "Reference 'unused-one' is never cited in the body (cite it as "
            "[@unused-one]); it is not shown to readers.",
        }
    ]
    assert [r["key"] for r in edited["references"]] == ["chou-2017", "nice-ng59", "unused-one"]
    assert admin.get(URL).get_json()["warnings"][0]["field"] == "references[2]"
    publish(admin, reviewer, "cited")
    public = client.get(URL).get_json()
    assert "unused-one" not in public["body_html"]
    assert [r["key"] for r in public["references"]] == ["nice-ng59", "chou-2017"]


def test_references_are_reviewed_content(cited, admin, reviewer, client):
    publish(admin, reviewer, "cited")
    changed = {**CHOU, "title": "A newer title"}
    edited = admin.edit(URL, {"references": [changed, NICE]}).get_json()
    assert edited["pending_revision"]["state"] == "draft"
    assert "A newer title" in edited["body_html"]  # staff read the working copy
    public = client.get(URL).get_json()
    assert public["references"][1]["title"] == CHOU["title"]  # the public keeps the live one
    assert "A newer title" not in public["body_html"]
    revision = admin.get(f"{URL}/revisions/{edited['current_revision']}").get_json()
    assert revision["content"]["references"][0]["title"] == "A newer title"

    publish(admin, reviewer, "cited")
    public = client.get(URL).get_json()
    assert public["references"][1]["title"] == "A newer title"
    assert "A newer title" in public["json_ld"]["citation"][1]["name"]


def test_forged_citation_markup_keeps_only_the_exact_allowlisted_forms(admin, make):
    make.author(slug="jane-doe")
    body = (
        '<sup class="citation big" onclick="x">a</sup> <sup class="other">b</sup>\n\n'
        '<a id="x" href="#y">c</a> <a id="cite-k-1" href="#ref-k">d</a>\n\n'
        '<section class="references evil" id="s"><ol><li id="ref-k">e</li>'
        '<li id="other">f</li></ol></section>\n'
    )
    html = admin.post("/api/v1/articles", new_article(body_markdown=body)).get_json()["body_html"]
    assert '<sup class="citation">a</sup> <sup>b</sup>' in html
    assert 'id="x"' not in html and ">c</a>" in html
    assert '<a id="cite-k-1" href="#ref-k" rel="noopener noreferrer">d</a>' in html
    assert '<section class="references"><ol><li id="ref-k">e</li><li>f</li></ol></section>' in html
    assert_inert(html)


def test_a_link_whose_text_starts_with_at_is_not_a_citation(admin, make):
    make.author(slug="jane-doe")
    body = "Follow [@clinic](https://example.org/clinic) for news."
    created = admin.post("/api/v1/articles", new_article(body_markdown=body))
    assert created.status_code == 201, created.get_json()
    assert '<a href="https://example.org/clinic"' in created.get_json()["body_html"]


def test_citations_and_reference_style_links_live_side_by_side(admin, make):
    make.author(slug="jane-doe")
    body = (
        "See [the guideline][ng59] [@nice-ng59].\n\n[ng59]: https://www.nice.org.uk/guidance/ng59\n"
    )
    created = admin.post("/api/v1/articles", new_article(body_markdown=body, references=[NICE]))
    html = created.get_json()["body_html"]
    assert (
        '<a href="https://www.nice.org.uk/guidance/ng59" rel="noopener noreferrer">the guideline'
        in html
    )
    assert 'id="cite-nice-ng59-1"' in html


def test_hostile_reference_fields_are_served_inert(admin, reviewer, client, make):
    make.author(slug="jane-doe")
    vector = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    hostile = {
        **CHOU,
        "title": f"T {vector}",
        "authors": [vector],
        "journal": vector,
        "doi": '10.1234/"><script>alert(3)</script>',
    }
    created = admin.post(
        "/api/v1/articles",
        new_article(slug="hostile", body_markdown="Claim [@chou-2017].", references=[hostile]),
    )
    assert created.status_code == 201, created.get_json()
    publish(admin, reviewer, "hostile")
    article = client.get("/api/v1/articles/hostile").get_json()
    assert_inert(article["body_html"])
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in article["body_html"]
    for section in article["sections"]:
        assert_inert(section["html"])
    assert "<" not in article["json_ld_script"]
    assert article["references"][0]["journal"] == vector  # data stays data in JSON


def test_citations_add_no_query_to_a_read(cited, admin, reviewer, client, make, count_queries):
    make.article(slug="plain")
    publish(admin, reviewer, "cited")
    client.get("/api/v1/articles/plain")
    client.get(URL)  # warm caches of the app, not of the store
    with count_queries() as plain:
        client.get("/api/v1/articles/plain")
    with count_queries() as with_references:
        assert client.get(URL).status_code == 200
    assert with_references.count == plain.count


def test_a_writers_own_references_heading_keeps_its_own_anchor(admin, make):
    make.author(slug="jane-doe")
    body = "## References\n\nMy notes [@chou-2017].\n"
    created = admin.post("/api/v1/articles", new_article(body_markdown=body, references=[CHOU]))
    anchors = [entry["anchor"] for entry in created.get_json()["toc"]]
    assert anchors == ["references-1", "references"]


def test_the_reference_list_does_not_count_towards_reading_time(admin, make):
    make.author(slug="jane-doe")
    title = " ".join(["word"] * 60)
    references = [{**CHOU, "key": f"r{n}", "title": title} for n in range(40)]
    body = "A short claim [" + "; ".join(f"@r{n}" for n in range(40)) + "]."
    created = admin.post("/api/v1/articles", new_article(body_markdown=body, references=references))
    article = created.get_json()
    assert article["body_html"].count("<li id=") == 40
    assert article["reading_time_minutes"] == 1


def test_a_published_articles_pending_edit_cannot_cite_an_unknown_key(
    cited, admin, reviewer, client
):
    publish(admin, reviewer, "cited")
    before = admin.get(URL).get_json()
    edited = admin.edit(URL, {"body_markdown": BODY + "\nMore [@missing].\n"})
    assert "`missing`" in problem(edited, 422)["errors"]["body_markdown"][0]
    after = admin.get(URL).get_json()
    assert after["pending_revision"] is None  # nothing half-written
    assert after["current_revision"] == before["current_revision"]
