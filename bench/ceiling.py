"""The ceiling: a bare Flask app answering with response bytes captured from Careleaf.

`gunicorn bench.ceiling:app` with BENCH_CEILING_RESPONSES naming a JSON file written by
`bench.targets.capture`. Each request is looked up by method, path with query string, and
whether it carries If-None-Match; nothing else happens, so its requests/s are what Flask and
gunicorn alone manage on this machine.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from flask import Flask, Response, request


def response_key(method: str, path: str, conditional: bool) -> str:
    return f"{method} {path}{' if-none-match' if conditional else ''}"


def load_responses(path: str) -> dict[str, tuple[bytes, int, list[tuple[str, str]]]]:
    with open(path, encoding="utf-8") as stream:
        captured: dict[str, Any] = json.load(stream)
    return {
        key: (base64.b64decode(item["body"]), item["status"], [tuple(h) for h in item["headers"]])
        for key, item in captured.items()
    }


def create_ceiling(path: str) -> Flask:
    app = Flask("ceiling")
    responses = load_responses(path)

    @app.route("/healthz")
    def healthz() -> str:
        return "ok"

    @app.route("/<path:_path>", methods=["GET", "POST"])
    def replay(_path: str) -> Response:
        if request.method == "POST":
            request.get_data()  # read the body, as any real handler of a POST must
        key = response_key(
            request.method, request.full_path.rstrip("?"), "If-None-Match" in request.headers
        )
        body, status, headers = responses[key]
        return Response(body, status=status, headers=headers)

    return app


_RESPONSES = os.environ.get("BENCH_CEILING_RESPONSES")
app = create_ceiling(_RESPONSES) if _RESPONSES else None
