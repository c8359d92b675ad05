"""A small axe-style check run inside the browser: form controls have labels, links and buttons have
names, images have alt text, and text contrast meets WCAG AA (4.5:1, 3:1 for large text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHECK_JS = "return " + (Path(__file__).with_name("a11y_check.js")).read_text(encoding="utf-8")


def violations(driver: Any) -> list[str]:
    result: list[str] = driver.execute_script(CHECK_JS)
    return result
