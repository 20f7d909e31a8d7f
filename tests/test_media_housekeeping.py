"""Media housekeeping: the unused filter, the usage report, and deletes refused while used."""

from __future__ import annotations

import pytest

from tests.support import images
from tests.support.images import upload
from tests.support.staff import new_article, problem


@pytest.fixture
def library(make, make_staff):
    make.author(slug="jane-doe")
    editor = make_staff("editor")

    def item(seed: int) -> dict:
        response = upload(editor, images.png(400, 300, seed=seed), alt=f"Image {seed}")
        assert response.status_code == 201
        return response.get_json()

    return editor, item


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return sorted(item["id"] for item in response.get_json())


def test_usage_unused_filter_and_delete_refused_while_used(library, make_staff):
    editor, item = library
    feature, body, avatar, spare = item(1), item(2), item(3), item(4)
    article = new_article(
        slug="doc", feature_image_id=feature["id"], body_markdown=f"![](media:{body['id']})"
    )
    assert editor.post("/api/v1/articles", article).status_code == 201
    author = {"slug": "sam", "name": "Sam", "avatar_id": avatar["id"]}
    assert editor.post("/api/v1/authors", author).status_code == 201

    assert ids(editor.get("/api/v1/media?unused=true")) == [spare["id"]]
    assert ids(editor.get("/api/v1/media?unused=false")) == sorted(
        [feature["id"], body["id"], avatar["id"]]
    )
    usage = editor.get(f"/api/v1/media/{feature['id']}/usage").get_json()
    assert usage["authors"] == []
    assert [(a["slug"], a["place"], a["pending_revision"]) for a in usage["articles"]] == [
        ("doc", "feature_image", False)
    ]
    assert (
        editor.get(f"/api/v1/media/{avatar['id']}/usage").get_json()["authors"][0]["slug"] == "sam"
    )

    for used, where in ((feature, "doc"), (body, "doc"), (avatar, "sam")):
        url = f"/api/v1/media/{used['id']}"
        refused = problem(editor.delete(url, if_match=editor.etag(url)), 409)
        assert where in refused["detail"] and refused["used_by"]
        assert editor.get(url).status_code == 200
    url = f"/api/v1/media/{spare['id']}"
    assert editor.delete(url, if_match=editor.etag(url)).status_code == 204

    # Once nothing uses it, an item can go.
    etag = editor.etag("/api/v1/articles/doc")
    response = editor.patch("/api/v1/articles/doc", {"feature_image_id": None}, if_match=etag)
    assert response.status_code == 200, response.get_json()
    url = f"/api/v1/media/{feature['id']}"
    assert editor.delete(url, if_match=editor.etag(url)).status_code == 204


def test_a_pending_revision_keeps_its_media_in_use(library, make):
    editor, item = library
    image = item(5)
    make.article(slug="live")  # published, no media
    etag = editor.etag("/api/v1/articles/live")
    response = editor.patch(
        "/api/v1/articles/live", {"feature_image_id": image["id"]}, if_match=etag
    )
    assert response.status_code == 200, response.get_json()
    usage = editor.get(f"/api/v1/media/{image['id']}/usage").get_json()
    assert [(a["slug"], a["pending_revision"]) for a in usage["articles"]] == [("live", True)]
    url = f"/api/v1/media/{image['id']}"
    problem(editor.delete(url, if_match=editor.etag(url)), 409)


def test_usage_of_an_unknown_item_is_a_404(library):
    editor, _ = library
    problem(editor.get("/api/v1/media/99999/usage"), 404)
