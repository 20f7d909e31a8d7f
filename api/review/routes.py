from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.auth import staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.review import services
from api.review.schemas import ReviewQueueArgsSchema, ReviewQueueItemSchema

blp = Blueprint(
    "review_queue",
    __name__,
    url_prefix="/api/v1/review-queue",
    description="Medical review queue (staff)",
)


@blp.route("")
class ReviewQueue(MethodView):
    @staff_only(blp)
    @blp.arguments(ReviewQueueArgsSchema, location="query")
    @blp.response(200, ReviewQueueItemSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List articles to review

        Articles in review without a current approval, then published articles never
        reviewed, overdue, or due within `within_days` (default 30).
        """
        return services.review_queue(args["within_days"])
