"""Swagger UI 5 for /docs, vendored in api/docs/swagger_ui (see its README): works offline.

flask-smorest renders the page (OPENAPI_SWAGGER_UI_* in api/config.py); this blueprint serves
its scripts and stylesheet from this origin, as the page's Content-Security-Policy requires.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory

SWAGGER_UI = Path(__file__).with_name("swagger_ui")
assets = Blueprint("docs_assets", __name__)


@assets.get("/docs/assets/<path:filename>")
def swagger_ui_asset(filename: str) -> Response:
    return send_from_directory(SWAGGER_UI, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(assets)
