"""The study spec: what the survey files contain and how to score them.

A :class:`Study` is the whole codebook as frozen dataclasses: sources (file, sheet,
population, wave), column roles, scales (codes, text labels, missing codes, top and
bottom boxes), items (column -> construct, scale, reversed), constructs with roles, index
settings, quality rules and report settings.  It is loaded from TOML with
:func:`read_study` or built in Python, and :func:`validate_study` lists *every* problem
with where it is, rather than stopping at the first.
"""

from __future__ import annotations

import codecs
import difflib
import glob
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from txscore.errors import Problem, StudySpecError
from txscore.study.vocabulary import POPULATIONS

ROLES = ("cx_quality", "loyalty", "bx_pillar", "preference")
DIMENSIONS = {
    "cx_quality": ("effectiveness", "ease", "emotion"),
    "loyalty": ("retention", "enrichment", "advocacy"),
    "bx_pillar": ("salience", "fit", "trust"),
}
CX_METHODS = ("loyalty_weighted", "equal", "classic_net")
BX_METHODS = ("equal", "preference_weighted")
LANGUAGES = ("en", "fr")
MULTIPLE_TESTING = ("none", "bh")
#: platform layouts a source can be read as (``format`` in a source; "auto" detects it)
SOURCE_FORMATS = ("auto", "plain", "qualtrics", "qualtrics-legacy", "surveymonkey",
                  "google-forms")

Population = Literal["customer", "non_customer"]


@dataclass(frozen=True)
class Source:
    """One input file.

    ``brand`` fixes the brand of every row (for one-brand files without a brand column).
    ``path`` is resolved against the folder of the study file.  ``format`` is the platform
    layout (:data:`SOURCE_FORMATS`, detected when "auto"), ``header_row`` the row holding
    the column names as the user sees it (detected when None), ``encoding`` and
    ``delimiter`` override what is sniffed from a text file.  ``brand_pattern`` (e.g.
    ``"{item}_{brand}"``) declares a brand loop: one row per respondent with one column
    per item and brand, read as one row per respondent x brand; ``brands`` maps the brand
    part of the column names to brand names (empty: every brand found, named as in the
    columns).
    """

    path: Path
    population: Population
    wave: str
    sheet: str | None = None
    brand: str | None = None
    format: str = "auto"
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    brand_pattern: str | None = None
    brands: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file name as shown to users."""
        return self.path.name


@dataclass(frozen=True)
class Columns:
    """Column roles in the input files."""

    respondent_id: str
    brand: str | None = None
    weight: str | None = None
    segments: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    """A response scale: codes ``min..max``, their labels, missing codes and boxes."""

    name: str
    points: int
    min: int
    max: int
    labels: Mapping[int, str] = field(default_factory=dict)
    missing: Mapping[int, str] = field(default_factory=dict)
    top_box: tuple[int, ...] = ()
    bottom_box: tuple[int, ...] = ()

    @property
    def codes(self) -> tuple[int, ...]:
        """The valid (non-missing) codes."""
        return tuple(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Construct:
    """A set of items measuring one thing, with its role in the indices."""

    name: str
    role: str | None = None
    dimension: str | None = None
    label: str = ""
    populations: tuple[str, ...] = POPULATIONS

    @property
    def title(self) -> str:
        """The label, or the name when no label is given."""
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Item:
    """A survey question: its column, construct and scale."""

    column: str
    construct: str
    scale: str
    reversed: bool = False
    text: str = ""


@dataclass(frozen=True)
class IndexSettings:
    """How CX, BX and TX are combined (methodology.md)."""

    cx_method: str = "loyalty_weighted"
    bx_method: str = "equal"
    lam: float = 0.5
    share_non_customer: float = 0.5
    min_customers_for_weights: int = 200
    nps_item: str | None = None  # a 0-10 "recommend" item: adds the NPS index
    bands: tuple[tuple[str, float], ...] = (
        ("excellent", 80.0),
        ("good", 70.0),
        ("okay", 60.0),
        ("poor", 50.0),
        ("very poor", float("-inf")),
    )


@dataclass(frozen=True)
class AttentionCheck:
    """An attention-check question and the answers that pass it.

    ``expected`` answers are compared ignoring case, spaces and accents; with ``scale``,
    answers and expected values are first mapped to that scale's codes, so "Agree" and 4
    are the same answer.
    """

    column: str
    expected: tuple[str, ...]
    scale: str | None = None


@dataclass(frozen=True)
class QualitySettings:
    """Respondent checks: each switchable, with its threshold.

    Speeders: duration (``speeder_column``, default the export's own duration column)
    below ``speeder_seconds`` or below ``speeder_median_share`` x the file's median.
    Straight-liners: the same answer on every answered item of a grid (``grids``; default
    the items of each scale) when at least ``straightline_min_items`` are answered.
    Incomplete: fewer than ``incomplete_min_share`` of the required items answered
    (``incomplete_items``, default every item asked of the population; "Don't know"
    counts as answered) or, with ``incomplete_finished``, the export says not finished.
    Test responses: ``test_column`` in ``test_values`` (default: Qualtrics' Status =
    Survey Preview / Survey Test).
    """

    duplicates: bool = True
    out_of_range: bool = True
    no_answers: bool = True
    speeders: bool = False
    speeder_column: str | None = None
    speeder_seconds: float | None = None
    speeder_median_share: float | None = None
    straightliners: bool = False
    straightline_min_items: int = 5
    grids: tuple[tuple[str, ...], ...] = ()
    incomplete: bool = False
    incomplete_min_share: float = 0.5
    incomplete_items: tuple[str, ...] = ()
    incomplete_finished: bool = True
    attention_checks: tuple[AttentionCheck, ...] = ()
    test_responses: bool = True
    test_column: str | None = None
    test_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportSettings:
    """Inference and reporting settings."""

    confidence: float = 0.95
    bootstrap: int = 2000
    seed: int = 20261124
    suppress_below: float = 30
    low_base_below: float = 50
    caution_below: float = 100
    peer_min_base: float = 100
    language: str = "en"
    multiple_testing: str = "none"  # "none" | "bh" (Benjamini-Hochberg per table)
    # cells with more respondents draw bootstrap sums from their normal law (0: always)
    bootstrap_exact_max: int = 2000


@dataclass(frozen=True)
class Study:
    """The complete study spec.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> study.name
    'Sample TX Study'
    >>> [c.name for c in study.constructs_with_role("cx_quality")]
    ['effectiveness', 'ease', 'emotion']
    """

    name: str
    sources: tuple[Source, ...]
    columns: Columns
    scales: Mapping[str, Scale]
    constructs: Mapping[str, Construct]
    items: Mapping[str, Item]
    index: IndexSettings = IndexSettings()
    quality: QualitySettings = QualitySettings()
    report: ReportSettings = ReportSettings()
    spec_path: Path | None = None
    #: ``[weighting]`` (a :class:`txscore.stats.weighting.WeightingSettings`); None: the weight
    #: column of ``[columns]`` as it is, or unweighted
    weighting: Any = None

    # ------------------------------------------------------------------ helpers
    def constructs_with_role(self, role: str) -> list[Construct]:
        """Constructs of one role, in spec order."""
        return [c for c in self.constructs.values() if c.role == role]

    def items_of(self, construct: str) -> list[str]:
        """Item columns of a construct, in spec order."""
        return [i.column for i in self.items.values() if i.construct == construct]

    def items_for(self, population: str) -> list[str]:
        """Item columns asked of a population."""
        return [
            i.column
            for i in self.items.values()
            if population in self.constructs[i.construct].populations
        ]

    @property
    def has_cx(self) -> bool:
        """Whether the spec defines the CX quality dimensions."""
        return bool(self.constructs_with_role("cx_quality"))

    @property
    def has_bx(self) -> bool:
        """Whether the spec defines the BX pillars."""
        return bool(self.constructs_with_role("bx_pillar"))

    @property
    def waves(self) -> list[str]:
        """Waves in the order the sources first name them."""
        return list(dict.fromkeys(s.wave for s in self.sources))

    def _repr_html_(self) -> str:
        """A notebook summary: sources, constructs with their items, the main settings."""
        from html import escape

        def table(header: list[str], rows: list[list[object]]) -> str:
            head = "".join(f"<th>{escape(h)}</th>" for h in header)
            body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>"
                           for r in rows)
            return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

        sources = [[s.name, s.sheet or "", s.population, s.wave] for s in self.sources]
        constructs = [[c.title, c.role or "", c.dimension or "", ", ".join(self.items_of(n)),
                       ", ".join(c.populations)] for n, c in self.constructs.items()]
        ix, rep = self.index, self.report
        settings = (f"CX {ix.cx_method}, BX {ix.bx_method}, λ = {ix.lam:g}, share of "
                    f"non-customers = {ix.share_non_customer:g}; {rep.confidence:.0%} "
                    f"intervals, {rep.bootstrap:,} resamples (seed {rep.seed}); suppressed "
                    f"below n_eff {rep.suppress_below:g}")
        return (f"<p><b>{escape(self.name)}</b>: {len(self.sources)} sources, "
                f"{len(self.items)} items, waves {escape(', '.join(self.waves))}</p>"
                + table(["file", "sheet", "population", "wave"], sources)
                + table(["construct", "role", "dimension", "items", "asked of"], constructs)
                + f"<p>{escape(settings)}</p>")

    def with_settings(self, **changes: Any) -> Study:
        """A copy with some index/report settings changed, e.g. ``cx_method="equal"``."""
        idx = {k: v for k, v in changes.items() if k in IndexSettings.__dataclass_fields__}
        rep = {k: v for k, v in changes.items() if k in ReportSettings.__dataclass_fields__}
        unknown = set(changes) - set(idx) - set(rep)
        if unknown:
            raise StudySpecError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        return replace(self, index=replace(self.index, **idx), report=replace(self.report, **rep))


# ---------------------------------------------------------------------- TOML loading
_TOP_KEYS = ("study", "sources", "columns", "scales", "constructs", "items", "index",
             "quality", "report", "weighting")
_KEYS = {
    "study": ("name", "language"),
    "sources": ("path", "sheet", "population", "wave", "brand", "format", "header_row",
                "encoding", "delimiter", "brand_pattern", "brands"),
    "columns": ("respondent_id", "brand", "weight", "segments", "personal"),
    "scales": ("points", "min", "max", "labels", "missing", "top_box", "bottom_box"),
    "constructs": ("role", "dimension", "label", "populations"),
    "items": ("construct", "scale", "reversed", "text"),
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


class _Collector:
    """Collects problems while parsing, each with its place in the spec."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.problems: list[Problem] = []
        self.invalid_scales: set[str] = set()

    def add(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(message, f"{self.spec} [{where}]", fix))

    def unknown_keys(self, where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else (
                    "allowed keys: " + ", ".join(allowed) + ".")
                self.add(where, f"unknown key '{key}'.", hint)

    def typed(self, where: str, table: Mapping[str, Any], key: str, kind: type | tuple,
              default: Any = None, required: bool = False) -> Any:
        if key not in table:
            if required:
                self.add(where, f"'{key}' is required.", f"add {key} = ... to [{where}].")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.add(where, f"'{key}' must be {names}. Got {value!r}.")
            return default
        return value

    def choice(self, where: str, table: Mapping[str, Any], key: str,
               choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.typed(where, table, key, str, default)
        if value is not None and value not in choices:
            self.add(where, f"The '{key}' setting must be one of "
                     + ", ".join(f"'{c}'" for c in choices) + f". Got '{value}'.",
                     f"set {key} = \"{choices[0]}\" or another allowed value.")
            return default
        return value


def _code_map(c: _Collector, where: str, raw: Any) -> dict[int, str]:
    """Parse ``{ 1 = "Label", ... }`` (TOML keys are strings) into ``{1: "Label"}``."""
    out: dict[int, str] = {}
    if not isinstance(raw, Mapping):
        c.add(where, f"must be a table of code = \"label\". Got {raw!r}.")
        return out
    for key, label in raw.items():
        try:
            code = int(key)
        except ValueError:
            c.add(where, f"code '{key}' is not a whole number.",
                  'write codes as numbers: { 1 = "Strongly disagree" }.')
            continue
        if not isinstance(label, str) or not label.strip():
            c.add(where, f"label of code {code} must be non-empty text. Got {label!r}.")
            continue
        out[code] = label
    return out


def _parse_scale(c: _Collector, name: str, t: Mapping[str, Any]) -> Scale | None:
    where = f"scales.{name}"
    c.unknown_keys(where, t, _KEYS["scales"])
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
    labels = _code_map(c, f"{where}.labels", t.get("labels", {}))
    missing = _code_map(c, f"{where}.missing", t.get("missing", {}))
    for code in labels:
        if not lo <= code <= hi:
            c.add(f"{where}.labels", f"code {code} is outside the scale {lo}..{hi}.",
                  "put missing codes such as 99 = \"Don't know\" under missing.")
    for code in missing:
        if lo <= code <= hi:
            c.add(f"{where}.missing", f"missing code {code} is inside the scale {lo}..{hi}.",
                  "choose a code outside the scale, e.g. 99.")
    norm = {}
    for code, label in [*labels.items(), *missing.items()]:
        key = normalise_label(label)
        if key in norm and norm[key] != code:
            c.add(where, f"label '{label}' is used for codes {norm[key]} and {code}.",
                  "give each code its own label.")
        norm[key] = code
    boxes = {}
    for key in ("top_box", "bottom_box"):
        codes = c.typed(where, t, key, list, [])
        bad = [x for x in codes if not isinstance(x, int) or not lo <= x <= hi]
        if bad:
            c.add(where, f"{key} has codes outside {lo}..{hi}: {bad}.",
                  f"list codes between {lo} and {hi}.")
            codes = [x for x in codes if x not in bad]
        boxes[key] = tuple(sorted(codes))
    if not boxes["top_box"] or not boxes["bottom_box"]:
        top, bottom = default_boxes(points, lo)
        boxes["top_box"] = boxes["top_box"] or top
        boxes["bottom_box"] = boxes["bottom_box"] or bottom
    if set(boxes["top_box"]) & set(boxes["bottom_box"]):
        c.add(where, "top_box and bottom_box share codes.", "make the boxes disjoint.")
    return Scale(name, points, lo, hi, labels, missing, boxes["top_box"], boxes["bottom_box"])


def default_boxes(points: int, lo: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Default top and bottom boxes (methodology.md): 6-7/1-3 on 7 points, 4-5/1-2 on 5,
    9-10/0-6 on 0-10, otherwise the top and bottom fifth."""
    if points == 7:
        return (lo + 5, lo + 6), (lo, lo + 1, lo + 2)
    if points == 5:
        return (lo + 3, lo + 4), (lo, lo + 1)
    if points == 11:
        return (lo + 9, lo + 10), tuple(range(lo, lo + 7))
    k = max(1, round(points / 5))
    return tuple(range(lo + points - k, lo + points)), tuple(range(lo, lo + k))


def normalise_label(text: str) -> str:
    """The form labels are compared in: case-folded, accents removed, spaces collapsed.

    >>> normalise_label("  Tout à fait  d'ACCORD ")
    "tout a fait d'accord"
    """
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("\u2019", "'").split())


def _parse_source(c: _Collector, where: str, s: Any, root: Path) -> list[Source]:
    """One ``[[sources]]`` table; a path with wildcards gives one source per matching file."""
    if not isinstance(s, Mapping):
        c.add(where, f"must be a table with path, population and wave. Got {s!r}.")
        return []
    c.unknown_keys(where, s, _KEYS["sources"])
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
    if header_row is not None and header_row < 1:
        c.add(where, f"'header_row' must be 1 or more (rows are numbered from 1). Got "
              f"{header_row}.", "give the row holding the column names as numbered in Excel "
              "or a text editor.")
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
        c.add(where, f"'delimiter' must be one character. Got {delimiter!r}.",
              'use ",", ";", "\\t" (tab) or "|".')
        delimiter = None
    brand = c.typed(where, s, "brand", str)
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
    if not (path and pop and wave is not None):
        return []
    paths = [root / path]
    if any(ch in path for ch in "*?["):
        paths = sorted(Path(p) for p in glob.glob(str(root / path)))
        if not paths:
            c.add(where, f"no file matches '{path}'.",
                  "check the pattern (relative to the study file's folder).")
    return [Source(p, pop, str(wave), c.typed(where, s, "sheet", str), brand, fmt,
                   header_row, encoding, delimiter, pattern, brands) for p in paths]


def _check_switch(c: _Collector, q: Mapping[str, Any], key: str,
                  default: bool) -> tuple[bool, Mapping[str, Any]]:
    """A quality check given as true/false or as a table of settings (``enabled`` too)."""
    value = q.get(key)
    if value is None:
        return default, {}
    if isinstance(value, bool):
        return value, {}
    where = f"quality.{key}"
    if not isinstance(value, Mapping):
        c.add("quality", f"'{key}' must be true, false or a table of settings. Got "
              f"{value!r}.", f"e.g. {key} = {{ ... }} or {key} = false.")
        return False, {}
    c.unknown_keys(where, value, _KEYS[where])
    return bool(c.typed(where, value, "enabled", bool, True)), value


def _fraction(c: _Collector, where: str, t: Mapping[str, Any], key: str,
              default: float | None) -> float | None:
    value = c.typed(where, t, key, float, default)
    if value is not None and not 0 < value <= 1:
        c.add(where, f"'{key}' must be a share between 0 and 1, e.g. 0.5. Got {value}.")
        return default
    return value


def _text_list(c: _Collector, where: str, t: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = c.typed(where, t, key, list, [])
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        c.add(where, f"'{key}' must be a list of answers or column names. Got {values!r}.")
        return ()
    return tuple(str(v) for v in values)


def _parse_quality(c: _Collector, q: Any) -> QualitySettings:
    """The ``[quality]`` table: each check on/off, with its thresholds."""
    if not isinstance(q, Mapping):
        c.add("quality", f"must be a table. Got {q!r}.")
        return QualitySettings()
    c.unknown_keys("quality", q, _KEYS["quality"])
    d = QualitySettings()
    flags = {k: c.typed("quality", q, k, bool, True)
             for k in ("duplicates", "out_of_range", "no_answers")}
    speeders, sp = _check_switch(c, q, "speeders", False)
    seconds = c.typed("quality.speeders", sp, "min_seconds", float)
    if seconds is not None and seconds <= 0:
        c.add("quality.speeders", f"'min_seconds' must be positive. Got {seconds}.")
        seconds = None
    share = _fraction(c, "quality.speeders", sp, "median_share", None)
    if speeders and not {"min_seconds", "median_share"} & set(sp):
        c.add("quality.speeders", "the speeder check is on but has no threshold.",
              "add min_seconds = 60 (absolute) and/or median_share = 0.33 (of the median "
              "duration), or set speeders = false.")
    straight, sl = _check_switch(c, q, "straightliners", False)
    min_items = c.typed("quality.straightliners", sl, "min_items", int, d.straightline_min_items)
    if min_items < 2:
        c.add("quality.straightliners", f"'min_items' must be 2 or more. Got {min_items}.")
        min_items = d.straightline_min_items
    raw_grids = c.typed("quality.straightliners", sl, "grids", list, [])
    if not all(isinstance(g, list) and all(isinstance(x, str) for x in g) for g in raw_grids):
        c.add("quality.straightliners", "'grids' must be a list of lists of item columns.",
              'e.g. grids = [["eff_1", "eff_2", "ease_1"], ["sal_1", "fit_1"]].')
        raw_grids = []
    incomplete, inc = _check_switch(c, q, "incomplete", False)
    tests, te = _check_switch(c, q, "test_responses", True)
    test_column = c.typed("quality.test_responses", te, "column", str)
    test_values = _text_list(c, "quality.test_responses", te, "values")
    if test_column is not None and not test_values:
        c.add("quality.test_responses", "a test column needs the values that mark a test.",
              'add values = ["test"] (answers in that column that mark a test response).')
    checks = []
    raw_checks = q.get("attention_checks", [])
    if not isinstance(raw_checks, list):
        c.add("quality", "'attention_checks' must be a list of tables.",
              'e.g. attention_checks = [{ column = "attn_1", expected = ["Agree"] }].')
        raw_checks = []
    for i, t in enumerate(raw_checks, 1):
        where = f"quality.attention_checks #{i}"
        if not isinstance(t, Mapping):
            c.add(where, f"must be a table {{ column, expected }}. Got {t!r}.")
            continue
        c.unknown_keys(where, t, _KEYS["quality.attention_checks"])
        column = c.typed(where, t, "column", str, required=True)
        expected = _text_list(c, where, t, "expected")
        if not expected and "expected" in t:
            c.add(where, "'expected' lists no answer.", "list the answers that pass.")
        elif "expected" not in t:
            c.add(where, "'expected' is required.", 'add expected = ["..."] (the answers that '
                  "pass the check).")
        if column and expected:
            checks.append(AttentionCheck(column, expected, c.typed(where, t, "scale", str)))
    return QualitySettings(
        **flags, speeders=speeders,
        speeder_column=c.typed("quality.speeders", sp, "column", str),
        speeder_seconds=seconds, speeder_median_share=share,
        straightliners=straight, straightline_min_items=min_items,
        grids=tuple(tuple(g) for g in raw_grids),
        incomplete=incomplete,
        incomplete_min_share=_fraction(c, "quality.incomplete", inc, "min_share",
                                       d.incomplete_min_share),
        incomplete_items=_text_list(c, "quality.incomplete", inc, "items"),
        incomplete_finished=c.typed("quality.incomplete", inc, "finished", bool, True),
        attention_checks=tuple(checks), test_responses=tests, test_column=test_column,
        test_values=test_values)


def _parse(doc: Mapping[str, Any], spec: str, root: Path) -> tuple[Study | None, _Collector]:
    c = _Collector(spec)
    c.unknown_keys("top level", doc, _TOP_KEYS)
    st = doc.get("study", {})
    c.unknown_keys("study", st, _KEYS["study"])
    name = c.typed("study", st, "name", str, "Untitled study", required=True)

    sources = []
    raw_sources = doc.get("sources", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        c.add("sources", "the study has no sources.",
              'add [[sources]] tables with path, population and wave.')
        raw_sources = []
    for i, s in enumerate(raw_sources, 1):
        sources += _parse_source(c, f"sources #{i}", s, root)

    cols = doc.get("columns", {})
    c.unknown_keys("columns", cols, _KEYS["columns"])
    rid = c.typed("columns", cols, "respondent_id", str, "", required=True)
    if "respondent_id" in cols and isinstance(rid, str) and not rid.strip():
        c.add("columns", "'respondent_id' names no column.",
              'set respondent_id = "<the column that identifies each respondent>".')
    brand = c.typed("columns", cols, "brand", str)
    if brand is None and any(s.brand is None and s.brand_pattern is None for s in sources):
        c.add("columns", "no brand column, and some sources do not fix a brand.",
              'add brand = "<column>" to [columns] or brand = "<name>" to each source.')
    columns = Columns(rid, brand, c.typed("columns", cols, "weight", str),
                      tuple(c.typed("columns", cols, "segments", list, [])),
                      tuple(c.typed("columns", cols, "personal", list, [])))

    scales = {}
    for sname, t in doc.get("scales", {}).items():
        scale = _parse_scale(c, sname, t)
        if scale is not None:
            scales[sname] = scale
        else:
            c.invalid_scales.add(sname)
    if not doc.get("scales"):
        c.add("scales", "no scales are defined.", "add a [scales.<name>] table.")

    constructs = {}
    for cname, t in doc.get("constructs", {}).items():
        where = f"constructs.{cname}"
        c.unknown_keys(where, t, _KEYS["constructs"])
        role = c.choice(where, t, "role", ROLES, None)
        dim = c.typed(where, t, "dimension", str)
        if role in DIMENSIONS:
            dim = dim or cname
            if dim not in DIMENSIONS[role]:
                c.add(where, f"dimension '{dim}' is not a {role} dimension.",
                      "use one of " + ", ".join(DIMENSIONS[role]) + ".")
        default_pops = ("customer",) if role in ("cx_quality", "loyalty") else POPULATIONS
        pops = tuple(c.typed(where, t, "populations", list, list(default_pops)))
        for p in pops:
            if p not in POPULATIONS:
                c.add(where, f"population '{p}' is not customer or non_customer.")
        constructs[cname] = Construct(cname, role, dim, c.typed(where, t, "label", str, ""),
                                      pops)

    items = {}
    for col, t in doc.get("items", {}).items():
        where = f"items.{col}"
        if not isinstance(t, Mapping):
            c.add(where, "must be a table { construct = ..., scale = ... }.")
            continue
        c.unknown_keys(where, t, _KEYS["items"])
        cons = c.typed(where, t, "construct", str, required=True)
        scale = c.typed(where, t, "scale", str, required=True)
        items[col] = Item(col, cons or "", scale or "",
                          c.typed(where, t, "reversed", bool, False),
                          c.typed(where, t, "text", str, ""))

    ix = doc.get("index", {})
    c.unknown_keys("index", ix, _KEYS["index"])
    index = IndexSettings(
        cx_method=c.choice("index", ix, "cx_method", CX_METHODS, "loyalty_weighted"),
        bx_method=c.choice("index", ix, "bx_method", BX_METHODS, "equal"),
        lam=c.typed("index", ix, "lambda", float, 0.5),
        share_non_customer=c.typed("index", ix, "share_non_customer", float, 0.5),
        min_customers_for_weights=c.typed("index", ix, "min_customers_for_weights", int, 200),
        nps_item=c.typed("index", ix, "nps_item", str, None),
    )
    quality = _parse_quality(c, doc.get("quality", {}))
    r = doc.get("report", {})
    c.unknown_keys("report", r, _KEYS["report"])
    d = ReportSettings()
    report = ReportSettings(
        confidence=c.typed("report", r, "confidence", float, d.confidence),
        bootstrap=c.typed("report", r, "bootstrap", int, d.bootstrap),
        seed=c.typed("report", r, "seed", int, d.seed),
        suppress_below=c.typed("report", r, "suppress_below", float, d.suppress_below),
        low_base_below=c.typed("report", r, "low_base_below", float, d.low_base_below),
        caution_below=c.typed("report", r, "caution_below", float, d.caution_below),
        peer_min_base=c.typed("report", r, "peer_min_base", float, d.peer_min_base),
        language=c.choice("report", r, "language", LANGUAGES,
                          st.get("language", "en") if st.get("language") in LANGUAGES
                          else "en"),
        multiple_testing=c.choice("report", r, "multiple_testing", MULTIPLE_TESTING, "none"),
        bootstrap_exact_max=c.typed("report", r, "bootstrap_exact_max", int,
                                    d.bootstrap_exact_max),
    )
    if st.get("language") is not None and st.get("language") not in LANGUAGES:
        c.add("study", f"The 'language' setting must be 'en' or 'fr'. Got {st['language']!r}.")
    weighting = None
    if doc.get("weighting") is not None:
        from txscore.stats.weighting import parse_weighting  # numpy/pandas: only when asked

        weighting, w_problems = parse_weighting(
            doc.get("weighting"), where=f"{spec} [weighting]",
            segments=columns.segments if columns else (),
            weight_column=columns.weight if columns else None,
            waves=list(dict.fromkeys(s.wave for s in sources)))
        c.problems.extend(w_problems)
    study = Study(name or "Untitled study", tuple(sources), columns, scales, constructs, items,
                  index, quality, report, None, weighting)
    return study, c


def validate_study(study: Study, spec: str = "study") -> list[Problem]:
    """Check a study's internal consistency; return every problem found.

    Parameters
    ----------
    study : Study
        The spec to check (from TOML or built in Python).
    spec : str
        How to name the spec in messages (usually the TOML file name).

    Returns
    -------
    list of Problem
        Empty when the spec is consistent.

    Examples
    --------
    >>> from dataclasses import replace
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> tx.validate_study(study)
    []
    >>> bad = replace(study, index=replace(study.index, lam=1.5))
    >>> [p.message for p in tx.validate_study(bad)]
    ["'lambda' must be between 0 and 1. Got 1.5."]
    """
    c = _Collector(spec)
    ix, rep = study.index, study.report
    for name, item in study.items.items():
        for kind, value, known in (("construct", item.construct, study.constructs),
                                   ("scale", item.scale, study.scales)):
            if value and value not in known:
                close = difflib.get_close_matches(value, list(known), n=1)
                c.add(f"items.{name}", f"unknown {kind} '{value}'.",
                      f"did you mean '{close[0]}'?" if close else
                      f"define it under [{kind}s] or use one of: {', '.join(known)}.")
    if not study.items:
        c.add("items", "no items are defined.", "add [items] entries: column = { construct, "
              "scale }.")
    for cons in study.constructs.values():
        if not study.items_of(cons.name):
            c.add(f"constructs.{cons.name}", "has no items.",
                  f'add items with construct = "{cons.name}" or remove the construct.')
    for role, needed in DIMENSIONS.items():
        present = {cons.dimension for cons in study.constructs_with_role(role)}
        if present and role != "loyalty" and set(needed) - present:
            missing = ", ".join(sorted(set(needed) - present))
            c.add("constructs", f"the {role} role needs the dimensions {', '.join(needed)}; "
                  f"missing: {missing}.", f'add constructs with role = "{role}" and '
                  f"dimension = ... for {missing}.")
    if study.has_cx and ix.cx_method == "loyalty_weighted" and not study.constructs_with_role(
            "loyalty"):
        c.add("index", "cx_method 'loyalty_weighted' needs loyalty items.",
              'add constructs with role = "loyalty", or set cx_method = "equal".')
    if study.has_bx and ix.bx_method == "preference_weighted" and not study.constructs_with_role(
            "preference"):
        c.add("index", "bx_method 'preference_weighted' needs preference items.",
              'add a construct with role = "preference", or set bx_method = "equal".')
    for key, value in (("lambda", ix.lam), ("share_non_customer", ix.share_non_customer)):
        if value is not None and not 0 <= value <= 1:
            c.add("index", f"'{key}' must be between 0 and 1. Got {value}.")
    if rep.confidence is not None and not 0.5 < rep.confidence < 1:
        c.add("report", f"'confidence' must be between 0.5 and 1, e.g. 0.95. Got "
              f"{rep.confidence}.")
    if rep.bootstrap is not None and rep.bootstrap < 0:
        c.add("report", f"'bootstrap' must be 0 (off) or a number of resamples. Got "
              f"{rep.bootstrap}.")
    if rep.bootstrap_exact_max is not None and rep.bootstrap_exact_max < 0:
        c.add("report", "'bootstrap_exact_max' must be 0 (normal-sum bootstrap in every cell) "
              f"or a number of respondents. Got {rep.bootstrap_exact_max}.")
    if not rep.suppress_below <= rep.low_base_below <= rep.caution_below:
        c.add("report", "base thresholds must satisfy suppress_below <= low_base_below <= "
              f"caution_below. Got {rep.suppress_below}, {rep.low_base_below}, "
              f"{rep.caution_below}.")
    if ix.nps_item is not None:
        item = study.items.get(ix.nps_item)
        if item is None:
            close = difflib.get_close_matches(ix.nps_item, list(study.items), n=1)
            c.add("index", f"nps_item '{ix.nps_item}' is not an item.",
                  f"did you mean '{close[0]}'?" if close else
                  "declare it in [items] with a 0-10 scale.")
        elif item.scale in study.scales and (
                study.scales[item.scale].min, study.scales[item.scale].max) != (0, 10):
            sc = study.scales[item.scale]
            c.add("index", f"nps_item '{ix.nps_item}' uses scale '{sc.name}' "
                  f"({sc.min}-{sc.max}); NPS needs a 0-10 scale.",
                  "give the item a scale with min = 0 and max = 10.")
    pops = {s.population for s in study.sources}
    if study.sources and "customer" not in pops:
        c.add("sources", "no customer source: CX and the customer score cannot be computed.",
              'add a source with population = "customer".', )
    cols = study.columns
    roles = [cols.respondent_id, cols.brand, cols.weight, *cols.segments]
    for col in cols.personal:
        if col in roles or col in study.items:
            c.add("columns", f"personal column '{col}' is also used as an id, brand, weight, "
                  "segment or item.", "personal data cannot be reported: remove one of them.")
    _validate_quality(c, study)
    return c.problems


def _validate_quality(c: _Collector, study: Study) -> None:
    """Quality settings that name items or scales must name existing ones."""
    q = study.quality
    named = [("quality.straightliners", "grids", col) for grid in q.grids for col in grid]
    named += [("quality.incomplete", "items", col) for col in q.incomplete_items]
    for where, key, col in named:
        if col not in study.items:
            close = difflib.get_close_matches(col, list(study.items), n=1)
            c.add(where, f"'{col}' in {key} is not an item.",
                  f"did you mean '{close[0]}'?" if close else "list item columns of [items].")
    for i, check in enumerate(q.attention_checks, 1):
        if check.scale is not None and check.scale not in study.scales:
            c.add(f"quality.attention_checks #{i}", f"unknown scale '{check.scale}'.",
                  f"use one of: {', '.join(study.scales)}.")


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
