"""What the bench measures, probed on Careleaf first: availability, and the bytes to replay.

A target whose endpoint answers 404/405 in this build is reported as not available; nothing is
ever measured against an error response.
"""

from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.ceiling import response_key

SEARCH_PATH = "/api/v1/search?q=back+pain"
SIGNUP_PATH = "/api/v1/newsletter/subscriptions"
SKIPPED_HEADERS = {"date", "server", "connection", "content-length", "transfer-encoding"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass
class Target:
    """One row of the table; `requests` rotate during a run."""

    name: str
    requests: list[Request] = field(default_factory=list)
    unavailable: str | None = None  # why it is not measured
    note: str = ""
    unique_emails: bool = False  # signup: every request carries a new email

    @property
    def measurable(self) -> bool:
        return self.unavailable is None and bool(self.requests)


@dataclass(frozen=True)
class Captured:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def fetch(base_url: str, request: Request) -> Captured:
    """One request over a fresh connection."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        body = request.body.encode() if request.body is not None else None
        connection.request(request.method, request.path, body=body, headers=request.headers)
        response = connection.getresponse()
        return Captured(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def signup_body(email: str) -> str:
    return json.dumps({"email": email, "consent": True, "source": "bench"})


def plan_targets(base_url: str, slugs: list[str]) -> list[Target]:
    """Probe every target on Careleaf at `base_url`; `slugs` are published articles."""
    details = [Request("GET", f"/api/v1/articles/{slug}") for slug in slugs]
    targets = [
        Target("article list", [Request("GET", "/api/v1/articles")], note="page of 20"),
        Target("article detail", details, note=f"{len(slugs)} articles in turn"),
        _revalidation(base_url, details),
        Target("related articles", [Request("GET", f"{r.path}/related") for r in details]),
        _topic_tree(base_url),
        Target("search", [Request("GET", SEARCH_PATH)], note="q=back pain"),
        Target(
            "newsletter signup",
            [Request("POST", SIGNUP_PATH, {"Content-Type": "application/json"}, "")],
            note="POST, a new email each request",
            unique_emails=True,
        ),
    ]
    for target in targets:
        if target.measurable:
            _check(base_url, target)
    return targets


def _first_request(target: Target) -> Request:
    request = target.requests[0]
    if target.unique_emails:
        return Request(request.method, request.path, request.headers, signup_body("probe@x.org"))
    return request


def _check(base_url: str, target: Target) -> None:
    """Mark the target unavailable when its endpoint is missing or failing in this build."""
    response = fetch(base_url, _first_request(target))
    if response.status in (404, 405):
        target.unavailable = f"not available in this build ({response.status})"
    elif response.status >= 400:
        detail = response.body.decode(errors="replace")[:160]
        target.unavailable = f"error on probe: {response.status} {detail}"


def _revalidation(base_url: str, details: list[Request]) -> Target:
    target = Target("304 revalidation", note="detail with If-None-Match")
    for request in details:
        etag = fetch(base_url, request).header("ETag")
        if etag is None:
            target.unavailable = "n/a: no ETag"
            return target
        conditional = Request("GET", request.path, {"If-None-Match": etag})
        status = fetch(base_url, conditional).status
        if status != 304:
            target.unavailable = f"n/a: If-None-Match answered {status}, not 304"
            return target
        target.requests.append(conditional)
    return target


def _topic_tree(base_url: str) -> Target:
    tree = Request("GET", "/api/v1/topics?tree=true")
    status = fetch(base_url, tree).status
    if status == 200:
        return Target("topic tree", [tree], note="?tree=true")
    flat = Request("GET", "/api/v1/topics")
    return Target("topic tree", [flat], note=f"flat list: ?tree=true answered {status}")


def capture(base_url: str, targets: list[Target]) -> dict[str, Any]:
    """The responses the ceiling replays, keyed as `bench.ceiling` looks them up."""
    replay: dict[str, Any] = {}
    for target in targets:
        if not target.measurable:
            continue
        for request in target.requests:
            response = fetch(base_url, _first_request(target) if target.unique_emails else request)
            key = response_key(request.method, request.path, "If-None-Match" in request.headers)
            replay[key] = {
                "status": response.status,
                "headers": [h for h in response.headers if h[0].lower() not in SKIPPED_HEADERS],
                "body": base64.b64encode(response.body).decode(),
            }
    return replay
