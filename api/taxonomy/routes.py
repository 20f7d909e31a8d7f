from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.auth import staff_only
from api.core.smorest import Blueprint
from api.taxonomy import services, tree
from api.taxonomy.schemas import (
    GraphArgsSchema,
    GraphSchema,
    RelatedTopicsArgsSchema,
    SeeAlsoSchema,
)
from api.topics.schemas import RelatedTopicSchema
from api.topics.services import topic_or_404
from api.users.models import Role

blp = Blueprint(
    "taxonomy",
    __name__,
    url_prefix="/api/v1/topics",
    description="Related topics and the topic graph",
)


@blp.route("/graph")
class TopicGraph(MethodView):
    @blp.arguments(GraphArgsSchema, location="query")
    @blp.response(200, GraphSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Export the topic graph: topics, optionally published articles, and typed edges"""
        return tree.topic_graph(include_articles=args.get("include") == "articles")


@blp.route("/<slug>/related")
class RelatedTopics(MethodView):
    @blp.arguments(RelatedTopicsArgsSchema, location="query")
    @blp.response(200, RelatedTopicSchema(many=True))
    @blp.alt_response(404, description="No topic has this slug")
    def get(self, args: dict[str, Any], slug: str) -> Any:
        """List related topics, best first, each with its reasons

        Editors' see-also topics and topics filed together on published articles.
        """
        return services.related_topics(topic_or_404(slug), limit=args["limit"])

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(SeeAlsoSchema)
    @blp.response(200, RelatedTopicSchema(many=True))
    @blp.alt_response(404, description="No topic has this slug")
    def put(self, data: dict[str, Any], slug: str) -> Any:
        """Replace a topic's see-also topics (editors)

        The link is symmetric: each listed topic lists this one too. Returns the related list.
        """
        return services.set_see_also(slug, data["related"])
