"""Accessibility checks with axe-core (vendored: ``vendor/axe.min.js``, 4.10.2, MPL-2.0).

``axe_violations(page)`` injects axe into the page through the DevTools protocol (``page.evaluate``, so the
site's Content-Security-Policy, which allows no inline scripts, need not be loosened) and runs the WCAG 2.x
A/AA rules; ``assert_accessible(page)`` fails on any serious or critical violation, naming the rule and the
first offending elements."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS)
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page, where: str = "") -> None:
    found = axe_violations(page)
    report = "\n".join(f"{v['impact']} {v['id']}: {v['help']} → " + "; ".join(", ".join(n["target"]) for n in v["nodes"][:3]) for v in found)
    assert not found, f"axe found serious/critical violations {where or page.url}:\n{report}"
