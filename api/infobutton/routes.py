from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.core.smorest import Blueprint
from api.infobutton import documents
from api.infobutton.schemas import ATOM, JSON, KnowledgeRequestSchema
from api.infobutton.services import knowledge_response

blp = Blueprint(
    "infobutton",
    __name__,
    url_prefix="/api/v1/infobutton",
    description="HL7 Infobutton (context-aware knowledge retrieval) for EHRs",
)

FEED_SCHEMA = {
    "type": "object",
    "required": ["feed"],
    "properties": {
        "feed": {
            "type": "object",
            "required": ["title", "id", "updated", "category", "entry"],
            "properties": {
                "category": {"type": "array", "items": {"type": "object"}},
                "entry": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}


@blp.route("")
class KnowledgeRequest(MethodView):
    @blp.arguments(KnowledgeRequestSchema, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "The knowledge response: an Atom 1.0 feed, or its JSON form",
                "content": {ATOM: {"schema": {"type": "string"}}, JSON: {"schema": FEED_SCHEMA}},
            }
        }
    )
    @blp.alt_response(422, description="Unsupported code system, or a malformed code or parameter")
    def get(self, args: dict[str, Any]) -> Response:
        """Answer an HL7 Infobutton knowledge request (URL-based implementation guide)

        The topics holding the code (ICD-10-CM: or its nearest ancestor, e.g. M54.50 -> M54.5
        -> M54) and their published articles, newest first, each entry linking to its page on
        the clinic site. No match is an empty feed, not an error.
        """
        response = knowledge_response(args)
        if args["response_type"] == JSON:
            return Response(documents.as_json(response), content_type=JSON)
        return Response(documents.atom(response), content_type=ATOM + "; charset=utf-8")
