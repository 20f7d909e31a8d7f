from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.auth import current_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.core.writes import patch_schema
from api.issues import queueing, services
from api.issues.models import NewsletterIssue
from api.issues.schemas import (
    IssuePreviewQuerySchema,
    IssuePreviewSchema,
    IssueQuerySchema,
    IssueSendSchema,
    IssueTestSendSchema,
    IssueTestSentSchema,
    NewsletterIssueSchema,
)
from api.issues.stats import with_stats
from api.outbox.worker import register_producer
from api.users.models import Role

blp = Blueprint(
    "newsletter-issues",
    __name__,
    url_prefix="/api/v1/newsletters/<slug>/issues",
    description="Newsletter issues: compose, preview, test, send; per-issue delivery stats",
)
ISSUE = "/<int:issue_id>"

# Each round of the outbox worker first queues the issues that are due.
register_producer(queueing.send_due)


class IssuePage(SelectPage):
    @property
    def items(self) -> list[Any]:
        return with_stats(super().items)


def _one(issue: NewsletterIssue) -> NewsletterIssue:
    return with_stats([issue])[0]


@blp.route("")
class Issues(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.arguments(IssueQuerySchema, location="query")
    @blp.response(200, NewsletterIssueSchema(many=True))
    @blp.paginate(IssuePage)
    @blp.alt_response(404, description="No newsletter has this slug")
    def get(self, query: dict[str, Any], slug: str) -> Any:
        """List the newsletter's issues, newest first, with their delivery stats"""
        return services.issues_query(slug, query.get("status"))

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(NewsletterIssueSchema)
    @blp.response(201, NewsletterIssueSchema)
    @blp.alt_response(404, description="No newsletter has this slug")
    def post(self, data: dict[str, Any], slug: str) -> NewsletterIssue:
        """Compose an issue (a draft): subject, preheader, intro, articles or `auto`"""
        return _one(services.create(slug, data, current_user()))


@blp.route(ISSUE)
class Issue(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.response(200, NewsletterIssueSchema)
    @blp.alt_response(404, description="No such issue")
    def get(self, slug: str, issue_id: int) -> NewsletterIssue:
        """Read an issue, with its delivery stats"""
        return _one(services.issue_for(slug, issue_id))

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(patch_schema(NewsletterIssueSchema))
    @blp.response(200, NewsletterIssueSchema)
    @blp.alt_response(404, description="No such issue")
    @blp.alt_response(409, description="The issue is being sent or was sent: immutable")
    def patch(self, data: dict[str, Any], slug: str, issue_id: int) -> NewsletterIssue:
        """Change a draft or scheduled issue (any subset of the fields)"""
        return _one(services.update(slug, issue_id, data))


@blp.route(ISSUE + "/preview")
class Preview(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.arguments(IssuePreviewQuerySchema, location="query")
    @blp.response(200, IssuePreviewSchema)
    @blp.alt_response(404, description="No such issue")
    @blp.alt_response(409, description="CLINIC_POSTAL_ADDRESS is not set")
    def get(self, query: dict[str, int], slug: str, issue_id: int) -> dict[str, Any]:
        """Exactly what one subscriber gets from this issue: subject, parts and headers"""
        return services.preview(slug, issue_id, query["subscriber"])


@blp.route(ISSUE + "/test")
class TestSend(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.arguments(IssueTestSendSchema)
    @blp.response(202, IssueTestSentSchema)
    @blp.alt_response(404, description="No such issue")
    @blp.alt_response(409, description="CLINIC_POSTAL_ADDRESS is not set")
    def post(self, data: dict[str, Any], slug: str, issue_id: int) -> dict[str, Any]:
        """Send a test to staff addresses only (you, or the staff users named)"""
        user = current_user()
        return {"sent_to": services.send_test(slug, issue_id, user, data)}


@blp.route(ISSUE + "/send")
class Send(MethodView):
    @staff_only(blp, Role.EDITOR)
    @blp.arguments(IssueSendSchema)
    @blp.response(202, NewsletterIssueSchema)
    @blp.alt_response(404, description="No such issue")
    @blp.alt_response(
        409,
        description="Already scheduled or sent, CLINIC_POSTAL_ADDRESS unset, or a chosen "
        "article not published by then",
    )
    def post(self, data: dict[str, Any], slug: str, issue_id: int) -> NewsletterIssue:
        """Send now or at `send_at`: the outbox worker (or `flask newsletter send-due`)
        queues one message per confirmed subscriber"""
        return _one(services.schedule(slug, issue_id, data["send_at"]))
