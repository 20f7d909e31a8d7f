"""Every model module, imported so that `Base.metadata` knows all tables (Alembic, tests)."""

from api.articles.models import Article, ArticleSlugRedirect, ArticleTopic
from api.audit.models import AuditEntry
from api.authors.models import Author
from api.blocks.models import ArticleSharedBlock, SharedBlock, SharedBlockRevision
from api.caching.models import ContentState
from api.changes.models import ChangeEvent
from api.core.db import Base
from api.issues.models import IssueDelivery, NewsletterIssue
from api.links.models import ArticleLink
from api.media.models import MediaItem, MediaRendition, MediaUse
from api.newsletter.models import Newsletter, Subscription
from api.outbox.models import OutboxMessage
from api.previews.models import ArticlePreview
from api.review.models import ArticleReview
from api.revisions.models import ArticleRevision
from api.search.gaps.models import SearchQueryDay
from api.search.models import SearchSuggestion, SearchWord
from api.taxonomy.models import TopicRelation
from api.topics.models import Topic
from api.users.models import ApiToken, User
from api.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "ApiToken",
    "Article",
    "ArticleLink",
    "ArticlePreview",
    "ArticleReview",
    "ArticleRevision",
    "ArticleSharedBlock",
    "ArticleSlugRedirect",
    "ArticleTopic",
    "AuditEntry",
    "Author",
    "Base",
    "ChangeEvent",
    "ContentState",
    "IssueDelivery",
    "MediaItem",
    "MediaRendition",
    "MediaUse",
    "Newsletter",
    "NewsletterIssue",
    "OutboxMessage",
    "SearchQueryDay",
    "SearchSuggestion",
    "SearchWord",
    "SharedBlock",
    "SharedBlockRevision",
    "Subscription",
    "Topic",
    "TopicRelation",
    "User",
    "Webhook",
    "WebhookDelivery",
]
