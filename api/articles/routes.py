from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from api.articles import actions, live, services, staff, workflow
from api.articles.included import IncludedView, included_parts
from api.articles.models import Article
from api.articles.schemas import ArticleListArgsSchema, ArticleSummarySchema
from api.articles.staff_schemas import (
    ArticleDetailArgsSchema,
    ArticleReadSchema,
    ArticleWriteSchema,
    StaffArticleSchema,
    TransitionResultSchema,
    TransitionSchema,
    select_fields,
)
from api.core.auth import current_user, require_user, staff_only
from api.core.errors import Problem
from api.core.field_selection import selectable_fields, selectable_schema
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint, if_match_required
from api.core.writes import check_if_match, etag_header, patch_schema, require_json_body
from api.importer.export import article_source
from api.links.services import resolve_public_body
from api.users.models import Role, User

blp = Blueprint(
    "articles", __name__, url_prefix="/api/v1/articles", description="Patient-education articles"
)
blp.before_request(require_json_body)
OPTIONAL_TOKEN = [{}, {"bearerAuth": []}]
WRITERS = (Role.WRITER, Role.EDITOR)


def _with_query(url: str) -> str:
    query = request.query_string.decode("latin-1")
    return f"{url}?{query}" if query else url


@blp.after_app_request
def redirect_old_slug_subresources(response: Response) -> Response:
    """A 404 under `/api/v1/articles/<old-slug>/...` becomes a 301 to the same sub-resource of
    the current slug, query string kept (the article itself redirects in its own view).

    Only 404s of reads pay the lookup; what is redirected is what the caller may see.
    """
    rule = request.url_rule
    if (
        response.status_code != 404
        or request.method not in ("GET", "HEAD")
        or rule is None
        or not rule.rule.startswith(f"{blp.url_prefix}/<slug>/")
        or not request.view_args
    ):
        return response
    try:
        public = current_user() is None
    except HTTPException:
        return response
    new_slug = staff.redirected_slug(request.view_args["slug"], public=public)
    if new_slug is None:
        return response
    url = url_for(request.endpoint or "", **{**request.view_args, "slug": new_slug})
    return redirect(_with_query(url), 301)


def staff_view(article: Article, user: User, link_mode: str | None = None) -> staff.StaffView:
    """The staff shape: the working copy (a pending revision, if any), its body as patients
    would see it today (internal links resolved, after a write as on a read), and the actions
    open now."""
    resolve_public_body(article, link_mode)
    return staff.StaffView(
        article,
        **workflow.actions_now(user, article),
        working=live.working_copy(article, link_mode),
    )


@blp.route("")
class Articles(MethodView):
    @blp.arguments(ArticleListArgsSchema, location="query")
    @blp.response(200, selectable_schema(ArticleSummarySchema)(many=True))
    @blp.alt_response(401, description="`status` was given without a staff token")
    @selectable_fields(ArticleSummarySchema)
    @blp.paginate(SelectPage)
    @blp.doc(security=OPTIONAL_TOKEN)
    def get(self, args: dict[str, Any]) -> Any:
        """List articles: published ones, or any status for staff

        Newest first by default; `topic` includes the topic's descendants (several topics:
        `topic_match=any|all`); `fields` selects the returned fields. With a staff token
        every status is listed; `status` (repeatable) narrows it.
        """
        if current_user() is None and "status" not in args:
            services.check_filter_values(public=True, **args)
            return services.public_summaries(**args)
        require_user()
        services.check_filter_values(public=False, **args)
        return staff.staff_summaries(**args)

    @staff_only(blp, *WRITERS)
    @blp.arguments(ArticleWriteSchema)
    @blp.response(201, StaffArticleSchema)
    @blp.alt_response(409, description="The slug is taken (or redirects to another article)")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a draft article (revision 1)

        The author and topics are given by slug.
        """
        user = require_user()
        article = actions.create_article(user, data)
        headers = {"Location": url_for("articles.ArticleItem", slug=article.slug)}
        return staff_view(article, user), 201, {**headers, **etag_header("article", article)}


@blp.route("/<slug>")
class ArticleItem(MethodView):
    @blp.arguments(ArticleDetailArgsSchema, location="query")
    @blp.response(200, ArticleReadSchema)
    @blp.alt_response(301, description="An old slug: Location names the current URL")
    @blp.alt_response(404, description="No published article has this slug")
    @blp.doc(security=OPTIONAL_TOKEN)
    def get(self, args: dict[str, Any], slug: str) -> Any:
        """Read an article: a published one, or any for staff

        With a staff token the response is a StaffArticle: it adds `body_markdown`, the
        workflow state and the revision numbers. `links` chooses the href of internal links;
        `include` adds what a page needs besides the article (one request per page);
        `fields` returns only the fields named (e.g. `fields=slug,sections`).
        """
        user = current_user()
        links = args.get("links")
        article = staff.staff_article(slug) if user else services.public_article(slug, links)
        if article is None:
            new_slug = staff.redirected_slug(slug, public=user is None)
            if new_slug is None:
                raise Problem(404, f"No published article has the slug '{slug}'.")
            return redirect(_with_query(url_for("articles.ArticleItem", slug=new_slug)), 301)
        view: Any = article if user is None else staff_view(article, user, links)
        if "include" in args:
            view = IncludedView(view, included_parts(article, args["include"]))
        if "fields" in args:
            view = select_fields(view, args["fields"])
        return view, 200, etag_header("article", article)

    @staff_only(blp, *WRITERS)
    @blp.arguments(patch_schema(ArticleWriteSchema))
    @blp.response(200, StaffArticleSchema)
    @blp.alt_response(404, description="No article has this slug")
    @blp.alt_response(409, description="Not editable by this role now, or the slug is taken")
    @if_match_required(blp, "article")
    def patch(self, data: dict[str, Any], slug: str) -> Any:
        """Change an article; needs If-Match

        Content changes (everything patients read: title, summary, body, language, author,
        topics, meta description, feature image and its alt text, audience, disclaimer) make a
        new revision that needs a review before publishing. On a published article that
        revision is pending:
        the public keeps the live one until the pending revision is approved and published;
        the response shows the working copy with `live_revision` and `pending_revision`.
        Editorial metadata (slug, published_at, canonical_url) applies at once. A new slug
        keeps the old one as a redirect.
        """
        user = require_user()
        article = staff.staff_article_or_404(slug, lock=True)
        check_if_match("article", article)
        article = actions.update_article(user, article, data)
        return staff_view(article, user), 200, etag_header("article", article)

    @staff_only(blp, Role.EDITOR)
    @blp.response(204)
    @blp.alt_response(404, description="No article has this slug")
    @blp.alt_response(409, description="The article is published")
    @if_match_required(blp, "article")
    def delete(self, slug: str) -> None:
        """Delete an article that is not published; needs If-Match"""
        article = staff.staff_article_or_404(slug, lock=True)
        check_if_match("article", article)
        actions.delete_article(require_user(), article)


@blp.route("/<slug>/transitions")
class ArticleTransitions(MethodView):
    @staff_only(blp)
    @blp.arguments(TransitionSchema)
    @blp.response(200, TransitionResultSchema)
    @blp.alt_response(404, description="No article has this slug")
    @blp.alt_response(409, description="Not allowed now; `allowed_actions` lists what is")
    @blp.alt_response(412, description="If-Match was given and is stale")
    def post(self, data: dict[str, Any], slug: str) -> Any:
        """Move an article through the workflow

        submit (writer of the article, editor), approve or reject (reviewer), publish,
        unpublish, archive (editor). Admins may do all. If-Match is optional here.
        Above CLINIC_MAX_READING_GRADE, submit answers with a warning and approve needs
        `accept_reading_grade: true` (409 otherwise).
        """
        user = require_user()
        article = staff.staff_article_or_404(slug, lock=True)
        check_if_match("article", article, required=False)
        article = workflow.transition(user, article, data)
        return staff_view(article, user), 200, etag_header("article", article)


@blp.route("/<slug>/source")
class ArticleSource(MethodView):
    @staff_only(blp)
    @blp.response(
        200,
        description="The Markdown file: YAML front matter, then the body",
        content_type="text/markdown",
    )
    @blp.alt_response(404, description="No article has this slug")
    def get(self, slug: str) -> Response:
        """Export an article as the Markdown file the importer reads

        The working copy (a pending revision, if any) with the editorial metadata: importing
        the file gives back the same content (see docs/content.md). `status` is left out:
        an import only makes drafts.
        """
        article = staff.staff_article_or_404(slug)
        return Response(article_source(article), content_type="text/markdown; charset=utf-8")
