"""The study's settings in plain words, for the Methodology sheet.

Every field of the study's ``[index]``, ``[quality]`` and ``[report]`` settings becomes a
row: its name in plain words, its value in plain words (``95%``, ``2,000 resamples``,
``Benjamini–Hochberg``; not TOML), what it does, and its name in the study file (``[report]
bootstrap``). The rows are read from the dataclasses, so a setting added later still
appears: without words of its own it shows its study-file name and its TOML value (and
``tests/test_overview.py`` fails until it has words).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from txscore.reporting.text import Words, words_for

__all__ = ["FILE_KEYS", "SETTING_TABLES", "SettingRow", "setting_value", "settings_rows"]

#: the settings tables of a study, in the order of the study file
SETTING_TABLES = ("index", "quality", "report")
#: a field's name in the study file, when it differs from the field (``[table] key``)
FILE_KEYS = {
    "lam": "lambda", "speeder_column": "speeders.column",
    "speeder_seconds": "speeders.min_seconds", "speeder_median_share": "speeders.median_share",
    "straightline_min_items": "straightliners.min_items", "grids": "straightliners.grids",
    "incomplete_min_share": "incomplete.min_share", "incomplete_items": "incomplete.items",
    "incomplete_finished": "incomplete.finished", "test_column": "test_responses.column",
    "test_values": "test_responses.values",
}


@dataclasses.dataclass(frozen=True)
class SettingRow:
    """One setting: ``label`` and ``value`` in words, ``help`` (what it does) and ``key``,
    its name in the study file; ``field`` the dataclass field."""

    field: str
    label: str
    value: str
    help: str
    key: str


def _toml(value: Any) -> str:
    """A setting as it is written in study.toml ("—" when not set): for a setting that has
    no words yet."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "—"
    if isinstance(value, float):
        return "-inf" if value == -math.inf else f"{value:g}"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


# ---------------------------------------------------------------------- values in words
def _v(w: Words, key: str, **fields: object) -> str:
    return w.table["setting_values"][key].format(**fields)


def _on(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, "on" if value else "off")


def _choice(value: Any, study: Any, w: Words, field: str) -> str:
    return w.table["setting_values"].get(f"{field}.{value}", str(value))


def _names(value: Any, study: Any, w: Words, field: str) -> str:
    """A column, or a list of columns / values; the default when not set."""
    if value is None or value == () or value == "":
        default = f"{field}.default"
        return _v(w, default) if default in w.table["setting_values"] else _v(w, "none")
    if isinstance(value, str):
        return value
    sep = _v(w, "list_sep")
    return w["list_sep"].join(sep.join(v) for v in value) if field == "grids" else sep.join(
        map(str, value))


def _count(unit: str) -> Callable[..., str]:
    return lambda value, study, w, field: _v(w, unit, n=w.count(value))


def _neff(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, "n_eff", n=w.num(value))


def _share(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, "none") if value is None else w.pct(value)


def _seconds(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, "none") if value is None else _v(w, "seconds", n=w.num(value))


def _median(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, "none") if value is None else _v(w, "median", share=w.pct(value))


def _symbol(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, field, value=w.num(value))


def _bands(value: Any, study: Any, w: Words, field: str) -> str:
    """``Excellent ≥ 80, ..., Very poor < 50``."""
    parts = [f"{w.bands.get(name, name)} ≥ {w.num(lo)}" if math.isfinite(lo) else
             f"{w.bands.get(name, name)} < {w.num(value[i - 1][1])}"
             for i, (name, lo) in enumerate(value)]
    return _v(w, "list_sep").join(parts)


def _checks(value: Any, study: Any, w: Words, field: str) -> str:
    if not value:
        return _v(w, "none")
    return w["list_sep"].join(_v(w, "check", column=c.column, expected=_v(w, "list_sep").join(
        c.expected)) for c in value)


def _colors(value: Any, study: Any, w: Words, field: str) -> str:
    if not value:
        return _v(w, "brand_colors.default")
    return _v(w, "list_sep").join(_v(w, "color", brand=b, color=c)
                                  for b, c in value.items())


def _paper(value: Any, study: Any, w: Words, field: str) -> str:
    if value:
        return _choice(value, study, w, field)
    return _v(w, "paper_default", paper=_choice(study.report.paper_size, study, w, field))


def _file(value: Any, study: Any, w: Words, field: str) -> str:
    if value is None:
        default = f"{field}.default"
        return _v(w, default) if default in w.table["setting_values"] else _v(w, "none")
    return Path(value).name  # the file's name: its folder is the analyst's, not the client's


def _text(value: Any, study: Any, w: Words, field: str) -> str:
    return _v(w, "none") if value in (None, "") else str(value)


#: how each setting's value is written, by field
FORMATS: dict[str, Callable[..., str]] = {
    "cx_method": _choice, "bx_method": _choice, "lam": _symbol,
    "share_non_customer": _symbol, "min_customers_for_weights": _count("customers"),
    "nps_item": _text, "bands": _bands,
    **dict.fromkeys(("duplicates", "out_of_range", "no_answers", "speeders", "straightliners",
                     "incomplete", "incomplete_finished", "test_responses", "deck"), _on),
    "speeder_column": _names, "speeder_seconds": _seconds, "speeder_median_share": _median,
    "straightline_min_items": _count("items"), "grids": _names,
    "incomplete_min_share": _share, "incomplete_items": _names, "attention_checks": _checks,
    "test_column": _names, "test_values": _names,
    "confidence": _share, "bootstrap": _count("resamples"),
    "seed": lambda value, study, w, field: str(value),
    **dict.fromkeys(("suppress_below", "low_base_below", "caution_below", "peer_min_base"),
                    _neff),
    "language": _choice, "multiple_testing": _choice, "clusters": _choice,
    "bootstrap_exact_max": _count("respondents"), "paper": _paper, "logo": _file,
    "brand_colors": _colors, "focus_brand": _text, "deck_template": _file,
}


def setting_value(study: Any, table: str, field: str, w: Words) -> str:
    """One setting's value in words (its TOML form when it has no words).

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> setting_value(study, "report", "bootstrap", words_for("en"))
    '2,000 resamples'
    >>> setting_value(study, "report", "confidence", words_for("fr"))
    '95\xa0%'
    """
    value = getattr(getattr(study, table), field)
    fmt = FORMATS.get(field)
    return _toml(value) if fmt is None else fmt(value, study, w, field)


# ---------------------------------------------------------------------- rows
def _help(study: Any, field: str, w: Words) -> str:
    """What a setting does: the formula it sets, or a sentence of its own."""
    m, ix, rep = w.methodology, study.index, study.report
    conf = w.num(rep.confidence * 100)
    computed = {
        "cx_method": lambda: m.get(f"cx_{ix.cx_method}", ""),
        "bx_method": lambda: m.get(f"bx_{ix.bx_method}", ""),
        "lam": lambda: m["c"].format(lam=w.num(ix.lam)),
        "share_non_customer": lambda: m["tx"].format(share=w.num(ix.share_non_customer)),
        "nps_item": lambda: m["nps"].format(item=ix.nps_item) if ix.nps_item else "",
        "multiple_testing": lambda: m["multiple_bh"] if rep.multiple_testing == "bh"
        else m["multiple_none"].format(conf=conf),
    }
    if field in computed:
        return computed[field]()
    return w.table["settings_help"].get(field, "")


def settings_rows(study: Any, words: Words | None = None) -> list[SettingRow]:
    """Every field of the study's index, quality and report settings, in words.

    Examples
    --------
    >>> import txscore as tx
    >>> rows = {r.field: r for r in settings_rows(tx.read_study("surveys/sample/study.toml"))}
    >>> rows["lam"].label, rows["lam"].value, rows["lam"].key
    ('Customer score C', 'λ = 0.5', '[index] lambda')
    >>> rows["multiple_testing"].value, rows["speeder_seconds"].value
    ('None', '60 s')
    """
    w = words or words_for(study.report.language)
    labels = w.table["settings"]
    rows = []
    for table in SETTING_TABLES:
        for f in dataclasses.fields(getattr(study, table)):
            key = f"[{table}] {FILE_KEYS.get(f.name, f.name)}"
            rows.append(SettingRow(f.name, labels.get(f.name, key),
                                   setting_value(study, table, f.name, w),
                                   _help(study, f.name, w), key))
    return rows
