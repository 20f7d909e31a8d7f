from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.articles.schemas import ArticleSummarySchema
from api.core.auth import staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.links import services
from api.links.schemas import LinkReportItemSchema
from api.users.models import Role

blp = Blueprint(
    "links", __name__, url_prefix="/api/v1", description="Internal links between articles"
)


@blp.route("/articles/<slug>/backlinks")
class Backlinks(MethodView):
    @blp.response(200, ArticleSummarySchema(many=True))
    @blp.alt_response(404, description="No published article has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List the published articles that link to a published article, newest first"""
        return services.backlinks_query(services.public_article_id_or_404(slug))


@blp.route("/link-report")
class LinkReport(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.response(200, LinkReportItemSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List internal links the public sees as plain text (staff)

        Links whose target is missing, a draft, in review, archived or scheduled for later,
        by source slug.
        """
        return services.link_report_query()
