"""An article's review history (staff)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.articles import staff
from api.core.auth import staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.review import records
from api.review.schemas import ArticleReviewSchema

blp = Blueprint(
    "reviews",
    __name__,
    url_prefix="/api/v1/articles/<slug>/reviews",
    description="Article review records (staff)",
)


@blp.route("")
class Reviews(MethodView):
    @staff_only(blp)
    @blp.response(200, ArticleReviewSchema(many=True))
    @blp.alt_response(404, description="No article has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List an article's review records, newest first"""
        return records.reviews_query(staff.staff_article_or_404(slug))
