"""Liveness and readiness. Readiness names each dependency it checks in its body: the store
always, the rate-limit storage when it is not this process's memory (signups need it: they
fail closed without it, see api/core/ratelimit.py)."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.core.errors import Problem
from api.core.smorest import Blueprint, Schema
from api.extensions import db, limiter

blp = Blueprint("health", __name__, description="Liveness and readiness probes")
log = logging.getLogger(__name__)
OK, UNREACHABLE = "ok", "unreachable"


class HealthSchema(Schema):
    status = ma.fields.String(dump_only=True)


class ReadinessSchema(HealthSchema):
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        dump_only=True,
        metadata={"description": "Each dependency (`store`, `rate_limit_storage`): ok|unreachable"},
    )


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """The process is alive"""
        return {"status": "ok"}


def _store_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("readiness check failed: store: %s", error.__class__.__name__)
        return False
    return True


def _rate_limit_storage_ok() -> bool:
    healthy = bool(limiter.storage.check())
    if not healthy:
        log.warning("readiness check failed: rate-limit storage unreachable")
    return healthy


def dependency_checks() -> dict[str, str]:
    """ok|unreachable for each dependency this process needs."""
    checks = {"store": OK if _store_ok() else UNREACHABLE}
    if limiter.storage_is_remote():
        checks["rate_limit_storage"] = OK if _rate_limit_storage_ok() else UNREACHABLE
    return checks


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, description="A dependency is unreachable; `checks` names it")
    def get(self) -> dict[str, Any]:
        """The process can reach its store and its rate-limit storage"""
        checks = dependency_checks()
        down = sorted(name for name, state in checks.items() if state != OK)
        if down:
            raise Problem(
                503,
                f"Unreachable: {', '.join(down)}.",
                headers={"Retry-After": "5"},
                checks=checks,
            )
        return {"status": "ready", "checks": checks}
