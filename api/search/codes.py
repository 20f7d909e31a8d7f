"""A search query that is a medical code finds the topics holding it, before any other topic.

Kept apart from the text search (api/search/services.py calls `topics_for_code` once): a
query that is not a code costs nothing more; one that is costs one small query.
"""

from __future__ import annotations

from api.topics.codes import recognize_code, topics_with_code
from api.topics.models import Topic


def topics_for_code(query: str) -> list[Topic]:
    """The topics holding the code `query` is (ICD-10-CM: or its nearest ancestor), else []."""
    recognized = recognize_code(query)
    if recognized is None:
        return []
    system, code = recognized
    return topics_with_code(system, code).topics
