"""Careleaf: a patient-education content API for clinics."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from api import config as settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings.from_environment())
    app.config.update(settings.OPENAPI_SETTINGS)
    app.config.update(config or {})
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "careleaf.db")
    logging.basicConfig(level=app.config["LOG_LEVEL"])

    from api import cli, docs
    from api.core import errors, query_args, transactions
    from api.extensions import api, db

    db.init_app(app)
    api.init_app(app)
    errors.init_app(app)
    query_args.init_app(app)
    transactions.init_app(app)
    docs.init_app(app)
    cli.init_app(app)
    _register_blueprints(api)
    return app


def _register_blueprints(api: Any) -> None:
    from api.articles.routes import blp as articles
    from api.authors.routes import blp as authors
    from api.health.routes import blp as health
    from api.search.routes import blp as search
    from api.topics.routes import blp as topics

    for blueprint in (articles, authors, topics, search, health):
        api.register_blueprint(blueprint)
