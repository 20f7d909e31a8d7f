from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.smorest import Blueprint
from api.related.schemas import RelatedArticlesArgsSchema, RelatedArticleSchema
from api.related.services import related_articles

blp = Blueprint("related", __name__, url_prefix="/api/v1/articles", description="Related articles")


@blp.route("/<slug>/related")
class RelatedArticles(MethodView):
    @blp.arguments(RelatedArticlesArgsSchema, location="query")
    @blp.response(200, RelatedArticleSchema(many=True))
    @blp.alt_response(404, description="No published article has this slug")
    def get(self, args: dict[str, Any], slug: str) -> Any:
        """List published articles related to a published article, best first

        Ranked by shared topics (rarer topics and closer ones in the tree count more),
        links in either direction and shared pillar; newer first on equal scores.
        """
        return related_articles(slug, limit=args["limit"])
