"""The headlines: what a client must know, in sentences written from rules (en and fr).

STUB: the rules are being written (issue 17); see /work/design17.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from txscore.reporting.text import Words
    from txscore.reporting.xlsx import Book, Sheet

__all__ = ["Cite", "Headline", "headlines", "headlines_section"]


@dataclass(frozen=True)
class Cite:
    """One figure a sentence cites: a row of ``result.scores`` (``comparison`` None), of
    ``result.changes`` (``comparison`` "wave" or "peer"), of ``result.grid``
    ("quadrant") or of ``result.drivers`` ("driver")."""

    table: str
    measure: str
    population: str
    brand: str
    wave: str
    comparison: str | None = None
    value: float | None = None


@dataclass(frozen=True)
class Headline:
    """One sentence: its rule (``kind``), its text and the figures it cites."""

    kind: str
    text: str
    cites: tuple[Cite, ...] = ()


def headlines(result: Any, words: Words) -> list[Headline]:
    """The headlines of ``result`` in the language of ``words``."""
    return []


def headlines_section(sh: Sheet, ctx: Book) -> None:
    """The headlines as sentences on the Overview sheet, from ``sh.row`` down."""
    return None
