"""Media in articles and authors: feature images and figures in bodies with srcset, alt text
required to publish, the alt text and caption recorded with the reviewed content, avatars."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.support import images
from tests.support.images import upload
from tests.support.staff import new_article, problem

URL = "/api/v1/articles/doc"


class Tags(HTMLParser):
    """Every start tag of an HTML fragment with its attributes, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, attrs))


@pytest.fixture
def actors(make, make_staff):
    make.author(slug="jane-doe")
    return {
        "writer": make_staff("writer"),
        "reviewer": make_staff("reviewer", credentials="MD"),
        "editor": make_staff("editor"),
    }


def media(staff, seed=0, **fields):
    response = upload(staff, images.png(1200, 600, seed=seed), "diagram.png", **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def publish(actors, steps=(("writer", "submit"), ("reviewer", "approve"))):
    """Submit, approve and publish the article `doc`; the publish response."""
    for who, action in steps:
        response = actors[who].post(f"{URL}/transitions", {"action": action, "comment": "ok"})
        assert response.status_code == 200, response.get_json()
    return actors["editor"].post(f"{URL}/transitions", {"action": "publish"})


def test_feature_image_in_detail_and_list_with_srcset_and_the_legacy_fields(client, actors):
    item = media(actors["writer"], alt="The lumbar discs, side view", caption="Five discs")
    created = actors["writer"].post(
        "/api/v1/articles", new_article(slug="doc", feature_image_id=item["id"])
    )
    assert created.status_code == 201, created.get_json()
    assert publish(actors).status_code == 200
    detail = client.get(URL).get_json()
    image = detail["feature_image"]
    assert image["id"] == item["id"] and image["url"] == item["url"]
    assert image["alt"] == "The lumbar discs, side view" and image["caption"] == "Five discs"
    assert image["srcset"] == item["srcset"] and image["sizes_hint"] == item["sizes_hint"]
    assert (image["width"], image["height"], image["dominant_color"]) == (
        1200,
        600,
        item["dominant_color"],
    )
    # Old clients read the same image from the legacy fields.
    assert detail["feature_image_url"] == item["url"]
    assert detail["feature_image_alt"] == "The lumbar discs, side view"
    listed = client.get("/api/v1/articles").get_json()
    assert [a["feature_image"]["srcset"] for a in listed] == [item["srcset"]]
    assert detail["json_ld"]["image"] == item["url"]


def test_body_figures_are_rendered_at_write_time(client, actors):
    item = media(actors["writer"], alt="Library alt", caption="A <b>caption</b>")
    body = (
        f"Intro.\n\n![The sciatic nerve](media:{item['id']})\n\n"
        f"Inline ![](media:{item['id']}) image.\n"
    )
    response = actors["writer"].post(
        "/api/v1/articles", new_article(slug="doc", body_markdown=body)
    )
    assert response.status_code == 201, response.get_json()
    html = response.get_json()["body_html"]
    figure = re.search(r"<figure><img ([^>]*)><figcaption>(.*?)</figcaption></figure>", html)
    assert figure is not None, html
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', figure.group(1)))
    assert attributes["alt"] == "The sciatic nerve"  # the Markdown's alt wins
    assert attributes["loading"] == "lazy" and attributes["src"] == item["url"]
    assert attributes["srcset"] == item["srcset"]["webp"].replace("&", "&amp;")
    assert attributes["sizes"] == item["sizes_hint"]
    assert (attributes["width"], attributes["height"]) == ("1200", "600")
    assert figure.group(2) == "A &lt;b&gt;caption&lt;/b&gt;"
    # Inside text: an img with the library's alt, in its paragraph, no figure.
    assert re.search(r'<p>Inline <img [^>]*alt="Library alt"[^>]*> image\.</p>', html), html


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body_markdown": "![x](media:987654)"}, "body_markdown"),
        ({"feature_image_id": 987654}, "feature_image_id"),
    ],
)
def test_an_unknown_media_id_is_a_422_naming_it(actors, fields, field):
    response = actors["writer"].post("/api/v1/articles", new_article(**fields))
    body = problem(response, 422)
    assert body["errors"][field] == ["Unknown media id 987654."]


def test_alt_text_is_required_to_publish(client, actors):
    writer = actors["writer"]
    no_alt = media(writer, seed=1)
    decorative = media(writer, seed=2, decorative="true", alt="")
    body = f"![](media:{no_alt['id']})\n\n![](media:{decorative['id']})\n"
    writer.post(
        "/api/v1/articles",
        new_article(slug="doc", body_markdown=body, feature_image_id=no_alt["id"]),
    )
    assert writer.get(URL).get_json()["images_missing_alt"] == [
        {"id": no_alt["id"], "place": "feature_image"},
        {"id": no_alt["id"], "place": "body"},
    ]
    refused = problem(publish(actors), 409)
    assert refused["images"] == [
        {"id": no_alt["id"], "place": "feature_image"},
        {"id": no_alt["id"], "place": "body"},
    ]
    assert client.get(URL).status_code == 404  # nothing was published
    # Alt text written in the library reaches the article with its next save (a revision).
    url = f"/api/v1/media/{no_alt['id']}"
    assert writer.edit(url, {"alt": "A stretch, step 1"}).status_code == 200
    response = actors["editor"].edit(URL, {"feature_image_id": no_alt["id"]})
    assert response.status_code == 200, response.get_json()
    assert publish(actors, [("reviewer", "approve")]).status_code == 200
    public = client.get(URL).get_json()
    assert public["feature_image"]["alt"] == "A stretch, step 1"
    assert 'alt="A stretch, step 1"' in public["body_html"] and 'alt=""' in public["body_html"]


def test_a_library_change_does_not_change_what_a_reviewer_approved(client, actors):
    item = media(actors["writer"], alt="Approved alt", caption="Approved caption")
    body = f"![](media:{item['id']})\n"
    actors["writer"].post(
        "/api/v1/articles", new_article(slug="doc", body_markdown=body, feature_image_id=item["id"])
    )
    assert publish(actors).status_code == 200
    url = f"/api/v1/media/{item['id']}"
    assert actors["writer"].edit(url, {"alt": "Unreviewed", "caption": "New"}).status_code == 200
    public = client.get(URL).get_json()
    assert public["feature_image"]["alt"] == "Approved alt"
    assert public["feature_image"]["caption"] == "Approved caption"
    assert 'alt="Approved alt"' in public["body_html"] and "Unreviewed" not in public["body_html"]
    revision = actors["editor"].get(f"{URL}/revisions/1").get_json()
    assert revision["content"]["media_text"] == {
        str(item["id"]): {"alt": "Approved alt", "caption": "Approved caption", "decorative": False}
    }
    # The next content write records the library's text: a pending revision, to review.
    edited = actors["editor"].edit(URL, {"title": "Doc, revised"})
    assert edited.get_json()["pending_revision"]["number"] == 2
    assert client.get(URL).get_json()["feature_image"]["alt"] == "Approved alt"
    pending = actors["editor"].get(f"{URL}/revisions/2").get_json()
    assert pending["content"]["media_text"][str(item["id"])]["alt"] == "Unreviewed"


def test_lists_load_feature_images_in_constant_queries(client, make, writer, count_queries):
    author = make.author()
    items = [media(writer, seed=seed, alt=f"Image {seed}") for seed in range(6)]

    def count() -> int:
        with count_queries() as counter:
            response = client.get("/api/v1/articles?page_size=50")
        assert response.status_code == 200
        return counter.count

    make.article(author=author.slug, feature_image_id=items[0]["id"])
    few = count()
    for item in items[1:]:
        make.article(author=author.slug, feature_image_id=item["id"])
    assert count() == few
    shown = [a["feature_image"]["id"] for a in client.get("/api/v1/articles").get_json()]
    assert sorted(shown) == sorted(item["id"] for item in items)


def test_author_avatars_are_media(client, make_staff):
    editor = make_staff("editor")
    item = media(editor, alt="Dr Jane Doe")
    response = editor.post(
        "/api/v1/authors", {"slug": "jane", "name": "Jane Doe", "avatar_id": item["id"]}
    )
    assert response.status_code == 201, response.get_json()
    avatar = client.get("/api/v1/authors/jane").get_json()["avatar"]
    assert avatar["id"] == item["id"] and avatar["srcset"] == item["srcset"]
    assert client.get("/api/v1/authors").get_json()[0]["avatar"]["url"] == item["url"]
    body = problem(
        editor.post("/api/v1/authors", {"slug": "x", "name": "X", "avatar_id": 99999}), 422
    )
    assert "avatar_id" in body["errors"]


def test_srcset_sizes_and_loading_keep_only_values_this_api_writes(actors):
    body = (
        '<img src="https://a.example/x.png" srcset="javascript:alert(1) 1x" '
        'sizes="<script>" loading="eager" alt="x">\n'
    )
    html = (
        actors["writer"]
        .post("/api/v1/articles", new_article(body_markdown=body))
        .get_json()["body_html"]
    )
    assert "srcset" not in html and "sizes" not in html and "loading" not in html


def test_the_author_detail_include_shows_the_avatar(client, make, make_staff):
    item = media(make_staff("editor"), alt="Dr Lee")
    author = make.author(slug="dr-lee", avatar_id=item["id"])
    make.article(slug="doc", author=author.slug)
    included = client.get(f"{URL}?include=author_detail").get_json()["included"]
    assert included["author_detail"]["avatar"]["id"] == item["id"]


def test_hostile_alt_and_caption_text_stay_text(actors):
    item = media(
        actors["writer"], alt='"><script>alert(1)</script>', caption="<img src=x onerror=alert(1)>"
    )
    body = (
        f'![" onerror="alert(1)](media:{item["id"]})\n\n'
        f'![x](media:{item["id"]}"onload=alert(1))\n\n'
        f"![](media:{item['id']})\n"
    )
    response = actors["writer"].post("/api/v1/articles", new_article(body_markdown=body))
    assert response.status_code == 201, response.get_json()
    html = response.get_json()["body_html"]
    parsed = Tags()
    parsed.feed(html)
    assert "script" not in {tag for tag, _ in parsed.seen}
    assert not [name for _, attrs in parsed.seen for name, _ in attrs if name.startswith("on")]
    alts = [
        value
        for tag, attrs in parsed.seen
        if tag == "img"
        for name, value in attrs
        if name == "alt"
    ]
    assert alts[0] == '" onerror="alert(1)' and alts[-1] == '"><script>alert(1)</script>'
    assert "&lt;img src=x onerror=alert(1)&gt;</figcaption>" in html  # the caption, as text


def test_a_body_with_a_figure_a_citation_and_a_callout_renders_all_three(actors):
    """The media a body places are found by a parse that leaves citations to the render."""
    item = media(actors["writer"], alt="The sciatic nerve from the low back to the foot")
    reference = {
        "key": "ng59",
        "title": "Low back pain and sciatica in over 16s: assessment and management",
        "publisher": "NICE",
        "year": 2016,
        "url": "https://www.nice.org.uk/guidance/ng59",
        "accessed": "2026-11-29",
    }
    body = (
        "Sciatica follows the nerve [@ng59].\n\n"
        f"![Where the nerve runs](media:{item['id']})\n\n"
        "::: key-points\n- It often eases within weeks.\n:::\n"
    )
    created = actors["writer"].post(
        "/api/v1/articles", new_article(slug="doc", body_markdown=body, references=[reference])
    )
    assert created.status_code == 201, created.get_json()
    html = created.get_json()["body_html"]
    assert '<sup class="citation"><a href="#ref-ng59"' in html
    assert "<figure>" in html and 'alt="Where the nerve runs"' in html
    assert 'data-callout="key-points"' in html
    assert html.rstrip().endswith("</section>")  # the References section comes last
