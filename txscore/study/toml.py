"""Reading a study spec from TOML: :func:`read_study`.

Each table of the file (``[study]``, ``[[sources]]``, ``[columns]``, ``[scales]``,
``[constructs]``, ``[items]``, ``[index]``, ``[quality]``, ``[report]`` and ``[weighting]``,
the last read by :func:`txscore.study.weighting.parse_weighting`) is read by its own
function into the frozen values of :mod:`txscore.study.model`.  A wrong value is a
located problem and its default is kept, so that parsing goes on and one run lists every
mistake; :func:`txscore.study.validate.validate_study` then checks the whole.
"""

from __future__ import annotations

import codecs
import glob
import numbers
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from txscore.errors import Problem, StudySpecError, choice_problem
from txscore.study.model import (
    BX_METHODS,
    CX_METHODS,
    DIMENSIONS,
    LANGUAGES,
    MULTIPLE_TESTING,
    ROLES,
    SOURCE_FORMATS,
    AttentionCheck,
    Columns,
    Construct,
    IndexSettings,
    Item,
    QualitySettings,
    ReportSettings,
    Scale,
    Source,
    Study,
    WeightingSettings,
    default_boxes,
    normalise_label,
)
from txscore.study.validate import Collector, validate_study
from txscore.study.vocabulary import POPULATIONS
from txscore.study.weighting import parse_weighting

__all__ = ["KEYS", "TOP_KEYS", "read_study"]

TOP_KEYS = ("study", "sources", "columns", "scales", "constructs", "items", "index",
            "quality", "report", "weighting")
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
               "bootstrap_exact_max"),
}


def read_study(path: str | Path) -> Study:
    """Read and validate a study spec from a TOML file.

    Parameters
    ----------
    path : str or Path
        The study.toml file. Source paths in it are relative to its folder.

    Returns
    -------
    Study

    Raises
    ------
    StudySpecError
        With every problem found (TOML syntax, unknown keys, wrong types, inconsistencies).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> len(study.sources), study.index.cx_method
    (4, 'loyalty_weighted')
    """
    path = Path(path)
    if not path.is_file():
        raise StudySpecError(f"Study file not found: {path}",
                             [Problem("file not found.", str(path),
                                      "check the path, or run `txscore init DATAFILE` to draft "
                                      "one.")])
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StudySpecError(f"{path.name} is not valid TOML",
                             [Problem(str(exc) + ".", path.name,
                                      "fix the TOML syntax at that line.")]) from None
    except UnicodeDecodeError as exc:
        raise StudySpecError(f"{path.name} is not UTF-8 text",
                             [Problem(str(exc), path.name, "save the file as UTF-8.")]) from None
    study, collector = _parse(doc, path.name, path.resolve().parent)
    study = replace(study, spec_path=path.resolve())
    # items on a scale that is defined but invalid are not "unknown scale" problems too
    problems = collector.problems + [
        p for p in validate_study(study, path.name)
        if not any(p.message == f"unknown scale '{name}'." for name in collector.invalid_scales)]
    if problems:
        n = len(problems)
        raise StudySpecError(f"{path.name}: {n} problem{'s' if n > 1 else ''} in the study spec",
                             problems)
    return study


def _parse(doc: Mapping[str, Any], spec: str, root: Path) -> tuple[Study, Collector]:
    """The study of a parsed TOML document, and the problems found on the way."""
    c = Collector(spec)
    c.unknown_keys("top level", doc, TOP_KEYS)
    st = doc.get("study", {})
    c.unknown_keys("study", st, KEYS["study"])
    name = c.typed("study", st, "name", str, "Untitled study", required=True)
    # labels and texts given in several languages show the study's own first
    rep = doc.get("report", {})
    lang = (rep if isinstance(rep, Mapping) else {}).get("language", st.get("language"))
    lang = lang if isinstance(lang, str) and lang in LANGUAGES else "en"
    sources = _sources(c, doc.get("sources", []), root)
    columns = _columns(c, doc.get("columns", {}), sources)
    scales = _scales(c, doc.get("scales", {}), lang)
    constructs = _constructs(c, doc.get("constructs", {}), lang)
    items = _items(c, doc.get("items", {}), lang)
    index = _index(c, doc.get("index", {}))
    quality = _quality(c, doc.get("quality", {}))
    report = _report(c, doc.get("report", {}), st.get("language"))
    weighting = None
    if doc.get("weighting") is not None:
        weighting = _weighting(c, doc["weighting"], columns, sources)
    study = Study(name or "Untitled study", tuple(sources), columns, scales, constructs, items,
                  index, quality, report, None, weighting)
    return study, c


# ---------------------------------------------------------------------- sources
def _sources(c: Collector, raw: Any, root: Path) -> list[Source]:
    if not isinstance(raw, list) or not raw:
        c.add("sources", "the study has no sources.",
              'add [[sources]] tables with path, population and wave.')
        return []
    return [s for i, t in enumerate(raw, 1) for s in _source(c, i, t, root)]


def _source(c: Collector, index: int, s: Any, root: Path) -> list[Source]:
    """One ``[[sources]]`` table; a path with wildcards gives one source per matching file."""
    where = f"sources #{index}"
    if not isinstance(s, Mapping):
        c.add(where, f"must be a table with path, population and wave. Got {s!r}.")
        return []
    c.unknown_keys(where, s, KEYS["sources"])
    path = c.typed(where, s, "path", str, required=True)
    pop = c.choice(where, s, "population", POPULATIONS, None)
    if "population" not in s:
        c.add(where, "'population' is required.", 'add population = "customer" or '
              '"non_customer".')
    wave = s.get("wave")
    if wave is None:
        c.add(where, "'wave' is required.", 'add wave = "2026 Q1" (any label).')
    fmt = c.choice(where, s, "format", SOURCE_FORMATS, "auto")
    header_row = c.typed(where, s, "header_row", int)
    if not c.scalar(where, "header_row", header_row, numbers.Integral, min_val=1,
                    fix="give the row holding the column names as numbered in Excel or a "
                    "text editor (rows are numbered from 1)."):
        header_row = None
    encoding = c.typed(where, s, "encoding", str)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            c.add(where, f"unknown encoding '{encoding}'.",
                  'use e.g. "utf-8", "utf-8-sig", "cp1252", "latin-1" or "utf-16".')
            encoding = None
    delimiter = c.typed(where, s, "delimiter", str)
    if delimiter is not None and len(delimiter) != 1:
        c.add(where, f"The 'delimiter' setting of [{where}] must be one character. Got "
              f"{delimiter!r}.", 'use ",", ";", "\\t" (tab) or "|".')
        delimiter = None
    brand = c.typed(where, s, "brand", str)
    pattern, brands = _brand_loop(c, where, s, brand)
    roles, aliases = c.source_roles(where, s), c.aliases(where, s)
    if "brand" in roles and (brand is not None or pattern is not None):
        c.add(where, "columns.brand cannot be set with brand or brand_pattern.",
              "keep columns.brand for a brand column, brand for a one-brand file, "
              "brand_pattern for a brand loop.")
    if not (path and pop and wave is not None):
        return []
    paths = [root / path]
    if any(ch in path for ch in "*?["):
        paths = sorted(Path(p) for p in glob.glob(str(root / path)))
        if not paths:
            c.add(where, f"no file matches '{path}'.",
                  "check the pattern (relative to the study file's folder).")
    return [Source(p, pop, str(wave), c.typed(where, s, "sheet", str), brand, fmt,
                   header_row, encoding, delimiter, pattern, brands, roles, aliases, index)
            for p in paths]


def _brand_loop(c: Collector, where: str, s: Mapping[str, Any],
                brand: str | None) -> tuple[str | None, dict[str, str]]:
    """``brand_pattern`` and ``brands`` of a source (a brand loop)."""
    pattern = c.typed(where, s, "brand_pattern", str)
    if pattern is not None:
        if pattern.count("{item}") != 1 or pattern.count("{brand}") != 1:
            c.add(where, f"brand_pattern must contain {{item}} and {{brand}} once each. Got "
                  f"{pattern!r}.", 'e.g. brand_pattern = "{item}_{brand}" for columns such '
                  "as trust_1_Acme.")
            pattern = None
        elif brand is not None:
            c.add(where, "brand and brand_pattern cannot both be set.",
                  "keep brand for a one-brand file, brand_pattern for a brand loop.")
    raw_brands = s.get("brands", [])
    brands: dict[str, str] = {}
    if isinstance(raw_brands, list) and all(isinstance(b, str) for b in raw_brands):
        brands = {b: b for b in raw_brands}
    elif isinstance(raw_brands, Mapping) and all(isinstance(b, str)
                                                  for b in raw_brands.values()):
        brands = dict(raw_brands)
    else:
        c.add(where, f"'brands' must be a list of names or a table column part = \"name\". "
              f"Got {raw_brands!r}.", 'e.g. brands = ["Acme", "Globex"] or brands = { b1 = '
              '"Acme", b2 = "Globex" }.')
    if brands and pattern is None:
        c.add(where, "'brands' is only used with brand_pattern.",
              "add brand_pattern, or remove brands.")
    return pattern, brands


# ---------------------------------------------------------------------- columns, scales
def _columns(c: Collector, cols: Mapping[str, Any], sources: list[Source]) -> Columns:
    """``[columns]``: the study-wide roles; the id and the brand column are required here
    unless every source that needs one sets its own."""
    c.unknown_keys("columns", cols, KEYS["columns"])
    own_id = {s.spec_index for s in sources if "respondent_id" in s.columns}
    rid = c.typed("columns", cols, "respondent_id", str, "",
                  required=not own_id and "respondent_id" not in cols)
    if "respondent_id" in cols and isinstance(rid, str) and not rid.strip():
        c.add("columns", "'respondent_id' names no column.",
              'set respondent_id = "<the column that identifies each respondent>".')
    if "respondent_id" not in cols:
        rid = "respondent_id"
        _lacking(c, own_id and [s for s in sources if "respondent_id" not in s.columns],
                 "respondent_id", "no respondent id column")
    brand = c.typed("columns", cols, "brand", str)
    need = [s for s in sources if s.brand is None and s.brand_pattern is None]
    if brand is None and need and not any("brand" in s.columns for s in sources):
        c.add("columns", "no brand column, and some sources do not fix a brand.",
              'add brand = "<column>" to [columns] or brand = "<name>" to each source.')
    elif brand is None:
        _lacking(c, [s for s in need if "brand" not in s.columns], "brand", "no brand column")
    roles = {k: c.role_value("columns", k, cols[k]) for k in
             ("weight", "duration", "start", "end", "finished", "status") if k in cols}
    return Columns(rid or "", brand, segments=tuple(c.typed("columns", cols, "segments", list,
                                                            [])),
                   personal=tuple(c.typed("columns", cols, "personal", list, [])), **roles)


def _lacking(c: Collector, sources: Any, key: str, what: str) -> None:
    """A problem per ``[[sources]]`` table that needs the role ``key`` but has none."""
    for index in dict.fromkeys(s.spec_index for s in sources or ()):
        c.add(f"sources #{index}", f"{what}: neither [columns] nor this source sets {key}.",
              f'add columns = {{ {key} = "<column>" }} to this source, or {key} = "<column>" '
              "to [columns] (the default of every file).")


def _scales(c: Collector, raw: Mapping[str, Any], language: str) -> dict[str, Scale]:
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
        c.add(where, f"must be a table of code = \"label\". Got {raw!r}.")
        return shown, accepted, translations
    for key, label in raw.items():
        try:
            code = int(key)
        except ValueError:
            c.add(where, f"code '{key}' is not a whole number.",
                  'write codes as numbers: { 1 = "Strongly disagree" }.')
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


def _scale(c: Collector, name: str, t: Mapping[str, Any], language: str) -> Scale | None:
    where = f"scales.{name}"
    c.unknown_keys(where, t, KEYS["scales"])
    points = c.typed(where, t, "points", int, required=True)
    lo = c.typed(where, t, "min", int, 1 if points != 11 else 0)
    hi = c.typed(where, t, "max", int, None)
    if points is None or lo is None:
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
        bad = [x for x in codes if not isinstance(x, int) or not lo <= x <= hi]
        if bad:
            c.add(where, f"{key} has codes outside {lo}..{hi}: {bad}.",
                  f"list codes between {lo} and {hi}.")
            codes = [x for x in codes if x not in bad]
        boxes[key] = tuple(sorted(codes))
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


def _constructs(c: Collector, raw: Mapping[str, Any], language: str) -> dict[str, Construct]:
    constructs = {}
    for name, t in raw.items():
        where = f"constructs.{name}"
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
                c.add(where, f"population '{p}' is not customer or non_customer.")
        label, labels = _translated(c, where, t, "label", language)
        constructs[name] = Construct(name, role, dim, label, pops, labels)
    return constructs


def _items(c: Collector, raw: Mapping[str, Any], language: str) -> dict[str, Item]:
    items = {}
    for col, t in raw.items():
        where = f"items.{col}"
        if not isinstance(t, Mapping):
            c.add(where, "must be a table { construct = ..., scale = ... }.")
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


# ---------------------------------------------------------------------- settings
def _index(c: Collector, ix: Mapping[str, Any]) -> IndexSettings:
    """``[index]``; ranges are checked by validation (a study built in Python too)."""
    c.unknown_keys("index", ix, KEYS["index"])
    d = IndexSettings()
    return IndexSettings(
        cx_method=c.choice("index", ix, "cx_method", CX_METHODS, d.cx_method),
        bx_method=c.choice("index", ix, "bx_method", BX_METHODS, d.bx_method),
        lam=c.typed("index", ix, "lambda", float, d.lam),
        share_non_customer=c.typed("index", ix, "share_non_customer", float,
                                   d.share_non_customer),
        min_customers_for_weights=c.typed("index", ix, "min_customers_for_weights", int,
                                          d.min_customers_for_weights),
        nps_item=c.typed("index", ix, "nps_item", str, None),
    )


def _report(c: Collector, r: Mapping[str, Any], study_language: Any) -> ReportSettings:
    """``[report]``; the language may also be given in ``[study]``."""
    c.unknown_keys("report", r, KEYS["report"])
    if study_language is not None and c.problem("study", choice_problem(
            study_language, "language", LANGUAGES, where="[study]",
            fix='set language = "en" or "fr".')):
        study_language = None
    d = ReportSettings()
    numbers_ = {key: c.typed("report", r, key, float, getattr(d, key))
                for key in ("confidence", "suppress_below", "low_base_below", "caution_below",
                            "peer_min_base")}
    counts = {key: c.typed("report", r, key, int, getattr(d, key))
              for key in ("bootstrap", "seed", "bootstrap_exact_max")}
    return ReportSettings(
        **numbers_, **counts,
        language=c.choice("report", r, "language", LANGUAGES, study_language or d.language),
        multiple_testing=c.choice("report", r, "multiple_testing", MULTIPLE_TESTING,
                                  d.multiple_testing))


def _weighting(c: Collector, raw: Any, columns: Columns,
               sources: list[Source]) -> WeightingSettings:
    weighted = columns.weight is not None or any("weight" in s.columns for s in sources)
    settings, problems = parse_weighting(
        raw, where=f"{c.spec} [weighting]", segments=columns.segments,
        weight_column=(columns.weight if isinstance(columns.weight, str) else "weight")
        if weighted else None, waves=list(dict.fromkeys(s.wave for s in sources)))
    c.problems.extend(problems)
    return settings


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


def _quality(c: Collector, q: Any) -> QualitySettings:
    """The ``[quality]`` table: each check on/off, with its thresholds."""
    if not isinstance(q, Mapping):
        c.add("quality", f"must be a table. Got {q!r}.")
        return QualitySettings()
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
                                    d.incomplete_min_share),
        incomplete_items=c.text_list("quality.incomplete", inc, "items"),
        incomplete_finished=c.typed("quality.incomplete", inc, "finished", bool, True),
        attention_checks=_attention_checks(c, q), test_responses=tests,
        test_column=test_column, test_values=test_values)


def _speeders(c: Collector, q: Mapping[str, Any]) -> dict[str, Any]:
    speeders, sp = _switch(c, q, "speeders", False)
    seconds = c.typed("quality.speeders", sp, "min_seconds", float)
    if not c.scalar("quality.speeders", "min_seconds", seconds, min_val=0,
                    include_boundaries="neither", fix="give a duration such as 60 (seconds)."):
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
        c.add("quality", "'attention_checks' must be a list of tables.",
              'e.g. attention_checks = [{ column = "attn_1", expected = ["Agree"] }].')
        raw = []
    for i, t in enumerate(raw, 1):
        where = f"quality.attention_checks #{i}"
        if not isinstance(t, Mapping):
            c.add(where, f"must be a table {{ column, expected }}. Got {t!r}.")
            continue
        c.unknown_keys(where, t, KEYS["quality.attention_checks"])
        column = c.typed(where, t, "column", str, required=True)
        expected = c.text_list(where, t, "expected")
        if not expected and "expected" in t:
            c.add(where, "'expected' lists no answer.", "list the answers that pass.")
        elif "expected" not in t:
            c.add(where, "'expected' is required.", 'add expected = ["..."] (the answers that '
                  "pass the check).")
        if column and expected:
            checks.append(AttentionCheck(column, expected, c.typed(where, t, "scale", str)))
    return tuple(checks)
