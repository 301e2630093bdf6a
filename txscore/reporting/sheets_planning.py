"""STUB: owned by the planner helper (see /work/design19.md)."""

from __future__ import annotations

from typing import Any

__all__ = ["planning_sheet"]


def planning_sheet(wb: Any, ctx: Any) -> None:
    """STUB."""
