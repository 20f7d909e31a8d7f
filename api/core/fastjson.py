"""JSON with orjson: the same documents as Flask's default provider, several times faster.

Flask's provider sorts keys and ends responses with a newline; so does this one, so responses
keep their exact key order. Types orjson does not know (and dates, which Flask writes as HTTP
dates) fall back to Flask's own conversion. Non-ASCII text is written as UTF-8 instead of
\\u escapes: the same JSON content, fewer bytes.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson doing the encoding and decoding."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # indent, separators...: the rare formatted case keeps Flask's encoder
            return super().dumps(obj, **kwargs)
        try:
            return orjson.dumps(obj, default=self.default, option=OPTIONS).decode()
        except TypeError:  # what orjson cannot hold (integers beyond 64 bits) Python's json can
            return super().dumps(obj)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:
            return super().loads(s, **kwargs)
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(obj)
        try:
            body = orjson.dumps(
                obj, default=self.default, option=OPTIONS | orjson.OPT_APPEND_NEWLINE
            )
        except TypeError:
            return super().response(obj)
        return self._app.response_class(body, mimetype=self.mimetype)


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
