"""The ``[planning]`` table of a study: the sample-size plan of the Planning sheet, typed.

:func:`parse_planning` reads ``[planning]`` into a frozen :class:`PlanningSettings` and
adds every problem to the run's :class:`~txscore.study.collector.Collector` (a wrong value
is reported and its default kept, so one run lists every mistake). The plan itself is
:func:`txscore.scoring.plan.plan`; its method is methodology.md, *Sample-size planning*.

Keys (all optional; an empty ``[planning]`` asks for the defaults):

* ``detect``: the change to detect, in points of the 0-100 indices (default 2), or a list
  of them (``[1, 2, 3]``: one plan each);
* ``power``: the chance of finding a true change of that size significant (default 0.8);
* ``alpha``: the two-sided significance level of the test (default 0.05);
* ``compare``: ``"previous_wave"`` (default: the next wave against this one) or
  ``"peers"`` (a brand against the average of its peers), or a list of both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from txscore.errors import did_you_mean
from txscore.study.collector import Collector

__all__ = ["COMPARES", "MAX_DETECT", "PLANNING_KEYS", "PlanningSettings", "parse_planning"]

#: what a change is measured against: the same brand's previous wave, or its peers' average
COMPARES = ("previous_wave", "peers")
#: the ``[planning]`` keys
PLANNING_KEYS = ("detect", "power", "alpha", "compare")
#: the largest change to detect: the indices run from 0 to 100
MAX_DETECT = 100.0


@dataclass(frozen=True)
class PlanningSettings:
    """What ``[planning]`` asks for: one plan per change in ``detect`` and per ``compare``.

    Examples
    --------
    >>> PlanningSettings().detect, PlanningSettings().compare
    ((2.0,), ('previous_wave',))
    """

    detect: tuple[float, ...] = (2.0,)
    power: float = 0.8
    alpha: float = 0.05
    compare: tuple[str, ...] = ("previous_wave",)


def parse_planning(c: Collector, raw: Any) -> PlanningSettings | None:
    """The ``[planning]`` settings (None when the spec has no ``[planning]``); problems go
    to ``c``, each located as ``<spec> [planning]`` with its fix.

    Parameters
    ----------
    c : Collector
        The run's problems.
    raw : mapping or None
        The TOML table as parsed (None when absent).

    Returns
    -------
    PlanningSettings or None
        The settings, defaults where a value is wrong.

    Examples
    --------
    >>> c = Collector("study.toml")
    >>> parse_planning(c, {"detect": [1, 2.5], "compare": "peers"})
    PlanningSettings(detect=(1.0, 2.5), power=0.8, alpha=0.05, compare=('peers',))
    >>> parse_planning(c, None) is None, c.problems
    (True, [])
    >>> s = parse_planning(c, {"detect": 0, "compare": "peer", "powr": 0.9})
    >>> [p.message[:28] for p in c.problems]
    ["unknown key 'powr'.", "The 'detect' setting of [pla", "The 'compare' setting of [pl"]
    """
    if raw is None:
        return None
    where = "planning"
    if not isinstance(raw, Mapping):
        c.add(where, f"[planning] must be a table. Got {raw!r}.",
              'write [planning] with detect = 2, power = 0.8, alpha = 0.05 and compare = '
              '"previous_wave" (each optional).')
        return PlanningSettings()
    c.unknown_keys(where, raw, PLANNING_KEYS)
    default = PlanningSettings()
    detect = _detect(c, raw.get("detect", list(default.detect)))
    power = _open_share(c, raw, "power", default.power,
                        "give the chance of detecting a true change, such as 0.8 or 0.9.")
    alpha = _open_share(c, raw, "alpha", default.alpha,
                        "give the two-sided significance level, such as 0.05 or 0.10.")
    compare = _compare(c, raw.get("compare", list(default.compare)))
    if power <= alpha:  # a test finds a change at least as often as no change
        c.add(where, f"the power ({power:g}) must be above alpha ({alpha:g}).",
              "set power = 0.8 or 0.9, or a smaller alpha.")
    return PlanningSettings(detect or default.detect, power, alpha,
                            compare or default.compare)


def _detect(c: Collector, value: Any) -> tuple[float, ...]:
    """``detect``: a number or a non-empty list of numbers in (0, 100]; () when wrong."""
    values = value if isinstance(value, list) else [value]
    fix = ("give the change to detect in index points (0-100 scale), such as detect = 2 or "
           "detect = [1, 2, 3].")
    if not values:
        c.add("planning", "The 'detect' setting of [planning] is an empty list.", fix)
        return ()
    ok = all([c.scalar("planning", "detect", v, min_val=0, max_val=MAX_DETECT,
                       include_boundaries="right", fix=fix) for v in values])
    return tuple(dict.fromkeys(float(v) for v in values)) if ok else ()


def _open_share(c: Collector, raw: Mapping[str, Any], key: str, default: float,
                fix: str) -> float:
    """A number strictly between 0 and 1 (``power``, ``alpha``)."""
    value = raw.get(key, default)
    if c.scalar("planning", key, value, min_val=0, max_val=1, include_boundaries="neither",
                fix=fix):
        return float(value)
    return default


def _compare(c: Collector, value: Any) -> tuple[str, ...]:
    """``compare``: one of :data:`COMPARES` or a list of them; () when wrong."""
    values = value if isinstance(value, list) and value else [value]
    listed = ", ".join(f"'{v}'" for v in COMPARES)
    good = []
    for v in values:
        if isinstance(v, str) and v in COMPARES:
            good.append(v)
        else:
            hint = did_you_mean(v, COMPARES)
            c.add("planning", f"The 'compare' setting of [planning] must be one of {listed}, "
                  f"or a list of them. Got {v!r}.", (hint + " Or s" if hint else "S")
                  + 'et compare = "previous_wave" (the next wave against this one) or '
                  'compare = "peers" (each brand against its peers\' average).')
            return ()
    return tuple(dict.fromkeys(good))

