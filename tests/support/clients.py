"""Generated API clients, built the way their users build them: a live server on a free port,
the document it serves, openapi-python-client (PyPI) and openapi-typescript + tsc (npm, pinned
in tools/clients/, installed by `make client-tools`)."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "tests" / "clients"
BIN = Path(sys.executable).parent
NODE_BIN = ROOT / "tools" / "clients" / "node_modules" / ".bin"
OPENAPI_TYPESCRIPT = NODE_BIN / "openapi-typescript"
TSC = NODE_BIN / "tsc"
PYTHON_PACKAGE = "careleaf_client"


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The venv's bin first: openapi-python-client formats its output with our pinned ruff.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def generate_python_client(document: Path, into: Path) -> ModuleType:
    """Generate the Python client from `document` into `into` (offline) and import it."""
    into.mkdir(parents=True, exist_ok=True)
    result = _run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path", str(document),
            "--config", str(CLIENTS / "openapi-python-client.yaml"),
            "--meta", "none",
            "--output-path", str(into / PYTHON_PACKAGE),
        ],
        cwd=into,
    )  # fmt: skip
    # A warning means a part of the API is missing from the client: the document must change.
    assert result.returncode == 0 and "Warning" not in result.stdout, result.stdout + result.stderr
    sys.path.insert(0, str(into))
    for name in [n for n in sys.modules if n.split(".")[0] == PYTHON_PACKAGE]:
        del sys.modules[name]  # another test's copy
    importlib.invalidate_caches()
    return importlib.import_module(PYTHON_PACKAGE)


def require_typescript_tools() -> None:
    """The npm tools of tools/clients; CI must have them (`make client-tools`)."""
    missing = [str(tool) for tool in (OPENAPI_TYPESCRIPT, TSC) if not tool.exists()]
    if shutil.which("node") is None:
        missing.append("node (apt-get install nodejs)")
    if not missing:
        return
    message = f"missing {', '.join(missing)}: run `make client-tools`"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def generate_typescript_types(document: Path, into: Path) -> Path:
    """openapi-typescript's types for `document`, as `into/careleaf.d.ts`."""
    output = into / "careleaf.d.ts"
    result = _run([str(OPENAPI_TYPESCRIPT), str(document), "--output", str(output)], cwd=into)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def type_check(project: Path) -> subprocess.CompletedProcess[str]:
    """`tsc --noEmit` on the tsconfig.json of `project`."""
    return _run([str(TSC), "--noEmit", "-p", str(project / "tsconfig.json")], cwd=project)
