from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.core.auth import current_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.core.writes import require_json_body
from api.users import services
from api.users.models import ApiToken, Role
from api.users.schemas import NewTokenSchema, TokenArgsSchema, TokenSchema

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens (admins)")
blp.before_request(require_json_body)


@blp.route("")
class Tokens(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.arguments(TokenArgsSchema, location="query")
    @blp.response(200, TokenSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List tokens (never the tokens themselves), newest first"""
        return services.tokens_query(args.get("user_id"))

    @staff_only(blp, Role.ADMIN)
    @blp.arguments(TokenSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a token for a user; the response is the only time it is shown"""
        user = services.user_for_field(data["user_id"], "user_id")
        token, plain = services.create_token(
            current_user(), user, data["name"], expires_at=data["expires_at"]
        )
        token.token = plain  # type: ignore[attr-defined]
        return token, 201, {"Cache-Control": "no-store"}


@blp.route("/<int:token_id>")
class TokenItem(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, TokenSchema)
    @blp.alt_response(404, description="No token has this id")
    def get(self, token_id: int) -> ApiToken:
        """Read a token's metadata"""
        return services.token_or_404(token_id)

    @staff_only(blp, Role.ADMIN)
    @blp.response(204)
    @blp.alt_response(404, description="No token has this id")
    def delete(self, token_id: int) -> None:
        """Revoke a token (idempotent; the token stops working at once)"""
        services.revoke_token(current_user(), services.token_or_404(token_id))
