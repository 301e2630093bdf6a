"""STUB: owned by the simulator helper (see /work/design19.md)."""

from __future__ import annotations

from typing import Any

__all__ = ["scenarios_sheet"]


def scenarios_sheet(wb: Any, ctx: Any) -> None:
    """STUB."""
