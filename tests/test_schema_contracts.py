"""openapi.yaml matches the code, and migrations match the models, on the store under test."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from api.core.db import make_engine
from api.models import Base
from api.search.index import include_name

ROOT = Path(__file__).resolve().parents[1]


def test_openapi_yaml_is_what_the_code_generates(client):
    committed = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    generated = json.loads(json.dumps(client.get("/openapi.json").get_json()))
    assert committed == generated, "openapi.yaml is stale: run `make openapi`"


def test_migrations_yield_exactly_the_models_schema(database_url):
    # The session store was built by `alembic upgrade head` alone (see conftest).
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
