"""The ``[[scenarios]]`` of a study: what-if scenarios for the Scenarios sheet, typed.

Each scenario names a brand, optionally a wave (default: the latest) and a population
(default: every population that answers the shifted questions), and its ``changes``: a
table ``key = shift`` where a key is a CX quality dimension, a BX pillar or an item of
one, and a shift is a number of score points (``5``, ``-3``, ``"+5"``) or a share of
respondents moved up one answer box (``"+10%"``; ``"-10%"`` moves them down).
:func:`parse_scenarios` reads the TOML into :class:`Scenario` values and reports each fault
located; :func:`read_shift` is the one reading of a shift, shared with the API and the
command line.  Whether a key, brand or wave exists is checked against the study
(:func:`scenario_problems`) and the scores (:func:`txscore.scoring.simulate.simulate`).

    [[scenarios]]
    name = "Easier and more trusted"
    brand = "Northwind"
    wave = "2026 Q2"          # optional: the latest wave
    population = "customer"   # optional: every population answering the keys
    changes = { ease = 5, trust = "+10%" }
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from txscore.errors import Problem, did_you_mean
from txscore.study.collector import Collector
from txscore.study.model import Study

__all__ = ["SCENARIO_KEYS", "SCENARIO_POPULATIONS", "SHIFT_FORMS", "SHIFT_ROLES", "Scenario",
           "Shift", "parse_scenarios", "read_shift", "scenario_problems", "shift_keys"]

#: the keys of one ``[[scenarios]]`` table
SCENARIO_KEYS = ("name", "brand", "wave", "population", "changes")
#: the populations a scenario may be restricted to
SCENARIO_POPULATIONS = ("customer", "non_customer")
#: the construct roles whose scores a scenario may shift (the drivers of CX and BX)
SHIFT_ROLES = ("cx_quality", "bx_pillar")
#: what a shift may be, as messages say it
SHIFT_FORMS = ('a number of score points such as 5, -3 or "+5", or a share of respondents '
               'moved one answer box up such as "+10%" ("-10%": down)')

_SHIFT_TEXT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(%?)\s*$")


@dataclass(frozen=True)
class Shift:
    """One change of a scenario: ``amount`` score points (0-100 scale), or ``amount``
    percent of the respondents moved one answer box up (down when negative).

    Examples
    --------
    >>> str(Shift(5.0, "points")), str(Shift(-10.0, "percent"))
    ('+5', '-10%')
    """

    amount: float
    unit: Literal["points", "percent"] = "points"

    def __str__(self) -> str:
        return f"{self.amount:+g}" + ("%" if self.unit == "percent" else "")


@dataclass(frozen=True)
class Scenario:
    """A what-if scenario: shifts of one brand's dimensions, pillars or items.

    Attributes
    ----------
    name : str
        The name (in the study's language when given per language).
    brand : str
    changes : tuple of (key, Shift)
        In the order written.
    wave : str or None
        None: the latest wave.
    population : str or None
        None: every population that answers the shifted questions.
    names : Mapping
        The name per language (``name = { en = "...", fr = "..." }``); empty when plain.

    Examples
    --------
    >>> s = Scenario("Easier", "Northwind", (("ease", Shift(5.0)),))
    >>> s.wave is None, dict(s.changes)["ease"].amount
    (True, 5.0)
    """

    name: str
    brand: str
    changes: tuple[tuple[str, Shift], ...]
    wave: str | None = None
    population: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)

    def name_in(self, language: str | None = None) -> str:
        """The name in ``language``, else :attr:`name`.

        >>> Scenario("Easier", "A", (), names={"fr": "Plus simple"}).name_in("fr")
        'Plus simple'
        """
        return self.names.get(language or "", self.name)


def read_shift(value: object) -> Shift | None:
    """A shift as written (number, ``"+5"``, ``"+10%"``), or None when it is not one.

    Points are limited to -100..100 and shares to -100%..100% (a larger move leaves the
    scale whatever the score); whether the shifted score stays on the scale depends on the
    data and is checked by :func:`txscore.scoring.simulate.simulate`.

    Parameters
    ----------
    value : object
        A number, or text such as ``"+5"``, ``"-2.5"``, ``"10%"``.

    Returns
    -------
    Shift or None

    Examples
    --------
    >>> read_shift(5), read_shift("+10%"), read_shift("x"), read_shift(True)
    (Shift(amount=5.0, unit='points'), Shift(amount=10.0, unit='percent'), None, None)
    >>> read_shift("150%") is None
    True
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        amount, unit = float(value), "points"
    elif isinstance(value, str) and (m := _SHIFT_TEXT.match(value)):
        amount, unit = float(m[1]), "percent" if m[2] else "points"
    else:
        return None
    if not math.isfinite(amount) or abs(amount) > 100:
        return None
    return Shift(amount, unit)


def shift_keys(study: Study) -> dict[str, str]:
    """Every key a scenario may shift -> the construct it moves: the CX quality dimensions
    and BX pillars (by construct name) and their items (by item key).

    Examples
    --------
    >>> import txscore as tx
    >>> keys = shift_keys(tx.read_study("surveys/sample/study.toml"))
    >>> keys["ease"], keys["ease_2"], "ret_1" in keys
    ('ease', 'ease', False)
    """
    constructs = [c.name for role in SHIFT_ROLES for c in study.constructs_with_role(role)]
    out = {name: name for name in constructs}
    for name in constructs:
        out.update({item: name for item in study.items_of(name) if item not in out})
    return out


def _changes(c: Collector, where: str, raw: Any) -> tuple[tuple[str, Shift], ...]:
    if not isinstance(raw, Mapping) or not raw:
        c.add(where, f"The 'changes' setting of [{where}] must be a table key = shift with at "
              f"least one key. Got {raw!r}.", 'e.g. changes = { ease = 5, trust = "+10%" }.')
        return ()
    out = []
    for key, value in raw.items():
        if (shift := read_shift(value)) is None:
            c.add(where, f"the shift of '{key}' in changes must be {SHIFT_FORMS}, at most 100 "
                  f"either way. Got {value!r}.", f'e.g. changes = {{ {key} = 5 }} or '
                  f'{{ {key} = "+10%" }}.')
        else:
            out.append((str(key), shift))
    return tuple(out)


def _scenario(c: Collector, i: int, t: Any, names: set[str],
              language: str = "en") -> Scenario | None:
    where = f"scenarios #{i}"
    if not isinstance(t, Mapping):
        c.add(where, f"each [[scenarios]] entry must be a table. Got {t!r}.",
              'write [[scenarios]] with name, brand and changes = { ease = 5 }.')
        return None
    c.unknown_keys(where, t, SCENARIO_KEYS)
    names_in: dict = {}
    if isinstance(t.get("name"), Mapping):  # per language: the study's language names it
        texts = c.texts(where, "the name", t["name"], synonyms=False) or {}
        names_in = {k: v[0] for k, v in texts.items() if k is not None}
        name = names_in.get(language) or next(iter(names_in.values()), None)
    else:
        name = c.name(where, t, "name")
    name = name or f"Scenario {i}"
    if name in names:
        c.add(where, f"the scenario name '{name}' is used twice.", "give each scenario its "
              "own name: it heads its block of the Scenarios sheet.")
    names.add(name)
    brand = c.name(where, t, "brand", required=True)
    wave = c.name(where, t, "wave")
    population = c.choice(where, t, "population", SCENARIO_POPULATIONS, None)
    changes = _changes(c, where, t["changes"]) if "changes" in t else ()
    if "changes" not in t:
        c.add(where, "'changes' is required.", 'add changes = { ease = 5 } (score points) or '
              'changes = { trust = "+10%" } (a share of respondents one box up).')
    if brand is None or not changes:
        return None
    return Scenario(name, brand, changes, wave, population, names_in)


def parse_scenarios(c: Collector, raw: Any, language: str = "en") -> tuple[Scenario, ...]:
    """The scenarios of ``[[scenarios]]`` (none when absent); problems go to ``c``.

    Parameters
    ----------
    c : Collector
        Where located problems go (``study.toml [scenarios #2]``).
    raw : object
        The TOML value of ``scenarios`` (None when absent).
    language : str
        The study's language: names its scenarios when a name is given per language.

    Returns
    -------
    tuple of Scenario
        The scenarios that could be read.

    Examples
    --------
    >>> c = Collector("study.toml")
    >>> parse_scenarios(c, [{"name": "A", "brand": "Northwind", "changes": {"ease": "+5"}}])
    (Scenario(name='A', brand='Northwind', changes=(('ease', Shift(amount=5.0, \
unit='points')),), wave=None, population=None, names={}),)
    >>> parse_scenarios(c, [{"brand": "Northwind", "changes": {"ease": "lots"}}])
    ()
    >>> c.problems[0].where
    'study.toml [scenarios #1]'
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.add("scenarios", f"scenarios must be an array of tables [[scenarios]]. Got {raw!r}.",
              'write [[scenarios]] with name, brand and changes = { ease = 5 }.')
        return ()
    names: set[str] = set()
    return tuple(s for i, t in enumerate(raw, 1)
                 if (s := _scenario(c, i, t, names, language)))


def scenario_problems(study: Study, spec: str = "study") -> list[Problem]:
    """The problems of the scenarios' keys against the spec: a key that is no CX quality
    dimension, BX pillar or item of one, a population that does not answer a key, a wave
    the sources do not name (brands are checked against the scores).

    Examples
    --------
    >>> import txscore as tx
    >>> from dataclasses import replace
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> bad = replace(study, scenarios=(Scenario("A", "Northwind", (("eese", Shift(5.0)),)),))
    >>> p = scenario_problems(bad, "study.toml")[0]
    >>> p.where, p.fix
    ('study.toml [scenarios #1]', "did you mean 'ease'?")
    """
    keys = shift_keys(study)
    c = Collector(spec)
    for i, s in enumerate(study.scenarios, 1):
        where = f"scenarios #{i}"
        for key, _ in s.changes:
            if key not in keys:
                c.add(where, f"'{key}' in changes is no CX quality dimension, BX pillar or "
                      "item of one.", did_you_mean(key, keys) or "keys: " + ", ".join(keys)
                      + ".")
            elif s.population and s.population not in study.constructs[keys[key]].populations:
                c.add(where, f"'{key}' is not asked of the population '{s.population}'.",
                      "remove population, or shift a key that population answers.")
        if s.wave is not None and s.wave not in study.waves:
            c.add(where, f"the wave '{s.wave}' is not a wave of the study.",
                  did_you_mean(s.wave, study.waves) or "waves: " + ", ".join(study.waves)
                  + ".")
    return c.problems
