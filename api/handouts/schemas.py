from __future__ import annotations

import marshmallow as ma

from api.core.smorest import Schema

SIZES = ("normal", "large")
PAPERS = ("letter", "a4")


class HandoutArgsSchema(Schema):
    size = ma.fields.String(
        load_default="normal",
        validate=ma.validate.OneOf(SIZES),
        metadata={"description": "`large`: large print (17 pt body text) for low vision"},
    )
    paper = ma.fields.String(
        validate=ma.validate.OneOf(PAPERS),
        metadata={"description": "Paper size; default HANDOUT_PAPER"},
    )
