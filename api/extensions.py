"""The app's extensions, created unbound here and initialised in `create_app`."""

from __future__ import annotations

from flask_limiter.util import get_remote_address

from api.core.db import Database
from api.core.ratelimit import Limiter, too_many_requests
from api.core.smorest import Api

db = Database()
api = Api()
# Storage, prefix and switch come from each app's RATELIMIT_* settings (memory by default).
limiter = Limiter(key_func=get_remote_address, on_breach=too_many_requests, headers_enabled=False)
