"""Markdown files for the importer: a valid article, and writing a file to import."""

from __future__ import annotations

from pathlib import Path

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
