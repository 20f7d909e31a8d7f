"""The clinic's reading-grade limit (`CLINIC_MAX_READING_GRADE`) in the workflow.

Submitting an article above the limit succeeds with a warning, so writers learn early; approving
it needs the reviewer's explicit `accept_reading_grade: true`, recorded in the audit entry.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from api.articles.models import Article
from api.core.errors import Problem


def max_reading_grade() -> float:
    return float(current_app.config["CLINIC_MAX_READING_GRADE"])


def is_above_limit(article: Article) -> bool:
    return grade_is_above_limit(article.reading_grade)


def grade_is_above_limit(grade: float) -> bool:
    return grade > max_reading_grade()


def _limit_text() -> str:
    return f"{max_reading_grade():g}"


def submit_warnings(grade: float) -> list[dict[str, Any]]:
    """The warnings a submit response carries: empty when the grade is within the limit."""
    if not grade_is_above_limit(grade):
        return []
    return [
        {
            "code": "reading_grade_above_limit",
            "field": "reading_grade",
            "detail": f"Reading grade {grade:g} is above the clinic's limit of "
            f"{_limit_text()}; approving it will need accept_reading_grade: true.",
        }
    ]


def check_approval(grade: float, data: dict[str, Any], **extra: Any) -> bool:
    """409 unless the grade (of the content under review) is within the limit or the reviewer
    accepts it; True if accepted."""
    if not grade_is_above_limit(grade):
        return False
    if data.get("accept_reading_grade") is True:
        return True
    raise Problem(
        409,
        f"Reading grade {grade:g} is above the clinic's limit of "
        f"{_limit_text()}: simplify the text, or approve with accept_reading_grade: true.",
        errors={
            "accept_reading_grade": [
                f"Required to approve: reading grade {grade:g} is above "
                f"the limit of {_limit_text()}."
            ]
        },
        reading_grade=grade,
        max_reading_grade=max_reading_grade(),
        **extra,
    )
