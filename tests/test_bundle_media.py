"""Bundles list the media their articles and authors show, so an offline kiosk downloads each
file once and verifies it by SHA-256; `media=` chooses the files."""

from __future__ import annotations

import hashlib

import pytest

from tests.support import images
from tests.support.images import upload
from tests.support.staff import problem

ALL = "/api/v1/bundles/all"


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def site(make, make_staff):
    editor = make_staff("editor")

    def item(seed: int, width: int = 1200) -> dict:
        response = upload(editor, images.png(width, 500, seed=seed), alt=f"Image {seed}")
        assert response.status_code == 201
        return response.get_json()

    feature, figure, avatar, narrow, unused = item(1), item(2), item(3), item(4, 500), item(5)
    author = make.author(slug="dr-lee", avatar_id=avatar["id"])
    make.topic(slug="back", name="Back")
    make.article(
        slug="back-pain",
        author=author.slug,
        topics=["back"],
        feature_image_id=feature["id"],
        body_markdown=f"![A disc](media:{figure['id']})\n\n![](media:{narrow['id']})\n",
    )
    make.article(slug="draft", status="draft", feature_image_id=unused["id"])
    return {"used": [feature, figure, avatar, narrow], "unused": unused}


def test_a_kiosk_downloads_and_verifies_every_file(client, site):
    bundle = client.get(ALL).get_json()
    listed = {item["id"]: item for item in bundle["media"]}
    assert sorted(listed) == sorted(item["id"] for item in site["used"])  # not the draft's
    for item in bundle["media"]:
        original = client.get(_path(item["url"]))
        assert hashlib.sha256(original.data).hexdigest() == item["sha256"]
        assert len(original.data) == item["bytes"]
        assert {r["name"] for r in item["renditions"]} >= {"original", "320"}
        for rendition in item["renditions"]:
            served = client.get(_path(rendition["url"]))
            assert served.status_code == 200
            assert hashlib.sha256(served.data).hexdigest() == rendition["sha256"]
            assert len(served.data) == rendition["bytes"]
    # Every image URL in a body is a file of the manifest: nothing to fetch online.
    files = {r["url"] for item in bundle["media"] for r in item["renditions"]}
    body = bundle["articles"][0]["body_html"]
    for url in files:
        body = body.replace(url, "")
    assert "/media/" not in body


def test_media_chooses_the_files(client, site):
    feature, _figure, _avatar, narrow = site["used"]
    chosen = client.get(f"{ALL}?media=original,640w-webp").get_json()["media"]
    by_id = {item["id"]: item for item in chosen}
    assert [(r["name"], r["format"]) for r in by_id[feature["id"]]["renditions"]] == [
        ("original", "png"),
        ("640", "webp"),
    ]
    # A narrower image gets its full-width rendition for a larger width.
    assert [(r["name"], r["format"]) for r in by_id[narrow["id"]]["renditions"]] == [
        ("original", "png"),
        ("500", "webp"),
    ]
    assert client.get(f"{ALL}?media=none").get_json()["media"] == []
    topic = client.get("/api/v1/bundles/topics/back?media=1600w-jpeg").get_json()["media"]
    assert {r["name"] for item in topic for r in item["renditions"]} == {"1200", "500"}


def test_an_unknown_media_choice_is_a_422_naming_it(client, site):
    body = problem(client.get(f"{ALL}?media=640w-gif"), 422)
    assert "media" in str(body["errors"])


def test_the_changes_feed_tells_kiosks_of_new_and_deleted_media(make_app, editor):
    from tests.support.changes import read_all
    from tests.support.staff import Staff

    feed = make_app(CHANGES_SAFETY_LAG_SECONDS=0).test_client()
    editor = Staff(feed, editor.user, editor.token)
    _, cursor = read_all(feed)
    item = upload(editor, images.png(400, 300, seed=9), alt="A knee").get_json()
    url = f"/api/v1/media/{item['id']}"
    assert editor.edit(url, {"alt": "A left knee"}).status_code == 200  # not news
    assert editor.delete(url, if_match=editor.etag(url)).status_code == 204
    events, _ = read_all(feed, cursor)
    assert [(e["type"], e["object"], e["slug"]) for e in events] == [
        ("media.created", "media", item["sha256"]),
        ("media.deleted", "media", item["sha256"]),
    ]
