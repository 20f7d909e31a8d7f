from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

from api.articles.disclaimer import disclaimer_html
from api.articles.figures import MediaHtml
from api.articles.media import feature_image_json
from api.articles.models import AUDIENCES, ArticleStatus
from api.articles.references import CitedReferenceSchema
from api.authors.schemas import AuthorSummarySchema
from api.core.field_selection import CommaSeparatedList, fields_argument
from api.core.resource_urls import ApiUrl, SiteUrl
from api.core.smorest import Schema
from api.core.validation import SLUG, HttpUrl
from api.media.schemas import MediaSchema
from api.review.records import public_review
from api.structured_data.jsonld import medical_web_page, script_safe


class ArticleTopicSchema(Schema):
    slug = ma.fields.String(attribute="topic.slug", dump_only=True)
    name = ma.fields.String(attribute="topic.name", dump_only=True)
    primary = ma.fields.Boolean(attribute="is_primary", dump_only=True)
    url = SiteUrl("topic", "topic.slug")
    api_url = ApiUrl("topic", "topic.slug")


class TocEntrySchema(Schema):
    level = ma.fields.Integer(dump_only=True)
    text = ma.fields.String(dump_only=True)
    anchor = ma.fields.String(dump_only=True)


class SectionSchema(Schema):
    anchor = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The id of the section's heading; null when it has none"},
    )
    heading = ma.fields.String(dump_only=True, allow_none=True)
    level = ma.fields.Integer(dump_only=True, allow_none=True)
    kind = ma.fields.String(
        dump_only=True,
        metadata={"description": "`text`, `callout:<kind>` (a care callout) or `references`"},
    )
    html = MediaHtml(dump_only=True)


class FeatureImageField(ma.fields.Nested):
    """`feature_image`, from the article's loaded item and its recorded text (no query)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return feature_image_json(obj)


class _FromFeatureImage(ma.fields.Field):
    """feature_image_url / feature_image_alt as old clients read them: from the media item when
    the article has one (its url; the alt text shown with it), else as written."""

    key = ""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        image = feature_image_json(obj) if getattr(obj, "feature_image_id", None) else None
        if image is not None:
            return image[self.key]
        return super().get_value(obj, attr, accessor, default)


class LegacyFeatureImageUrl(_FromFeatureImage, HttpUrl):
    key = "url"


class LegacyFeatureImageAlt(_FromFeatureImage, ma.fields.String):
    key = "alt"


class ArticleSummarySchema(Schema):
    """An article in lists: everything but the body."""

    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(required=True, validate=SLUG)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    url = SiteUrl("article")
    api_url = ApiUrl("article")
    summary = ma.fields.String(load_default="", validate=ma.validate.Length(max=2_000))
    language = ma.fields.String(
        load_default="en",
        validate=[
            ma.validate.Length(max=35),
            ma.validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", error="Not a BCP 47 tag."),
        ],
    )
    status = ma.fields.Enum(ArticleStatus, by_value=True, dump_only=True)
    published_at = ma.fields.AwareDateTime(allow_none=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    author = ma.fields.Nested(AuthorSummarySchema, dump_only=True)
    topics = ma.fields.List(
        ma.fields.Nested(ArticleTopicSchema), attribute="topic_links", dump_only=True
    )
    reading_time_minutes = ma.fields.Integer(dump_only=True)
    reading_grade = ma.fields.Float(
        dump_only=True,
        metadata={
            "description": "Flesch-Kincaid grade level of the body's prose (paragraphs and list "
            "items that are sentences; headings, tables and code left out)"
        },
    )
    reading_level = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "Band of reading_grade: grade 5 and below: very easy (< 6), "
            "grade 6-8: easy (6 to < 9), grade 9-10: fairly difficult (9 to < 11), "
            "grade 11-12: difficult (11 to < 13), college: very difficult (13 and up)",
            "example": "grade 6-8: easy",
        },
    )
    feature_image_id = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The media item shown as the feature image (null: none)"},
    )
    feature_image = FeatureImageField(
        MediaSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The feature_image_id's media item, as the media library shapes it, "
            "with the alt text and caption recorded with the article's content"
        },
    )
    feature_image_url = LegacyFeatureImageUrl(
        allow_none=True,
        metadata={
            "description": "Legacy: an image elsewhere. With feature_image_id, reads show that "
            "item's url here and a written value is ignored"
        },
    )
    feature_image_alt = LegacyFeatureImageAlt(
        allow_none=True,
        validate=ma.validate.Length(max=300),
        metadata={
            "description": "The feature image's alt text: with feature_image_id, overrides the "
            "library's for this article"
        },
    )
    audience = ma.fields.String(
        validate=ma.validate.OneOf(AUDIENCES),
        metadata={"description": "Who the article is written for; default patient"},
    )
    meta_description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=320))


class ArticleRefSchema(Schema):
    """A reference to an article (a topic's pillar): enough to link to it.

    Written as `{"slug": ...}`: the other fields are read-only.
    """

    slug = ma.fields.String(required=True, validate=SLUG)
    title = ma.fields.String(dump_only=True)
    url = SiteUrl("article")
    api_url = ApiUrl("article")


class ReviewerSchema(Schema):
    """The medical reviewer, as patients see them."""

    name = ma.fields.String(dump_only=True)
    credentials = ma.fields.String(dump_only=True, allow_none=True)


class PublicReviewSchema(Schema):
    """The article's medical review as patients see it."""

    reviewed_by = ma.fields.Nested(ReviewerSchema, dump_only=True)
    reviewed_at = ma.fields.AwareDateTime(dump_only=True)
    next_review_due = ma.fields.Date(dump_only=True)
    status = ma.fields.String(
        dump_only=True,
        validate=ma.validate.OneOf(["current", "due_soon", "overdue"]),
        metadata={
            "description": "overdue once next_review_due has passed; due_soon within "
            "REVIEW_DUE_SOON_DAYS of it"
        },
    )


class ReviewField(ma.fields.Nested):
    """`review`, computed from the article row and its joined reviewer (no extra query)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return public_review(obj)


class ArticleSchema(ArticleSummarySchema):
    """A whole article."""

    body_markdown = ma.fields.String(load_only=True, validate=ma.validate.Length(max=500_000))
    body_html = MediaHtml(dump_only=True)
    toc = ma.fields.List(ma.fields.Nested(TocEntrySchema), dump_only=True)
    sections = ma.fields.List(
        ma.fields.Nested(SectionSchema),
        dump_only=True,
        metadata={
            "description": "body_html cut at its top-level headings, care callouts and "
            "references, in order (see docs/content.md)"
        },
    )
    references = ma.fields.List(
        ma.fields.Nested(CitedReferenceSchema),
        attribute="cited_references",
        dump_only=True,
        metadata={
            "description": "The sources the body cites, in citation order, each with its "
            "`number` in the text and its DOI / PubMed id resolved to `doi_url` / `pubmed_url`"
        },
    )
    canonical_url = HttpUrl(allow_none=True)
    last_reviewed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    next_review_due = ma.fields.Date(dump_only=True, allow_none=True)
    reviewed_by = ma.fields.Nested(ReviewerSchema, dump_only=True, allow_none=True)
    review = ReviewField(
        PublicReviewSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "Who reviewed the article and when; null before any review"},
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    disclaimer_markdown = ma.fields.String(
        load_only=True,
        allow_none=True,
        validate=ma.validate.Length(max=5000),
        metadata={
            "description": "Overrides CLINIC_DISCLAIMER for this article (null: the clinic's; "
            '"": none)'
        },
    )
    disclaimer_html = ma.fields.Method(
        "_disclaimer_html",
        dump_only=True,
        metadata={
            "type": "string",
            "description": "The article's disclaimer_markdown, else the clinic's "
            "(CLINIC_DISCLAIMER), rendered; empty when there is none",
        },
    )
    json_ld = ma.fields.Method(
        "_json_ld",
        dump_only=True,
        metadata={
            "type": "object",
            "description": "schema.org MedicalWebPage (JSON-LD) describing the article",
        },
    )
    json_ld_script = ma.fields.Method(
        "_json_ld_script",
        dump_only=True,
        metadata={
            "type": "string",
            "description": "`json_ld` serialized for the body of an HTML script element of type "
            "`application/ld+json`: `<`, `>`, `&`, U+2028 and U+2029 are escaped, so it "
            "cannot end the element; paste it verbatim",
        },
    )

    # By class name: the included parts' schemas (related, topics...) build on this module.
    included = ma.fields.Nested(
        "ArticleIncludedSchema",
        dump_only=True,
        metadata={"description": "Only with `include=`: the parts it names"},
    )

    def _disclaimer_html(self, article: Any) -> str:
        return disclaimer_html(article.disclaimer_markdown)

    def _json_ld(self, article: Any) -> dict[str, Any]:
        return medical_web_page(article)

    def _json_ld_script(self, article: Any) -> str:
        return script_safe(medical_web_page(article))


def _instant(description: str) -> ma.fields.AwareDateTime:
    return ma.fields.AwareDateTime(
        default_timezone=dt.UTC,
        metadata={"description": f"{description} (ISO 8601; UTC when no offset is given)"},
    )


class ArticleListArgsSchema(Schema):
    topic = CommaSeparatedList(
        ma.fields.String(validate=ma.validate.Length(max=120)),
        validate=ma.validate.Length(max=20),
        metadata={
            "description": (
                "Topic slugs (repeat or comma-separate); articles of their descendant topics "
                "are included"
            )
        },
    )
    topic_match = ma.fields.String(
        load_default="any",
        validate=ma.validate.OneOf(["any", "all"]),
        metadata={"description": "With several topics: under any of them, or under all"},
    )
    author = ma.fields.String(
        validate=ma.validate.Length(max=120), metadata={"description": "Author slug"}
    )
    language = ma.fields.String(
        validate=ma.validate.Length(max=35), metadata={"description": "BCP 47 tag"}
    )
    audience = ma.fields.String(
        validate=ma.validate.OneOf(AUDIENCES),
        metadata={"description": "Only articles written for this audience"},
    )
    sort = ma.fields.String(
        load_default="-published_at",
        validate=ma.validate.OneOf(["-published_at", "published_at", "title", "-updated_at"]),
        # Names for generated clients' enums (else `VALUE_0` for "-published_at").
        metadata={
            "x-enum-varnames": ["NEWEST_PUBLISHED", "OLDEST_PUBLISHED", "TITLE", "RECENTLY_UPDATED"]
        },
    )
    status = ma.fields.List(
        ma.fields.Enum(ArticleStatus, by_value=True),
        metadata={
            "description": "Staff only (needs a token): articles in these statuses; "
            "staff see every status when it is not given"
        },
    )
    updated_since = _instant("Only articles updated at or after this time")
    published_after = _instant("Only articles published at or after this time")
    published_before = _instant("Only articles published before this time")
    fields = fields_argument(ArticleSummarySchema)

    @ma.validates_schema
    def _window_is_ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        after, before = data.get("published_after"), data.get("published_before")
        if after is not None and before is not None and after >= before:
            raise ma.ValidationError(
                "Must be later than published_after.", field_name="published_before"
            )
