from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.articles.schemas import ArticleSummarySchema
from api.articles.services import public_summaries
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.taxonomy.services import topic_page
from api.taxonomy.tree import TopicListPage, topic_tree
from api.topics import services
from api.topics.models import Topic
from api.topics.schemas import TopicDetailSchema, TopicListArgsSchema, TopicTreeSchema

blp = Blueprint("topics", __name__, url_prefix="/api/v1/topics", description="Topic taxonomy")


@blp.route("")
class Topics(MethodView):
    @blp.arguments(TopicListArgsSchema, location="query")
    @blp.response(200, TopicTreeSchema(many=True))
    @blp.paginate(TopicListPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List topics alphabetically, each with its parent's slug

        With `tree=true`: the whole tree in one response (one page), roots first, children
        nested, siblings ordered by position then name; paging parameters are ignored.
        """
        return topic_tree() if args["tree"] else services.topics_query()


@blp.route("/<slug>")
class TopicItem(MethodView):
    @blp.response(200, TopicDetailSchema)
    @blp.alt_response(404, description="No topic has this slug")
    def get(self, slug: str) -> Topic:
        """Read a topic with its place in the tree, related topics and pillar article"""
        return topic_page(slug)


@blp.route("/<slug>/articles")
class TopicArticles(MethodView):
    @blp.response(200, ArticleSummarySchema(many=True))
    @blp.alt_response(404, description="No topic has this slug")
    @blp.paginate(SelectPage)
    def get(self, slug: str) -> Any:
        """List published articles under a topic or its descendants, newest first"""
        services.topic_or_404(slug)
        return public_summaries(topic=slug)
