from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api.articles.schemas import ArticleSummarySchema
from api.articles.services import public_summaries
from api.authors import actions, services
from api.authors.schemas import AuthorSchema
from api.core.auth import require_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint, if_match_required
from api.core.writes import check_if_match, etag_header, patch_schema, require_json_body
from api.users.models import Role

blp = Blueprint("authors", __name__, url_prefix="/api/v1/authors", description="Article authors")
blp.before_request(require_json_body)


@blp.route("")
class Authors(MethodView):
    @blp.response(200, AuthorSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List authors"""
        return services.authors_query()

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(AuthorSchema)
    @blp.response(201, AuthorSchema)
    @blp.alt_response(409, description="The slug is taken")
    def post(self, data: dict[str, Any]) -> Any:
        """Create an author"""
        author = actions.create_author(require_user(), data)
        author = services.author_or_404(author.slug)
        headers = {"Location": url_for("authors.AuthorItem", slug=author.slug)}
        return author, 201, {**headers, **etag_header("author", author)}


@blp.route("/<slug>")
class AuthorItem(MethodView):
    @blp.response(200, AuthorSchema)
    @blp.alt_response(404, description="No author has this slug")
    def get(self, slug: str) -> Any:
        """Read an author, with the count of their published articles"""
        author = services.author_or_404(slug)
        return author, 200, etag_header("author", author)

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(patch_schema(AuthorSchema))
    @blp.response(200, AuthorSchema)
    @blp.alt_response(404, description="No author has this slug")
    @blp.alt_response(409, description="The slug is taken")
    @if_match_required(blp, "author")
    def patch(self, data: dict[str, Any], slug: str) -> Any:
        """Change an author; needs If-Match"""
        author = services.author_or_404(slug)
        check_if_match("author", author)
        author = actions.update_author(require_user(), author, data)
        author = services.author_or_404(author.slug)
        return author, 200, etag_header("author", author)

    @staff_only(blp, Role.EDITOR)
    @blp.response(204)
    @blp.alt_response(404, description="No author has this slug")
    @blp.alt_response(409, description="Articles credit this author")
    @if_match_required(blp, "author")
    def delete(self, slug: str) -> None:
        """Delete an author no article credits; needs If-Match"""
        author = services.author_or_404(slug)
        check_if_match("author", author)
        actions.delete_author(require_user(), author)


@blp.route("/<slug>/articles")
class AuthorArticles(MethodView):
    @blp.response(200, ArticleSummarySchema(many=True))
    @blp.alt_response(404, description="No author has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List an author's published articles, newest first"""
        services.author_or_404(slug)
        return public_summaries(author=slug)
