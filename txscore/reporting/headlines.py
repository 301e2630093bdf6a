"""The headlines: what a client must know, in sentences written from rules (en and fr).

No language model: each sentence is a template of the text table (``"headlines"``, in
:mod:`txscore.reporting._words_headlines`) filled from the result's tables. Reporting decides
nothing statistical: a sentence reads the ``flag`` of each row (only "ok" rows are cited),
the ``significant`` column of ``result.changes`` (after the study's multiple-testing
setting), the ``quadrant`` of ``result.grid`` and the intervals of ``result.scores`` and
``result.drivers``. Every sentence records the rows it cites (:class:`Cite`).

The rules, in the order of the sentences (README, "How the headlines are written"):

1. **Leader** (latest wave): the highest TX among the brands whose TX row is "ok" (TX not
   computed: CX, then BX among customers, then among non-customers, said so). The lead is
   called clear only when the leader's interval lies wholly above the runner-up's (the
   conservative rule: no test of the difference of two brands is in :mod:`txscore.stats`);
   else every brand whose interval reaches the leader's shares the lead. A clear leader's
   sentence says in what share of the bootstrap replicates it ranks first
   (``p_first`` of ``result.ranks``; not said without bootstrap).
2. **Changes** since the previous wave: the rows of ``result.changes`` of the headline
   measures (:data:`HEADLINE_MEASURES`) that are significant and "ok", whose latest score
   is "ok"; one sentence per brand (study order, all brands last); none: one sentence says
   so.
3. **Growth grid**: brands whose quadrant differs between the two waves, both rows "ok".
4. **Drivers**: per analysis (and population), the strongest driver, or the two strongest
   when the first's interval does not lie above the second's; then the brands significantly
   above or below the peer average on it.
5. **The rule**: significance level, multiple testing, the base every figure rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from txscore.reporting.chart_base import label_of
from txscore.reporting.palette import brand_order
from txscore.study.vocabulary import TOTAL

if TYPE_CHECKING:
    from txscore.reporting.text import Words
    from txscore.reporting.xlsx import Book, Sheet

__all__ = ["HEADLINE_MEASURES", "LEADER_MEASURES", "MINUS", "Cite", "Headline", "headlines",
           "headlines_section"]

#: the measures whose changes make headlines, each in its population, in sentence order
HEADLINE_MEASURES = (("tx", "all"), ("customer_score", "customer"),
                     ("non_customer_score", "non_customer"), ("cx", "customer"),
                     ("bx_customers", "customer"), ("bx_non_customers", "non_customer"),
                     ("nps", "customer"))
#: the measures a leader is named on: TX, else the first of the others the result has
LEADER_MEASURES = (("tx", "all"), ("cx", "customer"), ("bx_customers", "customer"),
                   ("bx_non_customers", "non_customer"))
#: the minus sign of a signed number (U+2212, not a hyphen)
MINUS = "\u2212"


@dataclass(frozen=True)
class Cite:
    """One figure a sentence cites: a row of ``result.scores`` (``table`` "scores",
    ``comparison`` None), of ``result.changes`` ("changes", ``comparison`` "wave" or
    "peer", ``versus`` the wave or "peer average" compared with), of ``result.grid``
    ("grid", ``measure`` "quadrant") or of ``result.drivers`` ("drivers", ``measure`` the
    driver, ``analysis`` its analysis, ``brand`` "")."""

    table: str
    measure: str
    population: str
    brand: str
    wave: str
    comparison: str | None = None
    value: float | None = None
    versus: str | None = None
    analysis: str | None = None


@dataclass(frozen=True)
class Headline:
    """One sentence: its rule (``kind``: "leader", "change", "no_change", "grid", "driver",
    "stand", "rule" or "segmented"), its text and the figures it cites."""

    kind: str
    text: str
    cites: tuple[Cite, ...] = ()


# ---------------------------------------------------------------------- the run
@dataclass(frozen=True)
class _Run:
    """What every rule reads: the result, the words, the two waves compared and the latest
    wave's score rows by (measure, population, brand)."""

    result: Any
    words: Words
    latest: str
    previous: str | None
    rows: dict[tuple[str, str, str], Any]

    @classmethod
    def of(cls, result: Any, words: Words) -> _Run | None:
        scores = result.scores
        present = set(scores["wave"].astype(str))
        waves = [str(w) for w in result.study.waves if str(w) in present]
        if not waves:
            return None
        latest = waves[-1]
        at = scores[scores["wave"].astype(str) == latest]
        rows = {(str(r.measure), str(r.population), str(r.brand)): r
                for r in at.itertuples(index=False)}
        return cls(result, words, latest, waves[-2] if len(waves) > 1 else None, rows)

    def say(self, key: str, **fields: object) -> str:
        return self.words.table["headlines"][key].format(**fields)

    def measure(self, measure: str) -> str:
        return self.words.table["headlines"][f"m_{measure}"]

    def value(self, measure: str, x: float) -> str:
        """A score: one decimal; NPS (-100..100) signed, with a real minus sign."""
        text = self.words.num(abs(x) if measure == "nps" else x, 1)
        if measure != "nps":
            return text
        return text if round(x, 1) == 0 else ("+" if x > 0 else MINUS) + text

    def points(self, gap: float) -> str:
        """"points", or "point" for one point (French: below two)."""
        shown = round(abs(gap), 1)
        one = shown < 2 if self.words.language == "fr" else shown == 1
        return self.say("point" if one else "points")

    def brand(self, brand: str) -> str:
        return self.words["all_brands"] if brand == TOTAL else brand

    def join(self, names: list[str]) -> str:
        """"a", "a and b", "a, b and c"."""
        if len(names) < 2:
            return "".join(names)
        return self.say("comma").join(names[:-1]) + self.say("and") + names[-1]

    def pct(self, share: float) -> str:
        return self.say("pct", value=self.words.num(round(100 * share, 6)))

    def base(self) -> str:
        """The effective base every cited figure rests on at least (``caution_below``)."""
        b = float(self.result.study.report.caution_below)
        return self.words.count(b) if b.is_integer() else self.words.num(b)

    def cite(self, row: Any, measure: str, population: str) -> Cite:
        return Cite("scores", measure, population, str(row.brand), self.latest,
                    value=float(row.value))

    def brand_figure(self, row: Any, measure: str, *, with_base: bool = True) -> str:
        return self.say("brand_value_base" if with_base else "brand_value",
                        brand=self.brand(str(row.brand)), value=self.value(measure, row.value),
                        n=self.words.count(row.n))


def _ok(row: Any) -> bool:
    """A row that may be cited: flag "ok" and a number."""
    return row is not None and row.flag == "ok" and _finite(row.value)


def _finite(x: object) -> bool:
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _significant(frame: pd.DataFrame) -> pd.Series:
    """The rows reported as significant: ``significant`` True and flag "ok"."""
    return frame["significant"].eq(True) & (frame["flag"] == "ok")


# ---------------------------------------------------------------------- 1. the leader
def _leader_measure(run: _Run) -> tuple[str, str] | None:
    """TX, else the first index of :data:`LEADER_MEASURES` the latest wave has."""
    skip = {"tx": "tx", "cx": "cx", "bx_customers": "bx_customer",
            "bx_non_customers": "bx_non_customer"}
    for measure, pop in LEADER_MEASURES:
        if skip[measure] in run.result.not_computed:
            continue
        if any(m == measure and p == pop and b != TOTAL for m, p, b in run.rows):
            return measure, pop
    return None


def _p_first(run: _Run, measure: str, pop: str, brand: str) -> float | None:
    """The brand's share of the bootstrap replicates where it ranks first (``result.ranks``,
    latest wave), None without bootstrap; a share below 1 is never written as 100%."""
    ranks = getattr(run.result, "ranks", None)
    if ranks is None or ranks.empty or "p_first" not in ranks:
        return None
    row = ranks[(ranks["measure"] == measure) & (ranks["population"] == pop)
                & (ranks["brand"].astype(str) == brand)
                & (ranks["wave"].astype(str) == run.latest)]
    if row.empty or not _finite(row["p_first"].iloc[0]):
        return None
    p = float(row["p_first"].iloc[0])
    return min(p, 0.99) if p < 1 else p


def _leader(run: _Run) -> list[Headline]:
    """Who leads on TX (or the best available index), by how much, or who shares the lead."""
    chosen = _leader_measure(run)
    if chosen is None:
        return []
    measure, pop = chosen
    name = run.measure(measure)
    rows = [r for (m, p, b), r in sorted(run.rows.items())
            if m == measure and p == pop and b != TOTAL]
    ok = sorted((r for r in rows if _ok(r)), key=lambda r: (-float(r.value), str(r.brand)))
    prefix = run.say("instead", measure=name) + " " if measure != "tx" else ""
    if not ok:
        return [Headline("leader", prefix + run.say("no_leader", measure=name,
                                                    base=run.base()))]
    top = ok[0]
    unranked = brand_order(r.brand for r in rows if not _ok(r))
    tail = " " + run.say("unranked", brands=run.join(unranked)) if unranked else ""
    if len(ok) == 1:
        text = run.say("alone", brand=top.brand, measure=name, value=run.value(measure, top.value),
                       n=run.words.count(top.n))
        return [Headline("leader", prefix + text + tail, (run.cite(top, measure, pop),))]
    # a brand shares the lead unless its interval lies wholly below the leader's (NaN: shares)
    sharing = [r for r in ok[1:] if not float(top.ci_low) > float(r.ci_high)]
    if sharing:
        figures = [run.brand_figure(r, measure) for r in [top, *sharing]]
        text = run.say("shared", brands=run.join(figures), measure=name)
        cites = tuple(run.cite(r, measure, pop) for r in [top, *sharing])
        return [Headline("leader", prefix + text + tail, cites)]
    runner = ok[1]
    gap = float(top.value) - float(runner.value)
    p = _p_first(run, measure, pop, str(top.brand))
    text = run.say("leader" if p is None else "leader_p", brand=top.brand, measure=name,
                   value=run.value(measure, top.value), n=run.words.count(top.n),
                   gap=run.words.num(gap, 1), points=run.points(gap), runner=runner.brand,
                   runner_value=run.value(measure, runner.value),
                   p_first=None if p is None else run.words.pct(p))
    cites = (run.cite(top, measure, pop), run.cite(runner, measure, pop))
    return [Headline("leader", prefix + text + tail, cites)]


# ---------------------------------------------------------------------- 2. wave changes
def _wave_changes(run: _Run) -> pd.DataFrame:
    """The significant "ok" changes of the headline measures since the previous wave."""
    ch = run.result.changes
    need = {"comparison", "measure", "population", "wave", "brand", "versus", "difference",
            "significant", "flag"}
    if ch is None or ch.empty or not need <= set(ch.columns):
        return pd.DataFrame(columns=sorted(need))
    pairs = pd.Series([(str(m), str(p)) for m, p in zip(ch["measure"], ch["population"],
                                                        strict=True)], index=ch.index)
    keep = ((ch["comparison"] == "wave") & (ch["wave"].astype(str) == run.latest)
            & (ch["versus"].astype(str) == str(run.previous))
            & pairs.isin(list(HEADLINE_MEASURES)) & _significant(ch))
    return ch[keep]


def _change_part(run: _Run, row: Any, score: Any) -> str:
    measure = str(row.measure)
    diff = float(row.difference)
    return run.say("rose" if diff > 0 else "fell", measure=run.measure(measure),
                   diff=run.words.num(abs(diff), 1), points=run.points(diff),
                   value=run.value(measure, score.value), n=run.words.count(score.n))


def _changes(run: _Run) -> list[Headline]:
    """One sentence per brand with a significant change of a headline measure."""
    if run.previous is None:
        return []
    order = {mp: i for i, mp in enumerate(HEADLINE_MEASURES)}
    by_brand: dict[str, list[tuple[int, str, tuple[Cite, ...]]]] = {}
    for row in _wave_changes(run).itertuples(index=False):
        measure, pop, brand = str(row.measure), str(row.population), str(row.brand)
        score = run.rows.get((measure, pop, brand))
        if not _ok(score):
            continue
        cites = (Cite("changes", measure, pop, brand, run.latest, "wave",
                      float(row.difference), versus=str(row.versus)),
                 run.cite(score, measure, pop))
        by_brand.setdefault(brand, []).append(
            (order[(measure, pop)], _change_part(run, row, score), cites))
    brands = brand_order(by_brand) + ([TOTAL] if TOTAL in by_brand else [])
    out = []
    for brand in brands:
        parts = sorted(by_brand[brand], key=lambda part: part[0])
        text = run.say("brand_changes", brand=run.brand(brand),
                       changes=run.say("parts_sep").join(p[1] for p in parts))
        out.append(Headline("change", text, tuple(c for p in parts for c in p[2])))
    if not out:
        rep = run.result.study.report
        rule = run.say("rule_short", alpha=run.pct(1 - rep.confidence), base=run.base())
        out.append(Headline("no_change", run.say("no_change", previous=run.previous,
                                                 rule=rule)))
    return out


# ---------------------------------------------------------------------- 3. growth grid
def _moves(run: _Run) -> list[Headline]:
    """Brands whose growth-grid quadrant changed since the previous wave (both rows "ok")."""
    grid = run.result.grid
    if run.previous is None or grid is None or grid.empty or "quadrant" not in grid:
        return []
    wave = grid["wave"].astype(str)
    now = grid[wave == run.latest].drop_duplicates("brand").set_index("brand")
    before = grid[wave == run.previous].drop_duplicates("brand").set_index("brand")
    quadrants = run.words.quadrants
    out = []
    for brand in brand_order(b for b in now.index if b in before.index):
        a, b = before.loc[brand], now.loc[brand]
        if a["flag"] != "ok" or b["flag"] != "ok" or not isinstance(a["quadrant"], str) \
                or not isinstance(b["quadrant"], str) or not a["quadrant"] \
                or not b["quadrant"] or a["quadrant"] == b["quadrant"]:
            continue
        c = run.rows.get(("customer_score", "customer", brand))
        n = run.rows.get(("non_customer_score", "non_customer", brand))
        if not (_ok(c) and _ok(n)):
            continue
        text = run.say("moved", brand=brand, old=quadrants.get(a["quadrant"], a["quadrant"]),
                       new=quadrants.get(b["quadrant"], b["quadrant"]),
                       c=run.value("customer_score", c.value), nc=run.words.count(c.n),
                       nv=run.value("non_customer_score", n.value), nn=run.words.count(n.n))
        cites = (Cite("grid", "quadrant", "all", brand, run.previous),
                 Cite("grid", "quadrant", "all", brand, run.latest),
                 run.cite(c, "customer_score", "customer"),
                 run.cite(n, "non_customer_score", "non_customer"))
        out.append(Headline("grid", text, cites))
    return out


# ---------------------------------------------------------------------- 4. reliability
def _weakened(run: _Run) -> list[Headline]:
    """Scales whose alpha fell significantly since the previous wave (``weakened`` of
    ``result.reliability_waves``, both waves "ok"), per construct and population."""
    rel = getattr(run.result, "reliability_waves", None)
    if run.previous is None or rel is None or rel.empty or "weakened" not in rel:
        return []
    rows = rel[(rel["wave"].astype(str) == run.latest) & (rel["weakened"] == True)  # noqa: E712
               & (rel["flag"] == "ok") & (rel["population"] != "all")]
    out = []
    for r in rows.itertuples(index=False):
        before = rel[(rel["construct"] == r.construct) & (rel["population"] == r.population)
                     & (rel["wave"].astype(str) == str(r.versus))]
        if before.empty or before["flag"].iloc[0] != "ok":
            continue
        name = label_of(run.result.study, str(r.construct), run.words.language, r.label)
        text = run.say("weakened", construct=name,
                       population=str(run.words.populations.get(r.population, r.population)
                                      ).lower(),
                       wave=run.latest, versus=str(r.versus),
                       after=run.words.num(float(r.alpha), 2),
                       before=run.words.num(float(before["alpha"].iloc[0]), 2),
                       n=run.words.count(r.n_complete))
        out.append(Headline("reliability", text, (
            Cite("reliability_waves", str(r.construct), str(r.population), "", run.latest,
                 "wave", float(r.alpha), versus=str(r.versus)),)))
    return out


# ---------------------------------------------------------------------- 5. drivers
def _driver_label(run: _Run, key: str, shown: object) -> str:
    """A driver in the report's language: the construct's title, the item's label, else
    the label the table carries."""
    study, language = run.result.study, run.words.language
    if key in study.constructs:
        return study.constructs[key].title_in(language)
    if key in study.items:
        return study.items[key].label_in(language)
    return shown if isinstance(shown, str) and shown else key


def _importance(run: _Run, row: Any) -> str:
    w = run.words
    if _finite(row.ci_low) and _finite(row.ci_high):
        return run.say("share_ci", importance=w.num(row.importance, 1),
                       low=w.num(row.ci_low, 1), high=w.num(row.ci_high, 1))
    return run.say("share", importance=w.num(row.importance, 1))


def _strongest(run: _Run, analysis: str, pop: str, rows: pd.DataFrame,
               several: bool) -> Headline | None:
    """The strongest driver of one analysis and population, or the two strongest when the
    first's interval does not lie wholly above the second's."""
    ok = rows[(rows["flag"] == "ok") & rows["importance"].map(_finite)]
    if ok.empty:
        return None
    ok = ok.assign(_d=ok["driver"].astype(str)).sort_values(
        ["importance", "_d"], ascending=[False, True], kind="stable")
    top = list(ok.head(2).itertuples(index=False))
    name = run.words.analyses.get(analysis, analysis)
    if several:
        name = run.say("analysis_population", analysis=name,
                       population=run.words.populations.get(pop, pop))
    n = run.words.count(top[0].n)
    clear = len(top) == 1 or float(top[0].ci_low) > float(top[1].ci_high)
    named = top[:1] if clear else top
    labels = [_driver_label(run, str(r.driver), getattr(r, "label", None)) for r in named]
    if clear:
        text = run.say("driver_one", analysis=name, driver=labels[0],
                       share=_importance(run, top[0]), n=n)
    else:
        text = run.say("driver_two", analysis=name, first=labels[0], second=labels[1],
                       share1=_importance(run, top[0]), share2=_importance(run, top[1]), n=n)
    cites = tuple(Cite("drivers", str(r.driver), pop, "", run.latest, value=float(r.importance),
                       analysis=analysis) for r in named)
    return Headline("driver", text, cites)


def _stand(run: _Run, driver: str, label: str, pop: str, who: str) -> Headline | None:
    """Where the brands stand on a driver: significantly above or below the peer average
    (the others are not named). None when the result has no peer comparison of it.
    ``who``: the population after the driver's name ("" when the drivers have one)."""
    ch = run.result.changes
    if ch is None or ch.empty or "comparison" not in ch:
        return None
    peer = ch[(ch["comparison"] == "peer") & (ch["measure"] == driver)
              & (ch["population"] == pop) & (ch["wave"].astype(str) == run.latest)
              & (ch["brand"] != TOTAL)]
    if peer.empty:
        return None
    sides: dict[bool, list[tuple[Any, Any]]] = {True: [], False: []}
    for row in peer[_significant(peer)].itertuples(index=False):
        score = run.rows.get((driver, pop, str(row.brand)))
        if _ok(score) and _finite(row.difference) and float(row.difference) != 0:
            sides[float(row.difference) > 0].append((score, row))
    if not sides[True] and not sides[False]:
        return Headline("stand", run.say("stand_none", driver=label, who=who))
    parts, cites = [], []
    for above, key in ((True, "above"), (False, "below")):
        named = sorted(sides[above], key=lambda sr: (-float(sr[0].value), str(sr[0].brand)))
        if not named:
            continue
        figures = [run.brand_figure(s, driver) for s, _ in named]
        after = "_after" if parts else ""  # "... above the peer average; C is below"
        parts.append(run.say(f"{key}_{'one' if len(named) == 1 else 'many'}{after}",
                             brands=run.join(figures)))
        for s, r in named:
            cites += [Cite("changes", driver, pop, str(r.brand), run.latest, "peer",
                           float(r.difference), versus=str(r.versus)),
                      run.cite(s, driver, pop)]
    text = run.say("stand", driver=label, who=who, parts=run.say("parts_sep").join(parts))
    return Headline("stand", text, tuple(cites))


def _drivers(run: _Run) -> list[Headline]:
    """Per analysis (and population when it has several), its strongest driver(s) and
    where each brand stands on them, in the order of ``result.drivers``."""
    d = run.result.drivers
    need = {"analysis", "population", "wave", "driver", "importance", "ci_low", "ci_high",
            "n", "flag"}
    if d is None or d.empty or not need <= set(d.columns):
        return []
    d = d[d["wave"].astype(str) == run.latest]
    several_populations = d["population"].nunique() > 1
    out: list[Headline] = []
    for analysis in pd.unique(d["analysis"].astype(str)):
        rows = d[d["analysis"].astype(str) == analysis]
        pops = list(pd.unique(rows["population"].astype(str)))
        for pop in pops:
            head = _strongest(run, analysis, pop, rows[rows["population"] == pop],
                              len(pops) > 1)
            if head is None:
                continue
            out.append(head)
            who = run.say("who", population=str(run.words.populations.get(pop, pop)).lower()
                          ) if several_populations else ""
            for c in head.cites:
                label = _driver_label(run, c.measure, None)
                stand = _stand(run, c.measure, label, pop, who)
                if stand is not None:
                    out.append(stand)
    return out


# ---------------------------------------------------------------------- 6. the rule
def _rule(run: _Run) -> Headline:
    rep = run.result.study.report
    adjust = run.say("adjust_bh" if rep.multiple_testing == "bh" else "adjust_none")
    return Headline("rule", run.say("rule", alpha=run.pct(1 - rep.confidence),
                                    confidence=run.pct(rep.confidence), adjust=adjust,
                                    base=run.base()))


# ---------------------------------------------------------------------- faces
def headlines(result: Any, words: Words) -> list[Headline]:
    """The headlines of ``result`` in the language of ``words``: the leader, the changes
    since the previous wave, the growth-grid moves, the drivers, the scales that weakened,
    then the rule.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.reporting.text import words_for
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> lines = headlines(tx.score(tx.load(study)), words_for("en"))
    >>> lines[0].kind, lines[-1].kind
    ('leader', 'rule')
    """
    scores = getattr(result, "scores", None)
    if scores is None or scores.empty:
        return []
    if result.by:
        return [Headline("segmented", words.table["headlines"]["segmented"].format(
            segments=", ".join(map(str, result.by))))]
    run = _Run.of(result, words)
    if run is None:
        return []
    return [*_leader(run), *_changes(run), *_moves(run), *_drivers(run), *_weakened(run),
            _rule(run)]


def headlines_section(sh: Sheet, ctx: Book) -> None:
    """The headlines as sentences on the Overview sheet, from ``sh.row`` down: a heading,
    then one merged, wrapped paragraph per sentence (the rule in the subtitle's font)."""
    lines = headlines(ctx.result, ctx.words)
    if not lines:
        return
    sh.heading(ctx.words.table["headlines"]["title"])
    for line in lines:
        sh.para(line.text, font=ctx.st["subtitle"] if line.kind == "rule" else None)
    sh.row += 1
