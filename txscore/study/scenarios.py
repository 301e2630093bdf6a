"""The ``[[scenarios]]`` of a study: what-if scenarios for the Scenarios sheet, typed.

STUB: owned by the simulator helper (see /work/design19.md).
"""

from __future__ import annotations

from typing import Any

from txscore.study.collector import Collector

__all__ = ["parse_scenarios"]


def parse_scenarios(c: Collector, raw: Any) -> tuple[Any, ...]:
    """The scenarios of ``[[scenarios]]`` (none when absent); problems go to ``c``."""
    return ()
