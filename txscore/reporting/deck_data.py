"""What the deck's slides read from the result, and how they say it: the cells by key, the
brands' names, numbers in the report's language, the bases of a footer and the lines of
the speaker notes (the method, the intervals, the cells to read with care or not shown).

Reporting decides nothing: a cell is shown when its ``flag`` is not "suppressed" and it
has a value; "caution" and "low_base" cells are named with their flag in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from txscore.reporting.chart_base import label_of
from txscore.reporting.deck_charts import clean
from txscore.reporting.deck_frame import Deck
from txscore.reporting.palette import brand_order as by_name
from txscore.study.vocabulary import TOTAL

__all__ = ["CHART_NAME_MAX", "FOOTER_BRANDS", "NAME_MAX", "SEP", "base_text", "bases_texts",
           "brand_name", "brands_of", "cells_index", "common_notes", "conf_text", "count_text",
           "finite", "flag_notes", "flagged_name", "hidden_notes", "interval_name", "interval_of",
           "is_shown", "label_text", "method_notes", "min_text", "pair", "score_cell",
           "signed_text", "value_text"]

#: characters of a brand's name in a title or a table, and on a chart or in a footer
#: (longer names are cut, with …)
NAME_MAX, CHART_NAME_MAX = 60, 32
#: brands a footer names one by one (more: the range of their bases)
FOOTER_BRANDS = 8
#: between the items of a footer or a note
SEP = " · "


def brand_name(deck: Deck, brand: object, limit: int = CHART_NAME_MAX) -> str:
    """A brand as the deck names it: the all-brands total in words, long names cut to
    ``limit`` characters."""
    if str(brand) == TOTAL:
        return deck.words["all_brands"]
    text = clean(brand)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def flag_notes(deck: Deck, cells: Sequence[tuple[str, str]]) -> list[str]:
    """The notes' line naming the cells to read with care: ``(name, flag)``."""
    flagged = [deck.t["flagged"].format(value=name, flag=deck.words.flags[flag])
               for name, flag in cells if flag in ("caution", "low_base")]
    return [deck.t["notes_flags"].format(cells=", ".join(flagged))] if flagged else []


def finite(value: object) -> float | None:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def is_shown(row: Any) -> bool:
    return row is not None and row.flag != "suppressed" and finite(row.value) is not None


def cells_index(deck: Deck) -> dict[tuple[str, ...], Any]:
    """The score rows by (measure, wave, brand) and the changes by (comparison, measure,
    population, wave, brand), built once per deck."""
    if "scores" not in deck.cache:
        s, c = deck.result.scores, deck.result.changes
        deck.cache["scores"] = {(str(r.measure), str(r.wave), str(r.brand)): r
                                for r in s.itertuples(index=False)}
        deck.cache["changes"] = {
            (str(r.comparison), str(r.measure), str(r.population), str(r.wave), str(r.brand)): r
            for r in c.itertuples(index=False)} if len(c) else {}
    return deck.cache["scores"]


def score_cell(deck: Deck, measure: str, wave: str, brand: str) -> Any:
    """The score row of a cell, or None."""
    return cells_index(deck).get((measure, wave, brand))


def brands_of(deck: Deck, measure: str, wave: str | None = None) -> list[str]:
    """The brands with a ``measure`` row (in ``wave``), by name, the total last."""
    found = {k[2] for k in cells_index(deck) if k[0] == measure and (wave is None or k[1] == wave)}
    return [*by_name(found), *([TOTAL] if TOTAL in found else [])]


def value_text(deck: Deck, value: float, decimals: int = 1) -> str:
    """A number as the deck writes it: the language's decimal mark, a true minus sign."""
    return deck.words.num(value, decimals).replace("-", "−")


def conf_text(deck: Deck) -> str:
    return deck.words.num(deck.result.study.report.confidence * 100)


def min_text(deck: Deck) -> str:
    return deck.words.num(deck.result.study.report.suppress_below)


def interval_of(row: Any) -> tuple[float, float] | None:
    lo, hi = finite(row.ci_low), finite(row.ci_high)
    return (lo, hi) if lo is not None and hi is not None else None


def base_text(deck: Deck, name: str, n: object, flag: str) -> str:
    text = deck.t["base_item"].format(name=name, n=count_text(deck, n))
    word = deck.words.flags.get(flag, "") if flag != "ok" else ""
    return deck.t["flagged"].format(value=text, flag=word) if word else text


def count_text(deck: Deck, n: object) -> str:
    v = finite(n)
    return deck.t["none"] if v is None else deck.words.count(v)


def bases_texts(deck: Deck, items: Sequence[str], values: Sequence[float | None],
           key: str = "bases", **fields: str) -> tuple[str, str]:
    """The footer (each item, or the range of ``values`` for many brands) and the notes'
    line (every item) of a slide's bases."""
    full = SEP.join(items)
    shown = full
    finite = [v for v in values if v is not None]
    if len(items) > FOOTER_BRANDS and finite:
        shown = deck.t["bases_range"].format(low=deck.words.count(min(finite)),
                                             high=deck.words.count(max(finite)), n=len(items))
    return (deck.t[key].format(bases=shown, **fields),
            deck.t["notes_bases"].format(text=full))


def method_notes(deck: Deck, *keys: str) -> list[str]:
    """The Methodology's texts of these keys (``k_tx``, ...) as notes lines."""
    m = deck.words.methodology
    return [deck.t["notes_method"].format(text=deck.t["method_item"].format(
        label=m[k], text=deck.method[m[k]])) for k in keys if m.get(k) in deck.method]


def common_notes(deck: Deck) -> list[str]:
    rep = deck.result.study.report
    return [deck.t["notes_intervals"].format(conf=conf_text(deck), boot=deck.words.count(
        rep.bootstrap)), deck.t["notes_suppressed"].format(min=min_text(deck))]


def hidden_notes(deck: Deck, names: Sequence[str]) -> list[str]:
    return [deck.t["notes_hidden"].format(min=min_text(deck), names=", ".join(names))] \
        if names else []


def signed_text(deck: Deck, value: float) -> str:
    shown = round(value, 1)
    return ("+" if shown > 0 else "−" if shown < 0 else "") + value_text(deck, abs(value))


def label_text(deck: Deck, key: object, shown: object) -> str:
    """A construct's (driver's) label in the deck's language: the study's translation, else
    the report's word for a measure (the loyalty composite), else as the table shows it."""
    study, language = deck.result.study, deck.words.language
    cons = getattr(study, "constructs", {}).get(str(key))
    if cons is not None and cons.labels.get(language):
        return clean(cons.labels[language])
    if str(key) in deck.words.measures:
        return deck.words.measures[str(key)]
    return clean(label_of(study, str(key), language, shown))


def interval_name(deck: Deck) -> str:
    return deck.t["interval"].replace("{conf}", conf_text(deck))


def flagged_name(deck: Deck, name: str, flag: str) -> str:
    """A name with its base flag in words when it is to be read with care."""
    if flag in ("caution", "low_base"):
        return deck.t["flagged"].format(value=name, flag=deck.words.flags[flag])
    return name


def pair(low: object, high: object) -> tuple[float, float] | None:
    lo, hi = finite(low), finite(high)
    return (lo, hi) if lo is not None and hi is not None else None
