"""Schema fuzzing: schemathesis drives every operation of the project's own openapi.yaml
against the app in-process (WSGI), public operations anonymously and staff operations with an
admin token, on a store seeded with the demo content so slugs hit real rows.

The `default` responses are removed from the document before fuzzing: they would accept any
status, so every status the app can return must be declared explicitly to pass
`status_code_conformance`. Bounded by FUZZ_MAX_EXAMPLES per operation (env, default 25).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.staff import Staff

ROOT = Path(__file__).resolve().parents[1]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def strict_document() -> dict[str, Any]:
    """openapi.yaml without the catch-all `default` responses."""
    document = copy.deepcopy(yaml.safe_load((ROOT / "openapi.yaml").read_text()))
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    return document


@pytest.fixture
def fuzz_target(make_app: Any, admin: Staff) -> dict[str, Any]:
    # Signups are rate-limited per client; the fuzzer is one client, so limits would hide
    # every other path. The limits themselves are tested elsewhere.
    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():  # the seed command runs in the context `flask seed` pushes
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return {"app": app, "token": admin.token}


schema = schemathesis.openapi.from_dict(strict_document())


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_app_conforms_to_its_openapi_document(case: Any, fuzz_target: dict[str, Any]) -> None:
    # Bodies are checked as sent: compression (tested on its own) would hide them in-process.
    headers = {"Accept-Encoding": "identity"}
    if case.operation.definition.raw.get("security"):
        headers["Authorization"] = f"Bearer {fuzz_target['token']}"
    case.call_and_validate(app=fuzz_target["app"], headers=headers, checks=CHECKS)
