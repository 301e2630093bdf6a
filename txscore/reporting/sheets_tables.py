"""STUB: owned by the banner-tables helper (see /work/design19.md)."""

from __future__ import annotations

from typing import Any

__all__ = ["tables_sheet"]


def tables_sheet(wb: Any, ctx: Any) -> None:
    """STUB."""
