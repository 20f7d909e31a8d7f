"""The app's extensions, created unbound here and initialised in `create_app`."""

from __future__ import annotations

from api.core.db import Database
from api.core.smorest import Api

db = Database()
api = Api()
