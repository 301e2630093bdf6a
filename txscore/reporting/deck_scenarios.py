"""The deck's what-if slides: one per scenario of ``Result.scenarios`` (``[[scenarios]]``).

Each slide is a table of the indices (then the scores shifted) with before, after, the
change and its interval; the footer says the shifts and the growth-grid quadrant before and
after; the speaker notes hold the assumptions (associations read off the index model, not
effects of actions) and what each note code means.  A suppressed cell shows no number.
An interval of no width by construction is marked, and a line under the table says why:
``†`` an index whose weights are fixed by its method (note ``fixed_weights``), ``‡`` a
shifted score (the shift is taken as given); neither means the change is certain.
The numbers and codes come from :mod:`txscore.scoring.simulate`; this module only lays
them out and puts them into words.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.util import Pt

from txscore.reporting.deck_charts import Rect
from txscore.reporting.deck_data import base_text, bases_texts, conf_text, label_text, value_text
from txscore.reporting.deck_frame import Deck, add_slide, add_table
from txscore.reporting.sheets_scenarios import shifts_text

__all__ = ["FIXED_MARK", "GIVEN_MARK", "interval_mark", "mark_lines", "scenario_rows",
           "scenario_slides"]

#: the mark of an interval of no width because the index's weights are fixed by its method
FIXED_MARK = "\u2020"
#: the mark of a shifted score's interval: no width because the shift is taken as given
GIVEN_MARK = "\u2021"
_EMU_PT = 12700
#: the table's and the marks' line's sizes (points): the table shrinks to leave room
_SIZE, _SMALLEST, _MARK_SIZE = 14, 10, 12


def interval_mark(level: str, note: str) -> str:
    """The mark of a scenario row's interval whose zero width is by construction:
    :data:`FIXED_MARK` for an index with the note ``fixed_weights``, :data:`GIVEN_MARK` for
    a shifted score, else "".

    Examples
    --------
    >>> interval_mark("index", "associational fixed_weights") == FIXED_MARK
    True
    >>> interval_mark("shift", "box_shift") == GIVEN_MARK, interval_mark("index", "")
    (True, '')
    """
    if "fixed_weights" in str(note).split():
        return FIXED_MARK
    return GIVEN_MARK if level == "shift" else ""


def scenario_rows(deck: Deck, part: pd.DataFrame) -> list[list[str]]:
    """One scenario's table rows as the deck writes them: measure, population, before,
    after, change, interval (with its :func:`interval_mark`).

    Examples
    --------
    >>> callable(scenario_rows)
    True
    """
    t, w = deck.words.table["text"], deck.words
    none = deck.t["none"]
    rows = []
    for r in part.itertuples(index=False):
        name = w.measures.get(r.measure, r.measure) if r.level == "index" else t[
            "sim_shifted"].format(measure=label_text(deck, r.measure, r.measure))
        if r.flag == "suppressed" or not np.isfinite(r.before):
            numbers = [none] * 4
        else:
            interval = deck.t["range"].format(low=value_text(deck, r.ci_low, 2),
                                              high=value_text(deck, r.ci_high, 2))
            mark = interval_mark(r.level, r.note) if np.isfinite(r.ci_low) else ""
            numbers = [value_text(deck, r.before), value_text(deck, r.after),
                       ("+" if r.change > 0 else "") + value_text(deck, r.change, 2),
                       f"{interval} {mark}" if mark else interval]
        rows.append([name, w.populations.get(r.population, r.population), *numbers])
    return rows


def mark_lines(deck: Deck, rows: list[list[str]]) -> list[str]:
    """The lines under a scenario's table: one per mark its interval cells carry (rows of
    :func:`scenario_rows`), saying why that interval has no width.

    Examples
    --------
    >>> callable(mark_lines)
    True
    """
    words = deck.words
    texts = {FIXED_MARK: words.table["sim_notes"]["fixed_weights"],
             GIVEN_MARK: words["sim_given"]}
    return [f"{mark} {text}" for mark, text in texts.items()
            if any(row[-1].endswith(f" {mark}") for row in rows)]


def _layout(rect: Rect, n_rows: int, lines: list[str]) -> tuple[int, Rect | None]:
    """The table's font size and the box of the marks' lines: the lines at the foot of the
    content area, the table (its header on up to two lines) smaller when both would not
    fit; a row that wraps takes the room left between them."""
    if not lines:
        return _SIZE, None
    per_line = rect.width / _EMU_PT / (_MARK_SIZE * 0.56)  # characters a line, at most
    height = Pt(sum(math.ceil(len(t) / per_line) for t in lines) * _MARK_SIZE * 1.25 + 8)
    size = _SIZE
    while size > _SMALLEST and Pt(size * 2.1) * (n_rows + 2) + height > rect.height:
        size -= 1
    return size, Rect(rect.left, int(rect.top + rect.height - height), rect.width, int(height))


def _footer(deck: Deck, first: pd.Series) -> str:
    t, q = deck.words.table["text"], deck.words.quadrants
    text = t["sim_shifts"].format(shifts=shifts_text(str(first["shifts"]),
                                                     deck.result.study, deck.words))
    if first["quadrant_before"]:
        p = first["p_quadrant_before"]
        key = "sim_quadrant_same" if first["quadrant_before"] == first[
            "quadrant_after"] else "sim_quadrant"
        text += " " + t[key].format(before=q.get(first["quadrant_before"]),
                                    after=q.get(first["quadrant_after"], "—"),
                                    p=deck.words.num(p, 2) if np.isfinite(p) else "—")
    return text


def _bases(deck: Deck, first: pd.Series) -> tuple[str, str]:
    """The footer's and the notes' bases: the brand's cell in each population that wave."""
    s = deck.result.scores
    cells = s[(s["brand"] == first["brand"]) & (s["wave"] == first["wave"]) & s["measure"].isin(
        ["customer_score", "non_customer_score"])]
    pops = deck.words.populations
    return bases_texts(deck, [base_text(deck, pops.get(r.population, r.population), r.n_eff,
                                        r.flag) for r in cells.itertuples()],
                       [float(v) for v in cells["n_eff"]])


def scenario_slides(deck: Deck) -> None:
    """A slide per what-if scenario (none when the result has no scenarios)."""
    table = getattr(deck.result, "scenarios", None)
    if table is None or table.empty:
        return
    t, words = deck.words.table["text"], deck.words
    header = [t["sim_h_measure"], t["sim_h_population"], t["sim_h_before"], t["sim_h_after"],
              t["sim_h_change"], t["sim_h_ci_conf"].format(conf=conf_text(deck))]
    shown = {s.name: s.name_in(words.language) for s in deck.result.study.scenarios}
    for name, part in table.groupby("scenario", sort=False):
        first = part.iloc[0]
        name = shown.get(str(name), str(name))
        codes = dict.fromkeys(c for v in part["note"] for c in str(v).split())
        notes = [t["sim_assumptions"], t["sim_sub"].format(conf=conf_text(deck)),
                 *(words.table["sim_notes"].get(c, c) for c in codes)]
        title = t["sim_slide_title"].format(name=name) + f" – {first['brand']}, {first['wave']}"
        bases, base_notes = _bases(deck, first)
        slide, rect, _ = add_slide(deck, title, footer=f"{bases}  {_footer(deck, first)}",
                                   notes=[*notes, base_notes])
        rows = scenario_rows(deck, part)
        lines = mark_lines(deck, rows)
        size, box = _layout(rect, len(rows), lines)
        add_table(slide, rect, header, rows, [3.0, 2.2, 1.1, 1.1, 1.2, 2.2], size=size,
                  right=(2, 3, 4, 5))
        if box is not None:
            frame = slide.shapes.add_textbox(box.left, box.top, box.width, box.height).text_frame
            frame.word_wrap = True
            for i, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                paragraph.text = line
                paragraph.runs[0].font.size = Pt(_MARK_SIZE)
