"""Schema fuzzing: schemathesis drives every operation of the project's own openapi.yaml
against the app in-process (WSGI), public operations anonymously and staff operations with an
admin token, on a store seeded with the demo content so slugs hit real rows.

Two phases: every operation alone (stateless), then chains of calls that follow the links
schemathesis infers from the document (POST -> GET/PATCH/DELETE of what was created), so staff
operations run on rows that exist. Every response must conform: no server error, declared
status codes, content types, bodies and headers. The `default` responses are removed from the
document first: they would accept any status. Before a PATCH, PUT or DELETE the current ETag is
fetched and sent as If-Match (a careful client's request), so the service code behind every
conditional write is fuzzed rather than stopped at 428/412. Bounded by FUZZ_MAX_EXAMPLES (env,
default 25) per operation and per stateful run.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from flask import Flask
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
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


def admin_token_still_works(ctx: Any, response: Any, case: Any) -> bool | None:
    """A staff call that sent the admin's token must reach its operation: a 401 means the
    run lost its admin, and every later staff case would test nothing but the 401. (Negative
    cases may leave the header out on purpose: their 401 is right.)"""
    sent = response.request.headers.get("Authorization")
    if sent and sent.startswith("Bearer clf_") and response.status_code == 401:
        raise AssertionError(f"{case.method} {case.formatted_path}: the admin token was refused")
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    admin_token_still_works,
]
CONDITIONAL_WRITES = frozenset({"PATCH", "PUT", "DELETE"})
# Operations that can revoke a token or deactivate a user, the run's admin included: each call
# is made by a fresh admin, and the run's admin is replaced after it (it may have been hit).
CALLER_ENDING = frozenset(
    {
        ("DELETE", "/api/v1/tokens/{token_id}"),
        ("PATCH", "/api/v1/users/{user_id}"),
        ("DELETE", "/api/v1/users/{user_id}"),
    }
)
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def strict_document() -> dict[str, Any]:
    """openapi.yaml without the catch-all `default` responses."""
    document = copy.deepcopy(yaml.safe_load((ROOT / "openapi.yaml").read_text()))
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    return document


class Target:
    """The app under test and how each case is sent to it."""

    def __init__(self, app: Flask, admin: Staff, mint_admin: Callable[[], Staff]) -> None:
        self.app, self.admin, self.mint_admin = app, admin, mint_admin

    def headers_for(self, case: Any) -> dict[str, str]:
        # Bodies are checked as sent: compression (tested on its own) would hide them in-process.
        headers = {"Accept-Encoding": "identity"}
        # `[{}]` is purely public: sent anonymously; any other requirement takes the token.
        if any(case.operation.definition.raw.get("security", [])):
            key = (case.method.upper(), case.operation.path)
            caller = self.mint_admin() if key in CALLER_ENDING else self.admin
            headers["Authorization"] = f"Bearer {caller.token}"
        return headers

    def send_current_etag(self, case: Any, headers: dict[str, str]) -> None:
        """Give a conditional write the ETag a GET of the same URL answers now, as If-Match.

        Overrides any generated If-Match (once the header is a declared parameter too): a
        random one only ever reaches the 412.
        """
        if case.method.upper() not in CONDITIONAL_WRITES:
            # An optional If-Match (transitions, restore) is left out: a random one only
            # ever reaches the 412, and the write behind it would go unfuzzed.
            if case.headers and "If-Match" in case.headers:
                case.headers = {k: v for k, v in case.headers.items() if k != "If-Match"}
            return
        current = self.app.test_client().get(case.formatted_path, headers=headers)
        etag = current.headers.get("ETag")
        if current.status_code == 200 and etag:
            case.headers = {**(case.headers or {}), "If-Match": etag}

    def prepare(self, case: Any) -> dict[str, str]:
        headers = self.headers_for(case)
        self.send_current_etag(case, headers)
        return headers

    def after(self, case: Any) -> None:
        if (case.method.upper(), case.operation.path) in CALLER_ENDING:
            self.admin = self.mint_admin()


@pytest.fixture
def fuzz_target(make_app: Any, admin: Staff, make_staff: Any) -> Target:
    # Signups are rate-limited per client; the fuzzer is one client, so limits would hide
    # every other path. The limits themselves are tested elsewhere.
    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():  # the seed command runs in the context `flask seed` pushes
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return Target(app, admin, lambda: make_staff("admin"))


schema = schemathesis.openapi.from_dict(strict_document())


@pytest.mark.slow
@schema.parametrize()
@SETTINGS
def test_app_conforms_to_its_openapi_document(case: Any, fuzz_target: Target) -> None:
    headers = fuzz_target.prepare(case)
    try:
        case.call_and_validate(app=fuzz_target.app, headers=headers, checks=CHECKS)
    finally:
        fuzz_target.after(case)


class ChainedCalls(schema.as_state_machine()):  # type: ignore[misc]
    """Calls chained by the document's links, each sent and checked like the stateless ones.

    Failures are collected rather than raised: the store outlives each scenario, so a
    Hypothesis replay draws differently (`Flaky`) and would hide the failure behind that.
    """

    target: Target
    failures: list[str]
    scenarios = 0

    def setup(self) -> None:
        type(self).scenarios += 1

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"app": self.target.app, "headers": self.target.prepare(case)}

    def after_call(self, response: Any, case: Any) -> None:
        self.target.after(case)

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        try:
            case.validate_response(response, checks=CHECKS, headers=kwargs.get("headers"))
        except Exception as failure:  # reported together at the end
            self.failures.append(f"{case.method} {case.formatted_path}: {failure}")


@pytest.mark.slow
def test_chained_calls_conform_to_the_openapi_document(fuzz_target: Target) -> None:
    ChainedCalls.target, ChainedCalls.failures, ChainedCalls.scenarios = fuzz_target, [], 0
    # No shrinking (a replay on a changed store finds nothing new); a run that Hypothesis ends
    # as Flaky is started again until the scenarios are done.
    run_settings = settings(
        SETTINGS, stateful_step_count=8, phases=[Phase.explicit, Phase.generate]
    )
    for _attempt in range(10):
        with contextlib.suppress(Flaky):
            ChainedCalls.run(settings=run_settings)
        if ChainedCalls.scenarios >= MAX_EXAMPLES:
            break
    assert ChainedCalls.scenarios >= MAX_EXAMPLES
    assert not ChainedCalls.failures, "\n\n".join(dict.fromkeys(ChainedCalls.failures))


def test_conditional_writes_are_sent_with_the_current_etag(fuzz_target: Target) -> None:
    """The fuzzer's PATCH reaches the service (200), not the If-Match guard (428/412)."""
    client = fuzz_target.app.test_client()
    slug = client.get("/api/v1/authors").get_json()[0]["slug"]
    operation = schema["/api/v1/authors/{slug}"]["PATCH"]
    case = operation.Case(path_parameters={"slug": slug}, body={"job_title": "Nurse"})
    headers = fuzz_target.prepare(case)
    assert case.headers["If-Match"].startswith('"author-')
    response = case.call(app=fuzz_target.app, headers=headers)
    assert response.status_code == 200, response.text
    # A generated If-Match (once the header is declared) is replaced by the current one.
    case.headers["If-Match"] = '"author-0-v0"'
    fuzz_target.prepare(case)
    assert (
        case.headers["If-Match"]
        == client.get(f"/api/v1/authors/{slug}", headers=fuzz_target.headers_for(case)).headers[
            "ETag"
        ]
    )
