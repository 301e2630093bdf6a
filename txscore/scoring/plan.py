"""Sample-size planning: the respondents needed to detect a change, and the smallest change
detectable with the current bases.

STUB: owned by the planner helper (see /work/design19.md).
"""

from __future__ import annotations

import pandas as pd

from txscore.result import Result

__all__ = ["plan", "planning_table"]


def plan(result: Result, *, detect: float = 2.0, power: float = 0.8, alpha: float = 0.05,
         compare: str = "previous_wave") -> pd.DataFrame:
    """STUB."""
    raise NotImplementedError


def planning_table(result: Result) -> pd.DataFrame:
    """The plan of ``[planning]`` (empty without)."""
    return pd.DataFrame()
