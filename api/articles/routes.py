from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.articles import services
from api.articles.models import Article
from api.articles.schemas import ArticleListArgsSchema, ArticleSchema, ArticleSummarySchema
from api.core.field_selection import selectable_fields
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint

blp = Blueprint(
    "articles", __name__, url_prefix="/api/v1/articles", description="Patient-education articles"
)


@blp.route("")
class Articles(MethodView):
    @blp.arguments(ArticleListArgsSchema, location="query")
    @blp.response(200, ArticleSummarySchema(many=True))
    @selectable_fields(ArticleSummarySchema)
    @blp.paginate(SelectPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List published articles

        Newest first by default; `topic` includes the topic's descendants (several topics:
        `topic_match=any|all`); `fields` selects the returned fields.
        """
        return services.public_summaries(**args)


@blp.route("/<slug>")
class ArticleItem(MethodView):
    @blp.response(200, ArticleSchema)
    @blp.alt_response(404, description="No published article has this slug")
    def get(self, slug: str) -> Article:
        """Read a published article"""
        return services.public_article_or_404(slug)
