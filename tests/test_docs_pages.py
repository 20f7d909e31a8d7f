"""The Markdown people read (README.md, docs/, bench/, seed/README.md...) renders as written.

Each file is rendered with markdown-it-py (CommonMark plus GFM tables, as GitHub shows it) and
checked for what silently goes wrong in a long document: a table row cut off by a blank line
renders as a stray paragraph, a row with a cell too many or too few, a link to a file or heading
that is gone. The configuration page must name every setting of `api/config.py`, and only those.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from api import config as settings
from tests.conftest import ROOT

# Not documentation: build output, dependencies, and the demo articles (content the app renders,
# whose `/articles/<slug>` links are Careleaf internal links, not files).
SKIPPED_DIRS = {".git", ".venv", "node_modules", "instance", ".pytest_cache", ".ruff_cache"}
CONTENT_DIRS = {ROOT / "seed" / "articles", ROOT / "seed" / "blocks"}
CONFIG_PAGE = ROOT / "docs" / "configuration.md"
README_MAX_LINES = 250


def _markdown_files() -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(ROOT):
        here = Path(directory)
        subdirs[:] = [
            name for name in subdirs if name not in SKIPPED_DIRS and here / name not in CONTENT_DIRS
        ]
        found += [here / name for name in files if name.endswith(".md")]
    return sorted(found)


MARKDOWN_FILES = _markdown_files()


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


@cache
def _tokens(path: Path) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))


def _inline_text(token: Token) -> str:
    """A heading's text as GitHub reads it for its anchor: code spans and link texts included."""
    return "".join(
        child.content for child in token.children or [] if child.type in {"text", "code_inline"}
    )


def github_anchor(text: str) -> str:
    """GitHub's heading id: lowercase, punctuation dropped, each space a hyphen."""
    text = text.strip().lower()
    kept = "".join(
        char for char in text if char in " -_" or unicodedata.category(char)[0] in {"L", "N"}
    )
    return kept.replace(" ", "-")


@cache
def _anchors(path: Path) -> frozenset[str]:
    tokens = _tokens(path)
    seen: dict[str, int] = {}
    anchors = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        base = github_anchor(_inline_text(tokens[index + 1]))
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchors.add(base if count == 0 else f"{base}-{count}")
    return frozenset(anchors)


def _links(tokens: list[Token]) -> list[str]:
    links = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                links.append(str(child.attrs["href"]))
            elif child.type == "image":
                links.append(str(child.attrs["src"]))
    return links


def _cells(row: str) -> int:
    """Cells of a source table row: pipes not escaped with a backslash separate them."""
    return len(re.split(r"(?<!\\)\|", row.strip().removeprefix("|").removesuffix("|")))


def table_problems(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    in_table, in_code = set(), set()
    problems = []
    for token in _tokens(path):
        if token.map is None:
            continue
        rows = range(*token.map)
        if token.type == "table_open":
            in_table.update(rows)
            header = _cells(lines[token.map[0]])
            problems += [
                f"line {number + 1}: {_cells(lines[number])} cells, the header has {header}"
                for number in rows
                if lines[number].strip() and _cells(lines[number]) != header
            ]
        elif token.type in {"fence", "code_block"}:
            in_code.update(rows)
    problems += [
        f"line {number + 1} starts with | but renders outside a table: {line[:60]!r}"
        for number, line in enumerate(lines)
        if line.lstrip().startswith("|") and number not in in_table | in_code
    ]
    return problems


def broken_links(path: Path) -> list[str]:
    broken = []
    for link in _links(_tokens(path)):
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            continue  # a web address; not checked offline
        target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        if not target.exists():
            broken.append(f"{link}: no file {os.path.relpath(target, path.parent)}")
        elif parts.fragment and target.suffix == ".md" and parts.fragment not in _anchors(target):
            broken.append(f"{link}: no heading #{parts.fragment} in {target.name}")
    return broken


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=_ids(MARKDOWN_FILES))
def test_every_table_row_renders_inside_its_table(path: Path):
    assert table_problems(path) == []


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=_ids(MARKDOWN_FILES))
def test_relative_links_and_anchors_resolve(path: Path):
    assert broken_links(path) == []


def test_the_checks_see_broken_tables_links_and_anchors(tmp_path: Path):
    """The checks above can fail: a blank line in a table, a short row, dead files and anchors."""
    cut = tmp_path / "cut.md"
    cut.write_text("| a | b |\n| --- | --- |\n| 1 | 2 |\n\n| 3 | 4 |\n", encoding="utf-8")
    assert table_problems(cut) == ["line 5 starts with | but renders outside a table: '| 3 | 4 |'"]
    short = tmp_path / "short.md"
    short.write_text("| a | b |\n| --- | --- |\n| 1 |\n", encoding="utf-8")
    assert table_problems(short) == ["line 3: 1 cells, the header has 2"]

    (tmp_path / "other.md").write_text("## Known `code` heading, too!\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n[a](#a-page) [b](other.md#known-code-heading-too) [c](https://x.org/#y)\n"
        "[d](#nowhere) [e](missing.md) [f](other.md#unknown)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "#nowhere: no heading #nowhere in page.md",
        "missing.md: no file missing.md",
        "other.md#unknown: no heading #unknown in other.md",
    ]


def _documented_settings() -> set[str]:
    """Setting names in the first column of the configuration page's tables."""
    lines = CONFIG_PAGE.read_text(encoding="utf-8").splitlines()
    names: set[str] = set()
    for token in _tokens(CONFIG_PAGE):
        if token.type == "table_open" and token.map:
            for line in lines[token.map[0] + 2 : token.map[1]]:
                first_cell = line.strip().removeprefix("|").split("|")[0]
                names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_configuration_page_documents_every_setting_and_no_other():
    settings_names = set(settings.from_environment())
    documented = _documented_settings()
    assert sorted(settings_names - documented) == [], "settings missing from the page"
    assert sorted(documented - settings_names) == [], "documented, but not in api/config.py"


def test_readme_is_a_front_page_linking_every_docs_page():
    readme = ROOT / "README.md"
    assert len(readme.read_text(encoding="utf-8").splitlines()) < README_MAX_LINES
    linked = {
        (ROOT / urlsplit(link).path).resolve()
        for link in _links(_tokens(readme))
        if not urlsplit(link).scheme
    }
    pages = set((ROOT / "docs").glob("*.md"))
    assert sorted(str(page.relative_to(ROOT)) for page in pages - linked) == []
    index = ROOT / "docs" / "README.md"
    in_index = {(index.parent / urlsplit(link).path).resolve() for link in _links(_tokens(index))}
    assert sorted(p.name for p in pages - in_index - {index}) == []


def test_every_docs_image_is_shown_somewhere():
    shown = {
        (path.parent / unquote(urlsplit(link).path)).resolve()
        for path in MARKDOWN_FILES
        for link in _links(_tokens(path))
    }
    images = [path for path in (ROOT / "docs" / "images").iterdir() if path.is_file()]
    assert images, "docs/images/ holds the screenshot of the /docs browser test"
    assert sorted(p.name for p in images if p.resolve() not in shown) == []
