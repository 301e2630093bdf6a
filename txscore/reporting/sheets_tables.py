"""The Tables sheet: the banner tables of ``result.banners``, one block per table.

Each block: the table's title and scope (brand, wave), a row naming each banner above its
columns, the header (row, statistic, population, Total, then ``East (A)``, ...), and per
row of the table its values followed by the two base lines (respondents, unweighted, and
the effective base) in grey; then the letters' legend in words. A value's letters (the
columns of its banner it is significantly higher than, ``higher_than``) live in its
number format, so the cell stays a number (``72.4 BC``). Suppressed cells show the
suppressed-cell text, caution and low-base cells grey italics. Nothing is decided here:
the letters, flags and bases come from :mod:`txscore.scoring.banners`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from txscore.reporting.chart_base import label_of
from txscore.reporting.xlsx import GREY_FLAGS, Book, Sheet, brand_words

__all__ = ["row_label", "tables_sheet"]

#: the first column of values (row, statistic and population before it)
_FIRST = 4
#: the width of the row labels (characters): longer labels wrap
_LABEL_WIDTH = 34


def tables_sheet(wb: Any, ctx: Book) -> None:
    """Write the Tables sheet: one block per banner table of ``ctx.result.banners``."""
    lab = ctx.words
    sh = Sheet.new(wb, ctx, "tables", lab["bt_title"], lab["bt_sub"])
    frame = ctx.result.banners
    specs = {t.name: t for t in ctx.study.tables}
    for name in dict.fromkeys(frame["table"]):
        _block(sh, ctx, frame[frame["table"] == name], specs.get(name))
    sh.need(1, _LABEL_WIDTH)
    sh.finish()


def row_label(ctx: Book, r: Any) -> str:
    """A table row as the reader sees it: the label given in the spec, else the
    measure's, construct's or item's name in the report's language; a multi-select
    option after its question.

    >>> import types
    >>> from txscore.reporting.text import words_for
    >>> import txscore as tx
    >>> ctx = types.SimpleNamespace(words=words_for("fr"),
    ...     study=tx.read_study("surveys/sample/study.toml"))
    >>> r = types.SimpleNamespace(label="", measure="trust", option="")
    >>> row_label(ctx, r), row_label(ctx, types.SimpleNamespace(label="", measure="tx",
    ...                                                             option=""))
    ('Confiance', 'Score TX')
    """
    lang = ctx.words.language
    name = r.label or (ctx.words.measures.get(r.measure) if r.measure in ctx.words.measures
                       and r.measure not in ctx.study.items else
                       label_of(ctx.study, r.measure, lang))
    return f"{name}: {r.option}" if r.option else name


def _letters_format(letters: str) -> str:
    """The number format of a value and its letters: ``0.0" BC"``."""
    return '0.0" ' + letters + '"' if letters else "0.0"


def _block(sh: Sheet, ctx: Book, part: pd.DataFrame, spec: Any) -> None:
    """One table: title, scope, banner row, header, rows with their bases, legend."""
    lab, st, rep = ctx.words, ctx.st, ctx.study.report
    title = spec.title_in(lab.language) if spec is not None else str(part["table"].iloc[0])
    sh.heading(title)
    brand = brand_words(ctx, part["brand"].iloc[:1]).iloc[0]
    sh.para(lab["bt_scope"].format(brand=brand, wave=part["wave"].iloc[0]))
    columns = list(dict.fromkeys(zip(part["banner"], part["column"], part["letter"],
                                     strict=True)))
    at = {c: _FIRST + j for j, c in enumerate(columns)}
    if sh.fits(sh.row):  # each banner's name above its first column
        for (banner, _, _), j in at.items():
            if banner != "total" and j == min(v for k, v in at.items() if k[0] == banner):
                sh.cell(sh.row, j, banner, font=st["bold"])
    sh.row += 1
    sh.header(sh.row, [lab["bt_h_row"], lab["bt_h_statistic"], lab["bt_h_population"]] + [
        lab["bt_total"] if b == "total" else f"{c} ({lt})" for b, c, lt in columns])
    r = sh.row
    for _, cells in part.groupby(["row", "population"], sort=False):
        first = cells.iloc[0]
        label = row_label(ctx, first)
        r += 1
        sh.cell(r, 1, label, wrap=True)
        per_line = 1.2 * _LABEL_WIDTH  # text of 10 pt Arial: about 1.2 characters per unit
        if len(label) > per_line:
            sh.wrapped[r] = max(sh.wrapped.get(r, 1), math.ceil(len(label) / per_line))
        sh.cell(r, 2, lab[f"bt_stat_{first['statistic']}"], align=st["top"])
        sh.cell(r, 3, lab.populations.get(first["population"], first["population"]),
                align=st["top"])
        for c in cells.itertuples(index=False):
            j = at[(c.banner, c.column, c.letter)]
            if c.flag == "suppressed" or pd.isna(c.value):
                sh.cell(r, j, ctx.supp if c.flag == "suppressed" else "",
                        align=st["right_top"])
            else:
                sh.cell(r, j, float(c.value), _letters_format(c.higher_than),
                        font=st["grey"] if c.flag in GREY_FLAGS else None, align=st["right_top"])
        for key, col, fmt in (("bt_base_n", "n", "#,##0"), ("bt_base_eff", "n_eff", "#,##0")):
            r += 1
            sh.cell(r, 2, lab[key], font=st["grey"])
            for c in cells.itertuples(index=False):
                sh.cell(r, at[(c.banner, c.column, c.letter)], float(getattr(c, col)), fmt,
                        font=st["grey"])
    sh.row = r + 1
    bh = rep.multiple_testing == "bh"
    level = lab["level_bh" if bh else "level"].format(alpha=lab.num(round(1 - rep.confidence, 4)))
    if not part["higher_than"].fillna("").astype(str).ne("").any():
        sh.para(lab["bt_none"])
    sh.para(lab["bt_legend"].format(level=level, bh=lab["bt_bh"] if bh else "",
                                    caution=lab.num(rep.caution_below), supp=ctx.supp,
                                    suppress=lab.num(rep.suppress_below)))
    sh.row += 1
