"""The standard key-driver analyses of a study, straight from its spec (methodology.md).

What moves the outcomes, per wave, with all brands pooled and respondent weights honoured:

- ``cx_loyalty``: the CX quality dimensions (role ``cx_quality``) on the loyalty composite
  (mean score100 of all loyalty items), customers;
- ``bx_preference_customer`` and ``bx_preference_non_customer``: the BX pillars (role
  ``bx_pillar``) on purchase preference (mean score100 of the ``preference`` items), each
  population on its own;
- ``items_loyalty`` (on request): the items of the CX quality dimensions on the loyalty
  composite, customers.

Each runs on the respondents who answered the outcome and every driver.  A respondent's
dimension or pillar score is the mean score100 of the items they answered (the scores the
CX loyalty weights use), so the ``cx_loyalty`` importances on all waves pooled are the CX
index weights x 100.  With raw shares eps_j of R^2 (Johnson's relative weights or the
Shapley/LMG decomposition, :func:`txscore.stats.drivers.point_importance`, with its
collinearity and sample-size guards)::

    importance_j = 100 eps_j / R^2            sign_j = sign of b_j in the regression

The interval is the bootstrap percentile interval of importance_j, respondents resampled
within brand (:mod:`txscore.scoring.driver_bootstrap`).  ``performance`` is the driver's
weighted mean score100 over the same respondents, with a normal interval from the
linearised standard error of a weighted mean (as for items).  Each row's ``flag`` comes from
its analysis' effective base; an analysis below ``[report] suppress_below`` is skipped.

``outcome`` is a code: "loyalty" (the loyalty composite, a measure of the report's words) or
the name of the preference construct ("+"-joined when there are several).  ``quadrant`` is
the importance-performance priority of :func:`ip_quadrants`: named only when the driver's
importance and performance intervals both lie clear of their means, else "unclear".
"""

from __future__ import annotations

import numbers
import warnings
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.errors import (
    InputDataError,
    ParameterError,
    TxscoreWarning,
    choice_problem,
    confidence_problem,
    scalar_problem,
)
from txscore.responses import Responses
from txscore.scoring.driver_bootstrap import Fit, bootstrap_importances
from txscore.scoring.engine import cell_flags
from txscore.stats.drivers import (
    DRIVER_WARNINGS,
    MAX_SHAPLEY_DRIVERS,
    METHODS,
    boot_interval,
    point_importance,
    warning_message,
)
from txscore.stats.inference import kish_n_eff, suppress, z_value
from txscore.study import Study
from txscore.study.vocabulary import POPULATIONS

__all__ = ["ANALYSES", "COLUMNS", "IP_QUADRANTS", "POPULATION_WORDS", "WARNINGS",
           "DriverPlan", "DriverSettings", "absent_skip", "analysis_plans", "analysis_where",
           "base_skip", "driver_settings", "driver_table", "fit_skip",
           "ip_quadrants", "mean_score100", "say_warning", "standard_drivers"]

#: The analyses, in the order of the output.
ANALYSES = ("cx_loyalty", "bx_preference_customer", "bx_preference_non_customer",
            "items_loyalty")
#: The output columns, in order.
COLUMNS = ["analysis", "outcome", "population", "wave", "driver", "label", "importance",
           "ci_low", "ci_high", "raw_weight", "sign", "r2", "n", "n_eff", "performance",
           "performance_ci_low", "performance_ci_high", "quadrant", "method", "warning", "flag"]
#: The codes of the ``quadrant`` column (:func:`ip_quadrants`), "" on a row without numbers.
IP_QUADRANTS = ("concentrate", "keep", "low", "overkill", "unclear")
#: The codes of the ``warning`` column (";"-joined): those of
#: :data:`txscore.stats.drivers.DRIVER_WARNINGS`, and "driver_left_out:<driver>" (no
#: respondent of the population and wave answered the driver's items: it is left out).
WARNINGS = (*DRIVER_WARNINGS, "driver_left_out")
#: populations as the messages name them
POPULATION_WORDS = {"customer": "customers", "non_customer": "non-customers"}


@dataclass(frozen=True)
class DriverPlan:
    """One analysis of one population, as the spec and the data's columns define it:
    ``analysis``, ``population``, ``outcome`` (the output's codes), ``drivers`` (constructs,
    or items for ``items_loyalty``) and their ``labels``; per driver, the items whose mean
    score100 is its score (``driver_items``); the outcome's items (``outcome_items``)."""

    analysis: str
    population: str
    outcome: str
    drivers: tuple[str, ...]
    labels: tuple[str, ...]
    driver_items: tuple[tuple[str, ...], ...]
    outcome_items: tuple[str, ...]


@dataclass
class _Plan:
    """One analysis of one population: its drivers and outcome, respondent by respondent."""

    analysis: str
    population: str
    outcome: str
    drivers: list[str]
    labels: list[str]
    scores: np.ndarray = field(repr=False)  # (n_population, p) driver score100
    y: np.ndarray = field(repr=False)  # (n_population,) outcome score100


@dataclass
class _Fit:
    """A point estimate waiting for its bootstrap interval."""

    plan: _Plan
    wave: str
    rows: Fit  # the rows, weights and driver columns the bootstrap resamples
    point: pd.DataFrame = field(repr=False)
    codes: list[str]  # warning codes


@dataclass(frozen=True)
class DriverSettings:
    """The settings of the key-driver analyses, defaults from ``[report]``
    (:func:`driver_settings`)."""

    method: str
    n_boot: int
    seed: int
    confidence: float
    exact_max: int  # [report] bootstrap_exact_max
    min_n_eff: float  # [report] suppress_below


def driver_settings(study: Study, method: object = None, n_boot: object = None,
                    seed: object = None, confidence: object = None) -> DriverSettings:
    """The settings of every executor's key-driver analyses: those given, else
    ``[report]``'s. Raises ParameterError listing every invalid one (one message template,
    :mod:`txscore.errors`).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> driver_settings(study, n_boot=0).method, driver_settings(study, n_boot=0).n_boot
    ('relative_weights', 0)
    """
    rep = study.report
    s = DriverSettings("relative_weights" if method is None else method,  # type: ignore[arg-type]
                       rep.bootstrap if n_boot is None else n_boot,  # type: ignore[arg-type]
                       rep.seed if seed is None else seed,  # type: ignore[arg-type]
                       rep.confidence if confidence is None else confidence,  # type: ignore
                       rep.bootstrap_exact_max, rep.suppress_below)
    problems = [p for p in (
        choice_problem(s.method, "method", METHODS, fix="use 'relative_weights' (default) or "
                       "'shapley'."),
        scalar_problem(s.n_boot, "n_boot", numbers.Integral, min_val=0,
                       fix="give a number of resamples such as 2000, or 0 for none."),
        scalar_problem(s.seed, "seed", numbers.Integral, min_val=0,
                       fix="give an integer such as 1."),
        confidence_problem(s.confidence)) if p is not None]
    if problems:
        raise ParameterError("Invalid settings for the key-driver analyses.", problems)
    return s


def mean_score100(data: pd.DataFrame | Mapping[str, np.ndarray], study: Study,
                  cols: Sequence[str]) -> np.ndarray:
    """Row means of the answered items' score100 (NaN when none is), without nanmean's
    warning: a driver's or the outcome's score, respondent by respondent. ``data`` holds
    the item columns (or, by item, their codes as float arrays with NaN for no answer).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> d = pd.DataFrame({"eff_1": [1, 7, None], "eff_2": [7, None, None]})
    >>> mean_score100(d, study, ["eff_1", "eff_2"]).tolist()  # 1-7: (x - 1) / 6
    [50.0, 100.0, nan]
    """
    n = len(data) if isinstance(data, pd.DataFrame) else len(next(iter(data.values())))
    block = np.empty((n, len(cols)))
    for j, col in enumerate(cols):
        scale = study.scales[study.items[col].scale]
        x = data[col]  # a column, or its codes as floats already
        x = x if isinstance(x, np.ndarray) else x.to_numpy(dtype=float, na_value=np.nan)
        block[:, j] = 100 * (x - scale.min) / (scale.max - scale.min)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(block, axis=1)


def analysis_plans(study: Study, columns: Iterable[str],
                   items: bool) -> list[tuple[str, str, DriverPlan | str]]:
    """Per analysis asked for (``items``: ``items_loyalty`` too), in order: (analysis,
    population, its plan or why the spec rules it out), from the spec's construct roles
    and the data's ``columns``.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> (name, pop, plan), *_ = analysis_plans(study, study.items, False)
    >>> name, pop, plan.drivers, plan.outcome
    ('cx_loyalty', 'customer', ('effectiveness', 'ease', 'emotion'), 'loyalty')
    """
    wanted = [("cx_loyalty", "customer", "cx_quality", "loyalty"),
              ("bx_preference_customer", "customer", "bx_pillar", "preference"),
              ("bx_preference_non_customer", "non_customer", "bx_pillar", "preference")]
    if items:
        wanted.append(("items_loyalty", "customer", "cx_quality", "loyalty"))
    columns = set(columns)
    out: list[tuple[str, str, DriverPlan | str]] = []
    for analysis, pop, driver_role, outcome_role in wanted:
        asked = set(study.items_for(pop)) & columns
        names = {role: [c.name for c in study.constructs_with_role(role)
                        if study.items_of(c.name) and set(study.items_of(c.name)) <= asked]
                 for role in (driver_role, outcome_role)}
        missing = [role for role, found in names.items() if not found]
        if missing:
            out.append((analysis, pop, f"{analysis}: skipped, the spec has no construct with "
                        f"role {' or '.join(map(repr, missing))} asked of "
                        f"{POPULATION_WORDS[pop]}. "
                        "Fix: add one to [constructs] and [items] in study.toml."))
            continue
        # a code: the loyalty composite's measure, else the outcome constructs' names
        label = "loyalty" if outcome_role == "loyalty" else "+".join(names[outcome_role])
        outcome_items = tuple(c for name in names[outcome_role] for c in study.items_of(name))
        groups = ([(c, study.items[c].label_in(), (c,)) for name in names[driver_role]
                   for c in study.items_of(name)] if analysis == "items_loyalty" else
                  [(c, study.constructs[c].title, tuple(study.items_of(c)))
                   for c in names[driver_role]])
        drivers, labels, items_of = (tuple(g) for g in zip(*groups, strict=True))
        out.append((analysis, pop, DriverPlan(analysis, pop, label, drivers, labels, items_of,
                                              outcome_items)))
    return out


def analysis_where(analysis: str, population: str, wave: str) -> str:
    """How messages name one analysis of one population in one wave.

    >>> analysis_where("cx_loyalty", "customer", "2026 Q1")
    'cx_loyalty, customers, wave 2026 Q1'
    """
    return f"{analysis}, {POPULATION_WORDS[population]}, wave {wave}"


def fit_skip(where: str, outcome: str, outcome_answered: bool, n_drivers: int,
             method: str) -> str | None:
    """Why an analysis cannot be fitted before its complete cases are counted (``where``:
    :func:`analysis_where`), or None: the outcome unanswered, no driver answered, too many
    drivers for Shapley/LMG.

    >>> fit_skip("w", "loyalty", True, 0, "shapley")
    "w: skipped, no respondent answered any driver's items."
    """
    if not outcome_answered:
        return (f"{where}: skipped, no respondent answered the outcome's items "
                f"({outcome}).")
    if n_drivers == 0:
        return f"{where}: skipped, no respondent answered any driver's items."
    if method == "shapley" and n_drivers > MAX_SHAPLEY_DRIVERS:
        return (f"{where}: skipped, Shapley/LMG takes at most {MAX_SHAPLEY_DRIVERS} drivers "
                f"and this analysis has {n_drivers}. Fix: use method='relative_weights'.")
    return None


def base_skip(where: str, n_eff: float, n: int, min_n_eff: float) -> str | None:
    """Why an analysis of ``n`` complete cases is skipped for its effective base (below
    ``[report] suppress_below``), or None.

    >>> base_skip("w", 20.04, 25, 30)[:48], base_skip("w", 30.0, 40, 30)
    ('w: skipped, effective base 20.0 of 25 respondent', None)
    """
    if n_eff < min_n_eff:
        return (f"{where}: skipped, effective base {n_eff:.1f} of {n} respondents with every "
                f"driver and the outcome answered is below suppress_below = {min_n_eff:g}.")
    return None


def absent_skip(analysis: str, population: str) -> str:
    """Why an analysis is skipped when the data have none of its population.

    >>> absent_skip("bx_preference_non_customer", "non_customer")[:61]
    'bx_preference_non_customer: skipped, the data have no non-cus'
    """
    return (f"{analysis}: skipped, the data have no {POPULATION_WORDS[population]}. "
            f"Fix: add a source with population = {population!r}.")


def _plan(study: Study, plan: DriverPlan, d: pd.DataFrame) -> _Plan:
    """A plan's driver and outcome scores, respondent by respondent."""
    scores = np.column_stack([mean_score100(d, study, cols) for cols in plan.driver_items])
    return _Plan(plan.analysis, plan.population, plan.outcome, list(plan.drivers),
                 list(plan.labels), scores, mean_score100(d, study, plan.outcome_items))


def _plans(study: Study, data: pd.DataFrame, by_population: dict[str, pd.DataFrame],
           items: bool) -> tuple[list[_Plan], list[str]]:
    """The analyses the spec and data allow, and why the others cannot run."""
    plans, skipped = [], []
    for analysis, pop, plan in analysis_plans(study, data.columns, items):
        if isinstance(plan, str):
            skipped.append(plan)
        elif by_population[pop].empty:
            skipped.append(absent_skip(analysis, pop))
        else:
            plans.append(_plan(study, plan, by_population[pop]))
    return plans, skipped


def say_warning(code: str) -> str:
    """A warning code in English, for Python warnings.

    >>> say_warning("driver_left_out:trust")
    "driver 'trust' left out: no respondent answered its items."
    """
    name, _, driver = code.partition(":")
    if name == "driver_left_out":
        return f"driver {driver!r} left out: no respondent answered its items."
    return warning_message(code)


def _fit(plan: _Plan, wave: str, rows: np.ndarray, w: np.ndarray, method: str,
         min_n_eff: float) -> tuple[_Fit | None, list[str]]:
    """Point estimate of one analysis in one wave, or why it cannot be made."""
    where = analysis_where(plan.analysis, plan.population, wave)
    scores, y = plan.scores[rows], plan.y[rows]
    answered = ~np.isnan(scores[w > 0]).all(axis=0)
    codes = [f"driver_left_out:{plan.drivers[j]}" for j in np.flatnonzero(~answered)]
    keep = np.flatnonzero(answered)
    skip = fit_skip(where, plan.outcome, not np.isnan(y[w > 0]).all(), len(keep), method)
    if skip:
        return None, [skip]
    X = np.column_stack([scores[:, keep], y])
    complete = np.isfinite(X).all(axis=1) & (w > 0)
    wc = w[complete]
    skip = base_skip(where, float(kish_n_eff(wc.sum(), wc @ wc)), int(complete.sum()),
                     min_n_eff)
    if skip:
        return None, [skip]
    names = [plan.drivers[j] for j in keep]
    try:
        point, found = point_importance(X, np.where(complete, w, 0.0), names,
                                        outcome=plan.outcome, method=method)
    except InputDataError as err:
        return None, [f"{where}: skipped, {err}"]
    codes += found
    X[~complete] = 0.0
    fit = _Fit(plan, wave, Fit(X, np.where(complete, w, 0.0), list(keep)), point, codes)
    return fit, [f"{where}: {say_warning(code)}" for code in codes]


def _performance(fit: Fit, z: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean score100 of each driver over the analysed respondents, normal CI."""
    ok = fit.w > 0
    x, w = fit.X[ok, :-1], fit.w[ok]
    n, sw = len(w), w.sum()
    mean = w @ x / sw
    # linearised (Taylor) se of a weighted mean, as for items (txscore.stats.inference)
    se = np.sqrt(n / (n - 1) * (w[:, None] ** 2 * (x - mean) ** 2).sum(axis=0) / sw**2)
    return mean, np.clip(mean - z * se, 0, 100), np.clip(mean + z * se, 0, 100)


def _frame(fit: _Fit, boot: np.ndarray | None, confidence: float, z: float, method: str,
           study: Study) -> tuple[pd.DataFrame, str | None]:
    plan, point = fit.plan, fit.point
    p = len(fit.rows.drivers)
    lo, hi, warn = boot_interval(boot, confidence, p)
    codes = [*fit.codes, *([warn] if warn else [])]
    perf, perf_lo, perf_hi = _performance(fit.rows, z)

    def same(value: str) -> np.ndarray:
        return np.full(p, value, dtype=object)

    frame = pd.DataFrame({
        "analysis": same(plan.analysis), "outcome": same(plan.outcome),
        "population": same(plan.population), "wave": same(fit.wave),
        "driver": point["driver"].to_numpy(dtype=object),
        "label": np.array([plan.labels[j] for j in fit.rows.drivers], dtype=object),
        "importance": point["importance"].to_numpy(), "ci_low": lo, "ci_high": hi,
        "raw_weight": point["raw_weight"].to_numpy(), "sign": point["sign"].to_numpy(),
        "r2": point["r2"].to_numpy(), "n": point["n"].to_numpy(),
        "n_eff": point["n_eff"].to_numpy(), "performance": perf,
        "performance_ci_low": perf_lo, "performance_ci_high": perf_hi, "method": same(method),
        "warning": same(";".join(codes)),
        "flag": cell_flags(point["n_eff"].to_numpy(), study)})
    where = analysis_where(plan.analysis, plan.population, fit.wave)
    return frame, (f"{where}: {say_warning(warn)}" if warn else None)


def _empty() -> pd.DataFrame:
    text = ["analysis", "outcome", "population", "wave", "driver", "label", "quadrant", "method",
            "warning", "flag"]
    return pd.DataFrame({c: pd.Series(dtype="str" if c in text else
                                      "int64" if c in ("sign", "n") else float)
                         for c in COLUMNS})


def _population_frames(study: Study, pop: str, d: pd.DataFrame, plans: list[_Plan],
                       waves: list[str], s: DriverSettings, say: Callable[[str], None],
                       messages: list[str]) -> list[pd.DataFrame]:
    """The tables of one population's analyses, wave by wave (warnings into messages)."""
    frames = []
    wave_of = d["wave"].astype(str).to_numpy()
    brand = pd.factorize(d["brand"].astype(str), sort=True)[0]  # any executor: one order
    people = pd.factorize(d["respondent_id"].astype(str))[0]
    weight = d["weight"].to_numpy(dtype=float, na_value=np.nan)
    weight = np.where(np.isfinite(weight), weight, 0.0)
    z = z_value(s.confidence)
    for wave in waves:
        rows = wave_of == wave
        if not rows.any():
            continue
        say(f"key drivers: {POPULATION_WORDS[pop]}, wave {wave}")
        fits = []
        for plan in plans:
            fit, notes = _fit(plan, wave, rows, weight[rows], s.method, s.min_n_eff)
            messages += notes
            if fit is not None:
                fits.append(fit)
        if not fits:
            continue
        boots: list[np.ndarray | None] = [None] * len(fits)
        if s.n_boot > 0:
            rng = np.random.default_rng([s.seed, POPULATIONS.index(pop),
                                         zlib.crc32(wave.encode())])
            boots = list(bootstrap_importances(
                [f.rows for f in fits], brand[rows], s.method, s.n_boot, s.exact_max, rng,
                units=people[rows] if study.report.clusters == "respondent" else None))
        for fit, boot in zip(fits, boots, strict=True):
            frame, warn = _frame(fit, boot, s.confidence, z, s.method, study)
            frames.append(frame)
            if warn:
                messages.append(warn)
    return frames


def driver_table(frames: list[pd.DataFrame], waves: list[str],
                 messages: Sequence[str] = ()) -> pd.DataFrame:
    """One table in the order of the analyses, populations, waves, importance descending,
    with its importance-performance quadrants and suppressed rows blanked, and the
    ``messages`` issued as warnings (for the caller's caller) and kept in
    ``attrs["warnings"]`` (every executor's last step).

    >>> driver_table([], ["2026 Q1"]).columns[:3].tolist()
    ['analysis', 'outcome', 'population']
    """
    for message in messages:
        warnings.warn(message, TxscoreWarning, stacklevel=3)
    out = _ordered(pd.concat(frames, ignore_index=True), waves) if frames else _empty()
    out.attrs["warnings"] = list(messages)
    return out


def _ordered(out: pd.DataFrame, waves: list[str]) -> pd.DataFrame:
    keys = pd.DataFrame({
        "a": out["analysis"].map(ANALYSES.index), "p": out["population"].map(POPULATIONS.index),
        "w": out["wave"].map(waves.index), "i": -out["importance"]})
    out = out.loc[keys.sort_values(["a", "p", "w", "i"], kind="stable").index]
    out = out.reset_index(drop=True)
    out["quadrant"] = ip_quadrants(out)
    return suppress(out[COLUMNS], text=("quadrant",))


_GROUP = ["analysis", "population", "wave"]
_NAMED = {(1, -1): "concentrate", (1, 1): "keep", (-1, -1): "low", (-1, 1): "overkill"}


def _side(drivers: pd.DataFrame, point: pd.Series, low: str, high: str,
          mean: pd.Series) -> np.ndarray:
    """1 where the interval [low, high] lies wholly above the mean, -1 wholly below, 0 when
    it touches or straddles it; a missing bound is the point estimate."""
    lo = (drivers[low].astype(float) if low in drivers else point).fillna(point)
    hi = (drivers[high].astype(float) if high in drivers else point).fillna(point)
    return np.select([(lo > mean).to_numpy(bool), (hi < mean).to_numpy(bool)], [1, -1], 0)


def ip_quadrants(drivers: pd.DataFrame) -> pd.Series:
    """The importance-performance quadrant of each driver: the one rule of the ``quadrant``
    column, that the charts and the workbook read.

    Against the mean importance and the mean performance of the drivers of its analysis x
    population x wave (those with both numbers), a driver is "concentrate" (important,
    performing below the mean), "keep" (important, above), "low" (less important, below)
    or "overkill" (less important, above) only when its importance interval
    [ci_low, ci_high] lies wholly above or wholly below the mean importance AND its
    performance interval [performance_ci_low, performance_ci_high] wholly above or below
    the mean performance; otherwise "unclear" (no clear priority). Without an interval
    (``bootstrap = 0``: no importance interval) the point estimate stands for it: a point
    strictly above or below the mean decides. "" without both numbers (suppressed).

    Examples
    --------
    >>> d = pd.DataFrame({"analysis": "a", "population": "customer", "wave": "W1",
    ...                   "importance": [40.0, 40.0, 10.0, 10.0, 26.0],
    ...                   "ci_low": [35.0, 35.0, 5.0, 5.0, 20.0],
    ...                   "ci_high": [45.0, 45.0, 15.0, 15.0, 30.0],
    ...                   "performance": [60.0, 80.0, 60.0, 80.0, 90.0]})
    >>> ip_quadrants(d).tolist()  # means 25.2 and 74; no performance interval: the points
    ['concentrate', 'keep', 'low', 'overkill', 'unclear']
    """
    if drivers.empty:
        return pd.Series([], index=drivers.index, dtype="str")
    imp, perf = drivers["importance"].astype(float), drivers["performance"].astype(float)
    both = imp.notna() & perf.notna()
    keys = [drivers[c].astype(object) for c in _GROUP]

    def mean(x: pd.Series) -> pd.Series:
        return x.where(both).groupby(keys, sort=False, dropna=False).transform("mean")

    si = _side(drivers, imp, "ci_low", "ci_high", mean(imp))
    sp = _side(drivers, perf, "performance_ci_low", "performance_ci_high", mean(perf))
    out = [_NAMED.get((a, b), "unclear") if ok else ""
           for a, b, ok in zip(si.tolist(), sp.tolist(), both.tolist(), strict=True)]
    return pd.Series(out, index=drivers.index, dtype="str")


def standard_drivers(responses: Responses, *, method: str | None = None,
                     n_boot: int | None = None, seed: int | None = None,
                     confidence: float | None = None, items: bool = False,
                     progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Key drivers of loyalty and purchase preference, per population and wave.

    The analyses of the spec's construct roles (module docstring), per wave, weighted.

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    method : {"relative_weights", "shapley"}, optional
        Default "relative_weights"; "shapley" takes at most 15 drivers per analysis.
    n_boot, seed, confidence : optional
        Bootstrap resamples (0: no interval), seed, coverage; default from ``[report]``.
        Each population and wave draws from its own stream of the seed (keyed by the
        wave's name): adding a wave leaves the earlier waves' intervals unchanged.
    items : bool
        Also run ``items_loyalty``.
    progress : callable, optional
        Called with a short message per population and wave.

    Returns
    -------
    DataFrame
        One row per analysis x population x wave x driver (:data:`COLUMNS`): outcome code,
        importance (sums to 100) and interval, raw weight, sign, r2, n, n_eff, performance,
        quadrant (:func:`ip_quadrants`), method, ``warning`` (";"-joined :data:`WARNINGS`
        codes, "" if none) and ``flag``; sorted by analysis, population, wave and
        importance, descending.  ``attrs["warnings"]`` lists every warning issued.

    Raises
    ------
    ParameterError
        Invalid settings (all listed).

    Warns
    -----
    TxscoreWarning
        An analysis skipped (constructs not in the spec, population absent, outcome not
        answered, base below ``suppress_below``, dependent drivers); each warning code.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> drivers = standard_drivers(responses, n_boot=200)
    >>> cx = drivers.query("analysis == 'cx_loyalty' and wave == '2026 Q1'")
    >>> # R: rwa::rwa(d, "loyalty", c("effectiveness", "ease", "emotion"), weight = "weight")
    >>> print(cx[["driver", "importance", "sign"]].round(0).to_string(index=False))
           driver  importance  sign
          emotion        47.0     1
    effectiveness        33.0     1
             ease        21.0     1
    """
    study = responses.study
    s = driver_settings(study, method, n_boot, seed, confidence)
    data = responses.data
    needed = ["wave", "brand", "weight", "respondent_id",  # the columns read, per population
              *[c for c in study.items if c in data.columns]]
    population = data["population"].to_numpy(dtype=object)
    by_population = {pop: data.loc[population == pop, needed] for pop in POPULATIONS}
    plans, messages = _plans(study, data, by_population, items)
    waves = list(dict.fromkeys([*study.waves, *data["wave"].astype(str).unique()]))
    frames = []
    for pop in POPULATIONS:
        pop_plans = [plan for plan in plans if plan.population == pop]
        if pop_plans:
            frames += _population_frames(study, pop, by_population[pop], pop_plans, waves, s,
                                         progress or (lambda _msg: None), messages)
    return driver_table(frames, waves, messages)
