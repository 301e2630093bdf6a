"""Checking a study: every problem of a spec, each with its place and how to fix it.

:func:`validate_study` checks a :class:`~txscore.study.Study` however it was built (TOML or
Python): references between tables (items -> constructs and scales, the NPS item, quality
grids), the roles' dimensions, and every numeric setting and method name against its range
or choices, with the one message template of :mod:`txscore.errors` ("The 'lambda' setting
of [index] must be ... Got 1.5.").  A :class:`~txscore.study.collector.Collector` gathers
the problems (the TOML parsers use it too), so that one run lists all of them.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable
from pathlib import Path

from txscore.errors import (
    Problem,
    choice_problem,
    confidence_problem,
    did_you_mean,
    shorten,
)
from txscore.study.banners import check_banner_tables
from txscore.study.collector import BOOTSTRAP_RANGE, EXACT_BUDGET, Collector
from txscore.study.model import (
    BX_METHODS,
    CLUSTERS,
    CX_METHODS,
    DIMENSIONS,
    LANGUAGES,
    MULTIPLE_TESTING,
    PAPERS,
    Source,
    Study,
)
from txscore.study.scenarios import scenario_problems

__all__ = ["Collector", "validate_study"]


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
    ["The 'lambda' setting of [index] must be a number at least 0 and at most 1. Got 1.5."]
    """
    c = Collector(spec)
    _references(c, study)
    _roles(c, study)
    _index_settings(c, study)
    _report_settings(c, study)
    _scales(c, study)
    _nps_item(c, study)
    # a study of one population is valid: scoring computes what the data support and
    # says which indices cannot be computed (Result.not_computed)
    cols = study.columns
    roles = [cols.respondent_id, cols.brand, cols.weight, *cols.segments]
    for col in cols.personal:
        if col in roles or col in study.items:
            c.add("columns", f"personal column '{col}' is also used as an id, brand, weight, "
                  "segment or item.", "personal data cannot be reported: remove one of them.")
    _segments(c, study)
    _sources(c, study)
    _quality(c, study)
    check_banner_tables(c, study)
    c.problems.extend(scenario_problems(study, spec))
    return c.problems


def _segments(c: Collector, study: Study) -> None:
    """A segment is not a column with another role: the respondent id (of the study or of
    a source) would publish one respondent per value; brand, weight, duration or an item
    are not groups of respondents."""
    own = [study.columns_for(s) for s in study.sources] or [study.columns]
    roles = {col: what for cols in own for col, what in (
        (cols.respondent_id, "the respondent id column: a score per respondent would be "
         "published"), (cols.brand, "the brand column (scores are per brand already)"),
        (cols.weight, "the weight column"), (cols.duration, "the duration column"))
        if isinstance(col, str)}
    roles.update({col: "an item" for col in study.items})
    for seg in study.columns.segments:
        if seg in roles:
            c.add("columns", f"segment '{seg}' is {roles[seg]}.",
                  "segments are groups of respondents such as region or age group: remove "
                  f"'{seg}' from segments.")


def _source_table(source: Source) -> str:
    """Where a source is in messages: ``sources #2`` (its ``[[sources]]`` table)."""
    return f"sources #{source.spec_index}" if source.spec_index else f"sources {source.name}"


def _sources(c: Collector, study: Study) -> None:
    """Each source's own roles and item aliases: known items, one column per item, start
    with end, no role shared with personal data; ``[quality.speeders] column`` agrees with
    ``[columns] duration``."""
    q, cols = study.quality, study.columns
    if q.speeder_column and cols.duration and q.speeder_column != cols.duration:
        c.add("quality.speeders", f"column '{q.speeder_column}' differs from [columns] "
              f"duration '{cols.duration}'.", "they mean the same column: keep one of them.")
    _listed_twice(c, study)
    seen: set[str] = set()
    for source in study.sources:
        where = _source_table(source)
        if where in seen:  # a path with wildcards: one table, several files
            continue
        seen.add(where)
        for item in source.items:
            if item not in study.items:
                c.add(where, f"items names '{item}', which is not an item.",
                      did_you_mean(item, study.items) or "use the keys of [items].")
        by_column: dict[str, list[str]] = {}
        for item in study.items:
            by_column.setdefault(source.items.get(item, item), []).append(item)
        for column, items in by_column.items():
            if len(items) > 1:
                c.add(where, f"column '{column}' is given to items {', '.join(items)}.",
                      "give each item its own column in items = { ... }.")
        own = study.columns_for(source)
        if (own.start is None) != (own.end is None):
            c.add(where, "start and end times go together: one of them is not set.",
                  'set both (columns = { start = "...", end = "..." }) or a duration.')
        used = {own.respondent_id, own.brand, own.weight, own.duration,
                *(source.items.get(i, i) for i in study.items)}
        for col in set(source.columns.get("personal", ())) & used:
            c.add(where, f"personal column '{col}' is also used as an id, brand, weight, "
                  "duration or item.", "personal data cannot be reported: remove one of them.")


def _listed_twice(c: Collector, study: Study) -> None:
    """The same file (and sheet) in two ``[[sources]]`` tables would count its respondents
    twice (in two waves or populations): refused at the later table."""
    first: dict[tuple[Path, str | None], Source] = {}
    for source in study.sources:
        key = (source.path.resolve(), source.sheet)
        other = first.setdefault(key, source)
        if other is not source and _source_table(other) != _source_table(source):
            sheet = f", sheet '{source.sheet}'" if source.sheet else ""
            c.add(_source_table(source), f"{source.name}{sheet} is already read by "
                  f"[{_source_table(other)}]: its respondents would be counted twice.",
                  "remove one of the two tables (a file holds one population and one wave), "
                  "or give each its own sheet.")


def _unknown(c: Collector, where: str, kind: str, value: str, known: Iterable[str]) -> None:
    known = list(known)
    c.add(where, f"unknown {kind} '{value}'.", did_you_mean(value, known)
          or f"define it under [{kind}s] or use one of: {', '.join(known)}.")


def _references(c: Collector, study: Study) -> None:
    """Items name existing constructs and scales; every construct has items."""
    for name, item in study.items.items():
        for kind, value, known in (("construct", item.construct, study.constructs),
                                   ("scale", item.scale, study.scales)):
            if not value:
                c.add(f"items.{name}", f"names no {kind}.", f'set {kind} = "<one of '
                      f'[{kind}s]>".')
            elif value not in known:
                _unknown(c, f"items.{name}", kind, value, known)
    if not study.items:
        c.add("items", "no items are defined.", "add [items] entries: column = { construct, "
              "scale }.")
    for cons in study.constructs.values():
        if not study.items_of(cons.name):
            c.add(f"constructs.{cons.name}", "has no items.",
                  f'add items with construct = "{cons.name}" or remove the construct.')


def _roles(c: Collector, study: Study) -> None:
    """The CX and BX roles have all their dimensions; weighted methods have their items."""
    for role, needed in DIMENSIONS.items():
        present = {cons.dimension for cons in study.constructs_with_role(role)}
        if present and role != "loyalty" and set(needed) - present:
            missing = ", ".join(sorted(set(needed) - present))
            c.add("constructs", f"the {role} role needs the dimensions {', '.join(needed)}; "
                  f"missing: {missing}.", f'add constructs with role = "{role}" and '
                  f"dimension = ... for {missing}.")
    ix = study.index
    if study.has_cx and ix.cx_method == "loyalty_weighted" and not study.constructs_with_role(
            "loyalty"):
        c.add("index", "cx_method 'loyalty_weighted' needs loyalty items.",
              'add constructs with role = "loyalty", or set cx_method = "equal".')
    if study.has_bx and ix.bx_method == "preference_weighted" and not study.constructs_with_role(
            "preference"):
        c.add("index", "bx_method 'preference_weighted' needs preference items.",
              'add a construct with role = "preference", or set bx_method = "equal".')


def _index_settings(c: Collector, study: Study) -> None:
    """Methods of ``[index]`` among their choices, shares between 0 and 1."""
    ix = study.index
    for key, value, choices in (("cx_method", ix.cx_method, CX_METHODS),
                                ("bx_method", ix.bx_method, BX_METHODS)):
        c.problem("index", choice_problem(value, key, choices, where="[index]",
                                          fix=f'set {key} = "{choices[0]}" or another '
                                          "allowed value."))
    for key, value in (("lambda", ix.lam), ("share_non_customer", ix.share_non_customer)):
        c.scalar("index", key, value, min_val=0, max_val=1,
                 fix="give a share between 0 and 1, such as 0.5.")
    c.scalar("index", "min_customers_for_weights", ix.min_customers_for_weights,
             numbers.Integral, min_val=0, fix="give a number of customers, such as 200.")


def _report_settings(c: Collector, study: Study) -> None:
    """``[report]``: the confidence level (the one range of :mod:`txscore.errors`), the
    bootstrap within :data:`BOOTSTRAP_RANGE`, a non-negative seed, base thresholds of at
    least 1 respondent and in order, language and multiple testing among their choices."""
    rep = study.report
    if rep.confidence is not None:
        c.problem("report", confidence_problem(rep.confidence, where="[report]",
                                               fix="give a level such as 0.95."))
    _bootstrap(c, study)
    c.scalar("report", "bootstrap_exact_max", rep.bootstrap_exact_max, numbers.Integral,
             min_val=0,
             fix="give 0 (normal-sum bootstrap in every cell) or a number of respondents.")
    c.scalar("report", "seed", rep.seed, numbers.Integral, min_val=0,
             fix="give a whole number of 0 or more, such as 20261124.")
    ok = c.scalar("report", "suppress_below", rep.suppress_below, min_val=1,
                  fix="give an effective base of at least 1, such as 30: below it a score is "
                  "not shown (a score of one respondent is that person's answers).")
    ok = all([c.scalar("report", key, value, min_val=0, fix="give an effective base, such "
                       "as 50.") for key, value in (("low_base_below", rep.low_base_below),
                                                    ("caution_below", rep.caution_below),
                                                    ("peer_min_base", rep.peer_min_base))]) \
        and ok
    order = (("suppress_below", rep.suppress_below), ("low_base_below", rep.low_base_below),
             ("caution_below", rep.caution_below))
    for (low_key, low), (key, value) in zip(order[:-1], order[1:], strict=True) if ok else ():
        if value < low:
            c.add("report", f"The '{key}' setting of [report] must be at least {low_key} "
                  f"({low:g}). Got {value:g}.", "base thresholds go up: suppress_below <= "
                  "low_base_below <= caution_below (e.g. 30, 50, 100).")
    for brand, colour in dict(rep.brand_colors).items():
        if not isinstance(colour, str) or not re.match(r"^#[0-9A-Fa-f]{6}$", colour):
            c.add("report", f"The colour of brand {brand!r} in [report] brand_colors must be "
                  f'"#RRGGBB". Got {colour!r}.', f'give e.g. {brand} = "#0072B2".')
    if rep.paper is not None:
        c.problem("report", choice_problem(rep.paper, "paper", PAPERS, where="[report]",
                                           fix='set paper = "a4" or "letter".'))
    for key, value, choices in (("language", rep.language, LANGUAGES),
                                ("multiple_testing", rep.multiple_testing, MULTIPLE_TESTING),
                                ("clusters", rep.clusters, CLUSTERS)):
        c.problem("report", choice_problem(value, key, choices, where="[report]",
                                           fix=f'set {key} = "{choices[0]}" or another '
                                           "allowed value."))


def _bootstrap(c: Collector, study: Study) -> None:
    """0 or a count within :data:`BOOTSTRAP_RANGE`; too many resamples are refused with
    the memory they would take: resamples x cells (waves x populations, per brand) x sums
    per cell (about 4 per item and 20 for the weight regressions) x 8 bytes."""
    b, exact = study.report.bootstrap, study.report.bootstrap_exact_max
    low, high = BOOTSTRAP_RANGE
    whole = isinstance(b, numbers.Integral) and not isinstance(b, bool)
    if whole and (b == 0 or low <= b <= high):
        # a cell of at most bootstrap_exact_max respondents is resampled row by row: its
        # counts and draws take resamples x respondents x 16 bytes at once
        if b and isinstance(exact, numbers.Integral) and b * exact * 16 > EXACT_BUDGET:
            c.add("report", f"bootstrap = {b} with bootstrap_exact_max = {exact} would need "
                  f"about {_size(b * exact * 16)} of memory for one cell ({b:,} resamples x "
                  f"{exact:,} respondents x 16 bytes); at most {_size(EXACT_BUDGET)}.",
                  f"lower bootstrap_exact_max to {EXACT_BUDGET // (16 * b):,} or less (larger "
                  "cells use the normal-sum bootstrap, as accurate there), or bootstrap.")
        return
    message = (f"The 'bootstrap' setting of [report] must be 0 (no resampling) or a whole "
               f"number from {low} to {high}. Got {shorten(repr(b))}")
    if whole and b > high:
        cells = max(1, len(study.waves)) * max(1, len({s.population for s in study.sources}))
        sums = 4 * len(study.items) + 20
        message += (f": {b:,} resamples x {cells} cell{'s' if cells > 1 else ''} per brand "
                    f"x about {sums} sums x 8 bytes would need about "
                    f"{_size(b * cells * sums * 8)} of memory per brand")
    c.add("report", message + ".", "give 0 (point estimates only) or a number of resamples "
          "such as 2000 (more than 10000 changes an interval little).")


def _size(n_bytes: float) -> str:
    """A memory size in words.

    >>> _size(3.2e9), _size(448e6), _size(512)
    ('3.2 GB', '448 MB', '512 bytes')
    """
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= size:
            v = n_bytes / size
            return f"{v:,.0f} {unit}" if v >= 10 else f"{v:.1f} {unit}"
    return f"{n_bytes:.0f} bytes"


def _scales(c: Collector, study: Study) -> None:
    """Each scale's points and codes in range (the parser has dropped the scales it
    refused: this is for a scale built in Python)."""
    for name, scale in study.scales.items():
        where = f"scales.{name}"
        if c.scale_range(where, scale.points, scale.min, scale.max) and (
                scale.max - scale.min + 1 != scale.points):
            c.add(where, f"min {scale.min} to max {scale.max} gives "
                  f"{scale.max - scale.min + 1} codes, not points = {scale.points}.",
                  "make max - min + 1 equal points.")


def _nps_item(c: Collector, study: Study) -> None:
    """The NPS item is an item on a 0-10 scale."""
    nps = study.index.nps_item
    if nps is None:
        return
    item = study.items.get(nps)
    if item is None:
        c.add("index", f"nps_item '{nps}' is not an item.", did_you_mean(nps, study.items)
              or "declare it in [items] with a 0-10 scale.")
    elif item.scale in study.scales and (
            study.scales[item.scale].min, study.scales[item.scale].max) != (0, 10):
        sc = study.scales[item.scale]
        c.add("index", f"nps_item '{nps}' uses scale '{sc.name}' "
              f"({sc.min}-{sc.max}); NPS needs a 0-10 scale.",
              "give the item a scale with min = 0 and max = 10.")


def _quality(c: Collector, study: Study) -> None:
    """Quality settings that name items or scales must name existing ones."""
    q = study.quality
    named = [("quality.straightliners", "grids", col) for grid in q.grids for col in grid]
    named += [("quality.incomplete", "items", col) for col in q.incomplete_items]
    for where, key, col in named:
        if col not in study.items:
            c.add(where, f"'{col}' in {key} is not an item.",
                  did_you_mean(col, study.items) or "list item columns of [items].")
    for i, check in enumerate(q.attention_checks, 1):
        if check.scale is not None and check.scale not in study.scales:
            c.add(f"quality.attention_checks #{i}", f"unknown scale '{check.scale}'.",
                  f"use one of: {', '.join(study.scales)}.")
