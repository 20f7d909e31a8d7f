from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api.blocks import actions, services, views
from api.blocks.schemas import (
    SharedBlockRevisionSchema,
    SharedBlockSchema,
    SharedBlockSummarySchema,
    SharedBlockTransitionResultSchema,
    SharedBlockTransitionSchema,
    SharedBlockWriteSchema,
)
from api.core.auth import require_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint, if_match_required
from api.core.writes import check_if_match, etag_header, patch_schema, require_json_body
from api.users.models import Role

blp = Blueprint(
    "shared_blocks",
    __name__,
    url_prefix="/api/v1/shared-blocks",
    description="Shared blocks (a topic's red flags): reviewed once, included by articles (staff)",
)
blp.before_request(require_json_body)
KIND = "shared-block"


@blp.route("")
class SharedBlocks(MethodView):
    @staff_only(blp)
    @blp.response(200, SharedBlockSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List shared blocks, by key"""
        return services.blocks_query()

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(SharedBlockWriteSchema)
    @blp.response(201, SharedBlockSchema)
    @blp.alt_response(409, description="The key is taken")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a shared block (revision 1, pending review: no live text yet)"""
        user = require_user()
        block = actions.create_block(user, data)
        block = services.block_or_404(block.key)
        group, name = block.key.split("/")
        headers = {"Location": url_for("shared_blocks.SharedBlockItem", group=group, name=name)}
        return views.staff_view(user, block), 201, {**headers, **etag_header(KIND, block)}


@blp.route("/<group>/<name>")
class SharedBlockItem(MethodView):
    @staff_only(blp)
    @blp.response(200, SharedBlockSchema)
    @blp.alt_response(404, description="No shared block has this key")
    def get(self, group: str, name: str) -> Any:
        """Read a shared block: its live text and any revision pending review"""
        block = services.block_or_404(f"{group}/{name}")
        return views.staff_view(require_user(), block), 200, etag_header(KIND, block)

    @staff_only(blp, Role.EDITOR)
    @blp.arguments(patch_schema(SharedBlockWriteSchema))
    @blp.response(200, SharedBlockSchema)
    @blp.alt_response(404, description="No shared block has this key")
    @if_match_required(blp, "shared block")
    def patch(self, data: dict[str, Any], group: str, name: str) -> Any:
        """Change a shared block; needs If-Match

        A new `body_markdown` becomes the next revision, pending review: articles keep
        showing the live text until a reviewer approves it. `title` and `topic` apply at once.
        """
        user = require_user()
        block = services.block_or_404(f"{group}/{name}", lock=True)
        check_if_match(KIND, block)
        block = actions.update_block(user, block, data)
        return views.staff_view(user, block), 200, etag_header(KIND, block)


@blp.route("/<group>/<name>/transitions")
class SharedBlockTransitions(MethodView):
    @staff_only(blp)
    @blp.arguments(SharedBlockTransitionSchema)
    @blp.response(200, SharedBlockTransitionResultSchema)
    @blp.alt_response(404, description="No shared block has this key")
    @blp.alt_response(409, description="Not allowed now; `allowed_actions` lists what is")
    @blp.alt_response(412, description="If-Match was given and is stale")
    def post(self, data: dict[str, Any], group: str, name: str) -> Any:
        """Move a shared block's pending revision through review

        submit (editor), approve or reject (reviewer; reject needs a comment). Approving
        makes the revision live and re-renders every article that includes the block.
        If-Match is optional here.
        """
        user = require_user()
        block = services.block_or_404(f"{group}/{name}", lock=True)
        check_if_match(KIND, block, required=False)
        changes = actions.transition(user, block, data)
        block = services.block_or_404(block.key)
        view = {
            **views.staff_view(user, block),
            "articles_updated": changes.get("articles_updated", []),
        }
        return view, 200, etag_header(KIND, block)


@blp.route("/<group>/<name>/revisions")
class SharedBlockRevisions(MethodView):
    @staff_only(blp)
    @blp.response(200, SharedBlockRevisionSchema(many=True))
    @blp.alt_response(404, description="No shared block has this key")
    @blp.paginate(SelectPage)
    def get(self, group: str, name: str) -> Any:
        """List a shared block's revisions with their approvals, newest first"""
        return views.revisions_query(services.block_or_404(f"{group}/{name}"))
