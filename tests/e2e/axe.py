"""The accessibility check of the browser tests: axe-core (static/vendor/axe-core) run in the page under test.

`assert_accessible(page)` injects axe-core into the page, runs `axe.run()` over the whole document and fails on any
violation whose impact is serious or critical, listing each rule with the elements it found and why, e.g.

    color-contrast (serious): Elements must meet minimum color contrast ratio thresholds
      - nav .nav-link[href="/hazards/"]: Element has insufficient color contrast of 2.36 (foreground color: ...)
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from playwright.sync_api import Page

AXE_STATIC = "vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# The rules of WCAG 2.1 A and AA (what the issue asks for) and axe's best practices (landmarks, headings, ...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
MAX_NODES_LISTED = 8


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """All the violations axe-core finds in the page as it is now (every impact)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # From the static files, as the page's own scripts are: the pages' Content Security Policy (script-src
        # 'self') blocks the inline script that add_script_tag(path=...) would add, and the check runs under it.
        page.add_script_tag(url=static(AXE_STATIC))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return {violations: result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
            }))};
        }""",
        TAGS,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        nodes = violation["nodes"]
        for node in nodes[:MAX_NODES_LISTED]:
            summary = " ".join(node["summary"].split())
            lines.append(f"  - {node['target']}: {summary}")
        if len(nodes) > MAX_NODES_LISTED:
            lines.append(f"  … and {len(nodes) - MAX_NODES_LISTED} more")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str = "") -> None:
    """Fail on any serious or critical accessibility violation in the page, listing them readably."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    where = label or page.url
    assert not blocking, f"accessibility violations on {where}:\n{describe(blocking)}"
