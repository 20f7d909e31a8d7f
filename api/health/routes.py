from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.core.errors import Problem
from api.core.smorest import Blueprint, Schema
from api.extensions import db

blp = Blueprint("health", __name__, description="Liveness and readiness probes")
log = logging.getLogger(__name__)


class HealthSchema(Schema):
    status = ma.fields.String(dump_only=True)


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """The process is alive"""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description="The store is unreachable")
    def get(self) -> dict[str, Any]:
        """The process can reach its store"""
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            log.warning("readiness check failed: %s", error.__class__.__name__)
            raise Problem(
                503, "The content store is unreachable.", headers={"Retry-After": "5"}
            ) from None
        return {"status": "ready"}
