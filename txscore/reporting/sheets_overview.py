"""The Overview sheet, the workbook's first: the cover (study, waves, fieldwork dates, bases,
date, logo), the headlines (:mod:`txscore.reporting.headlines`) and the contents.

STUB: being written (issue 17); see /work/design17.md.
"""

from __future__ import annotations

import datetime as dt

from txscore.reporting.headlines import headlines_section
from txscore.reporting.xlsx import Book, Sheet

__all__ = ["overview_sheet"]


def overview_sheet(wb, ctx: Book, contents: list[tuple[str, str]], when: dt.datetime) -> None:
    """The first sheet; ``contents``: (sheet key, sheet name) of every sheet, in order;
    ``when``: the report's date."""
    lab = ctx.words
    sh = Sheet.new(wb, ctx, "overview", ctx.study.name, lab["summary_sub"])
    headlines_section(sh, ctx)
    sh.finish(gridlines=False)
