"""Which articles a reader gets from an issue: chosen ones, or `auto` (new in their topics).

Candidates are loaded once per issue (one query for the articles, one for their topics); each
reader's list is then picked in memory, so queueing costs no query per subscriber.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from api.articles.models import Article, ArticleTopic
from api.articles.visibility import public_filter
from api.core import clock
from api.extensions import db
from api.issues.models import IssueStatus, NewsletterIssue
from api.newsletter.tokens import unsubscribe_token

# A digest is a pointer to the site, not the site: the newest this many articles per message.
MAX_ARTICLES = 12


@dataclass(frozen=True)
class Candidate:
    slug: str
    title: str
    summary: str
    language: str
    published_at: dt.datetime
    topic_ids: frozenset[int]


@dataclass(frozen=True)
class Reader:
    """Who a message is for: their address, language and topics (empty: every topic)."""

    email: str
    language: str
    topic_ids: frozenset[int]
    token: str  # the unsubscribe/preferences token of their links


def reader(
    email: str | None, language: str, token_key: str | None, topic_ids: frozenset[int]
) -> Reader:
    """The reader of a subscription's columns."""
    return Reader(email or "", language, topic_ids, unsubscribe_token(token_key or ""))


def previous_cutoff(issue: NewsletterIssue) -> dt.datetime | None:
    """Where the last issue of this newsletter that went out stopped looking for articles."""
    return db.session.scalar(
        select(func.max(NewsletterIssue.articles_until)).where(
            NewsletterIssue.newsletter_id == issue.newsletter_id,
            NewsletterIssue.status.in_([IssueStatus.SENDING, IssueStatus.SENT]),
            NewsletterIssue.id != issue.id,
        )
    )


def window(issue: NewsletterIssue) -> tuple[dt.datetime, dt.datetime]:
    """The publication times `auto` covers: fixed once queueing started, else as of now."""
    if issue.articles_since is not None and issue.articles_until is not None:
        return issue.articles_since, issue.articles_until
    until = clock.now()
    first_days = current_app.config["NEWSLETTER_AUTO_FIRST_DAYS"]
    return previous_cutoff(issue) or until - dt.timedelta(days=first_days), until


def select_articles(issue: NewsletterIssue) -> Selection:
    """Public articles the issue may carry: the chosen ones in order, or `auto`'s window."""
    query = select(
        Article.id,
        Article.slug,
        Article.title,
        Article.summary,
        Article.language,
        Article.published_at,
    ).where(public_filter())
    if issue.is_auto:
        since, until = window(issue)
        query = query.where(Article.published_at >= since, Article.published_at < until)
        query = query.order_by(Article.published_at.desc(), Article.id.desc())
    else:
        query = query.where(Article.slug.in_(issue.article_slugs or []))
    rows = db.session.execute(query).all()
    topics: dict[int, set[int]] = {row.id: set() for row in rows}
    if issue.is_auto and rows:
        links = db.session.execute(
            select(ArticleTopic.article_id, ArticleTopic.topic_id).where(
                ArticleTopic.article_id.in_(list(topics))
            )
        )
        for article_id, topic_id in links:
            topics[article_id].add(topic_id)
    found = [
        Candidate(
            row.slug,
            row.title,
            row.summary,
            row.language,
            row.published_at,
            frozenset(topics[row.id]),
        )
        for row in rows
    ]
    if not issue.is_auto:
        order = {slug: position for position, slug in enumerate(issue.article_slugs or [])}
        found.sort(key=lambda candidate: order[candidate.slug])
    return Selection(issue, found)


def primary_language(tag: str) -> str:
    """Tags of one language match whatever their region ("en-US" reads "en")."""
    return tag.partition("-")[0].lower()


class Selection:
    """An issue's candidate articles, grouped by language once, and each reader's pick."""

    def __init__(self, issue: NewsletterIssue, found: list[Candidate]) -> None:
        self.issue = issue
        self.articles = found
        self._by_language: dict[str, list[Candidate]] = {}
        for article in found:
            self._by_language.setdefault(primary_language(article.language), []).append(article)

    def for_reader(self, reader: Reader) -> list[Candidate]:
        """The reader's articles: in their language; for `auto`, also in their topics."""
        language = primary_language(reader.language)
        if self.issue.language is not None and primary_language(self.issue.language) != language:
            return []
        picked = self._by_language.get(language, [])
        if self.issue.is_auto and reader.topic_ids:
            picked = [article for article in picked if article.topic_ids & reader.topic_ids]
        return picked[:MAX_ARTICLES]
