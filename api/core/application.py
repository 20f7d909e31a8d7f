"""The Flask class the app is built from: one correction to what Flask does by default."""

from __future__ import annotations

from flask import Flask, Response, request


class Careleaf(Flask):
    """Flask, answering OPTIONS with the methods of the route that matched.

    Flask's automatic OPTIONS lists the methods of every rule whose pattern matches the path,
    so `/api/v1/topics/graph` advertised the PATCH and DELETE of `/api/v1/topics/<slug>`
    (which "graph" would fill) although a PATCH there reaches the graph route and gets 405.
    """

    def make_default_options_response(self) -> Response:
        response = super().make_default_options_response()
        rule = request.url_rule
        if rule is not None and rule.methods:
            response.allow.clear()
            response.allow.update(sorted(rule.methods))
        return response
