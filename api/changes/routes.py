from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.changes import services
from api.changes.schemas import ChangesArgsSchema, ChangesPageSchema
from api.core.smorest import Blueprint

blp = Blueprint(
    "changes", __name__, url_prefix="/api/v1/changes", description="What changed, for sync"
)


@blp.route("")
class Changes(MethodView):
    @blp.arguments(ChangesArgsSchema, location="query")
    @blp.response(200, ChangesPageSchema)
    @blp.alt_response(422, description="`since` is not a cursor of this feed")
    def get(self, args: dict[str, Any]) -> Any:
        """List public changes after a cursor, oldest first

        Sync from the start without `since`, then keep passing `next_cursor`. For
        `*.published` and `*.updated` fetch the object by `slug` (and forget `previous_slug`);
        for `*.unpublished` and `*.deleted` forget `slug`. Drafts never appear; an article
        scheduled for later appears as published when its time comes.
        """
        return services.changes_since(args.get("since"), args["limit"])
