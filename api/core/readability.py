"""Reading time and the Flesch-Kincaid grade level of plain text."""

from __future__ import annotations

import math
import re

APOSTROPHES = "'\u2019"
_WORD = re.compile(rf"[A-Za-z]+(?:[{APOSTROPHES}][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def count_syllables(word: str) -> int:
    """English syllables by vowel groups, with the usual silent-e corrections."""
    word = word.lower().strip(APOSTROPHES)
    if not word.isalpha():
        return 1
    if len(word) <= 3:
        return 1
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        word = word[:-1]
    elif word.endswith(("es", "ed")) and not word.endswith(("ted", "ded", "ses", "zes", "ces")):
        word = word[:-2]
    return max(1, len(_VOWEL_GROUPS.findall(word)))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def reading_time_minutes(text: str, words_per_minute: int = 200) -> int:
    """Whole minutes to read, at least one."""
    return max(1, math.ceil(len(words(text)) / words_per_minute))


def flesch_kincaid_grade(text: str) -> float:
    """0.39 (words/sentences) + 11.8 (syllables/words) - 15.59, rounded to one decimal."""
    found = words(text)
    if not found:
        return 0.0
    sentences = [part for part in _SENTENCE_END.split(text) if _WORD.search(part)]
    syllables = sum(count_syllables(word) for word in found)
    grade = 0.39 * len(found) / max(1, len(sentences)) + 11.8 * syllables / len(found) - 15.59
    return round(max(0.0, grade), 1)
