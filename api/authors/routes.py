from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.articles.schemas import ArticleSummarySchema
from api.articles.services import public_summaries
from api.authors import services
from api.authors.models import Author
from api.authors.schemas import AuthorSchema
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint

blp = Blueprint("authors", __name__, url_prefix="/api/v1/authors", description="Article authors")


@blp.route("")
class Authors(MethodView):
    @blp.response(200, AuthorSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List authors"""
        return services.authors_query()


@blp.route("/<slug>")
class AuthorItem(MethodView):
    @blp.response(200, AuthorSchema)
    @blp.alt_response(404, description="No author has this slug")
    def get(self, slug: str) -> Author:
        """Read an author, with the count of their published articles"""
        return services.author_or_404(slug)


@blp.route("/<slug>/articles")
class AuthorArticles(MethodView):
    @blp.response(200, ArticleSummarySchema(many=True))
    @blp.alt_response(404, description="No author has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List an author's published articles, newest first"""
        services.author_or_404(slug)
        return public_summaries(author=slug)
