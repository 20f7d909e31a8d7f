"""Careleaf: a patient-education content API for clinics."""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

from flask import Flask

from api import config as settings
from api.core.application import Careleaf


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    app = Careleaf(__name__, instance_relative_config=True)
    app.config.update(settings.from_environment())
    app.config.update(settings.OPENAPI_SETTINGS)
    app.config.update(config or {})
    from api.media import storage as media_storage

    media_storage.init_app(app)  # first: a setting this build cannot serve stops the start-up
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "careleaf.db")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])  # type: ignore[method-assign]

    from api import cli, docs, embed, hooks, kiosk
    from api.caching import cors
    from api.caching import http as caching
    from api.core import (
        errors,
        fastjson,
        limits,
        openapi_errors,
        openapi_operations,
        query_args,
        request_log,
        security_headers,
        transactions,
    )
    from api.extensions import api, db, limiter

    # First: request ids exist before any other hook runs, and the headers and the access log
    # come last, after the commit in transactions, so they describe the response sent.
    request_log.init_app(app)
    security_headers.init_app(app)
    limits.init_app(app)
    fastjson.init_app(app)
    db.init_app(app)
    hooks.install_hooks(app)  # every session hook, on this app's sessions only (api/hooks.py)
    api.init_app(app)
    errors.init_app(app)
    limiter.init_app(app)
    query_args.init_app(app)
    caching.init_app(app)  # after the request guards: a bad query is a 422 before any 304
    cors.init_app(app)  # registered before the commit hook: CORS headers reach commit errors
    transactions.init_app(app)
    docs.init_app(app)
    embed.init_app(app)
    kiosk.init_app(app)
    cli.init_app(app)
    _register_blueprints(api)
    limits.guard_json_bodies(app)
    openapi_errors.document_common_errors(api)
    openapi_operations.document_operations(api.spec)  # last: the hooks above read `security`
    return app


def _instance_secret_key(app: Flask) -> str:
    """A random key kept in the instance folder: stable across restarts and local workers.

    Production sets SECRET_KEY; this keeps `make run` (several gunicorn workers) consistent.
    """
    os.makedirs(app.instance_path, exist_ok=True)
    path = os.path.join(app.instance_path, "secret_key")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_key(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as created:
        key = secrets.token_hex(32)
        created.write(key)
    return key


def _read_secret_key(path: str) -> str:
    for _ in range(50):  # another process may have created the file and be writing it
        with open(path, encoding="ascii") as existing:
            key = existing.read().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY")


def _register_blueprints(api: Any) -> None:
    from api.articles.routes import blp as articles
    from api.articles.staff_schemas import document_read_shapes
    from api.audit.routes import blp as audit
    from api.authors.routes import blp as authors
    from api.blocks.routes import blp as shared_blocks
    from api.bundles.routes import blp as bundles
    from api.caching.openapi import document_conditional_reads
    from api.changes.routes import blp as changes
    from api.feeds.routes import blp as feeds
    from api.handouts.routes import blp as handouts
    from api.health.routes import blp as health
    from api.infobutton.routes import blp as infobutton
    from api.issues.routes import blp as newsletter_issues
    from api.links.routes import blp as links
    from api.media.routes import blp as media
    from api.media.routes import files as media_files
    from api.newsletter.routes import blp as newsletter
    from api.outbox.routes import blp as outbox
    from api.previews.routes import blp as previews
    from api.qr.routes import blp as qr
    from api.related.routes import blp as related
    from api.review.record_routes import blp as reviews
    from api.review.routes import blp as review_queue
    from api.revisions.routes import blp as revisions
    from api.search.gaps.routes import blp as search_gaps
    from api.search.routes import blp as search
    from api.taxonomy.routes import blp as taxonomy
    from api.topics.routes import blp as topics
    from api.users.routes import blp as users
    from api.users.token_routes import blp as tokens
    from api.webhooks.routes import blp as webhooks

    for blueprint in (
        articles,
        authors,
        topics,
        search,
        health,
        links,
        related,
        qr,
        taxonomy,
        newsletter,
        newsletter_issues,
        outbox,
        revisions,
        previews,
        review_queue,
        reviews,
        users,
        tokens,
        audit,
        feeds,
        changes,
        bundles,
        webhooks,
        infobutton,
        handouts,
        search_gaps,
        media,
        media_files,
        shared_blocks,
    ):
        api.register_blueprint(blueprint)
    document_conditional_reads(api.spec)
    document_read_shapes(api.spec)
