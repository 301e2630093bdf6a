"""Checking a study: every problem of a spec, each with its place and how to fix it.

:func:`validate_study` checks a :class:`~txscore.study.Study` however it was built (TOML or
Python): references between tables (items -> constructs and scales, the NPS item, quality
grids), the roles' dimensions, and every numeric setting and method name against its range
or choices, with the one message template of :mod:`txscore.errors` ("The 'lambda' setting
of [index] must be ... Got 1.5.").  :class:`Collector` gathers the problems (the TOML parser
uses it too), so that one run lists all of them.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from txscore.errors import (
    Problem,
    choice_problem,
    confidence_problem,
    did_you_mean,
    scalar_problem,
)
from txscore.study.model import (
    BX_METHODS,
    CX_METHODS,
    DIMENSIONS,
    LANGUAGES,
    MULTIPLE_TESTING,
    Study,
)

__all__ = ["Collector", "validate_study"]

#: how a wrong type is described in a message
_KIND_WORDS = {str: "text", bool: "true or false", int: "a whole number", float: "a number",
               list: "a list", dict: "a table"}


class Collector:
    """Collects problems, each located as ``<spec> [<table>]``.

    Parameters
    ----------
    spec : str
        How messages name the spec (usually the TOML file's name).

    Examples
    --------
    >>> c = Collector("study.toml")
    >>> c.scalar("index", "lambda", 1.5, min_val=0, max_val=1)
    False
    >>> c.problems[0].where
    'study.toml [index]'
    >>> c.problems[0].message.split(" must be ")
    ["The 'lambda' setting of [index]", 'a number at least 0 and at most 1. Got 1.5.']
    """

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.problems: list[Problem] = []
        #: scales that are defined but invalid (their items are not "unknown scale" too)
        self.invalid_scales: set[str] = set()

    def add(self, where: str, message: str, fix: str = "") -> None:
        """Add a problem of table ``where``."""
        self.problems.append(Problem(message, f"{self.spec} [{where}]", fix))

    def problem(self, where: str, problem: Problem | None) -> bool:
        """Add a problem made by a helper of :mod:`txscore.errors` (None: nothing); True
        when there was one."""
        if problem is not None:
            self.problems.append(replace(problem, where=f"{self.spec} [{where}]"))
        return problem is not None

    def scalar(self, where: str, key: str, value: object,
               target_type: type | tuple[type, ...] = numbers.Real, *,
               min_val: float | None = None, max_val: float | None = None,
               include_boundaries: str = "both", fix: str = "") -> bool:
        """Check a number's type and range; True when it is fine (None is fine: unset)."""
        if value is None:
            return True
        return not self.problem(where, scalar_problem(
            value, key, target_type, min_val=min_val, max_val=max_val,
            include_boundaries=include_boundaries, where=f"[{where}]", fix=fix))

    def choice(self, where: str, table: Mapping[str, Any], key: str,
               choices: tuple[str, ...], default: str | None) -> str | None:
        """The text of ``key`` in ``table`` when it is one of ``choices``, else ``default``."""
        value = self.typed(where, table, key, str, default)
        if value is not None and self.problem(where, choice_problem(
                value, key, choices, where=f"[{where}]",
                fix=f"set {key} = \"{choices[0]}\" or another allowed value.")):
            return default
        return value

    def unknown_keys(self, where: str, table: Mapping[str, Any],
                     allowed: tuple[str, ...]) -> None:
        """A problem for each key of ``table`` not in ``allowed``, with the closest one."""
        for key in table:
            if key not in allowed:
                self.add(where, f"unknown key '{key}'.", did_you_mean(key, allowed) or (
                    "allowed keys: " + ", ".join(allowed) + "."))

    def typed(self, where: str, table: Mapping[str, Any], key: str, kind: type | tuple,
              default: Any = None, required: bool = False) -> Any:
        """``table[key]`` when of type ``kind`` (an int where a float is asked is a float);
        ``default`` when absent or wrong, with a problem when wrong or required."""
        if key not in table:
            if required:
                self.add(where, f"'{key}' is required.", f"add {key} = ... to [{where}].")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            what = " or ".join(_KIND_WORDS.get(k, k.__name__) for k in kinds)
            self.add(where, f"The '{key}' setting of [{where}] must be {what}. Got {value!r}.",
                     f"set {key} to {what}, or remove it to use the default.")
            return default
        return value


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
    _nps_item(c, study)
    if study.sources and "customer" not in {s.population for s in study.sources}:
        c.add("sources", "no customer source: CX and the customer score cannot be computed.",
              'add a source with population = "customer".')
    cols = study.columns
    roles = [cols.respondent_id, cols.brand, cols.weight, *cols.segments]
    for col in cols.personal:
        if col in roles or col in study.items:
            c.add("columns", f"personal column '{col}' is also used as an id, brand, weight, "
                  "segment or item.", "personal data cannot be reported: remove one of them.")
    _quality(c, study)
    return c.problems


def _unknown(c: Collector, where: str, kind: str, value: str, known: Iterable[str]) -> None:
    known = list(known)
    c.add(where, f"unknown {kind} '{value}'.", did_you_mean(value, known)
          or f"define it under [{kind}s] or use one of: {', '.join(known)}.")


def _references(c: Collector, study: Study) -> None:
    """Items name existing constructs and scales; every construct has items."""
    for name, item in study.items.items():
        for kind, value, known in (("construct", item.construct, study.constructs),
                                   ("scale", item.scale, study.scales)):
            if value and value not in known:
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
    """``[report]``: the confidence level (the one range of :mod:`txscore.errors`), counts,
    thresholds in order, language and multiple testing among their choices."""
    rep = study.report
    if rep.confidence is not None:
        c.problem("report", confidence_problem(rep.confidence, where="[report]",
                                               fix="give a level such as 0.95."))
    c.scalar("report", "bootstrap", rep.bootstrap, numbers.Integral, min_val=0,
             fix="give 0 (no resampling) or a number of resamples such as 2000.")
    c.scalar("report", "bootstrap_exact_max", rep.bootstrap_exact_max, numbers.Integral,
             min_val=0,
             fix="give 0 (normal-sum bootstrap in every cell) or a number of respondents.")
    c.scalar("report", "seed", rep.seed, numbers.Integral,
             fix="give a whole number, such as 20261124.")
    thresholds = [("suppress_below", rep.suppress_below), ("low_base_below",
                  rep.low_base_below), ("caution_below", rep.caution_below),
                  ("peer_min_base", rep.peer_min_base)]
    numbers_ok = all([c.scalar("report", key, value, min_val=0,
                               fix="give an effective base, such as 30.")
                      for key, value in thresholds])
    if numbers_ok and not rep.suppress_below <= rep.low_base_below <= rep.caution_below:
        c.add("report", "base thresholds must satisfy suppress_below <= low_base_below <= "
              f"caution_below. Got {rep.suppress_below}, {rep.low_base_below}, "
              f"{rep.caution_below}.")
    for key, value, choices in (("language", rep.language, LANGUAGES),
                                ("multiple_testing", rep.multiple_testing, MULTIPLE_TESTING)):
        c.problem("report", choice_problem(value, key, choices, where="[report]",
                                           fix=f'set {key} = "{choices[0]}" or another '
                                           "allowed value."))


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
