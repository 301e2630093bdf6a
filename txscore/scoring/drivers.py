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
from collections.abc import Callable
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
    point_importance,
    warning_message,
)
from txscore.stats.inference import kish_n_eff, percentile_interval, suppress, z_value
from txscore.study import Study
from txscore.study.vocabulary import POPULATIONS

__all__ = ["ANALYSES", "COLUMNS", "IP_QUADRANTS", "POPULATION_WORDS", "WARNINGS",
           "boot_interval", "driver_table", "ip_quadrants", "say_warning", "standard_drivers"]

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


def _check_settings(method: object, n_boot: object, seed: object, confidence: object) -> None:
    """Every invalid setting in one error (one message template, :mod:`txscore.errors`)."""
    problems = [p for p in (
        choice_problem(method, "method", METHODS, fix="use 'relative_weights' (default) or "
                       "'shapley'."),
        scalar_problem(n_boot, "n_boot", numbers.Integral, min_val=0,
                       fix="give a number of resamples such as 2000, or 0 for none."),
        scalar_problem(seed, "seed", numbers.Integral, min_val=0,
                       fix="give an integer such as 1."),
        confidence_problem(confidence)) if p is not None]
    if problems:
        raise ParameterError("Invalid settings for the key-driver analyses.", problems)


def _score100(data: pd.DataFrame, study: Study, cols: list[str]) -> np.ndarray:
    """(n, len(cols)) respondent score100 of some items, NaN when unanswered."""
    out = np.empty((len(data), len(cols)))
    for j, col in enumerate(cols):
        scale = study.scales[study.items[col].scale]
        x = data[col].to_numpy(dtype=float, na_value=np.nan)
        out[:, j] = 100 * (x - scale.min) / (scale.max - scale.min)
    return out


def _mean_answered(block: np.ndarray) -> np.ndarray:
    """Row means of the answered items (NaN when none is), without nanmean's warning."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(block, axis=1)


def _plan(study: Study, analysis: str, pop: str, d: pd.DataFrame, drivers: list[str],
          outcome: list[str], outcome_role: str) -> _Plan:
    y = _mean_answered(_score100(d, study, [c for name in outcome
                                            for c in study.items_of(name)]))
    # a code: the loyalty composite's measure, else the outcome constructs' names
    label = "loyalty" if outcome_role == "loyalty" else "+".join(outcome)
    if analysis == "items_loyalty":
        items = [c for name in drivers for c in study.items_of(name)]
        return _Plan(analysis, pop, label, items, [study.items[c].label_in() for c in items],
                     _score100(d, study, items), y)
    scores = np.column_stack([_mean_answered(_score100(d, study, study.items_of(name)))
                              for name in drivers])
    return _Plan(analysis, pop, label, drivers, [study.constructs[c].title for c in drivers],
                 scores, y)


def _plans(study: Study, data: pd.DataFrame, by_population: dict[str, pd.DataFrame],
           items: bool) -> tuple[list[_Plan], list[str]]:
    """The analyses the spec and data allow, and why the others cannot run."""
    wanted = [("cx_loyalty", "customer", "cx_quality", "loyalty"),
              ("bx_preference_customer", "customer", "bx_pillar", "preference"),
              ("bx_preference_non_customer", "non_customer", "bx_pillar", "preference")]
    if items:
        wanted.append(("items_loyalty", "customer", "cx_quality", "loyalty"))
    plans, skipped = [], []
    for analysis, pop, driver_role, outcome_role in wanted:
        asked = set(study.items_for(pop)) & set(data.columns)
        names = {role: [c.name for c in study.constructs_with_role(role)
                        if study.items_of(c.name) and set(study.items_of(c.name)) <= asked]
                 for role in (driver_role, outcome_role)}
        missing = [role for role, found in names.items() if not found]
        if missing:
            skipped.append(f"{analysis}: skipped, the spec has no construct with role "
                           f"{' or '.join(map(repr, missing))} asked of {POPULATION_WORDS[pop]}. "
                           "Fix: add one to [constructs] and [items] in study.toml.")
        elif by_population[pop].empty:
            skipped.append(f"{analysis}: skipped, the data have no {POPULATION_WORDS[pop]}. "
                           f"Fix: add a source with population = {pop!r}.")
        else:
            plans.append(_plan(study, analysis, pop, by_population[pop], names[driver_role],
                               names[outcome_role], outcome_role))
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
    where = f"{plan.analysis}, {POPULATION_WORDS[plan.population]}, wave {wave}"
    scores, y = plan.scores[rows], plan.y[rows]
    answered = ~np.isnan(scores[w > 0]).all(axis=0)
    codes = [f"driver_left_out:{plan.drivers[j]}" for j in np.flatnonzero(~answered)]
    keep = np.flatnonzero(answered)
    if np.isnan(y[w > 0]).all():
        return None, [f"{where}: skipped, no respondent answered the outcome's items "
                      f"({plan.outcome})."]
    if len(keep) == 0:
        return None, [f"{where}: skipped, no respondent answered any driver's items."]
    if method == "shapley" and len(keep) > MAX_SHAPLEY_DRIVERS:
        return None, [f"{where}: skipped, Shapley/LMG takes at most {MAX_SHAPLEY_DRIVERS} "
                      f"drivers and this analysis has {len(keep)}. Fix: use "
                      "method='relative_weights'."]
    X = np.column_stack([scores[:, keep], y])
    complete = np.isfinite(X).all(axis=1) & (w > 0)
    wc = w[complete]
    n_eff = float(kish_n_eff(wc.sum(), wc @ wc))
    if n_eff < min_n_eff:
        return None, [f"{where}: skipped, effective base {n_eff:.1f} of {complete.sum()} "
                      f"respondents with every driver and the outcome answered is below "
                      f"suppress_below = {min_n_eff:g}."]
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


def boot_interval(boot: np.ndarray | None, confidence: float,
                  p: int) -> tuple[np.ndarray, np.ndarray, str | None]:
    """The percentile interval of each of ``p`` importances over their bootstrap replicates
    (the replicates with a NaN left out), and the warning code when some are degenerate.

    >>> lo, hi, warn = boot_interval(np.array([[1.0], [np.nan], [3.0]]), 0.5, 1)
    >>> lo.tolist(), hi.tolist(), warn
    ([1.5], [2.5], 'degenerate_resamples(1/3)')
    """
    lo = hi = np.full(p, np.nan)
    warn = None
    if boot is not None:
        ok = np.isfinite(boot).all(axis=1)
        if not ok.all():
            warn = f"degenerate_resamples({(~ok).sum()}/{len(boot)})"
        if ok.any():
            lo, hi = percentile_interval(boot[ok], confidence)
    return lo, hi, warn


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
    where = f"{plan.analysis}, {POPULATION_WORDS[plan.population]}, wave {fit.wave}"
    return frame, (f"{where}: {say_warning(warn)}" if warn else None)


def _empty() -> pd.DataFrame:
    text = ["analysis", "outcome", "population", "wave", "driver", "label", "quadrant", "method",
            "warning", "flag"]
    return pd.DataFrame({c: pd.Series(dtype="str" if c in text else
                                      "int64" if c in ("sign", "n") else float)
                         for c in COLUMNS})


@dataclass(frozen=True)
class _Settings:
    method: str
    n_boot: int
    seed: int
    confidence: float
    exact_max: int
    min_n_eff: float


def _population_frames(study: Study, pop: str, d: pd.DataFrame, plans: list[_Plan],
                       waves: list[str], s: _Settings, say: Callable[[str], None],
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


def driver_table(frames: list[pd.DataFrame], waves: list[str]) -> pd.DataFrame:
    """One table in the order of the analyses, populations, waves, importance descending,
    with its importance-performance quadrants and suppressed rows blanked (every executor's
    last step).

    >>> driver_table([], ["2026 Q1"]).columns[:3].tolist()
    ['analysis', 'outcome', 'population']
    """
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
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
    study, rep = responses.study, responses.study.report
    s = _Settings("relative_weights" if method is None else method,
                  rep.bootstrap if n_boot is None else n_boot, rep.seed if seed is None else seed,
                  rep.confidence if confidence is None else confidence,
                  rep.bootstrap_exact_max, rep.suppress_below)
    _check_settings(s.method, s.n_boot, s.seed, s.confidence)
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
    for message in messages:
        warnings.warn(message, TxscoreWarning, stacklevel=2)
    out = driver_table(frames, waves)
    out.attrs["warnings"] = list(messages)
    return out
