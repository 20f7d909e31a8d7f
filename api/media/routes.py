from __future__ import annotations

from typing import Any

from flask import Request, Response, current_app, request, url_for
from flask.views import MethodView
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import FileStorage

from api.core.auth import require_user, staff_only
from api.core.errors import Problem
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint, if_match_required
from api.core.writes import check_if_match, etag_header, patch_schema, require_json_body
from api.media import actions, services
from api.media.images import MIMETYPES
from api.media.schemas import (
    MediaFieldsSchema,
    MediaListArgsSchema,
    MediaSchema,
    MediaUploadSchema,
    MediaUsageSchema,
)
from api.media.usage import is_used, usage_of
from api.users.models import Role

MULTIPART = "form_and_files"


class MediaBlueprint(Blueprint):
    """Uploads are one multipart/form-data body: text parts and files in one schema."""

    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        MULTIPART: "multipart/form-data",
    }


@MediaBlueprint.ARGUMENTS_PARSER.location_loader(MULTIPART)
def _load_form_and_files(request: Request, schema: Any) -> MultiDictProxy:
    data = request.form.copy()
    data.update(request.files)
    return MultiDictProxy(data, schema)


blp = MediaBlueprint("media", __name__, url_prefix="/api/v1/media", description="Media library")
files = Blueprint("media_files", __name__, url_prefix="/media", description="Media files")

UPLOADERS = (Role.WRITER, Role.EDITOR)
IMMUTABLE = "public, max-age=31536000, immutable"
# Form fields and multipart framing on top of the image itself.
MULTIPART_OVERHEAD = 64 * 1024
_EXTENSIONS = {"jpg": "jpeg", "png": "png", "webp": "webp", "avif": "avif"}


@blp.before_request
def check_body() -> None:
    """Uploads are multipart/form-data and may reach MEDIA_MAX_BYTES; other writes are JSON.
    The whole library is staff-only: a caller without a token hears that first (401)."""
    if request.method != "OPTIONS":
        require_user()
    if request.method == "POST":
        limit = current_app.config["MEDIA_MAX_BYTES"]
        request.max_content_length = limit + MULTIPART_OVERHEAD
        if (request.content_length or 0) > limit + MULTIPART_OVERHEAD:
            raise Problem(
                413,
                f"The image is larger than {limit} bytes (MEDIA_MAX_BYTES).",
                errors={"file": [f"At most {limit} bytes."]},
            )
        if request.mimetype != "multipart/form-data":
            raise Problem(
                415,
                "Upload the image as multipart/form-data, in a part named 'file'.",
                headers={"Accept-Post": "multipart/form-data"},
            )
    else:
        require_json_body()


@blp.route("")
class MediaCollection(MethodView):
    @staff_only(blp)
    @blp.arguments(MediaListArgsSchema, location="query")
    @blp.response(200, MediaSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List the media library (staff), newest first"""
        query = services.media_query(missing_alt=args.get("missing_alt"))
        if "unused" in args:
            query = query.where(~is_used() if args["unused"] else is_used())
        return query

    @staff_only(blp, *UPLOADERS)
    @blp.arguments(MediaUploadSchema, location=MULTIPART)
    @blp.response(201, MediaSchema)
    @blp.alt_response(200, schema=MediaSchema, description="This image was uploaded before")
    @blp.alt_response(413, description="The image is larger than MEDIA_MAX_BYTES")
    @blp.alt_response(415, description="The body is not multipart/form-data")
    def post(self, data: dict[str, Any]) -> Any:
        """Upload an image (JPEG, PNG, WebP, AVIF); the same image twice is one item"""
        file = data.pop("file")
        if not isinstance(file, FileStorage):
            raise Problem(422, "Send the image as a file part.", errors={"file": ["Not a file."]})
        item, created = actions.upload_media(require_user(), file, data)
        headers = {"Location": url_for("media.MediaItemView", media_id=item.id)}
        headers.update(etag_header("media", item))
        return services.present(item), 201 if created else 200, headers


@blp.route("/<int:media_id>")
class MediaItemView(MethodView):
    @staff_only(blp)
    @blp.response(200, MediaSchema)
    @blp.alt_response(404, description="No media item has this id")
    def get(self, media_id: int) -> Any:
        """Read a media item (staff)"""
        item = services.media_or_404(media_id)
        return services.present(item), 200, etag_header("media", item)

    @staff_only(blp, *UPLOADERS)
    @blp.arguments(patch_schema(MediaFieldsSchema))
    @blp.response(200, MediaSchema)
    @blp.alt_response(404, description="No media item has this id")
    @if_match_required(blp, "media item")
    def patch(self, data: dict[str, Any], media_id: int) -> Any:
        """Change a media item's alt text, caption, credit, license or focal point"""
        item = services.media_or_404(media_id)
        check_if_match("media", item)
        item = actions.update_media(require_user(), item, data)
        return services.present(item), 200, etag_header("media", item)

    @staff_only(blp, Role.EDITOR)
    @blp.response(204)
    @blp.alt_response(404, description="No media item has this id")
    @blp.alt_response(409, description="The item is in use (`used_by` says where)")
    @if_match_required(blp, "media item")
    def delete(self, media_id: int) -> None:
        """Delete a media item and every file of it; needs If-Match"""
        item = services.media_or_404(media_id)
        check_if_match("media", item)
        actions.delete_media(require_user(), item)


@blp.route("/<int:media_id>/usage")
class MediaUsage(MethodView):
    @staff_only(blp)
    @blp.response(200, MediaUsageSchema)
    @blp.alt_response(404, description="No media item has this id")
    def get(self, media_id: int) -> Any:
        """Where a media item is used: articles (live or pending revision) and authors"""
        return usage_of(services.media_or_404(media_id))


@files.route("/<sha256>/<name>.<ext>")
class MediaFile(MethodView):
    @files.doc(
        responses={
            "200": {
                "description": "The image: immutable, cacheable for a year",
                "content": {
                    mimetype: {"schema": {"type": "string", "format": "binary"}}
                    for mimetype in MIMETYPES.values()
                },
            }
        }
    )
    @files.alt_response(404, description="No such file")
    def get(self, sha256: str, name: str, ext: str) -> Any:
        """One file of a media item, by the item's hash: `original` or a width, `.webp`,
        `.jpg` (and the original's own format)"""
        image_format = _EXTENSIONS.get(ext)
        found = None
        if image_format and len(sha256) == 64 and len(name) <= 20:
            found = services.rendition_file(
                sha256, name, image_format, if_none_match=request.if_none_match
            )
        if found is None:
            raise Problem(404, "No media file is at this URL.")
        data, digest = found
        headers = {"ETag": f'"{digest}"', "Cache-Control": IMMUTABLE}
        if data is None:
            return Response(status=304, headers=headers)
        response = Response(data, mimetype=MIMETYPES[image_format], headers=headers)
        response.headers["Content-Length"] = str(len(data))
        return response
