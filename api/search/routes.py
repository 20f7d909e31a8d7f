from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.smorest import Blueprint
from api.search import services
from api.search.gaps.services import count_search
from api.search.schemas import (
    SearchArgsSchema,
    SearchResultsSchema,
    SuggestArgsSchema,
    SuggestionsSchema,
)

blp = Blueprint(
    "search", __name__, url_prefix="/api/v1/search", description="Full-text search and type-ahead"
)
# Content gaps (api/search/gaps): after the view, so that answers from the response cache
# count too.
blp.after_request(count_search)


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchArgsSchema, location="query")
    @blp.response(200, SearchResultsSchema)
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Search published articles, topics and authors

        Articles come best first (title counts more than summary, summary more than body),
        each with a relevance `score` and a highlighted `snippet`; stemming and topic synonyms
        widen the query. A query that does not parse is searched as plain words.
        """
        results = services.search(
            args.pop("q"),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
            **args,
        )
        pagination_parameters.item_count = results.total
        return results


@blp.route("/suggest")
class Suggest(MethodView):
    @blp.arguments(SuggestArgsSchema, location="query")
    @blp.response(200, SuggestionsSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Suggest titles and topic names for type-ahead

        Public article titles and topic names that start with `q`, ignoring case.
        """
        return services.suggest(args["q"], limit=args["limit"])
