"""The Scorecards sheet: one card per brand (issue 17).

STUB: being written; see /work/design17.md.
"""

from __future__ import annotations

from txscore.reporting.xlsx import Book, Sheet

__all__ = ["scorecard_sheet"]


def scorecard_sheet(wb, ctx: Book) -> None:
    """One card per brand: the indices with interval, change, peer gap and quadrant, the
    top drivers, the reliability caveats."""
    sh = Sheet.new(wb, ctx, "scorecards", ctx.words.sheets["scorecards"], "")
    sh.finish(gridlines=False)
