from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.auth import staff_only
from api.core.smorest import Blueprint
from api.search.gaps import services
from api.search.gaps.schemas import GapArgsSchema, GapReportSchema
from api.users.models import Role

blp = Blueprint(
    "search_gaps",
    __name__,
    url_prefix="/api/v1/search/gaps",
    description="What the public searches for and does not find",
)


@blp.route("")
class SearchGaps(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.arguments(GapArgsSchema, location="query")
    @blp.response(200, GapReportSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List the most searched queries that found nothing or little (editors)

        Public searches (first page, no topic or language filter) are counted per normalized
        query and UTC day; queries holding an email address or a long number are never
        stored. Searches answered from a cache without reaching the app are not counted.
        """
        window = services.period(args.get("since"), args.get("until"), args.get("days"))
        queries = services.gaps(window, below=args["below"], limit=args["limit"])
        return {
            "since": window.since,
            "until": window.until,
            "below": args["below"],
            "queries": queries,
        }
