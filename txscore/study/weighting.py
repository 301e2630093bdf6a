"""The ``[weighting]`` table of a study spec: how the scored rows are weighted.

:func:`parse_weighting` reads the table into a typed, frozen
:class:`~txscore.study.WeightingSettings` and lists every problem at once: unknown keys,
options out of range (the message template of :mod:`txscore.errors`), target tables of an
unknown population or wave, target values that are not positive numbers, shares that do not
sum to 1, count targets whose totals differ.  The weighting itself (raking each population
and wave) is :func:`txscore.ingest.weights.apply_weighting`; raking is
:func:`txscore.stats.weighting.rake`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from txscore.errors import Problem, choice_problem, did_you_mean, scalar_problem
from txscore.study.model import (
    TARGET_SCOPES,
    WEIGHT_SCALES,
    WEIGHTING_METHODS,
    WeightingSettings,
    spec_table,
    target_table,
)

__all__ = ["MAX_ITER_LIMIT", "SHARE_TOLERANCE", "TOTAL_TOLERANCE", "WEIGHTING_KEYS",
           "parse_weighting"]

#: the [weighting] keys
WEIGHTING_KEYS = ("method", "base_weight", "cap", "max_iter", "tol", "scale", "by_wave",
                  "targets")
#: the most raking sweeps a spec may ask for
MAX_ITER_LIMIT = 100_000
#: targets summing to 1 +- 1% are shares
SHARE_TOLERANCE = 0.01
#: count targets of different variables must imply the same total (relative)
TOTAL_TOLERANCE = 1e-6

_Add = Callable[..., None]


def parse_weighting(
    raw: Mapping[str, Any] | None,
    *,
    where: str = "[weighting]",
    segments: Sequence[str] | None = None,
    weight_column: str | None = None,
    waves: Sequence[str] | None = None,
) -> tuple[WeightingSettings, list[Problem]]:
    """Read the ``[weighting]`` table of a study spec, listing every problem.

    Keys: ``method`` (``"rake"`` when there are targets, else ``"column"`` when the spec
    has a weight column, else ``"none"``), ``base_weight``, ``cap`` (default 5; ``false``
    for none), ``max_iter`` (1000), ``tol`` (1e-10, relative margin error), ``scale``
    (``"mean1"``: weights of mean 1 per population x wave; ``"targets"``: summing to the
    count targets), ``by_wave`` (true: rake each wave separately) and ``targets``:
    ``[weighting.targets.customer]``, ``.non_customer`` or ``.all`` (both populations), each
    ``variable = { category = share or count }``, and per wave
    ``[weighting.targets.all.waves."2026 Q2"]``. Shares sum to 1 (+-1%); counts of the
    variables of one table must have the same total.

    Parameters
    ----------
    raw : mapping or None
        The parsed TOML table (None or ``{}`` when the spec has none).
    where : str
        How messages name the table, e.g. ``"study.toml [weighting]"``.
    segments, weight_column, waves : optional
        The spec's ``[columns] segments`` and ``weight`` and its waves. When ``segments`` is
        given, target variables must be segments and ``weight_column`` (None: the spec has
        none) decides the default method and whether ``method = "column"`` is possible;
        ``base_weight`` equal to it becomes ``"weight"``, the respondent table's column.
        When ``waves`` is given, wave tables must name one of them.

    Returns
    -------
    (WeightingSettings, list of Problem)
        The settings (defaults where a value is wrong) and every problem found.

    Examples
    --------
    >>> raw = {"method": "rake", "cap": 4, "targets": {"customer": {
    ...     "region": {"North": 0.3, "South": 0.7}, "age": {"young": 400, "old": 600}}}}
    >>> settings, problems = parse_weighting(raw)
    >>> settings.cap, settings.targets[("customer", None)]["age"], problems
    (4.0, {'young': 400.0, 'old': 600.0}, [])
    >>> _, problems = parse_weighting({"methd": "rake"})
    >>> print(problems[0])
    [weighting]: unknown key 'methd'. Fix: did you mean 'method'?
    """
    problems: list[Problem] = []

    def add(message: str, fix: str, at: str = where) -> None:
        problems.append(Problem(message, at, fix))

    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        add(f"must be a table. Got {raw!r}", 'write [weighting] with method = "rake" and '
            "[weighting.targets.all] tables")
        raw = {}
    for key in raw:
        if key not in WEIGHTING_KEYS:
            add(f"unknown key {key!r}.", did_you_mean(key, WEIGHTING_KEYS)
                or "allowed keys: " + ", ".join(WEIGHTING_KEYS) + ".")
    targets_raw = raw.get("targets")
    method = raw.get("method", "rake" if targets_raw else "column" if weight_column else "none")
    table = where[where.index("["):] if "[" in where else where
    options = _options(raw, method, table, problems, where)
    method = options.pop("method")
    by_wave = options["by_wave"]
    base_weight = _base_weight(raw.get("base_weight"), method, segments, weight_column, add)
    _method_needs(method, targets_raw, segments, weight_column, add)
    targets = _targets(targets_raw, where, by_wave, segments, waves, add, problems)
    settings = WeightingSettings(method, base_weight, targets, **options)
    return settings, [Problem(_sentence(p.message), p.where, _sentence(p.fix)) for p in problems]


def _options(raw: Mapping[str, Any], method: Any, table: str, problems: list[Problem],
             where: str) -> dict[str, Any]:
    """method, cap, max_iter, tol, scale and by_wave: each checked, its default if wrong."""
    defaults = WeightingSettings()
    found: list[Problem | None] = []
    out: dict[str, Any] = {}
    found.append(choice_problem(method, "method", WEIGHTING_METHODS, where=table, fix=(
        did_you_mean(method, WEIGHTING_METHODS) + ' set method = "rake" (or "column", '
        '"none")').strip()))
    out["method"] = method if found[-1] is None else "none"
    cap = raw.get("cap", defaults.cap)
    if cap is False:
        out["cap"] = None
    else:
        found.append(scalar_problem(cap, "cap", min_val=1, include_boundaries="neither",
                                    where=table, fix="set cap = 5 (the largest weight over "
                                    "the mean weight), or cap = false for no cap"))
        out["cap"] = float(cap) if found[-1] is None else defaults.cap
    checks = [("max_iter", numbers.Integral, 1, None, "both", int,
               "set max_iter = 1000 (the default)"),
              ("tol", numbers.Real, 0, 0.01, "neither", float,
               "set tol = 1e-10 (the default: the largest relative margin error)")]
    for key, kind, low, high, bounds, cast, fix in checks:
        value = raw.get(key, getattr(defaults, key))
        found.append(scalar_problem(value, key, kind, min_val=low, max_val=high,
                                    include_boundaries=bounds, where=table, fix=fix))
        out[key] = cast(value) if found[-1] is None else getattr(defaults, key)
    if out["max_iter"] > MAX_ITER_LIMIT:  # a raking that has not converged by then won't
        found.append(Problem(f"The 'max_iter' setting of {table} must be at most "
                             f"{MAX_ITER_LIMIT}. Got {out['max_iter']}.", table,
                             "set max_iter = 1000 (the default): raking that has not "
                             "converged after that many sweeps will not"))
        out["max_iter"] = defaults.max_iter
    scale = raw.get("scale", defaults.scale)
    found.append(choice_problem(scale, "scale", WEIGHT_SCALES, where=table, fix='set scale = '
                                '"mean1" (weights of mean 1 in each population and wave)'))
    out["scale"] = scale if found[-1] is None else defaults.scale
    by_wave = raw.get("by_wave", defaults.by_wave)
    if not isinstance(by_wave, bool):
        found.append(Problem(f"The 'by_wave' setting of {table} must be true or false. Got "
                             f"{by_wave!r}.", table, "set by_wave = true (rake each wave "
                             "separately) or false"))
    out["by_wave"] = by_wave if isinstance(by_wave, bool) else defaults.by_wave
    problems += [Problem(p.message, where, p.fix) for p in found if p]
    return out


def _method_needs(method: str, targets_raw: Any, segments: Sequence[str] | None,
                  weight_column: str | None, add: _Add) -> None:
    """A method without what it needs (a weight column, targets), or targets unused."""
    if method == "column" and segments is not None and weight_column is None:
        add("method is 'column' but [columns] has no weight column.",
            'add weight = "<column>" to [columns], or set method = "none" or "rake"')
    if targets_raw is not None and method != "rake":
        add(f"targets are used only when raking (method is {method!r}).",
            'set method = "rake", or remove the [weighting.targets] tables')
    if method == "rake" and not targets_raw:
        add("method is 'rake' but there are no targets.",
            "add [weighting.targets.all] (or .customer, .non_customer) with "
            "variable = { category = share }")


def _base_weight(base_weight: Any, method: str, segments: Sequence[str] | None,
                 weight_column: str | None, add: _Add) -> str | None:
    """The column raking starts from: ``"weight"`` for the [columns] weight column."""
    if base_weight is not None and not isinstance(base_weight, str):
        add(f"The 'base_weight' setting must be a column name. Got {base_weight!r}.",
            'set base_weight = "<column>" or remove it to start from weights of 1')
        return None
    if base_weight is not None and method != "rake":
        add(f"base_weight is used only when raking (method is {method!r}).",
            'remove base_weight, or set method = "rake"')
    elif base_weight is not None and segments is not None:
        if base_weight == weight_column:
            return "weight"
        if base_weight not in segments:
            add(f"base_weight {base_weight!r} is neither the [columns] weight column "
                f"({weight_column!r}) nor a segment column.",
                "declare it as weight (or a segment) in [columns], or correct the name")
    return base_weight


def _targets(targets_raw: Any, where: str, by_wave: bool, segments: Sequence[str] | None,
             waves: Sequence[str] | None, add: _Add,
             problems: list[Problem]) -> dict[tuple[str, str | None], dict[str, dict[str, float]]]:
    """``(scope, wave) -> {variable: {category: value}}`` of ``[weighting.targets]``."""
    targets: dict[tuple[str, str | None], dict[str, dict[str, float]]] = {}
    if targets_raw is not None and not isinstance(targets_raw, Mapping):
        add(f"'targets' must be a table. Got {targets_raw!r}",
            "write [weighting.targets.all] tables", spec_table(where, "targets"))
        return targets
    for scope, table in (targets_raw or {}).items():
        at = spec_table(where, target_table(scope, None))
        if scope not in TARGET_SCOPES:
            add(f"unknown population {scope!r}.", " ".join(filter(None, [
                did_you_mean(scope, TARGET_SCOPES), "targets apply to 'customer', "
                "'non_customer' or 'all' (both)"])), at)
            continue
        if not isinstance(table, Mapping):
            add(f"must be a table of variable = {{ category = share }}. Got {table!r}", "", at)
            continue
        body = {k: v for k, v in table.items() if k != "waves"}
        if body or "waves" not in table:
            targets[(scope, None)] = _target_set(body, at, segments, problems)
        per_wave = table.get("waves", {})
        if not isinstance(per_wave, Mapping):
            add(f"'waves' must be a table of wave tables. Got {per_wave!r}",
                f'write [weighting.{target_table(scope, "2026 Q2")}]', at)
            continue
        if per_wave and not by_wave:
            add("wave targets need by_wave = true.", "set by_wave = true, or remove them", at)
        for wave, body in per_wave.items():
            wave_at = spec_table(where, target_table(scope, wave))
            if waves is not None and str(wave) not in waves:
                add(f"wave {str(wave)!r} is not a wave of the study's sources.",
                    " ".join(filter(None, [did_you_mean(wave, waves), "use a wave label of "
                                           "[[sources]]: " + ", ".join(map(repr, waves))])),
                    wave_at)
            if not isinstance(body, Mapping):
                add(f"must be a table of variable = {{ category = share }}. Got {body!r}", "",
                    wave_at)
                continue
            targets[(scope, str(wave))] = _target_set(body, wave_at, segments, problems)
    return targets


def _target_values(variable: str, given: Mapping[str, Any], at: str,
                   problems: list[Problem]) -> dict[str, float]:
    """The positive numbers of one variable's targets; a problem for each other value."""
    values: dict[str, float] = {}
    for category, value in given.items():
        label = f"the target of category {category!r} of variable {variable!r}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(f"{label} is not a number (got {value!r})", at,
                                    "give a share (0.3) or a count (300), without quotes"))
        elif not math.isfinite(value) or value <= 0:
            what = "zero" if value == 0 else "negative" if value < 0 else "not finite"
            problems.append(Problem(
                f"{label} is {what} ({value:g})", at,
                "targets are positive shares or counts: remove a category nobody belongs "
                "to, or merge it with a neighbour in both the data and the targets"))
        else:
            values[str(category)] = float(value)
    return values


def _target_set(body: Mapping[str, Any], where: str, segments: Sequence[str] | None,
                problems: list[Problem]) -> dict[str, dict[str, float]]:
    """``{variable: {category: value}}`` of one targets table; problems appended."""
    out: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for variable, given in body.items():
        at = f"{where} {variable}"
        if segments is not None and variable not in segments:
            problems.append(Problem(
                f"variable {variable!r} is not a segment column", at,
                " ".join(filter(None, [did_you_mean(variable, segments), "targets need a "
                                       "column listed in [columns] segments: add it there, "
                                       "or correct the name"]))))
        if not isinstance(given, Mapping) or not given:
            problems.append(Problem(
                f"the targets of variable {variable!r} must be a table of category = share or "
                f"count. Got {given!r}", at,
                f'write {variable} = {{ North = 0.3, South = 0.7 }} (shares) or counts'))
            continue
        values = _target_values(variable, given, at, problems)
        if len(values) < len(given):
            continue
        total = sum(values.values())
        if all(v < 1 for v in values.values()) and abs(total - 1) > SHARE_TOLERANCE:
            problems.append(Problem(
                f"the shares of variable {variable!r} sum to {total:.4g}, not 1", at,
                "correct the shares so that they sum to 1 (a category may be missing), or give "
                "counts"))
        elif abs(total - 1) > SHARE_TOLERANCE:
            totals[variable] = total
        out[variable] = values
    if totals and max(totals.values()) - min(totals.values()) > TOTAL_TOLERANCE * max(
            totals.values()):
        problems.append(Problem(
            "the count targets imply different population totals: "
            + ", ".join(f"{v} {t:g}" for v, t in totals.items()), where,
            "give every variable counts with the same total (the population size), or give "
            "shares that sum to 1 (percentages: the same total of 100 everywhere)"))
    if not body:
        problems.append(Problem("the targets table is empty", where,
                                "add variables: region = { North = 0.5, South = 0.5 }"))
    return out


def _sentence(text: str) -> str:
    return text if not text or text.endswith((".", "?")) else text + "."
