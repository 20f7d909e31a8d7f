"""Preview links: staff create, list and revoke them; whoever holds one reads the article as
it would be published. Every answer here is personal: `private, no-store`, never kept in the
response cache, and `X-Robots-Tag: noindex` so that a link pasted somewhere stays unindexed."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.articles import staff
from api.articles.included import ArticleReadArgsSchema, IncludedView, included_parts
from api.articles.schemas import ArticleSchema
from api.core.auth import require_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.core.writes import require_json_body
from api.previews import services
from api.previews.schemas import NewPreviewSchema, PreviewSchema
from api.users.models import Role

blp = Blueprint(
    "previews", __name__, url_prefix="/api/v1", description="Preview links of unpublished articles"
)
blp.before_request(require_json_body)
PREVIEWERS = (Role.WRITER, Role.EDITOR)


@blp.after_request
def _personal(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@blp.route("/articles/<slug>/previews")
class ArticlePreviews(MethodView):
    @staff_only(blp)
    @blp.response(200, PreviewSchema(many=True))
    @blp.alt_response(404, description="No article has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List an article's preview links that still work, newest first"""
        return services.active_previews(staff.staff_article_or_404(slug))

    @staff_only(blp, *PREVIEWERS)
    @blp.arguments(PreviewSchema)
    @blp.response(201, NewPreviewSchema)
    @blp.alt_response(404, description="No article has this slug")
    def post(self, data: dict[str, Any], slug: str) -> Any:
        """Create a preview link: the article as it would be published, for a front-end

        Writers for their own articles, editors and admins. The token is shown only in this
        response; the link works until `expires_at` (at most PREVIEW_TTL_HOURS) or until it
        is revoked.
        """
        user = require_user()
        article = staff.staff_article_or_404(slug)
        preview, token = services.create_preview(user, article, data.get("ttl_hours"))
        preview.token = token  # type: ignore[attr-defined]
        preview.url = services.preview_url(token)  # type: ignore[attr-defined]
        preview.created_by = user
        return preview, 201


@blp.route("/articles/<slug>/previews/<int:preview_id>")
class ArticlePreviewItem(MethodView):
    @staff_only(blp, *PREVIEWERS)
    @blp.response(204)
    @blp.alt_response(404, description="No such article, or no such working link")
    def delete(self, slug: str, preview_id: int) -> None:
        """Revoke a preview link by its id"""
        services.revoke_by_id(require_user(), staff.staff_article_or_404(slug), preview_id)


PERSONAL_HEADERS = {
    "Cache-Control": {"description": "`private, no-store`", "schema": {"type": "string"}},
    "X-Robots-Tag": {"description": "`noindex`", "schema": {"type": "string"}},
}


@blp.route("/previews/<token>")
class Preview(MethodView):
    @blp.arguments(ArticleReadArgsSchema, location="query")
    @blp.response(200, ArticleSchema, headers=PERSONAL_HEADERS)
    @blp.alt_response(404, description="Unknown, expired or revoked: the same answer")
    @blp.alt_response(429, description="Too many unknown links from this client")
    @blp.doc(security=[{}])
    def get(self, args: dict[str, Any], token: str) -> Any:
        """Read the article of a preview link, as it would be published

        No token needed: the link is the secret. The same shape as a public article read,
        with the same `links` and `include` options.
        """
        article = services.previewed_article(token, args.get("links"))
        if "include" in args:
            return IncludedView(article, included_parts(article, args["include"], preview=True))
        return article

    @staff_only(blp, *PREVIEWERS)
    @blp.response(204)
    @blp.alt_response(404, description="Unknown, expired or revoked")
    def delete(self, token: str) -> None:
        """Revoke a preview link by its token"""
        services.revoke_by_token(require_user(), token)
