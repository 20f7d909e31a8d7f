"""The application's notion of "now", replaceable in tests (time travel without sleeps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def now() -> dt.datetime:
    """The current time, timezone-aware UTC, with microseconds dropped for stable output."""
    return _now().replace(microsecond=0)


def set_clock(source: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (tests); None restores the system clock."""
    global _now
    _now = source or (lambda: dt.datetime.now(dt.UTC))
