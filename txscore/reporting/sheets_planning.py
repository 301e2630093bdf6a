"""The Planning sheet: the sample-size plan of ``[planning]`` (``result.planning``).

Its subtitle says the power, the test and the wave the variances come from; then one block
per comparison and change to detect (a heading, then one row per index x brand: today's
score and base, the design effect, the respondents needed per wave and per population, the
next wave's base when the other side keeps today's, the change detectable today and
today's power), then how to read it, the assumptions and the formula in words. The plan
(:mod:`txscore.scoring.plan`) decides every number and note; this sheet only puts them into
words.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from txscore.reporting.xlsx import Book, Col, Sheet, brand_words, translate

__all__ = ["planning_sheet"]

_COUNTS = ("n_needed", "n_customer", "n_non_customer", "n_next", "peers")


def planning_sheet(wb: Any, ctx: Book) -> None:
    """Add the Planning sheet to ``wb`` (when ``ctx.result.planning`` has rows).

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> from txscore.reporting.sheets_planning import planning_sheet
    >>> callable(planning_sheet)  # built by txscore.report when [planning] is set
    True
    """
    plan, lab = ctx.result.planning, ctx.words
    first = plan.iloc[0]
    sh = Sheet.new(wb, ctx, "planning", lab["plan_title"], lab["plan_sub"].format(
        power=lab.num(round(float(first["power"]) * 100, 1)),
        alpha=lab.num(float(first["alpha"])), wave=first["wave"]))
    tops = []
    for (compare, detect), block in plan.groupby(["compare", "detect"], sort=False):
        sh.row += 1
        sh.heading(lab["plan_heading"].format(detect=lab.num(float(detect)),
                                              compare=lab["plan_compare_" + str(compare)]))
        tops.append(_block(sh, ctx, block, peers=compare == "peers"))
    sh.row += 1
    for key in ("plan_reading", "plan_assumptions", "plan_formula"):
        sh.para(lab[key])
    one = tops[0] if len(tops) == 1 else None  # one table: its header stays in view
    sh.finish(freeze=f"A{one + 1}" if one else None, title_row=one)


def _block(sh: Sheet, ctx: Book, block: pd.DataFrame, *, peers: bool) -> int:
    """One comparison x change: the table, its header row returned."""
    lab, by = ctx.words, list(ctx.result.by)
    hidden = (block["flag"] == "suppressed").to_numpy()
    frame = block.assign(
        measure=translate(block["measure"], lab.measures),
        brand=brand_words(ctx, block["brand"]),
        value=block["value"].astype(object).where(~hidden, ctx.supp),
        # the base's flag leads the notes: one column of words, not two
        note=[lab["list_sep"].join(t for t in (lab.flags.get(f, "") if f != "ok" else "",
                                               lab.codes("plan_notes", v)) if t)
              for f, v in zip(block["flag"], block["note"], strict=True)])
    for c in _COUNTS:  # whole respondents; none shown as a blank cell
        frame[c] = [None if pd.isna(v) else int(v) for v in block[c]]
    cols = [Col("measure", lab["plan_h_measure"], wrap=True, cap=20),
            *[Col(b, b.replace("_", " ").capitalize()) for b in by],
            Col("brand", lab["plan_h_brand"]), Col("value", lab["plan_h_value"], "0.0"),
            Col("n", lab["plan_h_n"], "#,##0"), Col("deff", lab["plan_h_deff"], "0.00"),
            Col("n_needed", lab["plan_h_needed"], "#,##0"),
            Col("n_customer", lab["plan_h_customer"], "#,##0"),
            Col("n_non_customer", lab["plan_h_non_customer"], "#,##0"),
            Col("n_next", lab["plan_h_next"], "#,##0"), Col("mde", lab["plan_h_mde"], "0.0"),
            Col("power_now", lab["plan_h_power_now"], "0%"),
            # last but one: the columns of both comparisons' tables stay aligned
            *([Col("peers", lab["plan_h_peers"], "0")] if peers else []),
            Col("note", lab["plan_h_note"], wrap=True, cap=18)]
    grey = (block["flag"] != "ok").to_numpy()
    bold = ((block["brand"].astype(str) == ctx.focus).to_numpy() if ctx.focus
            else np.zeros(len(block), bool))
    name = f"Plan_{block['compare'].iloc[0]}_{len(sh.headers) + 1}"
    return sh.table(frame, cols, name=name, grey=grey, bold=bold)
