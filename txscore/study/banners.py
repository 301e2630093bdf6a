"""The ``[[tables]]`` of a study: banner tables (rows by banner columns), typed.

STUB: owned by the banner-tables helper (see /work/design19.md).
"""

from __future__ import annotations

from typing import Any

from txscore.study.collector import Collector

__all__ = ["parse_banner_tables"]


def parse_banner_tables(c: Collector, raw: Any, language: str) -> tuple[Any, ...]:
    """The banner tables of ``[[tables]]`` (none when absent); problems go to ``c``."""
    return ()
