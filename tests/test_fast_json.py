"""orjson encodes the API's JSON: same documents and key order as Flask's own encoder."""

from __future__ import annotations

import datetime as dt
import json

from flask.json.provider import DefaultJSONProvider

from api.core.fastjson import OrjsonProvider


def test_responses_are_the_documents_flask_would_write(app, make_app, make):
    make.topic(slug="back-pain", name="Back pain")
    article = make.article(topics=["back-pain"], title="Cafés, crèches & <back> pain")
    plain = make_app()
    plain.json = DefaultJSONProvider(plain)
    assert isinstance(app.json, OrjsonProvider)
    for path in ("/api/v1/articles", f"/api/v1/articles/{article.slug}", "/api/v1/topics"):
        fast, slow = app.test_client().get(path), plain.test_client().get(path)
        assert fast.status_code == slow.status_code == 200
        assert fast.get_json() == slow.get_json()
        # Same keys in the same (sorted) order, same trailing newline; UTF-8 instead of \\u.
        assert (
            fast.data.decode()
            == json.dumps(
                slow.get_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
            )
            + "\n"
        )
        assert fast.headers["Content-Type"] == slow.headers["Content-Type"]


def test_values_flask_converts_are_converted_the_same_way(app):
    when = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
    value = {"b": when, "a": dt.date(2026, 1, 15), 3: "three"}
    flask_json = DefaultJSONProvider(app)
    assert json.loads(app.json.dumps(value)) == json.loads(
        flask_json.dumps({str(k): v for k, v in value.items()})
    )
    assert app.json.dumps({"b": 1, "a": 2}) == '{"a":2,"b":1}'
    assert app.json.loads(b'{"email": "x\\u00e9@example.org"}') == {"email": "xé@example.org"}
    assert app.json.dumps({"a": 1}, indent=2) == flask_json.dumps({"a": 1}, indent=2)
