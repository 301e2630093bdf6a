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
    LABEL_LANGUAGES,
    LANGUAGES,
    MULTIPLE_TESTING,
    SOURCE_ROLES,
    Source,
    Study,
)

__all__ = ["Collector", "validate_study"]

#: what a label may be, as messages say it (synonyms: a list is allowed)
_LABEL_FORMS = {True: 'text, a list of texts (synonyms, the first shown) or a table of '
                'languages { en = "...", fr = ["...", "..."] }',
                False: 'text or a table of languages { en = "...", fr = "..." }'}

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

    def texts(self, where: str, what: str, value: Any, *,
              synonyms: bool = True) -> dict[str | None, list[str]] | None:
        """A label as written: text, a list of texts (synonyms, when ``synonyms``) or a table
        ``language = text or list``; as ``{language or None: [texts]}``, or None with a
        problem naming ``what`` (e.g. "the label of code 5").

        >>> c = Collector("study.toml")
        >>> c.texts("scales.a.labels", "the label of code 5", {"en": "Agree", "fr": ["Oui"]})
        {'en': ['Agree'], 'fr': ['Oui']}
        >>> print(c.texts("scales.a.labels", "the label of code 5", {"english": "Agree"}))
        None
        >>> c.problems[0].message
        "unknown language 'english' in the label of code 5."
        """
        def plain(v: Any) -> list[str] | None:
            if isinstance(v, str) and v.strip():
                return [v]
            if synonyms and isinstance(v, list) and v and all(
                    isinstance(x, str) and x.strip() for x in v):
                return list(v)
            return None

        if isinstance(value, Mapping) and value:
            out: dict[str | None, list[str]] = {}
            for lang, v in value.items():
                if lang not in LABEL_LANGUAGES:
                    hint = did_you_mean(lang, ("en", "fr", "de", "es", "it", "nl", "pt"))
                    self.add(where, f"unknown language '{lang}' in {what}.", (
                        hint + " " if hint else "") + "use a two-letter language code (ISO "
                        "639-1) such as en, fr, de, es.")
                    return None
                if (texts := plain(v)) is None:
                    self.add(where, f"{what} in '{lang}' must be {_LABEL_FORMS[synonyms]}. "
                             f"Got {v!r}.", f'e.g. {lang} = "..."')
                    return None
                out[lang] = texts
            return out
        if (texts := plain(value)) is None:
            self.add(where, f"{what} must be {_LABEL_FORMS[synonyms]}. Got {value!r}.",
                     'e.g. "Agree", ["Agree", "Agree somewhat"] or { en = "Agree", fr = '
                     '"D\'accord" }.' if synonyms else 'e.g. "..." or { en = "...", fr = '
                     '"..." }.')
            return None
        return {None: texts}

    def role_value(self, where: str, key: str, value: Any, name: str | None = None) -> Any:
        """A column role as written in ``[columns]`` or a source's ``columns``: a column name
        (``personal``: a list of them; ``weight``: or a positive number, a constant weight);
        None with a problem when wrong. ``name`` is how messages call the setting.

        >>> c = Collector("study.toml")
        >>> c.role_value("columns", "weight", 1.5), c.role_value("columns", "weight", 0)
        (1.5, None)
        """
        name = name or key
        if key == "personal":
            if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
                return tuple(value)
            what, example = "a list of column names", f'{key} = ["email", "phone"]'
        elif key == "weight":
            if isinstance(value, str) and value.strip():
                return value
            if (isinstance(value, int | float) and not isinstance(value, bool)
                    and 0 < value < float("inf")):
                return float(value)
            what, example = "a column name or a positive number (a constant weight)", \
                f'{key} = "<column>" or {key} = 1'
        else:
            if isinstance(value, str) and value.strip():
                return value
            what, example = "a column name", f'{key} = "<column>"'
        self.add(where, f"The '{name}' setting of [{where}] must be {what}. Got {value!r}.",
                 f"e.g. {example}.")
        return None

    def source_roles(self, where: str, s: Mapping[str, Any]) -> dict[str, Any]:
        """``columns = { respondent_id = "id_resp", weight = "poids", ... }`` of a source.

        >>> c = Collector("study.toml")
        >>> c.source_roles("sources #2", {"columns": {"respondant_id": "id", "weight": 2}})
        {'weight': 2.0}
        >>> c.problems[0].fix
        "did you mean 'respondent_id'?"
        """
        raw = s.get("columns", {})
        if not isinstance(raw, Mapping):
            self.add(where, f"The 'columns' setting of [{where}] must be a table role = "
                     f'"column". Got {raw!r}.',
                     'e.g. columns = { respondent_id = "id_resp", weight = "poids" }.')
            return {}
        roles = {}
        for key, value in raw.items():
            if key not in SOURCE_ROLES:
                self.add(where, f"unknown role '{key}' in columns.", (
                    "segments are the same columns in every file: list them in [columns]."
                    if key == "segments" else did_you_mean(key, SOURCE_ROLES)
                    or "roles: " + ", ".join(SOURCE_ROLES) + "."))
            elif (got := self.role_value(where, key, value, f"columns.{key}")) is not None:
                roles[key] = got
        return roles

    def aliases(self, where: str, s: Mapping[str, Any]) -> dict[str, str]:
        """``items = { trust_1 = "confiance", ... }`` of a source: item key -> this file's
        column (checked against the items by :func:`validate_study`)."""
        raw = s.get("items", {})
        if not isinstance(raw, Mapping):
            self.add(where, f"The 'items' setting of [{where}] must be a table item = "
                     f'"column in this file". Got {raw!r}.',
                     'e.g. items = { trust_1 = "confiance", eff_1 = "Q3_1" }.')
            return {}
        for key, value in raw.items():
            if not isinstance(value, str) or not value.strip():
                self.add(where, f"the column of item '{key}' in items must be a column name. "
                         f"Got {value!r}.", f'e.g. items = {{ {key} = "Q3_1" }}.')
        return {k: v for k, v in raw.items() if isinstance(v, str) and v.strip()}

    def text_list(self, where: str, t: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """A list of answers or column names (numbers read as text)."""
        values = self.typed(where, t, key, list, [])
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool)
                   for v in values):
            self.add(where, f"'{key}' must be a list of answers or column names. Got "
                     f"{values!r}.")
            return ()
        return tuple(str(v) for v in values)

    def share(self, where: str, t: Mapping[str, Any], key: str,
              default: float | None) -> float | None:
        """A share above 0 and at most 1."""
        value = self.typed(where, t, key, float, default)
        if not self.scalar(where, key, value, min_val=0, max_val=1, include_boundaries="right",
                           fix="give a share such as 0.5."):
            return default
        return value

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
    # a study of one population is valid: scoring computes what the data support and
    # says which indices cannot be computed (Result.not_computed)
    cols = study.columns
    roles = [cols.respondent_id, cols.brand, cols.weight, *cols.segments]
    for col in cols.personal:
        if col in roles or col in study.items:
            c.add("columns", f"personal column '{col}' is also used as an id, brand, weight, "
                  "segment or item.", "personal data cannot be reported: remove one of them.")
    _sources(c, study)
    _quality(c, study)
    return c.problems


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
