"""What-if simulation: the change in CX, BX, C, N and TX associated with shifts of the
dimensions, pillars or items of a brand.

STUB: owned by the simulator helper (see /work/design19.md).
"""

from __future__ import annotations

import pandas as pd

from txscore.result import Result

__all__ = ["scenarios_table", "simulate"]


def simulate(result: Result, *, brand: str, wave: str | None = None,
             changes: dict | None = None) -> pd.DataFrame:
    """STUB."""
    raise NotImplementedError


def scenarios_table(result: Result) -> pd.DataFrame:
    """Every ``[[scenarios]]`` of the study simulated (empty without)."""
    return pd.DataFrame()
