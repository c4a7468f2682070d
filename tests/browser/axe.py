"""axe-core in Playwright: inject the vendored engine into a page and keep what matters.

The engine is tests/browser/vendor/axe-core/axe.min.js (version and sha256 in its README,
checked by test_axe_vendor.py). It is evaluated through the DevTools protocol, which the
site's Content-Security-Policy (script-src 'self') does not govern, so the page under test
keeps its real CSP.
"""

import hashlib
import re
from functools import cache
from pathlib import Path

VENDOR = Path(__file__).parent / "vendor" / "axe-core"
AXE_JS = VENDOR / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
}"""
# Two animation frames: resize handlers (app.js marks scrolling tables once a frame) have run.
SETTLE = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def vendored() -> dict[str, str]:
    """The version and sha256 that the vendor README declares, and those of the file."""
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    declared_version = re.search(r"^version: (\S+)$", readme, re.M)
    declared_sha = re.search(r"^sha256: ([0-9a-f]{64})$", readme, re.M)
    banner = re.match(r"/\*! axe v(\S+)", axe_source())
    return {
        "declared_version": declared_version.group(1) if declared_version else "",
        "declared_sha256": declared_sha.group(1) if declared_sha else "",
        "file_version": banner.group(1) if banner else "",
        "file_sha256": hashlib.sha256(AXE_JS.read_bytes()).hexdigest(),
    }


def serious_violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    page.evaluate(SETTLE)
    return page.evaluate(_RUN)
