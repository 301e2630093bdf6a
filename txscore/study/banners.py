"""The ``[[tables]]`` of a study: banner tables (rows by banner columns), typed.

A banner table crosses *rows* (indices, constructs, items with a statistic, multi-select
questions) with *banner columns* (the values of one or more segment columns, plus a
Total), for one wave and one brand or all brands pooled.  :func:`parse_banner_tables`
reads the TOML array into frozen :class:`BannerTable` values, listing every problem of
form (types, unknown keys, statistics, duplicate names) located as
``study.toml [tables #2]``; :func:`check_banner_tables` checks them against the rest of
the spec (segments, items, constructs, waves, populations).  The tables are computed by
:func:`txscore.scoring.banners.banner_tables` (method: docs/methodology.md, "Banner
tables").

Keys of one ``[[tables]]`` entry:

``name`` (required; ``txscore tables --table NAME``), ``title`` (text or
``{ en = "...", fr = "..." }``), ``banner`` (a segment column or a list of them),
``rows`` (a list: ``"tx"``, ``"c"``, ``"n"``, ``"cx"``, ``"bx_customers"``,
``"bx_non_customers"``, ``"loyalty"``, ``"nps"``, a construct, an item, ``"item:statistic"``,
or a table ``{ item = "...", statistic = "...", label = "..." }`` or
``{ multi = ["col", ...], name = "...", label = "...", options = ["...", ...],
selected = [...], base = "answered" | "all" }``),
``statistic`` (of item rows: ``score100`` (default), ``top_box``, ``net``, ``nps``),
``brand`` (a brand, or ``"all"``: every brand pooled, the default), ``wave`` (default:
the latest), ``population`` (``customer`` or ``non_customer``: item and construct rows of
that population only), ``total`` (default true: the Total column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from txscore.errors import did_you_mean
from txscore.study.collector import Collector
from txscore.study.model import Study
from txscore.study.vocabulary import POPULATIONS

__all__ = ["ALL_BRANDS", "INDEX_ROWS", "MULTI_BASES", "SELECTED", "STATISTICS", "TABLE_KEYS",
           "BannerRow", "BannerTable", "Statistic", "check_banner_tables", "parse_banner_tables",
           "row_population"]

Statistic = Literal["score100", "top_box", "net", "nps"]
#: the statistics of an item row
STATISTICS: tuple[str, ...] = get_args(Statistic)
#: index rows: the name written -> (measure of ``result.scores``, its population)
INDEX_ROWS: Mapping[str, tuple[str, str]] = {
    "tx": ("tx", "all"), "c": ("customer_score", "customer"),
    "customer_score": ("customer_score", "customer"),
    "n": ("non_customer_score", "non_customer"),
    "non_customer_score": ("non_customer_score", "non_customer"),
    "cx": ("cx", "customer"), "bx_customers": ("bx_customers", "customer"),
    "bx_non_customers": ("bx_non_customers", "non_customer"),
    "loyalty": ("loyalty", "customer"), "nps": ("nps", "customer")}
#: ``brand = "all"``: every brand pooled (the default)
ALL_BRANDS = "all"
#: answers of a multi-select column that mean "selected" (compared as lower-case text)
SELECTED = ("1", "1.0", "yes", "true", "x", "checked", "selected")
#: the keys of a [[tables]] entry, of an item row and of a multi-select row
TABLE_KEYS = ("name", "title", "banner", "rows", "statistic", "brand", "wave", "population",
              "total")
_ITEM_KEYS = ("item", "statistic", "label")
_MULTI_KEYS = ("multi", "name", "label", "options", "selected", "base")
#: the base of a multi-select question: respondents who answered at least one of its
#: columns (a column not blank), or every respondent of the column
MULTI_BASES = ("answered", "all")


@dataclass(frozen=True)
class BannerRow:
    """One row request of a banner table.

    ``name`` is an index (:data:`INDEX_ROWS`), a construct or an item; ``statistic`` the
    item statistic (None: the table's).  A multi-select question has ``columns`` (its 0/1
    columns, one row each; ``name`` its name), ``options`` (their labels),
    ``selected`` (the answers that mean "selected") and ``base`` (:data:`MULTI_BASES`).
    """

    name: str
    statistic: str | None = None
    label: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    selected: tuple[str, ...] = SELECTED
    base: str = "answered"

    @property
    def multi(self) -> bool:
        """Whether the row is a multi-select question."""
        return bool(self.columns)

    def label_in(self, language: str | None = None) -> str:
        """The label in ``language``, else the label ("" when none: the reader names it).

        >>> BannerRow("eff_1", labels={"fr": "Efficacité"}).label_in("fr")
        'Efficacité'
        """
        return self.labels.get(language or "") or self.label


@dataclass(frozen=True)
class BannerTable:
    """One ``[[tables]]`` entry (see the module's docstring for the keys).

    ``brand`` None pools every brand; ``wave`` None is the latest wave; ``population``
    None keeps every population of each row.  ``spec_index`` is the entry's number (1 =
    the first), for messages.

    >>> t = BannerTable("by_region", banner=("region",), rows=(BannerRow("cx"),))
    >>> t.where, t.title_in("fr")
    ('tables #0', 'by_region')
    """

    name: str
    banner: tuple[str, ...]
    rows: tuple[BannerRow, ...]
    title: str = ""
    titles: Mapping[str, str] = field(default_factory=dict)
    statistic: Statistic = "score100"
    brand: str | None = None
    wave: str | None = None
    population: str | None = None
    total: bool = True
    spec_index: int = 0

    @property
    def where(self) -> str:
        """The table's place in messages (``tables #2``)."""
        return f"tables #{self.spec_index}"

    def title_in(self, language: str | None = None) -> str:
        """The title in ``language``, else the title, else the name."""
        return self.titles.get(language or "") or self.title or self.name


def parse_banner_tables(c: Collector, raw: Any, language: str) -> tuple[BannerTable, ...]:
    """The banner tables of ``[[tables]]`` (none when absent); problems go to ``c``.

    Parameters
    ----------
    c : Collector
        Collects the problems, located as ``[tables #i]``.
    raw : list of tables or None
        The TOML value of ``tables``.
    language : str
        The study's language: the title shown when several are given.

    Returns
    -------
    tuple of BannerTable
        The well-formed entries (an entry with a problem is left out).

    Examples
    --------
    >>> c = Collector("study.toml")
    >>> tables = parse_banner_tables(c, [{"name": "t", "banner": "region",
    ...     "rows": ["cx", "eff_1:top_box", {"multi": ["ch_web", "ch_app"], "name": "ch"}]}], "en")
    >>> [(r.name, r.statistic) for r in tables[0].rows], tables[0].banner
    ([('cx', None), ('eff_1', 'top_box'), ('ch', None)], ('region',))
    >>> parse_banner_tables(c, [{"name": "t", "banner": "region", "rowz": ["cx"]}], "en")
    ()
    >>> [p.message for p in c.problems][:2]
    ["unknown key 'rowz'.", "'rows' is required."]
    """
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, Mapping) for t in raw):
        c.add("tables", f"[[tables]] must be an array of tables. Got {raw!r}.",
              'write each table as [[tables]] with name = "...", banner = ["region"] and '
              'rows = ["cx", "tx"].')
        return ()
    out: list[BannerTable] = []
    seen: set[str] = set()
    for i, t in enumerate(raw, 1):
        table = _table(c, i, t, language)
        if table is None:
            continue
        if table.name in seen:
            c.add(table.where, f"the table name '{table.name}' is used twice.",
                  "give every [[tables]] entry its own name.")
            continue
        seen.add(table.name)
        out.append(table)
    return tuple(out)


def _table(c: Collector, i: int, t: Mapping[str, Any], language: str) -> BannerTable | None:
    """One entry, or None when it has a problem."""
    where = f"tables #{i}"
    before = len(c.problems)
    c.unknown_keys(where, t, TABLE_KEYS)
    name = c.name(where, t, "name", required=True)
    titles = c.texts(where, "the title", t["title"], synonyms=False) if "title" in t else {}
    banner = t.get("banner")
    banner = [banner] if isinstance(banner, str) else banner
    if banner is None:
        c.add(where, "'banner' is required.",
              'add banner = ["region"]: the segment columns whose values become columns.')
    elif not (isinstance(banner, list) and banner and all(
            isinstance(b, str) and b.strip() for b in banner)):
        c.add(where, f"The 'banner' setting of [{where}] must be a segment column or a list "
              f"of them. Got {banner!r}.", 'e.g. banner = ["region", "age_group"].')
    elif len(set(banner)) < len(banner):
        c.add(where, "a banner column is listed twice.", "list each segment once.")
    rows = _rows(c, where, t)
    statistic = c.choice(where, t, "statistic", STATISTICS, "score100")
    brand = c.name(where, t, "brand")
    wave = c.name(where, t, "wave")
    population = c.choice(where, t, "population", POPULATIONS, None)
    total = c.typed(where, t, "total", bool, True)
    if len(c.problems) > before or name is None or titles is None:
        return None
    shown = titles.get(language) or titles.get(None) or next(iter(titles.values()), [""])
    return BannerTable(
        name, tuple(banner), rows, title=shown[0],
        titles={k: v[0] for k, v in titles.items() if k is not None}, statistic=statistic,
        brand=None if brand is None or brand.strip().lower() == ALL_BRANDS else brand,
        wave=wave, population=population, total=total, spec_index=i)


def _rows(c: Collector, where: str, t: Mapping[str, Any]) -> tuple[BannerRow, ...]:
    """The ``rows`` list: names, ``name:statistic``, item tables and multi-select tables."""
    raw = c.typed(where, t, "rows", list, None, required=True)
    if raw is None:
        return ()
    if not raw:
        c.add(where, "'rows' is empty.", 'list the rows, e.g. rows = ["tx", "cx", "eff_1"].')
    out = []
    for k, r in enumerate(raw, 1):
        at = f"row {k} of [{where}]"
        if isinstance(r, str) and r.strip():
            name, _, stat = r.partition(":")
            row = BannerRow(name.strip(), stat.strip() or None)
        elif isinstance(r, Mapping) and "multi" in r:
            row = _multi(c, where, at, r)
        elif isinstance(r, Mapping):
            row = _item_row(c, where, at, r)
        else:
            c.add(where, f"{at} must be a name or a table. Got {r!r}.",
                  'e.g. "cx", "eff_1:top_box", { item = "eff_1", statistic = "net" } or '
                  '{ multi = ["ch_web", "ch_app"], label = "Channels used" }.')
            continue
        if row is None:
            continue
        if row.statistic is not None and row.statistic not in STATISTICS:
            c.add(where, f"unknown statistic '{row.statistic}' in {at}.", (
                did_you_mean(row.statistic, STATISTICS) + " statistics: "
                + ", ".join(STATISTICS) + ".").strip())
            continue
        if any((r.name, r.statistic) == (row.name, row.statistic) for r in out):
            c.add(where, f"{at} repeats row '{row.name}'.", "list each row once.")
            continue
        out.append(row)
    return tuple(out)


def _labels(c: Collector, where: str, at: str, r: Mapping[str, Any]) -> dict | None:
    return c.texts(where, f"the label of {at}", r["label"], synonyms=False) \
        if "label" in r else {}


def _item_row(c: Collector, where: str, at: str, r: Mapping[str, Any]) -> BannerRow | None:
    bad = [k for k in r if k not in _ITEM_KEYS]
    for key in bad:
        c.add(where, f"unknown key '{key}' in {at}.", did_you_mean(key, (*_ITEM_KEYS, "multi"))
              or "keys: " + ", ".join(_ITEM_KEYS) + ".")
    item, stat = r.get("item"), r.get("statistic")
    if not (isinstance(item, str) and item.strip()):
        c.add(where, f"{at} needs item = an index, construct or item name. Got {item!r}.",
              'e.g. { item = "eff_1", statistic = "top_box" }.')
        return None
    if stat is not None and not isinstance(stat, str):
        c.add(where, f"the statistic of {at} must be text. Got {stat!r}.",
              "statistics: " + ", ".join(STATISTICS) + ".")
        return None
    labels = _labels(c, where, at, r)
    if bad or labels is None:
        return None
    return BannerRow(item.strip(), stat, label=next(iter(labels.values()), [""])[0],
                     labels={k: v[0] for k, v in labels.items() if k is not None})


def _multi(c: Collector, where: str, at: str, r: Mapping[str, Any]) -> BannerRow | None:
    bad = [k for k in r if k not in _MULTI_KEYS]
    for key in bad:
        c.add(where, f"unknown key '{key}' in {at}.", did_you_mean(key, _MULTI_KEYS)
              or "keys: " + ", ".join(_MULTI_KEYS) + ".")
    cols = r["multi"]
    if not (isinstance(cols, list) and cols and all(isinstance(x, str) and x.strip()
                                                    for x in cols)):
        c.add(where, f"multi in {at} must be a list of columns (one per option). Got "
              f"{cols!r}.", 'e.g. multi = ["ch_web", "ch_app", "ch_store"].')
        return None
    if len(set(cols)) < len(cols):
        c.add(where, f"a column of {at} is listed twice.", "list each option's column once.")
        return None
    options = r.get("options", list(cols))
    if not (isinstance(options, list) and len(options) == len(cols)
            and all(isinstance(x, str) and x.strip() for x in options)):
        c.add(where, f"options in {at} must be a list of {len(cols)} labels, one per column. "
              f"Got {options!r}.", 'e.g. options = ["Web site", "App", "Store"].')
        return None
    selected = c.text_list(where, r, "selected") if "selected" in r else SELECTED
    name = r.get("name", cols[0])
    if not (isinstance(name, str) and name.strip()):
        c.add(where, f"the name of {at} must be text. Got {name!r}.", 'e.g. name = "channels".')
        return None
    base = r.get("base", "answered")
    if base not in MULTI_BASES:
        c.add(where, f"base in {at} must be one of {', '.join(MULTI_BASES)}. Got {base!r}.",
              'base = "answered" (respondents who answered at least one option) or "all".')
        return None
    labels = _labels(c, where, at, r)
    if bad or labels is None or not selected:
        if not selected and "selected" in r:
            c.add(where, f"selected in {at} is empty.", 'e.g. selected = ["1", "yes"].')
        return None
    return BannerRow(name.strip(), None, label=next(iter(labels.values()), [""])[0],
                     labels={k: v[0] for k, v in labels.items() if k is not None},
                     columns=tuple(cols), options=tuple(options),
                     selected=tuple(s.strip().lower() for s in selected), base=base)


# ---------------------------------------------------------------------- against the spec
def row_population(study: Study, row: BannerRow) -> tuple[str, ...]:
    """The populations a row is computed for: an index's own (``"all"`` for TX), a
    construct's or an item's populations, every population for a multi-select question.

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> row_population(study, BannerRow("tx")), row_population(study, BannerRow("trust"))
    (('all',), ('customer', 'non_customer'))
    """
    if row.multi:
        return POPULATIONS
    if row.name in INDEX_ROWS:
        return (INDEX_ROWS[row.name][1],)
    cons = row.name if row.name in study.constructs else (
        study.items[row.name].construct if row.name in study.items else None)
    return tuple(study.constructs[cons].populations) if cons in study.constructs else ()


def check_banner_tables(c: Collector, study: Study) -> None:
    """Add a problem for each reference of ``study.tables`` the spec does not define.

    Banner columns must be segments (``[columns] segments``); rows must name an index, a
    construct or an item (a statistic only on an item; ``nps`` on a 0-10 item, the
    ``nps`` row needs ``[index] nps_item``); multi-select columns must be segments or
    items; the wave must be one of the study's; a table's population must be one of its
    rows'.  Brands are checked against the data when the tables are computed.

    Examples
    --------
    >>> import txscore as tx
    >>> from dataclasses import replace
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> bad = BannerTable("t", ("regoin",), (BannerRow("trsut"),), spec_index=1)
    >>> c = Collector("study.toml")
    >>> check_banner_tables(c, replace(study, tables=(bad,)))
    >>> [(p.message, p.fix) for p in c.problems]  # doctest: +NORMALIZE_WHITESPACE
    [("banner column 'regoin' is not a segment column.", "did you mean 'region'? segments
      are listed in [columns] segments: region, age_group."),
     ("unknown row 'trsut': not an index, construct or item.", "did you mean 'trust'?")]
    """
    segments = study.columns.segments
    for t in study.tables:
        for b in t.banner:
            if b not in segments:
                c.add(t.where, f"banner column '{b}' is not a segment column.", (
                    did_you_mean(b, segments) + " segments are listed in [columns] segments: "
                    + (", ".join(segments) or "none") + ".").strip())
        if t.wave is not None and t.wave not in study.waves:
            c.add(t.where, f"unknown wave '{t.wave}'.", (did_you_mean(t.wave, study.waves)
                  + " waves: " + ", ".join(study.waves) + ".").strip())
        pops: set[str] = set()
        for row in t.rows:
            _check_row(c, study, t, row)
            pops.update(row_population(study, row))
        if t.population is not None and pops and not pops & {t.population, "all"}:
            c.add(t.where, f"no row of the table is asked of population '{t.population}'.",
                  "remove population, or list rows of that population.")


def _check_row(c: Collector, study: Study, t: BannerTable, row: BannerRow) -> None:
    """The problems of one row of table ``t``."""
    if row.multi:
        known = (*study.columns.segments, *study.items)
        for col in row.columns:
            if col not in known:
                c.add(t.where, f"multi-select column '{col}' of '{row.name}' is not a segment "
                      "or an item.", "list it in [columns] segments (a 0/1 column) so that "
                      "it is read, or correct the name" + (
                          f" ({did_you_mean(col, known)})" if did_you_mean(col, known) else "")
                      + ".")
        return
    names = (*INDEX_ROWS, *study.constructs, *study.items)
    if row.name not in names:
        c.add(t.where, f"unknown row '{row.name}': not an index, construct or item.",
              did_you_mean(row.name, names) or "indices: " + ", ".join(INDEX_ROWS) + ".")
        return
    if row.statistic is not None and row.name not in study.items:
        c.add(t.where, f"row '{row.name}' is not an item: it takes no statistic.",
              f"write \"{row.name}\" alone (its score100), or name one of its items.")
    own = INDEX_ROWS[row.name][1] if row.name in INDEX_ROWS else None
    if own is not None and t.population is not None and own != t.population:
        c.add(t.where, f"row '{row.name}' is of population '{own}', the table of "
              f"'{t.population}'.", "remove the row, or the table's population.")
    stat = row.statistic or t.statistic
    if row.name in study.items and stat == "nps":
        scale = study.scales.get(study.items[row.name].scale)
        if scale is not None and (scale.min, scale.max) != (0, 10):
            c.add(t.where, f"row '{row.name}:nps' needs a 0-10 item; its scale is "
                  f"{scale.min}-{scale.max}.", "use net (top box minus bottom box) instead.")
    if row.name == "nps" and study.index.nps_item is None:
        c.add(t.where, "the nps row needs [index] nps_item.",
              'set nps_item = "<a 0-10 recommend item>" in [index].')
    if row.name in ("cx", "c", "customer_score") and study.index.cx_method == "classic_net":
        c.add(t.where, f"row '{row.name}' is not available with cx_method = \"classic_net\".",
              "banner tables compute mean-type indices: use the dimensions as rows.")
