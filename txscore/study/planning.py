"""The ``[planning]`` table of a study: the sample-size plan of the Planning sheet, typed.

STUB: owned by the planner helper (see /work/design19.md).
"""

from __future__ import annotations

from typing import Any

from txscore.study.collector import Collector

__all__ = ["parse_planning"]


def parse_planning(c: Collector, raw: Any) -> Any:
    """The ``[planning]`` settings (None when absent); problems go to ``c``."""
    return None
