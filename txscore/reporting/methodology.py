"""The Methodology sheet: every setting used, the formulas in words, the inputs.

:func:`methodology_rows` returns sections of (key, text) rows in the workbook's language
(:mod:`txscore.reporting.text`). Settings are listed generically from the study's
``[index]``, ``[quality]`` and ``[report]`` dataclasses, so that a new setting appears
without a change here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import platform
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pandas as pd

from txscore.reporting.text import Words, words_for
from txscore.reporting.xlsx import Book, Sheet, put
from txscore.study.vocabulary import TOTAL

if TYPE_CHECKING:
    from txscore.result import Result

SOFTWARE = ("pandas", "numpy", "scipy", "openpyxl", "fastexcel", "matplotlib")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _toml(value: Any) -> str:
    """A setting as it is written in study.toml ("—" when not set)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "—"
    if isinstance(value, float):
        return "-inf" if value == -math.inf else f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def settings_rows(study: Any) -> list[tuple[str, str]]:
    """``("[index] lambda", "0.5")`` rows for every field of the index, quality and report
    settings (TOML names: ``lam`` is written ``lambda``).

    Examples
    --------
    >>> import txscore as tx
    >>> rows = dict(settings_rows(tx.read_study("surveys/sample/study.toml")))
    >>> rows["[index] lambda"], rows["[report] bootstrap"]
    ('0.5', '2000')
    """
    rows = []
    for table in ("index", "quality", "report"):
        settings = getattr(study, table)
        for f in dataclasses.fields(settings):
            name = "lambda" if f.name == "lam" else f.name
            value = getattr(settings, f.name)
            if dataclasses.is_dataclass(value):
                value = dataclasses.asdict(value)
            rows.append((f"[{table}] {name}", _toml(value)))
    return rows


def _weights(frame: pd.DataFrame, w: Words) -> str:
    """``effectiveness 0.324 [0.306–0.343], ... (loyalty_weighted)``: the weights used, the
    method (the study setting's value) and why it fell back, when it did."""
    parts = [f"{r.dimension} {w.num(r.weight, 3)}"
             + (f" [{w.num(r.ci_low, 3)}–{w.num(r.ci_high, 3)}]"
                if pd.notna(r.ci_low) and pd.notna(r.ci_high) else "")
             for r in frame.itertuples()]
    method = str(frame["method"].iloc[0])
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


def methodology_rows(result: Result, when: dt.datetime,
                     words: Words | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Sections of (key, text) rows for the Methodology sheet.

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
    list of (section title, [(key, text), ...])

    Examples
    --------
    >>> import datetime as dt, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> sections = methodology_rows(tx.score(tx.load(study)), dt.datetime(2026, 1, 1))
    >>> [title for title, _ in sections][:2]
    ['Study', 'Settings used (as in the study file)']
    """
    w = words or words_for(result.study.report.language)
    m = w.methodology
    sections = [(m["s_study"], _study_rows(result, when, w)),
                (m["s_settings"], settings_rows(result.study)),
                (m["s_scores"], _score_rows(result, w)),
                (m["s_uncertainty"], _uncertainty_rows(result, w)),
                (m["s_reliability"], [(m["k_alpha"], m["alpha"]),
                                      (m["k_dimensionality"], m["dimensionality"]),
                                      (m["k_verdicts"], m["verdicts"])])]
    drivers = getattr(result, "drivers", None)
    if isinstance(drivers, pd.DataFrame) and not drivers.empty:
        methods = ", ".join(w.methods.get(x, x) for x in drivers["method"].dropna().unique())
        sections.append((m["s_drivers"], [(m["k_method"], m["method"].format(methods=methods)),
                                          (m["k_importance"], m["importance"]),
                                          (m["k_ip"], m["ip"].format(**w.ip_quadrants))]))
    sections.append((m["s_quality"], _quality_rows(result, w)))
    files = result.files
    sections.append((m["s_files"], [
        (f"{r.source_file}" + (f" [{r.source_sheet}]" if r.source_sheet else ""),
         m["file"].format(population=w.populations.get(r.population, r.population),
                          wave=r.wave, rows=w.count(r.rows_in), reader=r.reader, sha=r.sha256))
        for r in files.itertuples()]))
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


def _score_rows(result: Result, w: Words) -> list[tuple[str, str]]:
    """How each score is computed, with the weights used."""
    ix, m = result.study.index, w.methodology
    rows = [(m["k_item"], m["item"]), (m["k_box"], m["box"]),
            (m["k_dimension"], m["dimension"]), (m["k_cx"], m.get(f"cx_{ix.cx_method}",
                                                                     ix.cx_method))]
    if not result.cx_weights.empty:
        rows.append((m["k_cx_weights"], _weights(result.cx_weights, w)))
    rows.append((m["k_bx"], m.get(f"bx_{ix.bx_method}", ix.bx_method)))
    if not result.bx_weights.empty and ix.bx_method != "equal":
        rows.append((m["k_bx_weights"], _weights(result.bx_weights, w)))
    rows += [
        (m["k_c"], m["c"].format(lam=w.num(ix.lam))), (m["k_n"], m["n"]),
        (m["k_tx"], m["tx"].format(share=w.num(ix.share_non_customer))),
        (m["k_gap"], m["gap"]), (m["k_grid"], m["grid"]),
        (m["k_bands"], ", ".join(
            f"{w.bands.get(name, name)} ≥ {w.num(lo)}" if math.isfinite(lo) else
            f"{w.bands.get(name, name)} < {w.num(ix.bands[i - 1][1])}"
            for i, (name, lo) in enumerate(ix.bands))),
    ]
    if ix.nps_item:
        rows.append((m["k_nps"], m["nps"].format(item=ix.nps_item)))
    return rows


def _uncertainty_rows(result: Result, w: Words) -> list[tuple[str, str]]:
    """Confidence, intervals, significance, multiple testing and the base-size rules."""
    rep, m = result.study.report, w.methodology
    level = (w["level_bh"] if rep.multiple_testing == "bh" else w["level"]).format(
        alpha=w.num(round(1 - rep.confidence, 4)))
    conf = w.num(rep.confidence * 100)
    return [
        (m["k_confidence"], m["confidence"].format(conf=conf)),
        (m["k_item_ci"], m["item_ci"]),
        (m["k_composite_ci"], m["composite_ci"].format(boot=w.count(rep.bootstrap),
                                                        seed=rep.seed)),
        (m["k_significance"], m["significance"].format(level=level)),
        (m["k_multiple"], m["multiple_bh"] if rep.multiple_testing == "bh"
         else m["multiple_none"].format(conf=conf)),
        (m["k_neff"], m["neff"]),
        (m["k_base"], m["base"].format(suppress=w.num(rep.suppress_below),
                                       low=w.num(rep.low_base_below),
                                       caution=w.num(rep.caution_below),
                                       peer=w.num(rep.peer_min_base))),
    ]


def _quality_rows(result: Result, w: Words) -> list[tuple[str, str]]:
    """Rows read, scored and excluded, and the exclusions by reason."""
    files, m = result.files, w.methodology
    reasons = result.exclusions["reason"].value_counts(sort=False) if len(
        result.exclusions) else pd.Series(dtype=int)
    return [
        (m["k_rows"], m["rows"].format(rows_in=w.count(files["rows_in"].sum()),
                                       scored=w.count(files["scored"].sum()),
                                       excluded=w.count(files["excluded"].sum()))),
        (m["k_reasons"], ", ".join(f"{w.reasons.get(r, r)} {w.count(n)}"
                                   for r, n in reasons.items()) or m["none"]),
    ]


# ---------------------------------------------------------------------- the sheet
def methodology_sheet(wb, ctx: Book, when: dt.datetime) -> None:
    lab, st = ctx.words, ctx.st
    sh = Sheet.new(wb, ctx, "methodology", lab["methodology_title"], lab["methodology_sub"])
    for section, rows in methodology_rows(ctx.result, when, lab):
        sh.heading(section)
        for key, value in rows:
            if not sh.fits(sh.row):  # Excel's last row (a list of files could get there)
                break
            key_cell = put(sh.ws, sh.row, 1, key)
            key_cell.font, key_cell.alignment = st["bold"], st["top"]
            sh.cell(sh.row, 2, value, wrap=True)
            lines = math.ceil(len(str(value)) * 1.05 / 106)
            if lines > 1:
                sh.wrapped[sh.row] = lines
            sh.row += 1
        sh.row += 1
    sh.finish(gridlines=False, fixed={1: 34.0, 2: 110.0})
