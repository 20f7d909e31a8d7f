"""Public response bodies kept per process under their strong ETag, bounded in bytes.

The key is the digest of the public validator (path, query, content version, newest
publication), read from the store on every request; a hit is therefore never stale, even
when another process wrote the change, and it skips the ORM and serialization entirely.
Only the view's own output is kept: hooks that add headers run again on every hit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Response

# Headers that belong to one exchange, or that the after_request hooks set every time.
_NOT_KEPT = frozenset(
    {
        "cache-control", "content-length", "date", "etag", "last-modified", "set-cookie",
        "vary", "x-request-id",
    }
)  # fmt: skip


@dataclass(frozen=True)
class CachedResponse:
    body: bytes
    mimetype: str | None
    headers: tuple[tuple[str, str], ...]

    def to_response(self) -> Response:
        response = Response(self.body, status=200, mimetype=self.mimetype)
        for name, value in self.headers:
            response.headers[name] = value
        return response


def cacheable(response: Response) -> bool:
    """A plain, complete 200 of the view itself (not streamed, not compressed)."""
    return (
        response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and "Content-Encoding" not in response.headers
        # The key does not hold request headers: a view that varies on one chooses per request.
        and "accept-encoding" not in {header.lower() for header in response.vary}
    )


class ResponseCache:
    """Least-recently-used, at most `max_bytes` of bodies (0 disables it); thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, response: Response) -> None:
        body = response.get_data()
        if not self.max_bytes or len(body) > self.max_bytes // 8:
            return  # one response may not crowd out the rest
        entry = CachedResponse(
            body=body,
            mimetype=response.mimetype,
            headers=tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in _NOT_KEPT and not name.lower().startswith("access-control-")
            ),
        )
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= len(previous.body)
            self._entries[key] = entry
            self._size += len(body)
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)
