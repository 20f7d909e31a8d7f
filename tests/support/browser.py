"""Headless Chromium (Debian's, never downloaded) driven by Playwright, with every problem a
page meets recorded: script errors, console errors (a CSP refusal is one), failed requests
and `securitypolicyviolation` events; plus axe-core (tools/axe, pinned npm package)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import CHROMIUM, ROOT

AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
# Listens before any page script runs (added through the DevTools protocol, so the page's
# own CSP does not apply to it) and keeps every CSP violation the page reports.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def watched_page(browser: Browser, **options: Any) -> Page:
    """A new page whose problems collect in `page.problems` (see `problems`)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, **options)
    found: list[str] = []
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("pageerror", lambda error: found.append(str(error)))
    # A failed request is recorded once, by its response below (the favicon the browser asks
    # for on its own is not the page's); every other console error is a problem.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and found.append(message.text)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and found.append(f"{response.status} {response.url}")
        ),
    )
    page.on("requestfailed", lambda request: found.append(f"failed {request.url}"))
    page.problems = found  # type: ignore[attr-defined]
    return page


def problems(page: Page) -> list[str]:
    """Everything that went wrong on the page so far, CSP violations included."""
    violations = page.evaluate("window.__cspViolations || []")
    return [*page.problems, *violations]  # type: ignore[attr-defined]


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations of those impacts on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: make client-tools", pytrace=False)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag", values:
              ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
