"""Imports point one way: no module of `api` imports itself back, and core sits at the bottom.

The graph is read from the source with `ast`, so it sees every import the interpreter could
run: module-level, inside functions, relative. Imports under `if TYPE_CHECKING:` never run
and are left out (two mapped classes may name each other for type hints).
"""

from __future__ import annotations

import ast
from pathlib import Path

API = Path(__file__).resolve().parent.parent / "api"

CORE = ("api.core", "api.extensions", "api.config")
DELIVERY = (
    "feeds",
    "bundles",
    "changes",
    "search",
    "webhooks",
    "structured_data",
    "caching",
    "infobutton",
    "handouts",
)
# Known crossings, kept visible so that no new one slips in. auth resolves tokens to users;
# the article schema embeds its JSON-LD.
ALLOWED_UPWARD = {
    ("api.core.auth", "api.users.models"),
    ("api.articles.schemas", "api.structured_data.jsonld"),
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in API.rglob("*.py"):
        parts = list(path.relative_to(API.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _imported(node: ast.AST, package: str, modules: dict[str, object]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    # `from api.core import errors` imports the module api.core.errors, not just the package.
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) not in skipped:
                for target in _imported(node, package, modules):
                    if target in modules and target != name:
                        graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[module] = 2
        path.pop()
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    graph = import_graph()
    assert "api.hooks" in graph["api"]  # imported inside create_app
    assert "api.articles.models" in graph["api.articles.loading"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_api_imports_itself_back():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_core_imports_nothing_above_it_and_resources_no_delivery_package():
    upward = set()
    for module, targets in import_graph().items():
        for target in targets:
            if module.startswith(CORE) and not target.startswith(CORE):
                upward.add((module, target))
            layer = module.split(".")[1] if module.count(".") >= 2 else None
            if (
                layer not in (None, "core", *DELIVERY)
                and target.count(".") >= 2
                and target.split(".")[1] in DELIVERY
            ):
                upward.add((module, target))
    assert upward == ALLOWED_UPWARD
