from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.audit import services
from api.audit.schemas import AuditArgsSchema, AuditEntrySchema
from api.core.auth import staff_only
from api.core.pagination import SelectPage
from api.core.smorest import Blueprint
from api.users.models import Role

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log (admins)")


@blp.route("")
class AuditLog(MethodView):
    @staff_only(blp, Role.ADMIN)
    @blp.arguments(AuditArgsSchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args: dict[str, Any]) -> Any:
        """List audit entries, newest first

        Filter by `actor` (user id), `object_type`, `object_id` and the time range
        [`since`, `until`).
        """
        return services.audit_query(**args)
