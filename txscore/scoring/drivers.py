"""The standard key-driver analyses of a study, straight from its spec (methodology.md).

What moves the outcomes, per wave, with all brands pooled and respondent weights honoured:

- ``cx_loyalty``: the CX quality dimensions (role ``cx_quality``) on the loyalty composite
  (mean score100 of all loyalty items), customers;
- ``bx_preference_customer`` and ``bx_preference_non_customer``: the BX pillars (role
  ``bx_pillar``) on purchase preference (mean score100 of the ``preference`` items), each
  population on its own;
- ``items_loyalty`` (on request): the items of the CX quality dimensions on the loyalty
  composite, customers.

A respondent's dimension or pillar score is the mean score100 of the items they answered
(:func:`txscore.scoring._respondent_scores`, the scores the CX loyalty weights use), so the
``cx_loyalty`` importances on all waves pooled are the CX index weights x 100.  The
point estimates come from :func:`txscore.stats.drivers.driver_importance` (Johnson's relative
weights or Shapley/LMG, with its collinearity and sample-size guards).  The bootstrap
resamples respondents within brand (the design's strata, as in :mod:`txscore.scoring`),
one resample per population and wave shared by the analyses of those respondents.  A
replicate's covariance matrix is a function of its sums of the features
``w [1, x, x_i x_j]`` (:func:`txscore.stats.drivers.moment_features`).  A brand of at most
``[report] bootstrap_exact_max`` respondents is resampled exactly: multinomial counts times
its features (all brands small: :func:`txscore.stats.drivers.bootstrap_cov`, one matrix
product).  A larger brand draws its replicate sums from their normal law, with exactly the
mean and covariance of multinomial resample sums
(:func:`txscore.stats.inference.normal_resample_sums`, as the composite scores' bootstrap
does), at O(F^2) per replicate whatever its size, so the cost stays flat in n.
Every replicate's importances then come from one batched
decomposition.

Random stream, per population and wave (its own seed, see :func:`standard_drivers`): first
one block of standard normal draws per large brand, in brand order; then, per chunk of
replicates, the multinomial draws of the small brands, brand by brand.
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, TxscoreWarning
from txscore.responses import Responses
from txscore.scoring.engine import (
    MEASURE_LABELS,
    _items_mean,
    _respondent_scores,
    _s100,
)
from txscore.stats.drivers import (
    MAX_SHAPLEY_DRIVERS,
    bootstrap_cov,
    cov_from_moments,
    driver_importance,
    moment_features,
    recentre_moments,
    relative_weights_from_cov,
    shapley_from_cov,
)
from txscore.stats.inference import normal_resample_sums, percentile_interval, z_value
from txscore.study import Study

__all__ = ["ANALYSES", "COLUMNS", "standard_drivers"]

#: The analyses, in the order of the output.
ANALYSES = ("cx_loyalty", "bx_preference_customer", "bx_preference_non_customer",
            "items_loyalty")
#: The output columns, in order.
COLUMNS = ["analysis", "outcome", "population", "wave", "driver", "label", "importance",
           "ci_low", "ci_high", "raw_weight", "sign", "r2", "n", "n_eff", "performance",
           "performance_ci_low", "performance_ci_high", "method", "warning"]
_METHODS = ("relative_weights", "shapley")
_POPULATIONS = ("customer", "non_customer")
_POP_WORDS = {"customer": "customers", "non_customer": "non-customers"}
_OUTCOME = "__outcome__"
_CELLS = 2**22  # counts per bootstrap chunk (32 MB): few, large matrix products


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
    drivers: list[int]  # columns of plan.scores kept
    X: np.ndarray = field(repr=False)  # (n_cell, p + 1), incomplete rows set to 0
    w: np.ndarray = field(repr=False)  # (n_cell,), 0 for incomplete rows
    point: pd.DataFrame = field(repr=False)
    notes: list[str]


def _check_settings(method: object, n_boot: object, seed: object, confidence: object) -> None:
    problems = []
    if method not in _METHODS:
        problems.append(Problem(f"method must be one of {', '.join(map(repr, _METHODS))}; "
                                f"got {method!r}.", "standard_drivers(method=...)",
                                "use 'relative_weights' (default) or 'shapley'."))
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        problems.append(Problem(f"n_boot must be a non-negative integer; got {n_boot!r}.",
                                "standard_drivers(n_boot=...)",
                                "give a number of resamples such as 2000, or 0 for none."))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(Problem(f"seed must be a non-negative integer; got {seed!r}.",
                                "standard_drivers(seed=...)", "give an integer such as 1."))
    if isinstance(confidence, bool) or not isinstance(confidence, float | int) or not (
            0 < confidence < 1):
        problems.append(Problem(f"confidence must be between 0 and 1; got {confidence!r}.",
                                "standard_drivers(confidence=...)", "give e.g. 0.95."))
    if problems:
        raise InputDataError("Invalid settings for the key-driver analyses.", problems)


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
                           f"{' or '.join(map(repr, missing))} asked of {_POP_WORDS[pop]}. "
                           "Fix: add one to [constructs] and [items] in study.toml.")
            continue
        d = by_population[pop]
        if d.empty:
            skipped.append(f"{analysis}: skipped, the data have no {_POP_WORDS[pop]}. Fix: add "
                           f"a source with population = {pop!r}.")
            continue
        y = _items_mean(d, study, names[outcome_role])
        label = (MEASURE_LABELS["loyalty"] if outcome_role == "loyalty" else " + ".join(
            study.constructs[c].title for c in names[outcome_role]))
        if analysis == "items_loyalty":
            drivers = [c for name in names[driver_role] for c in study.items_of(name)]
            labels = [study.items[c].text or c for c in drivers]
            scores = np.column_stack([_s100(d[c], study, c) for c in drivers])
        else:
            drivers = names[driver_role]
            labels = [study.constructs[c].title for c in drivers]
            scores = _respondent_scores(d, study, drivers)
        plans.append(_Plan(analysis, pop, label, drivers, labels, scores, y))
    return plans, skipped


def _fit(plan: _Plan, wave: str, rows: np.ndarray, w: np.ndarray, method: str,
         min_n_eff: float) -> tuple[_Fit | None, list[str]]:
    """Point estimate of one analysis in one wave, or why it cannot be made."""
    where = f"{plan.analysis}, {_POP_WORDS[plan.population]}, wave {wave}"
    notes: list[str] = []
    scores, y = plan.scores[rows], plan.y[rows]
    answered = ~np.isnan(scores[w > 0]).all(axis=0)
    for j in np.flatnonzero(~answered):
        notes.append(f"driver {plan.drivers[j]!r} left out: no respondent answered its "
                     "items.")
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
    n_eff = wc.sum() ** 2 / (wc**2).sum() if complete.any() else 0.0
    if n_eff < min_n_eff:
        return None, [f"{where}: skipped, effective base {n_eff:.1f} of {complete.sum()} "
                      f"respondents with every driver and the outcome answered is below "
                      f"suppress_below = {min_n_eff:g}."]
    names = [plan.drivers[j] for j in keep]
    frame = pd.DataFrame(X, columns=[*names, _OUTCOME])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            point = driver_importance(frame, _OUTCOME, names, weights=w, method=method,
                                      n_boot=0)
        except InputDataError as err:
            return None, [f"{where}: skipped, {err}"]
    for item in caught:
        if issubclass(item.category, TxscoreWarning):
            notes.append(str(item.message))
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    X[~complete] = 0.0
    fit = _Fit(plan, wave, list(keep), X, np.where(complete, w, 0.0), point, notes)
    return fit, [f"{where}: {note}" for note in notes]


def _stratified_counts(rng: np.random.Generator, sizes: np.ndarray, n_boot: int) -> np.ndarray:
    """(n_boot, n) multinomial resample counts within consecutive strata of the given sizes.

    Each stratum's respondents are drawn with replacement as many times as it has
    respondents (32-bit draws, the fastest), then counted by a bincount per block of
    resamples small enough to keep its output in cache.
    """
    n = int(sizes.sum())
    draws = np.empty((n_boot, n), dtype=np.int32)
    start = 0
    for size in sizes:  # a loop over strata (brands), not respondents
        draws[:, start:start + size] = rng.integers(start, start + size, (n_boot, size),
                                                    dtype=np.int32)
        start += size
    counts = np.empty((n_boot, n))
    block = max(1, min(n_boot, 2**16 // max(n, 1)))
    offset = (np.arange(block, dtype=np.int32) * n)[:, None]  # < 2**16 + n: no overflow
    for b in range(0, n_boot, block):
        d = draws[b:b + block]
        d += offset[:len(d)]  # resample r of the block counts into bins r n .. r n + n - 1
        counts[b:b + len(d)] = np.bincount(d.ravel(), minlength=d.size).reshape(d.shape)
    return counts


def _bootstrap(fits: list[_Fit], strata: np.ndarray, method: str, n_boot: int,
               exact_max: int, rng: np.random.Generator) -> list[np.ndarray]:
    """(n_boot, p) bootstrap importances of every fit of one population and wave.

    Respondents are resampled within strata (``strata``: non-negative codes, the brands).
    If no stratum has more than ``exact_max`` respondents, each chunk of resamples draws
    multinomial counts for every stratum (:func:`_stratified_counts`) and
    :func:`txscore.stats.drivers.bootstrap_cov` turns them into covariance matrices.
    Otherwise the larger strata's resample sums come from their normal law
    (:func:`_mixed_replicate_sums`, drawn first), and each chunk draws counts for the other
    strata only; the two add up before :func:`txscore.stats.drivers.cov_from_moments`.
    """
    decompose = relative_weights_from_cov if method == "relative_weights" else shapley_from_cov
    # a stable sort of 16-bit codes is a radix sort: O(n)
    order = np.argsort(strata.astype(np.int16) if strata.max() < 2**15 else strata,
                       kind="stable")
    sizes = np.bincount(strata)
    sizes = sizes[sizes > 0]
    big = sizes > exact_max
    n = int(sizes[~big].sum())  # respondents resampled by counts
    widest = max(len(f.drivers) for f in fits)
    per_matrix = 1 if method == "relative_weights" else max(
        math.comb(widest, k) * k * k for k in range(1, widest + 1))
    chunk = max(1, min(n_boot, _CELLS // max(n, 1), _CELLS // per_matrix))
    if big.any():
        members = np.split(order, np.cumsum(sizes)[:-1])  # row numbers, stratum by stratum
        normal, exact, full_var = _mixed_replicate_sums([(f.X, f.w) for f in fits], members,
                                                        big, n_boot, rng)
    else:
        data = [(f.X[order], f.w[order]) for f in fits]
    out = [np.empty((n_boot, len(f.drivers))) for f in fits]
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        counts = _stratified_counts(rng, sizes[~big], size) if n else None
        for i, boot in enumerate(out):
            if big.any():
                sums = normal[i][start:start + size]
                if counts is not None:
                    sums = sums + counts @ exact[i]
                cov = cov_from_moments(sums, fits[i].X.shape[1], full_var[i])
            else:
                cov = bootstrap_cov(data[i][0], counts, data[i][1])
            raw, r2, _ = decompose(cov)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot[start:start + size] = 100 * raw / r2[:, None]
    return out


def _mixed_replicate_sums(data: list[tuple[np.ndarray, np.ndarray]], members: list[np.ndarray],
                          big: np.ndarray, n_boot: int, rng: np.random.Generator,
                          ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Resample sums of the large strata, and the features the small strata's counts take.

    Every fit's respondent features are :func:`txscore.stats.drivers.moment_features` of
    its drivers and outcome, about the weighted mean c of the population and wave; a
    resample's covariance matrix is a function of their sums
    (:func:`txscore.stats.drivers.cov_from_moments`).  A large stratum (``big``: more than
    ``[report] bootstrap_exact_max`` respondents) draws its (n_boot, F) resample sums from
    the normal law with exactly the mean and covariance of multinomial resample sums
    (:func:`txscore.stats.inference.normal_resample_sums`, as the composite scores' bootstrap
    does): O(F^2) per resample whatever its size.  Its features are taken about the stratum's own
    weighted mean (a variable constant in the stratum then has features of zero variance,
    held at their sum) and the sums moved to c afterwards
    (:func:`txscore.stats.drivers.recentre_moments`).  All fits' features of a stratum are
    drawn together, so the analyses share one resample of the respondents, as they do
    through the counts.  The other strata's sums are ``counts @ features`` of their rows.

    Random stream: one (n_boot, sum of the fits' F) block of standard normal draws per
    large stratum, in stratum order, before any count is drawn.

    Parameters
    ----------
    data : list of (X, w)
        Per fit, its rows (drivers and outcome; incomplete rows 0) and weights (0 for
        incomplete rows).
    members : list of arrays
        Per stratum, in stratum order, the numbers of its rows.
    big : array of shape (n_strata,)
        The strata resampled through the normal law.
    n_boot : int
        Resamples.
    rng : Generator
        Source of the normal draws.

    Returns
    -------
    normal : list of arrays of shape (n_boot, F)
        Per fit, the large strata's resample sums added up, about c.
    exact : list of arrays of shape (n_small, F)
        Per fit, the features about c of the small strata's rows, stratum by stratum (the
        columns of their counts).
    full_var : list of arrays of shape (k,)
        Per fit, its variables' weighted variance over all rows (for the degeneracy test of
        :func:`txscore.stats.drivers.cov_from_moments`).
    """
    centre = [(w @ X) / w.sum() for X, w in data]
    full_var = [(w @ (X - c) ** 2) / w.sum() for (X, w), c in zip(data, centre, strict=True)]
    widths = [2 + X.shape[1] + X.shape[1] * (X.shape[1] + 1) // 2 for X, _ in data]
    edges = np.r_[0, np.cumsum(widths)]
    normal = [np.zeros((n_boot, f)) for f in widths]
    step = max(1, _CELLS // int(edges[-1]))  # rows per block of features (<= 32 MB)
    for s in np.flatnonzero(big):  # a loop over strata (brands), not respondents
        rows = members[s]
        own = [(X[rows], w[rows]) for X, w in data]
        own_centre = [(ws @ Xs) / ws.sum() if ws.sum() > 0 else np.zeros(Xs.shape[1])
                      for Xs, ws in own]
        s1, s2 = np.zeros(edges[-1]), np.zeros((edges[-1], edges[-1]))
        for a in range(0, len(rows), step):
            Zt = np.empty((edges[-1], min(step, len(rows) - a)))  # features x respondents
            for (Xs, ws), c, lo, hi in zip(own, own_centre, edges[:-1], edges[1:], strict=True):
                moment_features(Xs[a:a + step], ws[a:a + step], c, out=Zt[lo:hi].T)
            s1 += Zt.sum(axis=1)
            s2 += Zt @ Zt.T
        sums = normal_resample_sums(s1, s2, len(rows), n_boot, rng)
        for i, (c_s, c) in enumerate(zip(own_centre, centre, strict=True)):
            normal[i] += recentre_moments(sums[:, edges[i]:edges[i + 1]], len(c), c_s - c)
    small = np.concatenate([members[s] for s in np.flatnonzero(~big)] or [np.zeros(0, int)])
    exact = [moment_features(X[small], w[small], c) for (X, w), c in zip(data, centre,
                                                                          strict=True)]
    return normal, exact, full_var


def _performance(fit: _Fit, z: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean score100 of each driver over the analysed respondents, normal CI."""
    ok = fit.w > 0
    x, w = fit.X[ok, :-1], fit.w[ok]
    n, sw = len(w), w.sum()
    mean = w @ x / sw
    # linearised (Taylor) se of a weighted mean, as for items (txscore.stats.inference)
    se = np.sqrt(n / (n - 1) * (w[:, None] ** 2 * (x - mean) ** 2).sum(axis=0) / sw**2)
    return mean, np.clip(mean - z * se, 0, 100), np.clip(mean + z * se, 0, 100)


def _frame(fit: _Fit, boot: np.ndarray | None, confidence: float, z: float,
           method: str) -> tuple[pd.DataFrame, str | None]:
    plan, point = fit.plan, fit.point
    p = len(fit.drivers)
    notes = list(fit.notes)
    lo = hi = np.full(p, np.nan)
    warn = None
    if boot is not None:
        ok = np.isfinite(boot).all(axis=1)
        if not ok.all():
            warn = (f"{(~ok).sum()} of {len(boot)} bootstrap resamples were degenerate (a "
                    "driver or the outcome constant within the resample) and were left out "
                    "of the interval.")
            notes.append(warn)
        if ok.any():
            lo, hi = percentile_interval(boot[ok], confidence)
    perf, perf_lo, perf_hi = _performance(fit, z)

    def same(value: str) -> np.ndarray:
        return np.full(p, value, dtype=object)

    frame = pd.DataFrame({
        "analysis": same(plan.analysis), "outcome": same(plan.outcome),
        "population": same(plan.population), "wave": same(fit.wave),
        "driver": point["driver"].to_numpy(dtype=object),
        "label": np.array([plan.labels[j] for j in fit.drivers], dtype=object),
        "importance": point["importance"].to_numpy(), "ci_low": lo, "ci_high": hi,
        "raw_weight": point["raw_weight"].to_numpy(), "sign": point["sign"].to_numpy(),
        "r2": point["r2"].to_numpy(), "n": point["n"].to_numpy(),
        "n_eff": point["n_eff"].to_numpy(), "performance": perf,
        "performance_ci_low": perf_lo, "performance_ci_high": perf_hi, "method": same(method),
        "warning": same(" | ".join(notes))})
    where = f"{plan.analysis}, {_POP_WORDS[plan.population]}, wave {fit.wave}"
    return frame, (f"{where}: {warn}" if warn else None)


def _empty() -> pd.DataFrame:
    text = ["analysis", "outcome", "population", "wave", "driver", "label", "method", "warning"]
    return pd.DataFrame({c: pd.Series(dtype="str" if c in text else
                                      "int64" if c in ("sign", "n") else float)
                         for c in COLUMNS})


def standard_drivers(
    responses: Responses,
    *,
    method: str | None = None,
    n_boot: int | None = None,
    seed: int | None = None,
    confidence: float | None = None,
    items: bool = False,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Key drivers of loyalty and purchase preference, per population and wave.

    Runs the standard analyses that the spec's construct roles define, with no extra
    configuration (methodology.md, "Key drivers"): ``cx_loyalty`` (CX quality dimensions on
    the loyalty composite, customers), ``bx_preference_customer`` and
    ``bx_preference_non_customer`` (BX pillars on purchase preference), and with
    ``items=True`` ``items_loyalty`` (the quality dimensions' items on the loyalty
    composite).  Each runs per wave on all brands pooled, weighted, on the respondents who
    answered the outcome and every driver (a construct's score is the mean score100 of its
    answered items).  With raw shares eps_j of R^2 (Johnson's relative weights or the
    Shapley/LMG decomposition)::

        importance_j = 100 eps_j / R^2            sign_j = sign of b_j in the regression

    The interval is the bootstrap percentile interval of importance_j; respondents are
    resampled within brand, ``n_boot`` times (a brand of more than ``[report]
    bootstrap_exact_max`` respondents in a population and wave through the normal law of
    its resample sums, as for the scores).  ``performance`` is the driver's weighted mean
    score100 over the same respondents, with a normal interval from the linearised standard
    error of a weighted mean (as for items; about mean +/- z sd / sqrt(n_eff)).

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    method : {"relative_weights", "shapley"}, optional
        Default "relative_weights"; "shapley" takes at most 15 drivers per analysis.
    n_boot : int, optional
        Bootstrap resamples; default ``study.report.bootstrap``; 0 gives no interval (NaN).
    seed : int, optional
        Default ``study.report.seed``.  Each population and wave draws from its own stream
        of this seed (keyed by the wave's name), so adding a wave to a tracker leaves the
        earlier waves' intervals unchanged.
    confidence : float, optional
        Coverage of the intervals; default ``study.report.confidence``.
    items : bool
        Also run ``items_loyalty``.
    progress : callable, optional
        Called with a short message per population and wave.

    Returns
    -------
    DataFrame
        One row per analysis x population x wave x driver: ``analysis``, ``outcome``
        (label), ``population``, ``wave``, ``driver`` (construct name or item column),
        ``label`` (construct title or item text), ``importance`` (sums to 100 in each
        analysis and wave), ``ci_low``, ``ci_high``, ``raw_weight`` (R^2 units), ``sign``
        (+1/-1), ``r2``, ``n`` (respondents analysed), ``n_eff`` (Kish), ``performance``,
        ``performance_ci_low``, ``performance_ci_high``, ``method``, ``warning`` (the
        guards' messages for that analysis and wave, joined by " | "; "" if none).  Sorted
        by analysis (in the order above), population, wave (study order) and importance,
        descending.  ``attrs["warnings"]`` lists every warning issued, with its place.

    Raises
    ------
    InputDataError
        Invalid settings (all listed).

    Warns
    -----
    TxscoreWarning
        An analysis skipped (its constructs not in the spec, its population absent, no
        answers to its outcome, an effective base below ``report.suppress_below``, or an
        engine error such as linearly dependent drivers): it has no rows.  A driver left
        out because nobody answered its items.  The engine's guards: fewer than 20
        respondents per driver, near-duplicate drivers, a near-singular correlation
        matrix, degenerate bootstrap resamples.

    References
    ----------
    Johnson, J. W. (2000). Multivariate Behavioral Research, 35(1), 1-19.
    Groemping, U. (2006). Journal of Statistical Software, 17(1), 1-27.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.drivers import standard_drivers
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> drivers = standard_drivers(responses, n_boot=200)
    >>> cx = drivers.query("analysis == 'cx_loyalty' and wave == '2026 Q1'")
    >>> # R: rwa::rwa(d, "loyalty", c("effectiveness", "ease", "emotion"), weight = "weight")
    >>> print(cx[["driver", "importance", "sign"]].round(0).to_string(index=False))
           driver  importance  sign
          emotion        47.0     1
    effectiveness        33.0     1
             ease        21.0     1
    >>> bool(((cx["ci_low"] < cx["importance"]) & (cx["importance"] < cx["ci_high"])).all())
    True
    """
    study = responses.study
    rep = study.report
    method = "relative_weights" if method is None else method
    n_boot = rep.bootstrap if n_boot is None else n_boot
    seed = rep.seed if seed is None else seed
    confidence = rep.confidence if confidence is None else confidence
    _check_settings(method, n_boot, seed, confidence)
    say = progress or (lambda _msg: None)
    z = z_value(confidence)

    data = responses.data
    # one copy per population of the columns the analyses read (not the whole table)
    needed = ["wave", "brand", "weight", *[c for c in study.items if c in data.columns]]
    population = data["population"].to_numpy(dtype=object)
    by_population = {pop: data.loc[population == pop, needed] for pop in _POPULATIONS}
    plans, messages = _plans(study, data, by_population, items)
    waves = list(dict.fromkeys([*study.waves, *data["wave"].astype(str).unique()]))
    frames = []
    for p_index, pop in enumerate(_POPULATIONS):
        pop_plans = [plan for plan in plans if plan.population == pop]
        if not pop_plans:
            continue
        d = by_population[pop]
        wave_of = d["wave"].astype(str).to_numpy()
        brand = pd.factorize(d["brand"].astype(str))[0]
        weight = d["weight"].to_numpy(dtype=float, na_value=np.nan)
        weight = np.where(np.isfinite(weight), weight, 0.0)
        for wave in waves:
            rows = wave_of == wave
            if not rows.any():
                continue
            say(f"key drivers: {_POP_WORDS[pop]}, wave {wave}")
            fits = []
            for plan in pop_plans:
                fit, notes = _fit(plan, wave, rows, weight[rows], method, rep.suppress_below)
                messages += notes
                if fit is not None:
                    fits.append(fit)
            if not fits:
                continue
            boots: list[np.ndarray | None] = [None] * len(fits)
            if n_boot > 0:
                rng = np.random.default_rng([seed, p_index, zlib.crc32(wave.encode())])
                boots = list(_bootstrap(fits, brand[rows], method, n_boot,
                                        rep.bootstrap_exact_max, rng))
            for fit, boot in zip(fits, boots, strict=True):
                frame, warn = _frame(fit, boot, confidence, z, method)
                frames.append(frame)
                if warn:
                    messages.append(warn)
    for message in messages:
        warnings.warn(message, TxscoreWarning, stacklevel=2)
    if not frames:
        out = _empty()
    else:
        out = pd.concat(frames, ignore_index=True)
        keys = pd.DataFrame({
            "a": out["analysis"].map(ANALYSES.index),
            "p": out["population"].map(_POPULATIONS.index),
            "w": out["wave"].map(waves.index), "i": -out["importance"]})
        out = out.loc[keys.sort_values(["a", "p", "w", "i"], kind="stable").index]
        out = out.reset_index(drop=True)[COLUMNS]
    out.attrs["warnings"] = list(messages)
    return out
