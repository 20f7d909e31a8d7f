"""Loader options for article summaries, shared by every package that lists articles.

Lives below `articles.services` so that `links` and `taxonomy` (which `articles.services`
itself uses) can load summaries without importing it back.
"""

from __future__ import annotations

from sqlalchemy.orm import defer, joinedload, selectinload

from api.articles.models import Article, ArticleTopic
from api.authors.models import Author
from api.topics.models import Topic

# Articles show their author and topics as short references: load just those columns (the
# rest of a topic, its JSON synonyms especially, was most of the cost of loading a page).
WITH_REFERENCES = (
    joinedload(Article.author, innerjoin=True).load_only(
        Author.slug, Author.name, Author.kind, Author.credentials, Author.job_title,
        Author.avatar_url, raiseload=True,
    ),
    selectinload(Article.topic_links)
    .joinedload(ArticleTopic.topic, innerjoin=True)
    .load_only(Topic.slug, Topic.name, raiseload=True),
    # Feature images with their renditions: two queries a page, none when no article has one.
    selectinload(Article.feature_image),
)  # fmt: skip
# Summaries never carry bodies: leave them in the store, and fail loudly if touched.
SUMMARY_OPTIONS = (
    defer(Article.body_markdown, raiseload=True),
    defer(Article.body_html, raiseload=True),
    defer(Article.body_text, raiseload=True),
    defer(Article.toc, raiseload=True),
    defer(Article.sections, raiseload=True),
    defer(Article.references, raiseload=True),
    defer(Article.cited_references, raiseload=True),
    *WITH_REFERENCES,
)
