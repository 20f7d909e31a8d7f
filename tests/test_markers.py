"""The markers act: a store-specific test skips on the other store, and under CI a skip fails.

Each case runs pytest in a subprocess on one marked test of the suite, on SQLite (no
TEST_DATABASE_URL), with and without CI, and with Redis pointed at a port nothing listens on.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

POSTGRES_ONLY = (
    "tests/test_article_writes.py::test_concurrent_patches_with_the_same_etag_exactly_one_wins"
)
REDIS = "tests/test_newsletter_abuse.py::test_redis_storage_is_shared_and_cleaned_up"
NOWHERE = "redis://127.0.0.1:9"  # the discard port: nothing answers Redis there


def run_pytest(test: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "TEST_DATABASE_URL", "TEST_REDIS_URL")
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", test]
    return subprocess.run(
        command, cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "test, env, outcome, says",
    [
        (POSTGRES_ONLY, {}, "1 skipped", "needs PostgreSQL"),
        (POSTGRES_ONLY, {"CI": "1"}, "1 error", "skipped under CI"),
        (REDIS, {"TEST_REDIS_URL": NOWHERE}, "1 skipped", "no Redis server"),
        (REDIS, {"TEST_REDIS_URL": NOWHERE, "CI": "1"}, "1 error", "CI needs Redis"),
    ],
    ids=["postgres-only-skips", "ci-fails-a-skip", "redis-skips", "ci-fails-without-redis"],
)
def test_markers_skip_locally_and_fail_under_ci(test, env, outcome, says):
    result = run_pytest(test, **env)
    output = result.stdout + result.stderr
    assert outcome in output and says in output, output
    assert (result.returncode == 0) == ("skipped" in outcome), output
