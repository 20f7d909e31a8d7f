"""One strict reading of every JSON request body, before any view, schema or store sees it.

Python's `json` (which webargs parses bodies with) takes what JSON allows but a store cannot hold:
integers of any length (beyond 4,300 digits it raises a ValueError, not a JSONDecodeError),
`NaN`/`Infinity` literals, floats that overflow to infinity, and `\\ud800` escapes that decode
to lone surrogates, which no UTF-8 driver can write. Here the parser's hooks turn each such
number into a marker, and one walk over the document names the first bad value by its path.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_INTEGER = 2**31 - 1  # what an INTEGER column holds (ids, positions); none is beyond it
# Digits beyond this are out of range whatever their value; a bound that keeps int() cheap.
_MAX_INTEGER_DIGITS = 19
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused:
    """A JSON number the parser met but will not turn into a Python value."""

    def __init__(self, message: str) -> None:
        self.message = message


_OUT_OF_RANGE = _Refused("Number out of range.")
_NOT_A_NUMBER = _Refused("Not a valid JSON number (NaN and Infinity are not JSON).")


def _parse_int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        return _OUT_OF_RANGE
    return int(text)


def _parse_float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _OUT_OF_RANGE


def _parse_constant(_text: str) -> _Refused:
    return _NOT_A_NUMBER


def parse_json_body(data: bytes) -> Any:
    """The document, with refused numbers as markers; ValueError when it is not JSON."""
    return json.loads(
        data, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
    )


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return "Contains a NUL character."
    if _SURROGATE.search(text):
        return "Not valid Unicode: contains an unpaired surrogate escape."
    return None


def _bad_value(value: Any) -> str | None:
    if isinstance(value, _Refused):
        return value.message
    if isinstance(value, str):
        return _string_problem(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return "Number out of range."
    return None


def find_bad_value(value: Any, path: str = "") -> tuple[str, str] | None:
    """(dotted path, message) of the first value or key the store could not hold."""
    message = _bad_value(value)
    if message:
        return path or "body", message
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        if isinstance(key, str) and (message := _string_problem(key)):
            return path or "body", f"A member name: {message[0].lower()}{message[1:]}"
        found = find_bad_value(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None
