"""The codebook tables of a study spec: ``[scales]``, ``[constructs]``, ``[items]`` and
``[quality]``, each read by its own parser (:func:`txscore.study.read_study` calls them).

Every parser takes the :class:`~txscore.study.collector.Collector` of the run and the table as
TOML gave it; a value of the wrong type or out of range is a located problem and its
default (or nothing, for a whole scale, construct or item) is kept, so that one run lists
every mistake.  The keys each table may hold are :data:`KEYS`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from txscore.study.collector import CODE_LIMIT, Collector
from txscore.study.model import (
    DIMENSIONS,
    ROLES,
    AttentionCheck,
    Construct,
    Item,
    QualitySettings,
    Scale,
    default_boxes,
    normalise_label,
)
from txscore.study.vocabulary import POPULATIONS

__all__ = ["KEYS", "TOP_KEYS", "parse_constructs", "parse_items", "parse_quality",
           "parse_scales"]

TOP_KEYS = ("study", "sources", "columns", "scales", "constructs", "items", "index",
            "quality", "report", "weighting", "tables", "scenarios", "planning", "engine")
#: the keys each table may hold (``[weighting]``: :data:`txscore.study.weighting.WEIGHTING_KEYS`)
KEYS = {
    "study": ("name", "language"),
    "sources": ("path", "sheet", "population", "wave", "brand", "format", "header_row",
                "encoding", "delimiter", "brand_pattern", "brands", "columns", "items"),
    "columns": ("respondent_id", "brand", "weight", "segments", "personal", "duration",
                "start", "end", "finished", "status"),
    "scales": ("points", "min", "max", "labels", "missing", "top_box", "bottom_box"),
    "constructs": ("role", "dimension", "label", "populations"),
    "items": ("construct", "scale", "reversed", "text", "label"),
    "index": ("cx_method", "bx_method", "lambda", "share_non_customer",
              "min_customers_for_weights", "nps_item"),
    "quality": ("duplicates", "out_of_range", "no_answers", "speeders", "straightliners",
                "incomplete", "attention_checks", "test_responses"),
    "quality.speeders": ("enabled", "column", "min_seconds", "median_share"),
    "quality.straightliners": ("enabled", "min_items", "grids"),
    "quality.incomplete": ("enabled", "min_share", "items", "finished"),
    "quality.test_responses": ("enabled", "column", "values"),
    "quality.attention_checks": ("column", "expected", "scale"),
    "report": ("confidence", "bootstrap", "seed", "suppress_below", "low_base_below",
               "caution_below", "peer_min_base", "language", "multiple_testing",
               "bootstrap_exact_max", "paper", "logo", "brand_colors", "focus_brand", "deck",
               "deck_template", "clusters"),
}


# ---------------------------------------------------------------------- scales
def parse_scales(c: Collector, raw: Mapping[str, Any], language: str) -> dict[str, Scale]:
    """``[scales]``: one :class:`Scale` per valid ``[scales.<name>]`` table; the names of
    invalid ones go to ``c.invalid_scales`` (their items are not "unknown scale" too).

    >>> c = Collector("study.toml")
    >>> yes_no = {"points": 2, "labels": {"1": "No", "2": "Yes"}}
    >>> parse_scales(c, {"yes_no": yes_no}, "en")["yes_no"].labels
    {1: 'No', 2: 'Yes'}
    >>> parse_scales(c, {"slider": {"points": 1001, "min": 0}}, "en"), c.invalid_scales
    ({}, {'slider'})
    """
    scales = {}
    for name, t in raw.items():
        scale = _scale(c, name, t, language)
        if scale is not None:
            scales[name] = scale
        else:
            c.invalid_scales.add(name)
    if not raw:
        c.add("scales", "no scales are defined.", "add a [scales.<name>] table.")
    return scales


def _code_map(c: Collector, where: str, raw: Any,
              language: str) -> tuple[dict[int, str], dict[int, tuple[str, ...]],
                                      dict[str, dict[int, str]]]:
    """Parse ``{ 1 = "Label", 2 = ["Label", "Synonym"], 3 = { en = ..., fr = ... } }`` (TOML
    keys are strings): the label shown per code (in ``language`` when given, else the first),
    every label accepted per code, and language -> code -> label."""
    shown: dict[int, str] = {}
    accepted: dict[int, tuple[str, ...]] = {}
    translations: dict[str, dict[int, str]] = {}
    if not isinstance(raw, Mapping):
        c.add(where, f"must be a table of code = \"label\". Got {raw!r}.",
              'e.g. { 1 = "Strongly disagree", 5 = "Strongly agree" }.')
        return shown, accepted, translations
    for key, label in raw.items():
        try:
            code = int(key)
        except ValueError:
            c.add(where, f"code '{key}' is not a whole number.",
                  'write codes as numbers: { 1 = "Strongly disagree" }.')
            continue
        if abs(code) > CODE_LIMIT:
            c.add(where, f"code {code} is too large: codes are whole numbers between "
                  f"-{CODE_LIMIT:,} and {CODE_LIMIT:,}.", "use the code the data file holds, "
                  "e.g. 99 for \"Don't know\".")
            continue
        by_language = c.texts(where, f"the label of code {code}", label)
        if by_language is None:
            continue
        accepted[code] = tuple(dict.fromkeys(t for ts in by_language.values() for t in ts))
        shown[code] = (by_language.get(language) or next(iter(by_language.values())))[0]
        for lang, texts in by_language.items():
            if lang is not None:
                translations.setdefault(lang, {})[code] = texts[0]
    return shown, accepted, translations


def _scale(c: Collector, name: str, t: Any, language: str) -> Scale | None:
    where = f"scales.{name}"
    if not isinstance(t, Mapping):
        c.add(where, f"must be a table of settings, like [scales.{name}] with points = 5. Got "
              f"{t!r}.", f"write a [scales.{name}] header, then points = ..., labels = {{ ... }} "
              "on the lines below.")
        return None
    c.unknown_keys(where, t, KEYS["scales"])
    points = c.typed(where, t, "points", int, required=True)
    lo = c.typed(where, t, "min", int, 1 if points != 11 else 0)
    hi = c.typed(where, t, "max", int, None)
    if points is None or lo is None or not c.scale_range(where, points, lo, hi):
        return None
    hi = hi if hi is not None else lo + points - 1
    if hi - lo + 1 != points:
        c.add(where, f"min {lo} to max {hi} gives {hi - lo + 1} codes, not points = {points}.",
              "make max - min + 1 equal points.")
        return None
    labels, accepted, translations = _code_map(c, f"{where}.labels", t.get("labels", {}),
                                               language)
    missing, missing_accepted, missing_tr = _code_map(c, f"{where}.missing",
                                                      t.get("missing", {}), language)
    for lang, table in missing_tr.items():
        translations.setdefault(lang, {}).update(table)
    for code in labels:
        if not lo <= code <= hi:
            c.add(f"{where}.labels", f"code {code} is outside the scale {lo}..{hi}.",
                  "put missing codes such as 99 = \"Don't know\" under missing.")
    for code in missing:
        if lo <= code <= hi:
            c.add(f"{where}.missing", f"missing code {code} is inside the scale {lo}..{hi}.",
                  "choose a code outside the scale, e.g. 99.")
    norm: dict[str, int] = {}
    for code, label in [(k, x) for m in (accepted, missing_accepted) for k, v in m.items()
                        for x in v]:
        key = normalise_label(label)
        if key in norm and norm[key] != code:
            c.add(where, f"label '{label}' is used for codes {norm[key]} and {code}.",
                  "give each code its own label (labels are compared ignoring case, "
                  "spaces and accents).")
        norm[key] = code
    top, bottom = _boxes(c, where, t, points, lo, hi)
    return Scale(name, points, lo, hi, labels, missing, top, bottom, accepted,
                 missing_accepted, translations)


def _boxes(c: Collector, where: str, t: Mapping[str, Any], points: int, lo: int,
           hi: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``top_box`` and ``bottom_box`` as given (codes of the scale), else the defaults."""
    boxes = {}
    for key in ("top_box", "bottom_box"):
        codes = c.typed(where, t, key, list, [])
        bad = [x for x in codes if not isinstance(x, int) or isinstance(x, bool)
               or not lo <= x <= hi]
        if bad:
            c.add(where, f"{key} has codes outside {lo}..{hi}: {bad}.",
                  f"list codes between {lo} and {hi}.")
            codes = [x for x in codes if not any(x is b for b in bad)]
        boxes[key] = tuple(sorted(set(codes)))
    top, bottom = default_boxes(points, lo)
    top, bottom = boxes["top_box"] or top, boxes["bottom_box"] or bottom
    if set(top) & set(bottom):
        c.add(where, "top_box and bottom_box share codes.", "make the boxes disjoint.")
    return top, bottom


# ---------------------------------------------------------------------- constructs, items
def _translated(c: Collector, where: str, t: Mapping[str, Any], key: str,
                language: str) -> tuple[str, dict[str, str]]:
    """``text`` or ``label`` as text or ``{ en = ..., fr = ... }``: the one in ``language``
    (else the first given), and the table per language."""
    if key not in t:
        return "", {}
    by_language = c.texts(where, f"'{key}'", t[key], synonyms=False) or {}
    texts = {lang: v[0] for lang, v in by_language.items() if lang is not None}
    if not by_language:
        return "", {}
    return (by_language.get(language) or next(iter(by_language.values())))[0], texts


def parse_constructs(c: Collector, raw: Mapping[str, Any],
                     language: str) -> dict[str, Construct]:
    """``[constructs]``: one :class:`Construct` per ``[constructs.<name>]`` table; the names
    of tables of the wrong type go to ``c.invalid_constructs``.

    >>> c = Collector("study.toml")
    >>> parse_constructs(c, {"trust": {"role": "bx_pillar"}}, "en")["trust"].dimension
    'trust'
    >>> parse_constructs(c, {"ease": 5}, "en"), c.problems[0].where
    ({}, 'study.toml [constructs.ease]')
    """
    constructs = {}
    for name, t in raw.items():
        where = f"constructs.{name}"
        if not isinstance(t, Mapping):
            c.add(where, f"must be a table of settings, like [constructs.{name}] with role = "
                  f'"cx_quality". Got {t!r}.', f"write a [constructs.{name}] header, then "
                  "role = ... and dimension = ... on the lines below.")
            c.invalid_constructs.add(name)
            continue
        c.unknown_keys(where, t, KEYS["constructs"])
        role = c.choice(where, t, "role", ROLES, None)
        dim = c.typed(where, t, "dimension", str)
        if role in DIMENSIONS:
            dim = dim or name
            if dim not in DIMENSIONS[role]:
                c.add(where, f"dimension '{dim}' is not a {role} dimension.",
                      "use one of " + ", ".join(DIMENSIONS[role]) + ".")
        default_pops = ("customer",) if role in ("cx_quality", "loyalty") else POPULATIONS
        pops = tuple(c.typed(where, t, "populations", list, list(default_pops)))
        for p in pops:
            if p not in POPULATIONS:
                c.add(where, f"population {p!r} is not customer or non_customer.",
                      'e.g. populations = ["customer", "non_customer"].')
        label, labels = _translated(c, where, t, "label", language)
        constructs[name] = Construct(name, role, dim, label, pops, labels)
    return constructs


def parse_items(c: Collector, raw: Mapping[str, Any], language: str) -> dict[str, Item]:
    """``[items]``: one :class:`Item` per ``column = { construct = ..., scale = ... }``.

    >>> c = Collector("study.toml")
    >>> parse_items(c, {"eff_1": {"construct": "ease", "scale": "agree5"}}, "en")["eff_1"].scale
    'agree5'
    """
    items = {}
    for col, t in raw.items():
        where = f"items.{col}"
        if not isinstance(t, Mapping):
            c.add(where, f"must be a table {{ construct = ..., scale = ... }}. Got {t!r}.",
                  f'e.g. {col} = {{ construct = "effectiveness", scale = "agree5" }}.')
            continue
        c.unknown_keys(where, t, KEYS["items"])
        cons = c.typed(where, t, "construct", str, required=True)
        scale = c.typed(where, t, "scale", str, required=True)
        text, texts = _translated(c, where, t, "text", language)
        label, labels = _translated(c, where, t, "label", language)
        items[col] = Item(col, cons or "", scale or "",
                          c.typed(where, t, "reversed", bool, False), text, label, texts,
                          labels)
    return items


# ---------------------------------------------------------------------- quality
def _switch(c: Collector, q: Mapping[str, Any], key: str,
            default: bool) -> tuple[bool, Mapping[str, Any]]:
    """A quality check given as true/false or as a table of settings (``enabled`` too)."""
    value = q.get(key)
    if value is None:
        return default, {}
    if isinstance(value, bool):
        return value, {}
    where = f"quality.{key}"
    if not isinstance(value, Mapping):
        c.add("quality", f"The '{key}' setting of [quality] must be true, false or a table "
              f"of settings. Got {value!r}.", f"e.g. {key} = {{ ... }} or {key} = false.")
        return False, {}
    c.unknown_keys(where, value, KEYS[where])
    return bool(c.typed(where, value, "enabled", bool, True)), value


def parse_quality(c: Collector, q: Mapping[str, Any]) -> QualitySettings:
    """``[quality]``: each check on/off, with its thresholds (each range-checked).

    >>> c = Collector("study.toml")
    >>> parse_quality(c, {"incomplete": {"min_share": 0.8}}).incomplete_min_share
    0.8
    """
    c.unknown_keys("quality", q, KEYS["quality"])
    d = QualitySettings()
    flags = {k: c.typed("quality", q, k, bool, True)
             for k in ("duplicates", "out_of_range", "no_answers")}
    incomplete, inc = _switch(c, q, "incomplete", False)
    tests, te = _switch(c, q, "test_responses", True)
    test_column = c.typed("quality.test_responses", te, "column", str)
    test_values = c.text_list("quality.test_responses", te, "values")
    if test_column is not None and not test_values:
        c.add("quality.test_responses", "a test column needs the values that mark a test.",
              'add values = ["test"] (answers in that column that mark a test response).')
    return QualitySettings(
        **flags, **_speeders(c, q), **_straightliners(c, q),
        incomplete=incomplete,
        incomplete_min_share=c.share("quality.incomplete", inc, "min_share",
                                    d.incomplete_min_share, bounds="both"),
        incomplete_items=c.text_list("quality.incomplete", inc, "items"),
        incomplete_finished=c.typed("quality.incomplete", inc, "finished", bool, True),
        attention_checks=_attention_checks(c, q), test_responses=tests,
        test_column=test_column, test_values=test_values)


def _speeders(c: Collector, q: Mapping[str, Any]) -> dict[str, Any]:
    speeders, sp = _switch(c, q, "speeders", False)
    seconds = c.typed("quality.speeders", sp, "min_seconds", float)
    if not c.scalar("quality.speeders", "min_seconds", seconds, min_val=0,
                    fix="give a duration such as 60 (seconds)."):
        seconds = None
    share = c.share("quality.speeders", sp, "median_share", None)
    if speeders and not {"min_seconds", "median_share"} & set(sp):
        c.add("quality.speeders", "the speeder check is on but has no threshold.",
              "add min_seconds = 60 (absolute) and/or median_share = 0.33 (of the median "
              "duration), or set speeders = false.")
    return {"speeders": speeders, "speeder_column": c.typed("quality.speeders", sp, "column",
                                                            str),
            "speeder_seconds": seconds, "speeder_median_share": share}


def _straightliners(c: Collector, q: Mapping[str, Any]) -> dict[str, Any]:
    where = "quality.straightliners"
    straight, sl = _switch(c, q, "straightliners", False)
    default = QualitySettings().straightline_min_items
    min_items = c.typed(where, sl, "min_items", int, default)
    if not c.scalar(where, "min_items", min_items, numbers.Integral, min_val=2,
                    fix="give the number of answered items a grid needs, such as 5."):
        min_items = default
    grids = c.typed(where, sl, "grids", list, [])
    if not all(isinstance(g, list) and all(isinstance(x, str) for x in g) for g in grids):
        c.add(where, "'grids' must be a list of lists of item columns.",
              'e.g. grids = [["eff_1", "eff_2", "ease_1"], ["sal_1", "fit_1"]].')
        grids = []
    return {"straightliners": straight, "straightline_min_items": min_items,
            "grids": tuple(tuple(g) for g in grids)}


def _attention_checks(c: Collector, q: Mapping[str, Any]) -> tuple[AttentionCheck, ...]:
    checks = []
    raw = q.get("attention_checks", [])
    if not isinstance(raw, list):
        c.add("quality", f"'attention_checks' must be a list of tables. Got {raw!r}.",
              'e.g. attention_checks = [{ column = "attn_1", expected = ["Agree"] }].')
        raw = []
    for i, t in enumerate(raw, 1):
        where = f"quality.attention_checks #{i}"
        if not isinstance(t, Mapping):
            c.add(where, f"must be a table {{ column, expected }}. Got {t!r}.",
                  'e.g. { column = "attn_1", expected = ["Agree"] }.')
            continue
        c.unknown_keys(where, t, KEYS["quality.attention_checks"])
        column = c.name(where, t, "column", required=True)
        expected = c.text_list(where, t, "expected")
        if not expected and "expected" in t:
            c.add(where, "'expected' lists no answer.", "list the answers that pass.")
        elif "expected" not in t:
            c.add(where, "'expected' is required.", 'add expected = ["..."] (the answers that '
                  "pass the check).")
        if column and expected:
            checks.append(AttentionCheck(column, expected, c.typed(where, t, "scale", str)))
    return tuple(checks)
