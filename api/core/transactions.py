"""One commit per request, in one place: after a successful response, never after an error."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from api.core.errors import handle_integrity_error, problem_response

log = logging.getLogger(__name__)


@event.listens_for(Session, "after_flush")
def _remember_flush(session: Session, _context: Any) -> None:
    session.info["has_writes"] = True


def _has_writes(session: Session) -> bool:
    return bool(session.info.get("has_writes") or session.new or session.dirty or session.deleted)


def commit_or_rollback(response: Response) -> Response:
    session: Session | None = g.get("_db_session")
    if session is None:
        return response
    if response.status_code >= 400 or not _has_writes(session):
        session.rollback()
        return response
    try:
        session.commit()
    except IntegrityError as error:
        return handle_integrity_error(error)
    except SQLAlchemyError:
        session.rollback()
        log.exception("commit failed")
        return problem_response(503, "The change could not be saved; try again.")
    finally:
        session.info.pop("has_writes", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(commit_or_rollback)
