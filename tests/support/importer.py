"""Markdown files for the importer: a valid article, writing a file to import, and running
a `flask` command (seed, import-articles) in a process of its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

GOOD = """---
title: Omega-3 and your back
slug: omega-3-and-your-back
summary: What fish oil can and cannot do.
author: jane-doe
topics: [nutrition]
published_at: 2026-01-02T09:00:00Z
language: en
---
Intro.

## Sources of omega-3

- Salmon
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def flask_command(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `flask --app wsgi <args>` in a process of its own on the store of `database_url`,
    as `make seed` / `make run` do (no test app, no test runner)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RATELIMIT_")}
    env.pop("MAIL_SERVER", None)
    env.update(DATABASE_URL=database_url, SECRET_KEY="seed-tests", LOG_LEVEL="WARNING")
    return subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
