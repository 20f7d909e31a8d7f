"""The media library: uploads checked and normalized, stored once, served immutable by hash."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.media.models import MediaItem, MediaRendition
from tests.support import images
from tests.support.images import upload
from tests.support.staff import problem, query_store


def _file(client, url):
    path = url.split("://", 1)[1].split("/", 1)[1]
    return client.get("/" + path)


def _counts(app):
    return (
        query_store(app, select(func.count()).select_from(MediaItem))[0],
        query_store(app, select(func.count()).select_from(MediaRendition))[0],
    )


@pytest.mark.parametrize(
    ("make_image", "image_format", "extension"),
    [
        (images.jpeg, "jpeg", "jpg"),
        (images.png, "png", "png"),
        (images.webp, "webp", "webp"),
        (images.avif, "avif", "avif"),
    ],
)
def test_each_format_is_stored_with_renditions_in_webp_and_jpeg(
    client, writer, make_image, image_format, extension
):
    response = upload(writer, make_image(1800, 900), "whatever.bin", alt="A red square")
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    assert (item["format"], item["width"], item["height"]) == (image_format, 1800, 900)
    assert item["alt"] == "A red square" and item["alt_missing"] is False
    assert item["original_url"].endswith(f"/media/{item['sha256']}/original.{extension}")
    widths = {
        fmt: [r["width"] for r in item["renditions"][1:] if r["format"] == fmt]
        for fmt in ("webp", "jpeg")
    }
    assert widths == {"webp": [320, 640, 1024, 1600], "jpeg": [320, 640, 1024, 1600]}
    for rendition in item["renditions"]:
        served = _file(client, rendition["url"])
        assert served.status_code == 200
        assert served.mimetype == f"image/{rendition['format']}"
        stored = images.opened(served.data)
        assert stored.format == rendition["format"].upper()
        assert stored.size == (rendition["width"], rendition["height"])
        assert (
            rendition["height"] == round(900 * rendition["width"] / 1800)
            or rendition["name"] == "original"
        )
        assert rendition["bytes"] == len(served.data)
    assert item["renditions"][0]["name"] == "original"
    assert item["url"].endswith(f"/media/{item['sha256']}/1600.jpg")
    assert item["srcset"]["webp"].split(", ")[0].endswith("/320.webp 320w")
    assert item["srcset"]["jpeg"].split(", ")[-1].endswith("/1600.jpg 1600w")
    assert item["sizes_hint"] == "(max-width: 1600px) 100vw, 1600px"
    assert item["dominant_color"].startswith("#") and len(item["dominant_color"]) == 7


def test_a_small_image_is_never_upscaled(client, writer):
    item = upload(writer, images.png(500, 250), alt="Small").get_json()
    assert sorted({r["width"] for r in item["renditions"]}) == [320, 500]
    assert item["srcset"]["jpeg"].endswith("/500.jpg 500w")
    assert item["sizes_hint"] == "(max-width: 500px) 100vw, 500px"


def test_exif_and_gps_are_stripped_from_every_stored_file_and_the_photo_is_upright(client, writer):
    photo = images.phone_photo(width=800, height=600, orientation=6)
    assert images.opened(photo).getexif()[images.GPS_IFD]  # the upload carries GPS
    item = upload(writer, photo, "IMG_0001.JPG", alt="Knee").get_json()
    assert (item["width"], item["height"]) == (600, 800)  # rotated upright
    for rendition in item["renditions"]:
        data = _file(client, rendition["url"]).data
        stored = images.opened(data)
        assert not stored.getexif(), rendition["name"]
        assert b"CareleafPhone" not in data and b"Exif" not in data
        assert "xmp" not in stored.info and "exif" not in stored.info
    assert item["width"] == 600


def test_png_text_chunks_are_not_kept(client, writer):
    item = upload(writer, images.png_with_text(), "map.png", alt="Map").get_json()
    original = _file(client, item["original_url"]).data
    assert b"Location" not in original and b"51.5007" not in original


def test_the_same_image_uploaded_twice_is_one_item(app, writer, editor):
    first = upload(writer, images.jpeg(seed=3), alt="First")
    again = upload(editor, images.jpeg(seed=3), "copy.jpeg", alt="Second")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["alt"] == "First"
    # The same pixels with other metadata are the same image: metadata is never stored.
    tagged = upload(writer, images.png_with_text(), alt="Map")
    plain = upload(writer, images.encode(images.drawing(400, 300, mode="RGBA"), "PNG"))
    assert (tagged.status_code, plain.status_code) == (201, 200)
    assert plain.get_json()["id"] == tagged.get_json()["id"]
    assert _counts(app)[0] == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (images.bomb_png(), "pixels"),
        (images.truncated(images.jpeg()), "truncated"),
        (images.truncated(images.png()), "truncated"),
        (images.truncated(images.webp()), ""),
        (images.with_html(images.jpeg()), "markup"),
        (images.with_html(images.png()), "markup"),
        (images.with_zip(images.jpeg()), "ZIP"),
        (images.with_zip(images.png()), "ZIP"),
        (images.with_zip(images.webp()), "ZIP"),
        (images.with_zip(images.avif()), "ZIP"),
        (images.png() + b"\x00" * 64, "after the end"),
        (images.jpeg() + b"junk" * 10, "after the end"),
        (images.avif() + b"\x00\x00\x00\x01", "AVIF"),
        (images.SVG, "SVG"),
        (images.gif(), "not a JPEG, PNG, WebP or AVIF"),
        (images.animated_webp(), "Animated"),
        (b"%PDF-1.7\n" + b"x" * 200, "not a JPEG"),
    ],
    ids=[
        "bomb", "truncated-jpeg", "truncated-png", "truncated-webp", "jpeg+html", "png+html",
        "jpeg+zip", "png+zip", "webp+zip", "avif+zip", "png+trailer", "jpeg+trailer",
        "avif+trailer", "svg", "gif", "animated", "pdf",
    ],
)  # fmt: skip
def test_hostile_and_unsupported_files_are_refused_and_nothing_is_stored(app, writer, data, reason):
    response = upload(writer, data, "innocent.jpg", alt="x")
    body = problem(response, 422)
    assert reason in body["detail"]
    assert "file" in body["errors"]
    assert _counts(app) == (0, 0)


def test_size_and_pixel_limits(make_app, make_staff):
    app = make_app(MEDIA_MAX_BYTES=20_000, MEDIA_MAX_PIXELS=500 * 400)
    client = app.test_client()
    staff = make_staff("writer")
    staff.client = client
    body = problem(upload(staff, images.jpeg(2000, 1500)), 413)
    assert body["errors"]["file"]
    assert "pixels" in problem(upload(staff, images.png(600, 400)), 422)["detail"]
    assert upload(staff, images.png(500, 400), alt="Fits").status_code == 201


def test_uploads_need_a_file_part_multipart_and_an_uploader_role(writer, reviewer):
    assert (
        "file"
        in problem(
            writer.post("/api/v1/media", data={"alt": "x"}, content_type="multipart/form-data"), 422
        )["errors"]
    )
    problem(writer.post("/api/v1/media", {"alt": "x"}), 415)
    problem(upload(reviewer, images.jpeg()), 403)
    body = problem(upload(writer, images.jpeg(), focal_x="1.5"), 422)
    assert "focal_x" in body["errors"]
    assert "caption" in problem(upload(writer, images.jpeg(), caption="a\x00b"), 422)["errors"]
    assert "colour" in problem(upload(writer, images.jpeg(), colour="red"), 422)["errors"]


def test_alt_text_decorative_and_focal_point(writer):
    missing = upload(writer, images.jpeg(seed=1)).get_json()
    assert missing["alt"] is None and missing["alt_missing"] is True
    blank = upload(writer, images.jpeg(seed=2), alt="  ").get_json()
    assert blank["alt_missing"] is True
    decorative = upload(
        writer, images.jpeg(seed=4), decorative="true", focal_x="0.2", focal_y="0.9"
    )
    item = decorative.get_json()
    assert (item["alt"], item["decorative"], item["alt_missing"]) == ("", True, False)
    assert (item["focal_x"], item["focal_y"]) == (0.2, 0.9)
    body = problem(upload(writer, images.jpeg(seed=5), decorative="true", alt="A knee"), 422)
    assert "alt" in body["errors"]


def test_media_files_are_immutable_with_strong_etags_and_304s(client, writer, count_queries):
    item = upload(writer, images.jpeg(), alt="x").get_json()
    rendition = item["renditions"][0]
    path = "/" + rendition["url"].split("://", 1)[1].split("/", 1)[1]
    with count_queries() as counter:
        first = client.get(path)
    assert counter.count == 1
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.headers["ETag"] == f'"{rendition["sha256"]}"'
    assert first.headers["Content-Length"] == str(rendition["bytes"])
    with count_queries() as counter:
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert counter.count == 1
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    sha = item["sha256"]
    for missing in (
        f"/media/{sha}/999.jpg",
        f"/media/{sha}/320.gif",
        f"/media/{'0' * 64}/320.jpg",
        "/media/abc/320.jpg",
    ):
        problem(client.get(missing), 404)


def test_staff_list_filter_read_update_and_delete_with_audit(app, client, writer, editor, admin):
    described = upload(writer, images.jpeg(seed=1), alt="Described").get_json()
    undescribed = upload(writer, images.jpeg(seed=2)).get_json()
    listed = editor.get("/api/v1/media")
    assert [m["id"] for m in listed.get_json()] == [undescribed["id"], described["id"]]
    missing = editor.get("/api/v1/media?missing_alt=true").get_json()
    assert [m["id"] for m in missing] == [undescribed["id"]]
    assert [m["id"] for m in editor.get("/api/v1/media?missing_alt=false").get_json()] == [
        described["id"]
    ]
    problem(client.get("/api/v1/media"), 401)
    url = f"/api/v1/media/{undescribed['id']}"
    problem(writer.patch(url, {"alt": "Stretch"}), 428)
    changed = writer.edit(url, {"alt": "The hamstring stretch, step two", "caption": "Hold 30 s"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["alt_missing"] is False
    assert editor.get("/api/v1/media?missing_alt=true").get_json() == []
    assert "alt" in problem(writer.edit(url, {"decorative": True}), 422)["errors"]
    assert "focal_y" in problem(writer.edit(url, {"focal_y": -0.1}), 422)["errors"]
    problem(writer.delete(url, if_match=writer.etag(url)), 403)
    assert editor.delete(url, if_match=editor.etag(url)).status_code == 204
    problem(editor.get(url), 404)
    problem(_file(client, undescribed["url"]), 404)
    actions = [
        e["action"]
        for e in admin.get(
            f"/api/v1/audit?object_type=media&object_id={undescribed['id']}"
        ).get_json()
    ]
    assert actions == ["media.delete", "media.update", "media.create"]


def test_an_unknown_media_storage_refuses_to_start(make_app):
    with pytest.raises(RuntimeError, match="MEDIA_STORAGE='s3' is not available"):
        make_app(MEDIA_STORAGE="s3")


def test_the_staff_list_costs_the_same_statements_for_one_item_or_four(
    editor, writer, count_queries
):
    upload(writer, images.png(400, 300, seed=1), alt="One")
    editor.get("/api/v1/media")  # the token's last use is written once a minute: not counted
    with count_queries() as one:
        assert len(editor.get("/api/v1/media").get_json()) == 1
    for seed in (2, 3, 4):
        upload(writer, images.png(400, 300, seed=seed), alt="More")
    with count_queries() as four:
        assert len(editor.get("/api/v1/media").get_json()) == 4
    assert four.count == one.count
