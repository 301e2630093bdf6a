"""The study spec as frozen values: sources, columns, scales, constructs, items and settings.

Every method name is a :data:`typing.Literal` type (``CxMethod``, ``BxMethod``, ...) and
the tuples of allowed values that parsing and validation check against are drawn from those
types, so a name is spelt in one place. Nothing here reads a file or checks consistency:
:mod:`txscore.study.toml` builds these values, :mod:`txscore.study.validate` checks them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any, Literal, get_args

from txscore.errors import StudySpecError
from txscore.study.vocabulary import POPULATIONS

__all__ = [
    "BX_METHODS", "CLUSTERS", "CX_METHODS", "DIMENSIONS", "LABEL_LANGUAGES", "LANGUAGES",
    "MULTIPLE_TESTING", "PAPERS", "ROLES", "SOURCE_FORMATS", "SOURCE_ROLES", "TARGET_SCOPES",
    "WEIGHTING_METHODS", "WEIGHT_SCALES",
    "AttentionCheck", "BxMethod", "Columns", "Construct", "CxMethod", "IndexSettings", "Item",
    "Language", "MultipleTesting", "Paper", "Population", "QualitySettings", "ReportSettings",
    "Role", "Scale", "Source", "SourceFormat", "Study", "TargetScope", "Targets", "WeightScale",
    "WeightingMethod", "WeightingSettings", "default_boxes", "normalise_label", "spec_table",
    "target_table",
]

Population = Literal["customer", "non_customer"]
Role = Literal["cx_quality", "loyalty", "bx_pillar", "preference"]
CxMethod = Literal["loyalty_weighted", "equal", "classic_net"]
BxMethod = Literal["equal", "preference_weighted"]
Language = Literal["en", "fr"]
Paper = Literal["a4", "letter"]
MultipleTesting = Literal["none", "bh"]  # "bh": Benjamini-Hochberg within each table
#: platform layouts a source can be read as ("auto" detects it)
SourceFormat = Literal["auto", "plain", "qualtrics", "qualtrics-legacy", "surveymonkey",
                       "google-forms"]
WeightingMethod = Literal["column", "rake", "none"]
WeightScale = Literal["mean1", "targets"]
#: where a table of raking targets applies: one population, or both ("all")
TargetScope = Literal["customer", "non_customer", "all"]
#: the unit of resampling and of the variances: the respondent (all their rows together)
#: or the respondent x brand row (rows independent: the method before clustering)
Clusters = Literal["respondent", "row"]

ROLES: tuple[str, ...] = get_args(Role)
CX_METHODS: tuple[str, ...] = get_args(CxMethod)
BX_METHODS: tuple[str, ...] = get_args(BxMethod)
LANGUAGES: tuple[str, ...] = get_args(Language)
MULTIPLE_TESTING: tuple[str, ...] = get_args(MultipleTesting)
PAPERS: tuple[str, ...] = get_args(Paper)
CLUSTERS: tuple[str, ...] = get_args(Clusters)
SOURCE_FORMATS: tuple[str, ...] = get_args(SourceFormat)
WEIGHTING_METHODS: tuple[str, ...] = get_args(WeightingMethod)
WEIGHT_SCALES: tuple[str, ...] = get_args(WeightScale)
TARGET_SCOPES: tuple[str, ...] = get_args(TargetScope)

#: the dimensions each role is made of (loyalty's are outcomes, not required together)
DIMENSIONS: Mapping[str, tuple[str, ...]] = {
    "cx_quality": ("effectiveness", "ease", "emotion"),
    "loyalty": ("retention", "enrichment", "advocacy"),
    "bx_pillar": ("salience", "fit", "trust"),
}

#: ``{variable: {category: share or count}}``: one table of raking targets
Targets = Mapping[str, Mapping[Any, float]]


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
    format: SourceFormat = "auto"
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    brand_pattern: str | None = None
    brands: Mapping[str, str] = field(default_factory=dict)
    #: this source's column roles as written in its ``columns = {...}`` (keys of
    #: :data:`SOURCE_ROLES`); they replace the ``[columns]`` default for this file only,
    #: ``personal`` (a tuple) adds to the study-wide list
    columns: Mapping[str, str | float | tuple[str, ...]] = field(default_factory=dict)
    #: item key -> this file's column (in a brand loop: the item part of the column names)
    items: Mapping[str, str] = field(default_factory=dict)
    #: the number of the ``[[sources]]`` table it comes from (1 = the first; 0: built in
    #: Python), so that messages name the table to edit
    spec_index: int = 0
    label: str = ""  #: shown instead of the file name when two files share that name

    @property
    def name(self) -> str:
        """The file name as shown to users (or its :attr:`label`)."""
        return self.label or self.path.name

    @property
    def table(self) -> str:
        """The spec table of this source as messages name it: ``[[sources]] #2``, or the
        file name for a source built in Python.

        >>> Source(Path("a.csv"), "customer", "W1", spec_index=2).table
        '[[sources]] #2'
        """
        return f"[[sources]] #{self.spec_index}" if self.spec_index else f"source {self.name}"


#: the languages a label or a question text may be given in (ISO 639-1 codes)
LABEL_LANGUAGES: tuple[str, ...] = tuple(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu".split())

#: the column roles a source may set for itself (``columns = {...}`` of ``[[sources]]``)
SOURCE_ROLES: tuple[str, ...] = ("respondent_id", "brand", "weight", "duration", "start",
                                 "end", "finished", "status", "personal")


@dataclass(frozen=True)
class Columns:
    """Column roles in the input files.

    ``weight`` is a column name or a number (a constant weight). ``duration`` is the
    interview length in seconds; without it, ``end - start`` when both are given.
    ``finished`` and ``status`` are the export's finished flag and status (test/preview
    responses).

    >>> Columns("resp_id", weight=1.5).weight
    1.5
    """

    respondent_id: str = "respondent_id"
    brand: str | None = None
    weight: str | float | None = None
    segments: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    duration: str | None = None
    start: str | None = None
    end: str | None = None
    finished: str | None = None
    status: str | None = None


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
    #: code -> every label that means it (synonyms, every language), the shown one first
    accepted: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: missing code -> every label that means it, the shown one first
    missing_accepted: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: language -> code -> the label shown in that language
    translations: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the shown labels are always accepted (a Scale built with labels only, or replaced)
        for name, shown in (("accepted", self.labels), ("missing_accepted", self.missing)):
            given = getattr(self, name)
            merged = {code: tuple(dict.fromkeys((label, *given.get(code, ()))))
                      for code, label in shown.items()}
            merged.update({code: tuple(v) for code, v in given.items() if code not in merged})
            object.__setattr__(self, name, merged)

    @property
    def codes(self) -> tuple[int, ...]:
        """The valid (non-missing) codes."""
        return tuple(range(self.min, self.max + 1))

    def label_in(self, code: int, language: str | None = None) -> str:
        """The label of ``code`` shown in ``language`` (its translation, else the shown
        label, else the code itself: an unlabelled scale shows its codes).

        >>> s = Scale("a", 5, 1, 5, {5: "Agree"}, translations={"fr": {5: "D'accord"}})
        >>> s.label_in(5, "fr"), s.label_in(5, "en"), s.label_in(3, "fr")
        ("D'accord", 'Agree', '3')
        """
        table = self.translations.get(language or "", {})
        return table.get(code) or self.labels.get(code) or self.missing.get(code) or str(code)


def default_boxes(points: int, lo: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Default top and bottom boxes (docs/methodology.md): 6-7/1-3 on 7 points, 4-5/1-2 on 5,
    9-10/0-6 on 0-10, otherwise the top and bottom fifth.

    >>> default_boxes(7, 1)
    ((6, 7), (1, 2, 3))
    """
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
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("\u2019", "'").split())


@dataclass(frozen=True)
class Construct:
    """A set of items measuring one thing, with its role in the indices."""

    name: str
    role: Role | None = None
    dimension: str | None = None
    label: str = ""
    populations: tuple[Population, ...] = POPULATIONS
    #: language -> label
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The label, or the name when no label is given."""
        return self.label or self.name.replace("_", " ").capitalize()

    def title_in(self, language: str | None = None) -> str:
        """The label in ``language``, else :attr:`title`.

        >>> Construct("trust", labels={"fr": "Confiance"}).title_in("fr")
        'Confiance'
        >>> Construct("trust").title_in("fr")
        'Trust'
        """
        return self.labels.get(language or "") or self.title


@dataclass(frozen=True)
class Item:
    """A survey question: its key (the column name unless a source aliases it), construct
    and scale.

    ``text`` is the question text and ``label`` a short label for charts and tables, both
    in the study language; ``texts`` and ``labels`` hold them per language.
    """

    column: str
    construct: str
    scale: str
    reversed: bool = False
    text: str = ""
    label: str = ""
    texts: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def text_in(self, language: str | None = None) -> str:
        """The question text in ``language``, else :attr:`text` ("" when none).

        >>> Item("q1", "c", "s", text="Meets needs", texts={"fr": "Répond"}).text_in("fr")
        'Répond'
        """
        return self.texts.get(language or "") or self.text

    def label_in(self, language: str | None = None) -> str:
        """The short label in ``language``: its label, else the label, else the question
        text, else the item key.

        >>> Item("eff_1", "c", "s").label_in("fr")
        'eff_1'
        """
        return (self.labels.get(language or "") or self.label or self.text_in(language)
                or self.column)


@dataclass(frozen=True)
class IndexSettings:
    """How CX, BX and TX are combined (docs/methodology.md)."""

    cx_method: CxMethod = "loyalty_weighted"
    bx_method: BxMethod = "equal"
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
    language: Language = "en"
    multiple_testing: MultipleTesting = "none"
    # cells with more respondents draw bootstrap sums from their normal law (0: always)
    bootstrap_exact_max: int = 2000
    #: paper size of the printed workbook: "a4" or "letter"; None: A4 in French, Letter
    #: in English (:attr:`paper_size`)
    paper: Paper | None = None
    #: a PNG or JPEG shown on the workbook's cover (resolved against the study file)
    logo: Path | None = None
    #: brand -> "#RRGGBB": these brands keep these colours in every chart and table
    brand_colors: Mapping[str, str] = field(default_factory=dict)
    #: the client's brand: accent colour and bold rows everywhere, other brands muted
    focus_brand: str | None = None
    #: also write the PowerPoint deck beside the workbook
    deck: bool = False
    #: the client's .pptx whose master, layouts and theme fonts the deck uses
    deck_template: Path | None = None
    #: "respondent": a respondent's rows (all brands, both populations) are one cluster in
    #: the bootstrap and the variances; "row": every respondent x brand row is independent
    clusters: Clusters = "respondent"

    @property
    def paper_size(self) -> Paper:
        """The paper the workbook prints on: :attr:`paper`, else A4 in French, Letter in
        English.

        >>> ReportSettings(language="fr").paper_size, ReportSettings().paper_size
        ('a4', 'letter')
        """
        return self.paper or ("a4" if self.language == "fr" else "letter")


# ---------------------------------------------------------------------- weighting
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def target_table(scope: str, wave: str | None) -> str:
    """The spec table of a target set, as the user writes it.

    >>> target_table("all", None), target_table("customer", "2026 Q2")
    ('targets.all', 'targets.customer.waves."2026 Q2"')
    """
    key = str(wave)
    key = key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)
    return f"targets.{scope}" + ("" if wave is None else f".waves.{key}")


def spec_table(where: str, table: str) -> str:
    """A sub-table's place in messages.

    >>> spec_table("study.toml [weighting]", "targets.all")
    'study.toml [weighting.targets.all]'
    """
    return f"{where[:-1]}.{table}]" if where.endswith("]") else f"{where} [{table}]"


@dataclass(frozen=True)
class WeightingSettings:
    """The ``[weighting]`` table of a study spec (:func:`txscore.study.parse_weighting`).

    ``method``: ``"column"`` keeps the weight column of ``[columns]`` as it is, ``"rake"``
    rakes to ``targets``, ``"none"`` analyses unweighted. ``base_weight``: the column raking
    starts from (``"weight"`` is the ``[columns]`` weight column), else 1. ``targets`` maps
    ``(scope, wave)`` to ``{variable: {category: share or count}}``; scope is a population
    or ``"all"`` (both), wave ``None`` means every wave. ``cap``: largest weight over the
    mean weight (None: no cap). ``by_wave``: rake each population x wave group separately.
    """

    method: WeightingMethod = "none"
    base_weight: str | None = None
    targets: Mapping[tuple[str, str | None], Targets] = field(default_factory=dict)
    cap: float | None = 5.0
    max_iter: int = 1000
    tol: float = 1e-10
    scale: WeightScale = "mean1"
    by_wave: bool = True

    def targets_for(self, population: str, wave: str | None) -> tuple[str, Targets] | None:
        """The most specific target set of a group and its spec table, or None.

        Population and wave, then population, then ``all`` and wave, then ``all``: a more
        specific table replaces a more general one as a whole (variables are not mixed).

        >>> s = WeightingSettings("rake", targets={("all", None): {"region": {"N": 1.0}}})
        >>> s.targets_for("customer", "W1")
        ('targets.all', {'region': {'N': 1.0}})
        """
        for scope, w in ((population, wave), (population, None), ("all", wave), ("all", None)):
            if (scope, w) in self.targets:
                return target_table(scope, w), self.targets[(scope, w)]
        return None


# ---------------------------------------------------------------------- the study
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
    #: ``[weighting]``; None: the weight column of ``[columns]`` as it is, or unweighted
    weighting: WeightingSettings | None = None
    #: ``[[tables]]``, ``[[scenarios]]``, ``[planning]`` (None: no plan), ``[engine]`` (None:
    #: in memory): :mod:`~.banners`, :mod:`~.scenarios`, :mod:`~.planning`, :mod:`~.engine`
    tables: tuple[Any, ...] = ()
    scenarios: tuple[Any, ...] = ()
    planning: Any = None
    engine: Any = None

    # ------------------------------------------------------------------ helpers
    def columns_for(self, source: Source) -> Columns:
        """The column roles of one source, as named in its file: the source's own
        ``columns`` over the ``[columns]`` defaults (``personal`` adds to them; the
        duration defaults to ``[quality.speeders] column``; a source that sets its own
        start or end time and no duration has none).

        >>> import txscore as tx
        >>> study = tx.read_study("surveys/sample/study.toml")
        >>> study.columns_for(study.sources[0]).respondent_id
        'resp_id'
        """
        own = dict(source.columns)
        personal = own.pop("personal", ())
        base = self.columns
        if base.duration is None and self.quality.speeder_column is not None:
            base = replace(base, duration=self.quality.speeder_column)
        if {"start", "end"} & set(own) and "duration" not in own:
            base = replace(base, duration=None)  # its own times replace the default duration
        return replace(base, **own, personal=tuple(dict.fromkeys(
            [*base.personal, *(personal if isinstance(personal, tuple | list) else ())])))

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
        """A copy with some index/report settings changed, e.g. ``cx_method="equal"``:
        >>> import txscore as tx
        >>> study = tx.read_study("surveys/sample/study.toml")
        >>> study.with_settings(cx_method="equal", bootstrap=0).index.cx_method
        'equal'
        """
        idx = {k: v for k, v in changes.items() if k in IndexSettings.__dataclass_fields__}
        rep = {k: v for k, v in changes.items() if k in ReportSettings.__dataclass_fields__}
        unknown = set(changes) - set(idx) - set(rep)
        if unknown:
            raise StudySpecError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        return replace(self, index=replace(self.index, **idx), report=replace(self.report, **rep))
