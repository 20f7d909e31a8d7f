from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api.core.auth import current_user, staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint, if_match_required
from api.core.writes import check_if_match, etag_header, patch_schema, require_json_body
from api.users import services
from api.users.models import Role, User
from api.users.schemas import UserSchema

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Staff users (admins)")
blp.before_request(require_json_body)


@blp.route("")
class Users(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Any:
        """List staff users"""
        return services.users_query()

    @staff_only(blp, Role.ADMIN)
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="Another user has this email")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a staff user

        The email is trimmed and lowercased. Give them a token with `POST /api/v1/tokens`.
        """
        user = services.create_user(current_user(), data)
        location = url_for("users.UserItem", user_id=user.id)
        return user, 201, {"Location": location, **etag_header("user", user)}


@blp.route("/me")
class Me(MethodView):
    @staff_only(blp)
    @blp.response(200, UserSchema)
    def get(self) -> User | None:
        """Read the user the token belongs to"""
        return current_user()


@blp.route("/<int:user_id>")
class UserItem(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, description="No user has this id")
    def get(self, user_id: int) -> Any:
        """Read a staff user"""
        user = services.user_or_404(user_id)
        return user, 200, etag_header("user", user)

    @staff_only(blp, Role.ADMIN)
    @blp.arguments(patch_schema(UserSchema))
    @blp.response(200, UserSchema)
    @blp.alt_response(404, description="No user has this id")
    @blp.alt_response(409, description="Email in use, or the last admin would be lost")
    @if_match_required(blp, "user")
    def patch(self, data: dict[str, Any], user_id: int) -> Any:
        """Change a staff user (deactivate with `is_active: false`); needs If-Match"""
        user = services.user_or_404(user_id)
        check_if_match("user", user)
        services.update_user(current_user(), user, data)
        return user, 200, etag_header("user", user)
