from __future__ import annotations

import gzip
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from api.bundles.media import parse_choice
from api.bundles.schemas import BundleArgsSchema, BundleSchema
from api.bundles.services import Bundle, build_bundle
from api.core.smorest import Blueprint

blp = Blueprint(
    "bundles", __name__, url_prefix="/api/v1/bundles", description="Offline bundles for kiosks"
)
# Werkzeug and Flask compress nothing themselves; bundles are big and compress ~5x.
MIN_GZIP_BYTES = 1024


def bundle_response(bundle: Bundle) -> Response:
    """The bundle as JSON, gzipped when the client accepts it."""
    body = current_app.json.dumps(BundleSchema().dump(bundle)).encode()
    response = Response(body, mimetype="application/json")
    response.vary.add("Accept-Encoding")
    if request.accept_encodings.quality("gzip") > 0 and len(body) >= MIN_GZIP_BYTES:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


@blp.route("/all")
class AllBundle(MethodView):
    @blp.arguments(BundleArgsSchema, location="query")
    @blp.response(200, BundleSchema)
    def get(self, args: dict[str, Any]) -> Response:
        """Download every public article, author and topic in one document

        Sent gzipped with `Accept-Encoding: gzip`. Continue with `/api/v1/changes` from
        `cursor`.
        """
        return bundle_response(
            build_bundle(link_mode=args.get("links"), media_choice=parse_choice(args.get("media")))
        )


@blp.route("/topics/<slug>")
class TopicBundle(MethodView):
    @blp.arguments(BundleArgsSchema, location="query")
    @blp.response(200, BundleSchema)
    @blp.alt_response(404, description="No topic has this slug")
    def get(self, args: dict[str, Any], slug: str) -> Response:
        """Download the public articles under a topic (and its descendants) in one document

        `topics` holds the topic's subtree and the other topics its articles are filed under;
        `topic_tree` the subtree. Sent gzipped with `Accept-Encoding: gzip`.
        """
        return bundle_response(
            build_bundle(slug, args.get("links"), media_choice=parse_choice(args.get("media")))
        )
