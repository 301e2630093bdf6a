"""The deck's what-if slides: one per scenario of ``Result.scenarios`` (``[[scenarios]]``).

Each slide is a table of the indices (then the scores shifted) with before, after, the
change and its interval; the footer says the shifts and the growth-grid quadrant before and
after; the speaker notes hold the assumptions (associations read off the index model, not
effects of actions) and what each note code means.  A suppressed cell shows no number.
The numbers and codes come from :mod:`txscore.scoring.simulate`; this module only lays
them out and puts them into words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from txscore.reporting.deck_data import base_text, bases_texts, conf_text, label_text, value_text
from txscore.reporting.deck_frame import Deck, add_slide, add_table
from txscore.reporting.sheets_scenarios import shifts_text

__all__ = ["scenario_rows", "scenario_slides"]


def scenario_rows(deck: Deck, part: pd.DataFrame) -> list[list[str]]:
    """One scenario's table rows as the deck writes them: measure, population, before,
    after, change, interval.

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
            numbers = [value_text(deck, r.before), value_text(deck, r.after),
                       ("+" if r.change > 0 else "") + value_text(deck, r.change, 2),
                       deck.t["range"].format(low=value_text(deck, r.ci_low, 2),
                                              high=value_text(deck, r.ci_high, 2))]
        rows.append([name, w.populations.get(r.population, r.population), *numbers])
    return rows


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
        add_table(slide, rect, header, scenario_rows(deck, part), [3.0, 2.2, 1.1, 1.1, 1.2, 2.2],
                  size=14, right=(2, 3, 4, 5))
