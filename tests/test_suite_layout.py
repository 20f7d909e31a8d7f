"""Shared test helpers live in tests/support/, never inside a test module another one imports."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def test_no_test_module_imports_another():
    offenders = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.name}: {name}" for name in names if name.startswith("tests.test_")
            ]
    assert offenders == [], "move shared helpers to tests/support/: " + ", ".join(offenders)
