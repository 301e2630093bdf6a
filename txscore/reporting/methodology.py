"""The Methodology sheet in plain language: the study, a glossary, how each score is made,
every setting beside its own explanation, the inputs and the software.

:func:`methodology_rows` returns sections of rows in the workbook's language
(:mod:`txscore.reporting.text`): a row is ``(label, text)``, or for a setting ``(label,
value, what it does, its name in the study file)``
(:func:`txscore.reporting.settings_words.settings_rows`). Each setting sits in the section
it belongs to (the CX method with the CX formula, the confidence level with the
intervals, ...); a setting no section places yet (a new one) is listed under "Other
settings", so that every setting of the study is shown. The glossary comes from
:mod:`txscore.reporting.glossary`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
from importlib import metadata
from typing import TYPE_CHECKING

import pandas as pd

from txscore.reporting.glossary import glossary_rows
from txscore.reporting.settings_words import SettingRow, settings_rows
from txscore.reporting.text import Words, words_for
from txscore.reporting.xlsx import Book, Sheet
from txscore.study.vocabulary import TOTAL

if TYPE_CHECKING:
    from txscore.result import Result

__all__ = ["PRESENTATION", "methodology_rows", "methodology_sheet", "settings_rows"]

SOFTWARE = ("pandas", "numpy", "scipy", "openpyxl", "fastexcel", "matplotlib")
#: the settings of the report's presentation (their own section)
PRESENTATION = ("language", "paper", "logo", "brand_colors", "focus_brand", "deck",
                "deck_template")
#: a row of the sheet: (label, text) or (label, value, what it does, study-file name)
Row = tuple[str, ...]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _weights(frame: pd.DataFrame, study, setting: str, w: Words) -> str:
    """``Effectiveness 0.324 [0.306–0.343], ... (Weighted by impact on loyalty)``: the
    weights used, each dimension by its label in the language, the method in words (the
    study setting ``setting``'s value) and why it fell back, when it did."""
    titles = {c.dimension or c.name: c.title_in(w.language) for c in study.constructs.values()
              if c.role in ("cx_quality", "bx_pillar")}
    parts = [f"{titles.get(r.dimension, r.dimension)} {w.num(r.weight, 3)}"
             + (f" [{w.num(r.ci_low, 3)}–{w.num(r.ci_high, 3)}]"
                if pd.notna(r.ci_low) and pd.notna(r.ci_high) else "")
             for r in frame.itertuples()]
    code = str(frame["method"].iloc[0])
    method = w.table["setting_values"].get(f"{setting}.{code}", code)
    note = w.codes("weight_notes", frame["note"].iloc[0]) if "note" in frame else ""
    return w.methodology["weights"].format(weights=", ".join(parts),
                                           method=method + (f"{w['list_sep']}{note}" if note
                                                            else ""))


def _weighting_text(result: Result, w: Words) -> str:
    """How the weights were made: the weight column, raking (targets, cap, convergence,
    design effect, weight range), or none."""
    study = result.study
    m = w.methodology
    settings = study.weighting
    report = result.meta.weighting
    if settings is None or settings.method == "column":
        codes = _weight_codes(result)
        if codes == {""}:
            return m["unweighted"]
        text = (m["weighting_column"].format(column=_weight_text(result, w)) if len(codes) == 1
                else m["weighting_sources"])
        return text + _ones(result, w)
    if settings.method == "none" or report is None or report.empty:
        return m["unweighted"]
    targets = "; ".join(
        f"{scope}{' ' + wave if wave else ''}: " + ", ".join(
            f"{var} (" + ", ".join(f"{cat} {w.num(v, 3)}" for cat, v in cats.items()) + ")"
            for var, cats in table.items())
        for (scope, wave), table in settings.targets.items())
    groups = report.drop_duplicates(["population", "wave"])
    return m["weighting_rake"].format(
        groups=w["per_population_wave"] if settings.by_wave else w["per_population"],
        targets=targets, cap=w.num(settings.cap, 1) if settings.cap else "∞",
        converged=int(groups["converged"].sum()), n_groups=len(groups),
        deff=f"{w.num(groups['deff'].min(), 2)}–{w.num(groups['deff'].max(), 2)}",
        wmin=w.num(groups["min_weight"].min(), 2), wmax=w.num(groups["max_weight"].max(), 2))


def _weight_codes(result: Result) -> set[str]:
    """The weight sources of the files (``weight_source`` codes of ingest: "column:<name>",
    "constant:<value>", "none" = weight 1 in a weighted study, "" = unweighted)."""
    files = result.files
    if "weight_source" in files:
        return set(files["weight_source"].fillna("").astype(str))
    weight = result.study.columns.weight  # a table made without it: the study's setting
    return {"" if weight is None else f"column:{weight}" if isinstance(weight, str)
            else f"constant:{weight:g}"}


def _weight_text(result: Result, w: Words) -> str:
    """Where the weights come from: ``poids`` (one column everywhere), or per source
    ``poids (non_customers.csv); 1, no weight column (customers.xlsx)``."""
    m, files = w.methodology, result.files
    if "weight_source" not in files:
        codes = _weight_codes(result)
        return ", ".join(_weight_word(c, w) for c in sorted(codes)) or m["unweighted"]
    by_code = files.groupby(files["weight_source"].fillna("").astype(str), sort=False)[
        "source_file"].agg(lambda f: ", ".join(dict.fromkeys(map(str, f))))
    if len(by_code) == 1:
        return _weight_word(str(by_code.index[0]), w)
    return "; ".join(f"{_weight_word(code, w)} ({names})" for code, names in by_code.items())


def _weight_word(code: str, w: Words) -> str:
    """One weight source in words (see :func:`_weight_codes`)."""
    kind, _, value = code.partition(":")
    m = w.methodology
    if kind == "column":
        return value
    if kind == "constant":
        return m["weight_constant"].format(value=w.num(float(value)))
    return m["weight_one"] if kind == "none" else m["unweighted"]


def _ones(result: Result, w: Words) -> str:
    """The sentence saying which sources had no weight and weigh 1 (" " + it), or ""."""
    files = result.files
    if "weight_source" not in files:
        return ""
    none = files.loc[files["weight_source"].astype(str) == "none", "source_file"]
    if none.empty:
        return ""
    return " " + w.methodology["constant_weight"].format(
        files=", ".join(dict.fromkeys(map(str, none))))


class _Settings:
    """The study's settings in words, handed out by field; remembers which were placed."""

    def __init__(self, study, w: Words) -> None:
        self.rows: dict[str, SettingRow] = {r.field: r for r in settings_rows(study, w)}
        self.used: list[str] = []

    def __call__(self, field: str) -> Row:
        self.used.append(field)
        r = self.rows[field]
        return r.label, r.value, r.help, r.key

    def rest(self) -> list[Row]:
        return [self(f) for f in list(self.rows) if f not in self.used]


def methodology_rows(result: Result, when: dt.datetime,
                     words: Words | None = None) -> list[tuple[str, list[Row]]]:
    """Sections of rows for the Methodology sheet.

    Parameters
    ----------
    result : Result
        The scored study.
    when : datetime
        The run date written into the workbook.
    words : Words, optional
        The words; default those of ``result.study.report.language``.

    Returns
    -------
    list of (section title, rows)
        A row is ``(label, text)`` or, for a setting, ``(label, value, what it does, its
        name in the study file)``.

    Examples
    --------
    >>> import datetime as dt, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> sections = methodology_rows(tx.score(tx.load(study)), dt.datetime(2026, 1, 1))
    >>> [title for title, _ in sections][:3]
    ['Study', 'Glossary', "Scores (txscore's open method; not Forrester's proprietary indices)"]
    >>> dict((r[0], r[1]) for _, rows in sections for r in rows)["Confidence level"]
    '95%'
    """
    w = words or words_for(result.study.report.language)
    m, setting = w.methodology, _Settings(result.study, w)
    sections: list[tuple[str, list[Row]]] = [
        (m["s_study"], _study_rows(result, when, w)),
        (m["s_glossary"], glossary_rows(result, w)),
        (m["s_scores"], _score_rows(result, w, setting)),
        (m["s_uncertainty"], _uncertainty_rows(result, w, setting)),
        (m["s_reliability"], [(m["k_alpha"], m["alpha"]),
                              (m["k_dimensionality"], m["dimensionality"]),
                              (m["k_verdicts"], m["verdicts"])])]
    drivers = getattr(result, "drivers", None)
    if isinstance(drivers, pd.DataFrame) and not drivers.empty:
        methods = ", ".join(w.methods.get(x, x) for x in drivers["method"].dropna().unique())
        quadrants = {**w.ip_quadrants, "unclear": w.ip_quadrants.get("unclear", m["unclear"])}
        sections.append((m["s_drivers"], [(m["k_method"], m["method"].format(methods=methods)),
                                          (m["k_importance"], m["importance"]),
                                          (m["k_ip"], m["ip_rule"].format(**quadrants))]))
    sections.append((m["s_quality"], _quality_rows(result, w, setting)))
    sections.append((m["s_presentation"], [setting(f) for f in PRESENTATION
                                           if f in setting.rows]))
    rest = setting.rest()
    if rest:
        sections.append((m["s_other"], rest))
    sections.append((m["s_files"], [
        (f"{r.source_file}" + (f" [{r.source_sheet}]" if r.source_sheet else ""),
         m["file"].format(population=w.populations.get(r.population, r.population),
                          wave=r.wave, rows=w.count(r.rows_in), reader=r.reader, sha=r.sha256))
        for r in result.files.itertuples()]))
    sections.append((m["s_software"], [
        ("txscore", _version("txscore")), (m["k_python"], platform.python_version()),
        *[(p, _version(p)) for p in SOFTWARE], (m["k_reproducible"], m["reproducible"])]))
    return sections


def _study_rows(result: Result, when: dt.datetime, w: Words) -> list[tuple[str, str]]:
    """The study, its waves, brands, segments, weighting and personal data."""
    study, m = result.study, w.methodology
    brands = sorted(b for b in result.scores["brand"].unique() if b != TOTAL)
    # declared personal columns, and those detected by name or content at read time
    detected = [c.strip() for v in result.files.get("personal_removed", pd.Series(dtype=object))
                for c in str(v).split(",") if c.strip() and str(v) != "nan"]
    personal = ", ".join(dict.fromkeys([*study.columns.personal, *detected]))
    return [
        (m["k_study"], study.name),
        (m["k_spec"], study.spec_path.name if study.spec_path else m["not_set"]),
        (m["k_date"], when.strftime("%Y-%m-%d")),
        (m["k_waves"], ", ".join(study.waves)),
        (m["k_brands"], ", ".join(brands)),
        (m["k_segments"], ", ".join(result.by) or m["none"]),
        (m["k_weight"], _weight_text(result, w)),
        (m["k_weighting"], _weighting_text(result, w)),
        (m["k_personal"], m["personal"].format(columns=personal) if personal
         else m["personal_none"]),
    ]


def _score_rows(result: Result, w: Words, setting: _Settings) -> list[Row]:
    """How each score is computed, each method setting beside its formula, the weights used."""
    m = w.methodology
    rows: list[Row] = [(m["k_item"], m["item"]), (m["k_box"], m["box"]),
                       (m["k_dimension"], m["dimension"]), setting("cx_method")]
    if not result.cx_weights.empty:
        rows.append((m["k_cx_weights"], _weights(result.cx_weights, result.study,
                                                  "cx_method", w)))
    rows += [setting("min_customers_for_weights"), setting("bx_method")]
    if not result.bx_weights.empty and result.study.index.bx_method != "equal":
        rows.append((m["k_bx_weights"], _weights(result.bx_weights, result.study,
                                                  "bx_method", w)))
    return [*rows, setting("lam"), (m["k_n"], m["n"]), setting("share_non_customer"),
            (m["k_gap"], m["gap"]), (m["k_grid"], m["grid"]), setting("bands"),
            setting("nps_item")]


def _uncertainty_rows(result: Result, w: Words, setting: _Settings) -> list[Row]:
    """Confidence, intervals, significance, multiple testing and the base-size rules."""
    rep, m = result.study.report, w.methodology
    level = (w["level_bh"] if rep.multiple_testing == "bh" else w["level"]).format(
        alpha=w.num(round(1 - rep.confidence, 4)))
    engine = [] if result.meta.engine in ("memory", "chunks") else [(m["k_engine"], m[
        "engine"].format(engine=result.meta.engine, rows=w.count(result.meta.rows or 0)))]
    return [setting("confidence"), (m["k_item_ci"], m["item_ci"]), setting("bootstrap"),
            setting("seed"), setting("bootstrap_exact_max"), *engine,
            (m["k_significance"], m["significance"].format(level=level)),
            setting("multiple_testing"), (m["k_neff"], m["neff"]),
            *(setting(f) for f in ("suppress_below", "low_base_below", "caution_below",
                                   "peer_min_base"))]


def _quality_rows(result: Result, w: Words, setting: _Settings) -> list[Row]:
    """Rows read, scored and excluded, the exclusions by reason, and every check's
    setting."""
    files, m = result.files, w.methodology
    reasons = result.exclusions["reason"].value_counts(sort=False) if len(
        result.exclusions) else pd.Series(dtype=int)
    checks = [f.name for f in dataclasses.fields(result.study.quality)
              if f.name in setting.rows]
    return [
        (m["k_rows"], m["rows"].format(rows_in=w.count(files["rows_in"].sum()),
                                       scored=w.count(files["scored"].sum()),
                                       excluded=w.count(files["excluded"].sum()))),
        (m["k_reasons"], ", ".join(f"{w.reasons.get(r, r)} {w.count(n)}"
                                   for r, n in reasons.items()) or m["none"]),
        *(setting(f) for f in checks)]


# ---------------------------------------------------------------------- the sheet
#: column widths: label, value, what it does, name in the study file
WIDTHS = {1: 30.0, 2: 28.0, 3: 70.0, 4: 30.0}
#: characters of running text a column one unit wide holds at least (the unit is a digit's
#: width, letters are narrower on average; measured on LibreOffice's rendering, where Arial
#: falls back to the wider DejaVu Sans, 1.05 to 1.15): a row is rather too high than cut
CHARS_PER_WIDTH = 1.0


def text_lines(text: str, width: float, *, bold: bool = False) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` characters wide (greedy word wrap,
    as a spreadsheet does; bold text is wider).

    >>> text_lines("short", 30), text_lines("word " * 30, 30)
    (1, 5)
    """
    room = max(int((width - 1) * CHARS_PER_WIDTH * (0.9 if bold else 1.0)), 8)
    lines = 0
    for part in str(text).split("\n"):
        n, used = 1, 0
        for word in part.split():
            if used and used + 1 + len(word) > room:
                n, used = n + 1, len(word)
            else:
                used += len(word) + (1 if used else 0)
            while used > room:  # a word longer than the line breaks inside it
                n, used = n + 1, used - room
        lines += n
    return lines


def _row(sh: Sheet, row: Row) -> None:
    """One row: its label; then its text across the columns, or a setting's value, what it
    does and its name in the study file; a thin line below, heights from the wrapped text."""
    st, r = sh.ctx.st, sh.row
    label, value, help_, key = (*row, "", "")[:4]
    sh.cell(r, 1, label, font=st["bold"], wrap=True)
    lines = [text_lines(label, WIDTHS[1], bold=True)]
    if len(row) > 2:
        for j, (text, font) in enumerate(((value, None), (help_, None), (key, st["grey"])), 2):
            sh.cell(r, j, text, font=font, wrap=True)
            lines.append(text_lines(text, WIDTHS[j]))
    else:
        sh.cell(r, 2, value, wrap=True)
        lines.append(text_lines(value, WIDTHS[2] + WIDTHS[3] + WIDTHS[4]))
    for j in WIDTHS:
        sh.ws.cell(row=r, column=j).border = st["border"]
    if len(row) <= 2:
        sh.ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(WIDTHS))
    if max(lines) > 1:  # spreadsheets do not fit a row's height to its text on opening
        sh.wrapped[r] = max(lines)


def methodology_sheet(wb, ctx: Book, when: dt.datetime) -> None:
    """The Methodology sheet: :func:`methodology_rows` as four columns (label, value, what
    it does, name in the study file), one thin line between rows, no gridlines."""
    lab = ctx.words
    subtitle = lab.methodology["sub_plain"]
    sh = Sheet.new(wb, ctx, "methodology", lab["methodology_title"], subtitle)
    sh.paras.clear()  # the subtitle spans this sheet's four columns, not Sheet's eight
    sh.ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(WIDTHS))
    sh.wrapped[2] = text_lines(subtitle, sum(WIDTHS.values()))
    for section, rows in methodology_rows(ctx.result, when, lab):
        sh.heading(section)
        for row in rows:
            if not sh.fits(sh.row):  # Excel's last row (a list of files could get there)
                break
            _row(sh, row)
            sh.row += 1
        sh.row += 1
    sh.finish(gridlines=False, fixed=WIDTHS)
