"""Collecting the problems of a study spec: :class:`Collector`, and the limits of its values.

A :class:`Collector` gathers every problem of one run, each located as
``<spec> [<table>]`` with its fix, and reads values of a TOML table by their type and
range (:meth:`Collector.typed`, :meth:`Collector.scalar`, :meth:`Collector.share`, ...), so
that a wrong value is reported and its default kept.  The TOML parsers
(:mod:`txscore.study.toml`, :mod:`txscore.study.parse_tables`) and
:func:`txscore.study.validate_study` all use it; the limits below are the ranges every
spec is held to (why each is what it is: its comment).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from txscore.errors import Problem, choice_problem, did_you_mean, scalar_problem
from txscore.study.model import LABEL_LANGUAGES, SOURCE_ROLES

__all__ = ["BOOTSTRAP_RANGE", "CODE_LIMIT", "EXACT_BUDGET", "SCALE_LIMIT", "SCALE_POINTS",
           "WEIGHT_LIMIT", "Collector"]

#: bootstrap resamples: 0 (none) or a count in this range (more changes an interval little
#: and costs memory: resamples x cells x sums x 8 bytes)
BOOTSTRAP_RANGE = (10, 100_000)
#: the memory the exact bootstrap of one cell may take (bytes)
EXACT_BUDGET = 4_000_000_000
#: the points of a scale: a 0-100 slider at most (every point is a code answers are
#: counted on; a wider range is a numeric question, not a scale)
SCALE_POINTS = (2, 101)
#: the largest constant weight (weights are relative; larger ones overflow sums)
WEIGHT_LIMIT = 1_000_000
#: the largest absolute value of a scale's min and max
SCALE_LIMIT = 100_000
#: the largest absolute value of a label or missing code (e.g. 999999 for "no answer")
CODE_LIMIT = 1_000_000_000

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
        #: constructs given as something else than a table (likewise)
        self.invalid_constructs: set[str] = set()
        #: top-level tables of the wrong type (read as empty: what follows is not reported)
        self.broken: set[str] = set()

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
        """Check a number's type and range; True when it is fine (None is fine: unset).
        Infinity is no setting's value."""
        if value is None:
            return True
        if self.problem(where, scalar_problem(
                value, key, target_type, min_val=min_val, max_val=max_val,
                include_boundaries=include_boundaries, where=f"[{where}]", fix=fix)):
            return False
        if isinstance(value, float) and math.isinf(value):
            self.add(where, f"The '{key}' setting of [{where}] must be a finite number. Got "
                     f"{value!r}.", fix)
            return False
        return True

    def scale_range(self, where: str, points: object, lo: object, hi: object) -> bool:
        """A scale's points within :data:`SCALE_POINTS`, its min and max (None: unset) whole
        numbers within :data:`SCALE_LIMIT`; True when they are.

        >>> c = Collector("study.toml")
        >>> c.scale_range("scales.big", 10**9, 1, 10**9)
        False
        >>> c.problems[0].message.split(" must be ")[1]
        'a whole number at least 2 and at most 101. Got 1000000000.'
        """
        low, high = SCALE_POINTS
        ok = self.scalar(where, "points", points, numbers.Integral, min_val=low, max_val=high,
                         fix=f"a scale has {low} to {high} points (0-100 at most): every point "
                         "is a code that answers are checked and counted on, so a wider range "
                         "is a numeric question, not a scale.")
        for key, value in (("min", lo), ("max", hi)):
            ok = self.scalar(where, key, value, numbers.Integral, min_val=-SCALE_LIMIT,
                             max_val=SCALE_LIMIT, fix="give the code of the scale's first or "
                             "last point, such as 1 or 0.") and ok
        return ok

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
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and 0 < value <= WEIGHT_LIMIT:
                return float(value)
            what, example = "a column name or a positive number (a constant weight)", \
                f'{key} = "<column>" or {key} = 1'
            if number and value > WEIGHT_LIMIT:
                what = (f"a column name or a positive number up to {WEIGHT_LIMIT:,} (a "
                        "constant weight: weights are relative, 1 is usual)")
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
              default: float | None, bounds: str = "right") -> float | None:
        """A share above 0 (``bounds="both"``: at least 0) and at most 1."""
        value = self.typed(where, t, key, float, default)
        if not self.scalar(where, key, value, min_val=0, max_val=1, include_boundaries=bounds,
                           fix="give a share such as 0.5."):
            return default
        return value

    def name(self, where: str, table: Mapping[str, Any], key: str,
             required: bool = False) -> str | None:
        """``table[key]`` when it is text that is not blank (a column, sheet or brand name);
        None with a problem when it is not (or, with ``required``, when it is absent).

        >>> c = Collector("study.toml")
        >>> c.name("sources #1", {"sheet": " "}, "sheet"), c.problems[0].message
        (None, "The 'sheet' setting of [sources #1] is empty.")
        """
        value = self.typed(where, table, key, str, required=required)
        if value is not None and not value.strip():
            self.add(where, f"The '{key}' setting of [{where}] is empty.",
                     f'give a name, e.g. {key} = "...", or remove {key}.')
            return None
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
