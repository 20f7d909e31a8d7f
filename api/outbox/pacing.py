"""How fast one worker process sends (MAIL_RATE_PER_MINUTE), and how much it may claim at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any


class Pace:
    """Spaces sends evenly: at most `per_minute` a minute, 0 for no limit.

    Even spacing rather than bursts: a relay that allows N a minute usually means N spread
    over it, and a stopping worker waits at most one interval. `now` and `wait` are the
    monotonic clock and an interruptible sleep (the stop event's wait: SIGTERM cuts it short).
    """

    def __init__(
        self,
        per_minute: int,
        *,
        now: Callable[[], float] = time.monotonic,
        wait: Callable[[float], Any] | None = None,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._now = now
        self._wait = wait or threading.Event().wait
        self._next_at = 0.0

    def ready(self, stop: threading.Event | None = None) -> bool:
        """Wait for the next free slot; False when `stop` was set meanwhile (send nothing)."""
        delay = self._next_at - self._now()
        if delay > 0:
            self._wait(delay)
        return stop is None or not stop.is_set()

    def spent(self) -> None:
        """A message went to the server: the next one waits a full interval from now."""
        if self.interval:
            self._next_at = self._now() + self.interval


def send_margin(config: Mapping[str, Any]) -> float:
    """Seconds one send may take at worst: connect, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT,
    DATA and its end, each bounded by MAIL_TIMEOUT. A worker starts no send with less than this
    left on its lease, so a send never outlives the claim (and races a worker reclaiming it);
    never more than half the lease, or a short lease would never send."""
    return min(9 * config["MAIL_TIMEOUT"], config["OUTBOX_LEASE_SECONDS"] / 2)


def claim_size(config: Mapping[str, Any]) -> int:
    """Messages to claim at once: OUTBOX_BATCH_SIZE, fewer when the rate could not send them
    all within the lease (claimed messages would sit idle while their lease runs out)."""
    batch = config["OUTBOX_BATCH_SIZE"]
    rate = config["MAIL_RATE_PER_MINUTE"]
    if rate <= 0:
        return batch
    usable = config["OUTBOX_LEASE_SECONDS"] - send_margin(config)
    return max(1, min(batch, int(usable * rate / 60)))
