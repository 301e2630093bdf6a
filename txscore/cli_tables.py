"""``txscore tables``. STUB: owned by the banner-tables helper (see /work/design19.md).

:func:`add_command` registers the command on the parser of :mod:`txscore.cli`, which passes
``score_study(args, study, found) -> Result`` (reads, loads and scores the study with the
command line's progress and warnings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["add_command"]


def add_command(sub: Any, score_study: Callable[..., Any]) -> None:
    """Register ``txscore tables`` (its parser sets ``func``)."""
    del sub, score_study
