from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api.articles.schemas import ArticleSummarySchema
from api.articles.services import public_summaries
from api.core.auth import require_user, staff_only
from api.core.errors import Problem
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint, if_match_required
from api.core.writes import check_if_match, etag_header, patch_schema, require_json_body
from api.taxonomy.services import topic_page
from api.taxonomy.tree import TopicListPage, topic_tree
from api.topics import actions, codes, services
from api.topics.schemas import TopicDetailSchema, TopicListArgsSchema, TopicSchema, TopicTreeSchema
from api.users.models import Role

blp = Blueprint("topics", __name__, url_prefix="/api/v1/topics", description="Topic taxonomy")
blp.before_request(require_json_body)

MATCHED_CODE_HEADER = {
    "X-Matched-Code": {
        "description": "With `code`: the code the listed topics hold (the code asked for, or "
        "for ICD-10-CM its nearest ancestor that a topic holds); absent when none matched",
        "schema": {"type": "string"},
    }
}


@blp.route("")
class Topics(MethodView):
    @blp.arguments(TopicListArgsSchema, location="query")
    @blp.response(200, TopicTreeSchema(many=True), headers=MATCHED_CODE_HEADER)
    @blp.paginate(TopicListPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List topics alphabetically, each with its parent's slug

        With `tree=true`: the whole tree in one response (one page), roots first, children
        nested, siblings ordered by position then name; paging parameters are ignored.
        With `code`: the topics holding that code (see `X-Matched-Code`).
        """
        if "code" in args:
            if args["tree"]:
                raise Problem(
                    422,
                    "Ask for the tree or for a code, not both.",
                    errors={"code": ["tree=true."]},
                )
            system, code = codes.parse_code_parameter(args["code"])
            match = codes.topics_with_code(system, code)
            headers = {"X-Matched-Code": match.matched_code} if match.matched_code else {}
            return match.topics, 200, headers
        return topic_tree() if args["tree"] else services.topics_query()

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(TopicSchema)
    @blp.response(201, TopicDetailSchema)
    @blp.alt_response(409, description="The slug is taken")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a topic; `parent` is the parent's slug"""
        topic = actions.create_topic(require_user(), data)
        topic = topic_page(topic.slug)
        headers = {"Location": url_for("topics.TopicItem", slug=topic.slug)}
        return topic, 201, {**headers, **etag_header("topic", topic)}


@blp.route("/<slug>")
class TopicItem(MethodView):
    @blp.response(200, TopicDetailSchema)
    @blp.alt_response(404, description="No topic has this slug")
    def get(self, slug: str) -> Any:
        """Read a topic with its place in the tree, related topics and pillar article"""
        topic = topic_page(slug)
        return topic, 200, etag_header("topic", topic)

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(patch_schema(TopicSchema))
    @blp.response(200, TopicDetailSchema)
    @blp.alt_response(404, description="No topic has this slug")
    @blp.alt_response(409, description="The slug is taken, or the move would make a cycle")
    @if_match_required(blp, "topic")
    def patch(self, data: dict[str, Any], slug: str) -> Any:
        """Change or move a topic; needs If-Match"""
        topic = services.topic_or_404(slug)
        check_if_match("topic", topic)
        topic = actions.update_topic(require_user(), topic, data)
        topic = topic_page(topic.slug)
        return topic, 200, etag_header("topic", topic)

    @staff_only(blp, Role.EDITOR)
    @blp.response(204)
    @blp.alt_response(404, description="No topic has this slug")
    @blp.alt_response(409, description="The topic has subtopics or articles")
    @if_match_required(blp, "topic")
    def delete(self, slug: str) -> None:
        """Delete a topic without subtopics or articles; needs If-Match"""
        topic = services.topic_or_404(slug)
        check_if_match("topic", topic)
        actions.delete_topic(require_user(), topic)


@blp.route("/<slug>/articles")
class TopicArticles(MethodView):
    @blp.response(200, ArticleSummarySchema(many=True))
    @blp.alt_response(404, description="No topic has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List published articles under a topic or its descendants, newest first"""
        services.topic_or_404(slug)
        return public_summaries(topic=slug)
