"""The Scenarios sheet: the what-if scenarios of ``[[scenarios]]`` (``Result.scenarios``).

The title and a subtitle saying what the numbers are, the assumptions in one paragraph
(associations read off the index model, not effects of actions), then one block per
scenario: its name, brand and wave, the shifts as asked, the growth-grid quadrant before
and after, and a table of each index (then each shifted score) with before, after, the
change and its interval, and the ``note`` codes of :mod:`txscore.scoring.simulate` in
words.  The numbers and codes come from the result; this sheet only puts them into words.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from txscore.reporting.chart_base import label_of
from txscore.reporting.text import Words
from txscore.reporting.xlsx import Book, Col, Sheet, translate

__all__ = ["scenario_frame", "scenarios_sheet", "shifts_text"]


def scenario_frame(part: pd.DataFrame, ctx: Book) -> pd.DataFrame:
    """One scenario's rows as shown: measures and populations in words, shifted scores
    named as such, notes as sentences, suppressed numbers as the suppressed-cell text.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.reporting.text import words_for
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml").with_settings(
    ...     bootstrap=0)))
    >>> out = tx.simulate(result, brand="Northwind", changes={"ease": 5})
    >>> ctx = Book(result, words_for("en"), {}, {}, "n<30")
    >>> scenario_frame(out, ctx)["measure"].tolist()[-1]
    'Ease, shifted'
    """
    lab, study = ctx.words, ctx.study
    notes = lab.table["sim_notes"]
    pops = translate(part["population"], lab.populations)

    def name(measure: str, level: str, population: str) -> str:
        if level == "index":
            return lab.measures.get(measure, measure)
        return lab["sim_shifted"].format(measure=label_of(study, measure, lab.language))

    frame = part.assign(
        measure=[name(m, lv, p) for m, lv, p in zip(part["measure"], part["level"], pops,
                                                      strict=True)],
        population=pops,
        # "associational" is every index row's: the assumptions paragraph says it once
        note=[lab["sim_given"] if lv == "shift" else " ".join(
            notes.get(c, c) for c in str(v).split() if c != "associational")
            for v, lv in zip(part["note"], part["level"], strict=True)])
    frame = frame.astype({k: object for k in ("before", "after", "change", "ci_low",
                                              "ci_high")})
    hidden = (part["flag"] == "suppressed").to_numpy()
    for key in ("before", "after", "change", "ci_low", "ci_high"):
        frame.loc[hidden, key] = ctx.supp
    return frame


def shifts_text(shifts: str, study: Any, lab: Words) -> str:
    """A simulation's ``shifts`` (``"ease=+5; trust=+10%"``) in words: each key's label and
    its shift in points or as a share of respondents moved one answer box.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.reporting.text import words_for
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> shifts_text("ease=+5; trust=-10%", study, words_for("en"))
    'Ease +5 points; Trust: 10% of respondents one answer box down'
    """
    parts = []
    for one in filter(None, shifts.split("; ")):
        key, _, shift = one.partition("=")
        label = label_of(study, key, lab.language)
        if shift.endswith("%"):
            amount = float(shift[:-1])
            parts.append(lab["sim_shift_up" if amount >= 0 else "sim_shift_down"].format(
                key=label, share=lab.pct(abs(amount) / 100)))
        else:
            value = float(shift)
            parts.append(lab["sim_shift_points"].format(
                key=label, shift=("+" if value > 0 else "") + lab.num(value)))
    return lab["sim_join"].join(parts) or "—"


def _block(sh: Sheet, ctx: Book, name: str, part: pd.DataFrame) -> int:
    lab = ctx.words
    first = part.iloc[0]
    sh.heading(lab["sim_scenario"].format(name=name, brand=first["brand"],
                                          wave=first["wave"]))
    sh.para(lab["sim_shifts"].format(shifts=shifts_text(str(first["shifts"]), ctx.study, lab)))
    if first["quadrant_before"]:
        q = lab.quadrants
        p = first["p_quadrant_before"]
        key = "sim_quadrant_same" if first["quadrant_before"] == first[
            "quadrant_after"] else "sim_quadrant"
        sh.para(lab[key].format(before=q.get(first["quadrant_before"]),
                                after=q.get(first["quadrant_after"], "—"),
                                p=lab.num(p, 2) if np.isfinite(p) else "—"))
    cols = [Col("measure", lab["sim_h_measure"], wrap=True, cap=28),
            Col("population", lab["sim_h_population"]),
            Col("before", lab["sim_h_before"], "0.0"), Col("after", lab["sim_h_after"], "0.0"),
            Col("change", lab["sim_h_change"], "+0.00;-0.00;0.00"),
            Col("ci_low", lab["h_ci_low"], "+0.00;-0.00;0.00"),
            Col("ci_high", lab["h_ci_high"], "+0.00;-0.00;0.00"),
            Col("note", lab["sim_h_note"], wrap=True, cap=40)]
    return sh.table(scenario_frame(part, ctx), cols)


def scenarios_sheet(wb: Any, ctx: Book) -> None:
    """The Scenarios sheet of ``ctx.result.scenarios`` (built only when it has rows).

    Examples
    --------
    >>> callable(scenarios_sheet)
    True
    """
    lab, rep = ctx.words, ctx.study.report
    sh = Sheet.new(wb, ctx, "scenarios", lab["sim_title"],
                   lab["sim_sub"].format(conf=lab.num(rep.confidence * 100)))
    sh.para(lab["sim_assumptions"])
    sh.row += 1
    shown = {s.name: s.name_in(ctx.words.language) for s in ctx.result.study.scenarios}
    tops = [_block(sh, ctx, shown.get(str(name), str(name)), part)
            for name, part in ctx.result.scenarios.groupby("scenario", sort=False)]
    one = tops[0] if len(tops) == 1 else None  # one table: its header stays in view
    sh.finish(freeze=f"A{one + 1}" if one else None, title_row=one)
