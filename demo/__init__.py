"""Demo government website for govsearch: fictional content of 示例市 and a local mirror server."""

from __future__ import annotations

__all__ = ["content", "mirror", "site"]
