"""What a generated client needs from each operation of the OpenAPI document, set in one place.

- `operationId`: readable and stable (`listArticles`, not `get_api_v1_articles_slug`), from the
  table below; a route missing from it has none, and tests/test_openapi_contract.py fails.
- `security`: public operations say so with an empty list (`[]`: no requirement, anonymous
  access); those that also read a token keep `[{}, {bearerAuth: []}]`; staff ones require the
  bearer token. Not `[{}]` for public ones, though equivalent: openapi-python-client reads any
  non-empty list as "needs an AuthenticatedClient" (tests/test_generated_clients.py).
- `If-Match`: a declared header parameter wherever a write checks it, required where the view
  answers 428 without it (`if_match_required` in api/core/smorest.py), optional where it only
  answers 412 to a stale one.

Runs last, after every other document hook: those read a missing `security` as public.
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC: list[dict[str, list[str]]] = []
A = "/api/v1/articles/{slug}"
NI = "/api/v1/newsletters/{slug}/issues"
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("get", "/api/v1/articles"): "listArticles",
    ("post", "/api/v1/articles"): "createArticle",
    ("get", A): "getArticle",
    ("patch", A): "updateArticle",
    ("delete", A): "deleteArticle",
    ("post", A + "/transitions"): "transitionArticle",
    ("get", A + "/source"): "getArticleSource",
    ("get", A + "/backlinks"): "listArticleBacklinks",
    ("get", A + "/related"): "listRelatedArticles",
    ("get", A + "/handout.pdf"): "getArticleHandoutPdf",
    ("get", A + "/handout.html"): "getArticleHandoutHtml",
    ("get", A + "/qr.svg"): "getArticleQrCode",
    ("get", A + "/revisions"): "listArticleRevisions",
    ("get", A + "/revisions/{number}"): "getArticleRevision",
    ("get", A + "/revisions/{number}/diff"): "getArticleRevisionDiff",
    ("post", A + "/revisions/{number}/restore"): "restoreArticleRevision",
    ("get", A + "/reviews"): "listArticleReviews",
    ("get", A + "/previews"): "listArticlePreviews",
    ("post", A + "/previews"): "createArticlePreview",
    ("delete", A + "/previews/{preview_id}"): "revokeArticlePreview",
    ("get", "/api/v1/previews/{token}"): "getPreview",
    ("delete", "/api/v1/previews/{token}"): "revokePreview",
    ("get", "/api/v1/shared-blocks"): "listSharedBlocks",
    ("post", "/api/v1/shared-blocks"): "createSharedBlock",
    ("get", "/api/v1/shared-blocks/{group}/{name}"): "getSharedBlock",
    ("patch", "/api/v1/shared-blocks/{group}/{name}"): "updateSharedBlock",
    ("post", "/api/v1/shared-blocks/{group}/{name}/transitions"): "transitionSharedBlock",
    ("get", "/api/v1/shared-blocks/{group}/{name}/revisions"): "listSharedBlockRevisions",
    ("get", "/api/v1/authors"): "listAuthors",
    ("post", "/api/v1/authors"): "createAuthor",
    ("get", "/api/v1/authors/{slug}"): "getAuthor",
    ("patch", "/api/v1/authors/{slug}"): "updateAuthor",
    ("delete", "/api/v1/authors/{slug}"): "deleteAuthor",
    ("get", "/api/v1/authors/{slug}/articles"): "listAuthorArticles",
    ("get", "/api/v1/topics"): "listTopics",
    ("post", "/api/v1/topics"): "createTopic",
    ("get", "/api/v1/topics/graph"): "getTopicGraph",
    ("get", "/api/v1/topics/{slug}"): "getTopic",
    ("patch", "/api/v1/topics/{slug}"): "updateTopic",
    ("delete", "/api/v1/topics/{slug}"): "deleteTopic",
    ("get", "/api/v1/topics/{slug}/articles"): "listTopicArticles",
    ("get", "/api/v1/topics/{slug}/related"): "listRelatedTopics",
    ("put", "/api/v1/topics/{slug}/related"): "setSeeAlsoTopics",
    ("get", "/api/v1/search"): "searchArticles",
    ("get", "/api/v1/search/suggest"): "suggestSearchTerms",
    ("get", "/api/v1/search/gaps"): "listSearchGaps",
    ("get", "/api/v1/infobutton"): "answerInfobuttonRequest",
    ("get", "/api/v1/bundles/all"): "getFullBundle",
    ("get", "/api/v1/bundles/topics/{slug}"): "getTopicBundle",
    ("get", "/api/v1/changes"): "listChanges",
    ("get", "/api/v1/link-report"): "getLinkReport",
    ("get", "/api/v1/review-queue"): "listReviewQueue",
    ("get", "/api/v1/audit"): "listAuditEvents",
    ("get", "/api/v1/outbox"): "listOutboxMessages",
    ("post", "/api/v1/outbox/{message_id}/retry"): "retryOutboxMessage",
    ("post", "/api/v1/newsletter/subscriptions"): "createSubscription",
    ("post", "/api/v1/newsletter/confirm"): "confirmSubscription",
    ("post", "/api/v1/newsletter/unsubscribe"): "unsubscribe",
    ("get", "/api/v1/newsletter/unsubscribe"): "getUnsubscribePage",
    ("get", "/api/v1/newsletter/newsletters"): "listNewsletters",
    ("get", "/api/v1/newsletter/preferences"): "getNewsletterPreferences",
    ("patch", "/api/v1/newsletter/preferences"): "updateNewsletterPreferences",
    ("get", "/api/v1/newsletter/stats"): "getNewsletterStats",
    ("get", "/api/v1/newsletter/subscribers"): "listSubscribers",
    ("get", "/api/v1/newsletter/subscribers/export"): "exportSubscribers",
    ("delete", "/api/v1/newsletter/subscribers/{subscription_id}"): "deleteSubscriber",
    ("get", NI): "listNewsletterIssues",
    ("post", NI): "createNewsletterIssue",
    ("get", NI + "/{issue_id}"): "getNewsletterIssue",
    ("patch", NI + "/{issue_id}"): "updateNewsletterIssue",
    ("get", NI + "/{issue_id}/preview"): "previewNewsletterIssue",
    ("post", NI + "/{issue_id}/test"): "testNewsletterIssue",
    ("post", NI + "/{issue_id}/send"): "sendNewsletterIssue",
    ("get", "/api/v1/users"): "listUsers",
    ("post", "/api/v1/users"): "createUser",
    ("get", "/api/v1/users/me"): "getCurrentUser",
    ("get", "/api/v1/users/{user_id}"): "getUser",
    ("patch", "/api/v1/users/{user_id}"): "updateUser",
    ("get", "/api/v1/tokens"): "listTokens",
    ("post", "/api/v1/tokens"): "createToken",
    ("get", "/api/v1/tokens/{token_id}"): "getToken",
    ("delete", "/api/v1/tokens/{token_id}"): "revokeToken",
    ("get", "/api/v1/webhooks"): "listWebhooks",
    ("post", "/api/v1/webhooks"): "createWebhook",
    ("get", "/api/v1/webhooks/{webhook_id}"): "getWebhook",
    ("patch", "/api/v1/webhooks/{webhook_id}"): "updateWebhook",
    ("delete", "/api/v1/webhooks/{webhook_id}"): "deleteWebhook",
    ("get", "/api/v1/webhooks/{webhook_id}/deliveries"): "listWebhookDeliveries",
    ("get", "/api/v1/media"): "listMedia",
    ("post", "/api/v1/media"): "uploadMedia",
    ("get", "/api/v1/media/{media_id}"): "getMedia",
    ("patch", "/api/v1/media/{media_id}"): "updateMedia",
    ("delete", "/api/v1/media/{media_id}"): "deleteMedia",
    ("get", "/api/v1/media/{media_id}/usage"): "getMediaUsage",
    ("get", "/media/{sha256}/{name}.{ext}"): "getMediaFile",
    ("get", "/feeds/articles.atom"): "getArticlesAtomFeed",
    ("get", "/feeds/articles.rss"): "getArticlesRssFeed",
    ("get", "/feeds/articles.json"): "getArticlesJsonFeed",
    ("get", "/feeds/topics/{slug}.atom"): "getTopicAtomFeed",
    ("get", "/feeds/topics/{slug}.rss"): "getTopicRssFeed",
    ("get", "/sitemap.xml"): "getSitemap",
    ("get", "/healthz"): "getLiveness",
    ("get", "/readyz"): "getReadiness",
}


def _if_match(required: bool) -> dict[str, Any]:
    when = "Required" if required else "Optional"
    return {
        "name": "If-Match",
        "in": "header",
        "required": required,
        "description": f'{when}: the ETag of the version read (`"article-12-v7"`); '
        "a stale one is a 412" + ("" if not required else ", none a 428"),
        "schema": {"type": "string"},
    }


def _declare_if_match(operation: dict[str, Any]) -> None:
    responses = operation.get("responses", {})
    if "412" not in responses:
        return
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
        parameters.append(_if_match(required="428" in responses))


def document_operations(spec: Any) -> None:
    """Set operationId, explicit security and If-Match on every operation of `spec`."""
    for path, operations in spec._paths.items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            operation_id = OPERATION_IDS.get((method, path))
            if operation_id:
                operation["operationId"] = operation_id
            operation.setdefault("security", list(PUBLIC))
            _declare_if_match(operation)
            if method == "get" and path.startswith(A + "/"):
                # api/articles/routes.py: redirect_old_slug_subresources
                operation.setdefault("responses", {}).setdefault(
                    "301",
                    {"description": "An old slug: Location names this path under the current slug"},
                )
