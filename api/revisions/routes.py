from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.articles import actions, staff
from api.articles.routes import staff_view
from api.articles.staff_schemas import StaffArticleSchema
from api.core.auth import require_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.core.writes import check_if_match, etag_header, require_json_body
from api.revisions import services
from api.revisions.models import ArticleRevision
from api.revisions.schemas import (
    DiffArgsSchema,
    RestoreSchema,
    RevisionDiffSchema,
    RevisionSchema,
    RevisionSummarySchema,
)
from api.users.models import Role

blp = Blueprint(
    "revisions",
    __name__,
    url_prefix="/api/v1/articles/<slug>/revisions",
    description="Article revisions (staff)",
)
blp.before_request(require_json_body)


@blp.route("")
class Revisions(MethodView):
    @staff_only(blp)
    @blp.response(200, RevisionSummarySchema(many=True))
    @blp.alt_response(404, description="No article has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List an article's revisions, newest first"""
        return services.revisions_query(staff.staff_article_or_404(slug))


@blp.route("/<int:number>")
class RevisionItem(MethodView):
    @staff_only(blp)
    @blp.response(200, RevisionSchema)
    @blp.alt_response(404, description="No such article or revision")
    def get(self, slug: str, number: int) -> ArticleRevision:
        """Read a revision with its whole content"""
        return services.revision_or_404(staff.staff_article_or_404(slug), number)


@blp.route("/<int:number>/diff")
class RevisionDiff(MethodView):
    @staff_only(blp)
    @blp.arguments(DiffArgsSchema, location="query")
    @blp.response(200, RevisionDiffSchema)
    @blp.alt_response(404, description="No such article or revision")
    def get(self, args: dict[str, Any], slug: str, number: int) -> dict[str, Any]:
        """Compare a revision with an older one

        A unified diff of the Markdown, and the other fields that changed.
        """
        article = staff.staff_article_or_404(slug)
        newer = services.revision_or_404(article, number)
        against = args.get("against", number - 1)
        older = services.revision_or_404(article, against, field="against") if against else None
        return services.diff(older, newer)


@blp.route("/<int:number>/restore")
class RevisionRestore(MethodView):
    @staff_only(blp, Role.WRITER, Role.EDITOR)
    @blp.arguments(RestoreSchema)
    @blp.response(200, StaffArticleSchema)
    @blp.alt_response(404, description="No such article or revision")
    @blp.alt_response(409, description="The article's content cannot change in its status")
    @blp.alt_response(412, description="If-Match was given and is stale")
    def post(self, data: dict[str, Any], slug: str, number: int) -> Any:
        """Make a revision's content current again, as a new revision

        History is never rewritten. If-Match is optional here.
        """
        user = require_user()
        article = staff.staff_article_or_404(slug, lock=True)
        check_if_match("article", article, required=False)
        article = actions.restore_revision(user, article, number, data["comment"])
        return staff_view(article, user), 200, etag_header("article", article)
