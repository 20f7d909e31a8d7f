"""Validators and Cache-Control for every response, and 304s that skip the view.

Every public read gets the same kind of strong ETag: a keyed hash of the request (path and
sorted query, not the method) and the content validator. It changes whenever any public
response could (any content write, or a scheduled publication time passing) and costs one
small query, so a conditional GET is answered in `before_request`, before any view runs.

Staff requests (a bearer token) and the newsletter are personal: `private, no-store`, and
staff single-resource reads keep their per-row ETag (`"article-12-v7"`) for If-Match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import cached_property

from flask import Flask, Response, current_app, g, request
from werkzeug.http import http_date

from api.caching import policy
from api.caching.responses import ResponseCache, cacheable
from api.caching.state import ContentValidator, read_validator
from api.core import clock
from api.extensions import db

PRIVATE = "private, no-store"
ENCODINGS = ("gzip", "br", "deflate", "zstd")


class PublicRead:
    """The validators of this public read."""

    def __init__(self, validator: ContentValidator) -> None:
        self.validator = validator
        self.matched: str | None = None  # the tag a 304 confirmed

    @cached_property
    def digest(self) -> str:
        key = current_app.config["SECRET_KEY"].encode()
        query = "&".join(sorted(f"{name}={value}" for name, value in request.args.items(True)))
        latest = self.validator.latest_published_at
        material = "\n".join(
            (
                request.path,
                query,
                str(self.validator.version),
                self.validator.nonce,
                latest.isoformat() if latest else "-",
                # A public review's status (current, due_soon, overdue) moves with the day.
                clock.now().date().isoformat(),
                current_app.config["CACHE_VARIANT"],
                # Without SITE_URL, links name the host asked (feed self-links): one body per
                # host, so a Host header cannot plant its name in what others are served.
                "" if current_app.config["SITE_URL"] else request.host_url,
            )
        )
        return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()[:32]

    def etag(self, content_encoding: str | None = None) -> str:
        """Each encoding of a response is another representation: another strong ETag."""
        suffix = f"-{content_encoding}" if content_encoding else ""
        return f'"{self.digest}{suffix}"'

    @property
    def last_modified(self) -> dt.datetime | None:
        moment = self.validator.last_modified
        return moment.replace(microsecond=0) if moment else None

    def is_fresh(self) -> bool:
        """The client's copy is current: If-None-Match wins over If-Modified-Since (RFC 9110)."""
        if request.if_none_match:
            # Whichever representation the client stored (a view may compress, e.g. gzip).
            for encoding in (None, *ENCODINGS):
                if request.if_none_match.contains_weak(self.etag(encoding).strip('"')):
                    self.matched = self.etag(encoding)
                    return True
            return False
        since = request.if_modified_since
        return bool(since and self.last_modified and self.last_modified <= since)


def answer_from_validators() -> Response | None:
    """304 for a public read whose copy is current, or the response kept for this very
    validator, before the view runs (one query either way)."""
    if not policy.is_public_read() or policy.is_body_validated() or policy.is_self_validated():
        return None
    # A connection of its own in autocommit: one round trip, no BEGIN and ROLLBACK around it.
    # It runs before the view's queries, so a response is never older than its validator.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        public = g.public_read = PublicRead(read_validator(connection))
    if request.method not in policy.READ_METHODS:
        return None
    if public.is_fresh():
        return Response(status=304)
    cached = _response_cache().get(public.digest)
    return cached.to_response() if cached is not None else None


def _response_cache() -> ResponseCache:
    return current_app.extensions["careleaf_response_cache"]


def _vary(response: Response, *headers: str) -> None:
    for header in headers:
        if header.lower() not in {value.lower() for value in response.vary}:
            response.vary.add(header)


def apply_cache_headers(response: Response) -> Response:
    """Validators and Cache-Control by kind of request and outcome."""
    public: PublicRead | None = g.pop("public_read", None)
    config = current_app.config
    if public is not None and request.method == "GET" and cacheable(response):
        _response_cache().put(public.digest, response)
    if public is not None:
        _vary(response, "Authorization")
        if config["CORS_ORIGINS"]:
            _vary(response, "Origin")
        if response.status_code < 300 or response.status_code == 304:
            encoding = response.headers.get("Content-Encoding")
            if encoding:
                _vary(response, "Accept-Encoding")
            # Replaces any per-row staff ETag a view set.
            response.headers["ETag"] = public.matched or public.etag(encoding)
            if public.last_modified:
                response.headers["Last-Modified"] = http_date(public.last_modified)
            response.headers["Cache-Control"] = config["PUBLIC_CACHE_CONTROL"]
        elif response.status_code < 400:
            response.headers["Cache-Control"] = config["PUBLIC_CACHE_CONTROL"]
        else:
            response.headers["Cache-Control"] = config["ERROR_CACHE_CONTROL"]
    elif policy.is_public_read() and policy.is_body_validated():
        _validate_by_body(response)
    elif "Authorization" in request.headers or policy.is_api_operation() or not request.url_rule:
        response.headers.setdefault("Cache-Control", PRIVATE)  # a view may be stricter
        response.headers.pop("Last-Modified", None)
    return response


def _validate_by_body(response: Response) -> None:
    """Strong ETag of the body; a matching If-None-Match becomes a 304 (after the view)."""
    _vary(response, "Authorization")
    if response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
        response.headers["Cache-Control"] = "public, no-cache"  # revalidate every time
    else:
        response.headers["Cache-Control"] = current_app.config["ERROR_CACHE_CONTROL"]


def representation_variant(config: dict[str, object]) -> str:
    """What else shapes public responses: the settings that go into URLs and feeds."""
    names = (
        "ARTICLE_URL_TEMPLATE", "TOPIC_URL_TEMPLATE", "AUTHOR_URL_TEMPLATE", "SITE_URL",
        "LINK_MODE", "FEED_SIZE", "FEED_TITLE", "CACHE_SALT",
        # Printed handouts (api/handouts) show the clinic's details.
        "CLINIC_NAME", "CLINIC_POSTAL_ADDRESS", "CLINIC_PHONE", "HANDOUT_PAPER",
    )  # fmt: skip
    return "|".join(str(config.get(name)) for name in names)


def init_app(app: Flask) -> None:
    """Register the hooks; call after the request guards (422s come before any 304)."""
    app.config.setdefault("CACHE_VARIANT", representation_variant(app.config))
    app.extensions["careleaf_response_cache"] = ResponseCache(app.config["RESPONSE_CACHE_BYTES"])
    app.before_request(answer_from_validators)
    app.after_request(apply_cache_headers)
