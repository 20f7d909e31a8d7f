"""Reading time of plain text, and the Flesch-Kincaid grade and reading level of prose.

The grade is computed by textstat (syllables from the CMU dictionary, pyphen for other words)
over prose only: `api.core.markdown` passes paragraphs and the list items that are sentences,
never headings, tables or code, which would count as very short sentences and pull it down.
"""

from __future__ import annotations

import math
import re

import textstat

APOSTROPHES = "'\u2019"
_WORD = re.compile(rf"[A-Za-z]+(?:[{APOSTROPHES}][A-Za-z]+)*|\d+(?:[.,]\d+)*")
# (lowest grade of the band, label); a grade belongs to the last band whose floor it reaches.
READING_LEVELS = (
    (0.0, "grade 5 and below: very easy"),
    (6.0, "grade 6-8: easy"),
    (9.0, "grade 9-10: fairly difficult"),
    (11.0, "grade 11-12: difficult"),
    (13.0, "college: very difficult"),
)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def reading_time_minutes(text: str, words_per_minute: int = 200) -> int:
    """Whole minutes to read, at least one."""
    return max(1, math.ceil(len(words(text)) / words_per_minute))


def flesch_kincaid_grade(prose: str) -> float:
    """0.39 (words/sentences) + 11.8 (syllables/words) - 15.59, rounded to one decimal, >= 0."""
    if not words(prose):
        return 0.0
    return round(max(0.0, textstat.flesch_kincaid_grade(prose)), 1)


def reading_level(grade: float) -> str:
    """The band of a Flesch-Kincaid grade, e.g. "grade 6-8: easy"."""
    label = READING_LEVELS[0][1]
    for floor, name in READING_LEVELS:
        if grade >= floor:
            label = name
    return label
