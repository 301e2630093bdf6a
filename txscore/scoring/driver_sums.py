"""Key drivers from sums: the standard key-driver analyses of the chunked and Dask paths.

:class:`DriverSums` is shaped like :class:`txscore.scoring.sums.CellSums`.  Per population,
wave and analysis it keeps the drivers and whether the outcome some respondent of positive
weight answered (a driver nobody answered is left out, so a merged side that answered fewer
drivers has no complete case left: its sums are dropped); per stratum (a brand; the
respondents with several rows in the wave as one more, as
:func:`txscore.scoring.driver_bootstrap.cluster_strata`) its units and, for the complete
cases of all analyses side by side, the sums and cross-products over units of the moment
features (:func:`txscore.stats.moments.moment_features`) about the stratum's weighted mean
(two sides add about their pooled mean, :func:`txscore.stats.moments.recentre_moments`), the
sums of ``w^2 [1, u, u^2]`` and each variable's largest |x|.  Brands come in order of first
appearance (smallest index label: the row numbers of :attr:`Responses.data`, which its
slices keep), the order of the in-memory normal draws.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from txscore import errors as err
from txscore.scoring.drivers import (
    POPULATION_WORDS,
    DriverPlan,
    DriverSettings,
    absent_skip,
    analysis_plans,
    analysis_where,
    base_skip,
    boot_interval,
    driver_settings,
    driver_table,
    fit_skip,
    mean_score100,
    say_warning,
)
from txscore.scoring.engine import cell_flags
from txscore.stats import drivers as sd
from txscore.stats import inference as inf
from txscore.stats.moments import cov_from_moments, moment_features, recentre_moments
from txscore.study import Study
from txscore.study.vocabulary import POPULATIONS

__all__ = ["DriverStudySums", "DriverSums", "drivers_from_sums"]

_MULTI = None  # the stratum key of the respondents with several rows in the wave
Wanted = list[tuple[str, str, DriverPlan | str]]


def _width(k: int) -> int:
    """Number of moment features of k variables."""
    return 2 + k + k * (k + 1) // 2


def _edges(kept: list[np.ndarray]) -> np.ndarray:
    """Block edges of the analyses' features side by side (k: drivers kept + outcome)."""
    return np.r_[0, np.cumsum([_width(int(m.sum()) + 1) for m in kept])].astype(int)


@dataclass
class _Stratum:
    """One stratum's sums; per analysis its centre, q = w^2 [1, u, u^2] and max |x|."""

    units: int
    centre: list[np.ndarray]
    s1: np.ndarray
    s2: np.ndarray = field(repr=False)
    q: list[np.ndarray] = field(repr=False)
    top: list[np.ndarray] = field(repr=False)


@dataclass
class _Wave:
    """One population x wave: rows, per analysis the drivers kept and outcome answered."""

    rows: int
    kept: list[np.ndarray]
    outcome: list[bool]
    strata: dict[str | None, _Stratum]


def _stratum(X: list[np.ndarray], W: list[np.ndarray], unit: np.ndarray | None) -> _Stratum:
    """One stratum's sums (incomplete rows: W = 0), features summed per ``unit`` if any."""
    centres, blocks, q, top = [], [], [], []
    for x, w in zip(X, W, strict=True):
        c = (w @ x) / w.sum() if w.sum() > 0 else np.zeros(x.shape[1])
        u, w2 = x - c, w * w
        centres.append(c)
        blocks.append(moment_features(x, w, c))
        q.append(np.r_[w2.sum(), w2 @ u, w2 @ (u * u)])
        top.append(np.abs(x[w > 0]).max(axis=0) if (w > 0).any() else np.zeros(x.shape[1]))
    Z = np.concatenate(blocks, axis=1)
    if unit is not None:
        order = np.argsort(unit, kind="stable")
        Z = np.add.reduceat(Z[order], np.flatnonzero(np.r_[True, np.diff(unit[order]) != 0]))
    return _Stratum(len(Z), centres, Z.sum(axis=0), Z.T @ Z, q, top)


def _wave_rows(chunk: pd.DataFrame, idx: np.ndarray, items: list[str],
               brand: np.ndarray) -> dict[str, Any]:
    """What :func:`_chunk_wave` reads of the rows ``idx``: weights and item codes as
    floats (NaN: no answer), ids, brands (text)."""
    d: dict[str, Any] = {c: chunk[c].array.take(idx).to_numpy(dtype=float, na_value=np.nan)
                         for c in [*items, "weight"]}
    d["respondent_id"] = chunk["respondent_id"].array.take(idx)
    d["brand"] = brand[idx]
    return d


def _chunk_wave(study: Study, plans: list[DriverPlan], d: Mapping[str, Any]) -> _Wave:
    """The sums of one chunk's rows of one population and wave (:func:`_wave_rows`)."""
    w = d["weight"]
    pos = (w := np.where(np.isfinite(w), w, 0.0)) > 0
    kept, outcome, X, W = [], [], [], []
    for plan in plans:
        scores = np.column_stack([mean_score100(d, study, cols) for cols in plan.driver_items])
        y = mean_score100(d, study, plan.outcome_items)
        answered = ~np.isnan(scores[pos]).all(axis=0)
        x = np.column_stack([scores[:, answered], y])
        complete = np.isfinite(x).all(axis=1) & pos
        kept.append(answered)
        outcome.append(bool((~np.isnan(y[pos])).any()))
        X.append(np.where(complete[:, None], x, 0.0))
        W.append(np.where(complete, w, 0.0))
    unit = (pd.factorize(d["respondent_id"].astype(str))[0]
            if study.report.clusters == "respondent" else np.arange(len(w)))
    multi = np.bincount(unit)[unit] > 1
    brand = d["brand"]
    strata: dict[str | None, _Stratum] = {}
    single = np.flatnonzero(~multi)
    codes, names = pd.factorize(brand[single])  # brands in order of first appearance
    order = np.argsort(codes, kind="stable")  # each brand's rows, in row order
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    for i, key in enumerate(names):
        rows = single[order[bounds[i]:bounds[i + 1]]]
        strata[key] = _stratum([x[rows] for x in X], [v[rows] for v in W], None)
    if multi.any():
        rows = np.flatnonzero(multi)
        strata[_MULTI] = _stratum([x[rows] for x in X], [v[rows] for v in W], unit[rows])
    return _Wave(len(w), kept, outcome, strata)


def _recentred(s: _Stratum, edges: np.ndarray, new: list[np.ndarray]) -> _Stratum:
    """The stratum's sums about the centres ``new``: sums @ R, R' cross-products R."""
    R, q = np.zeros((edges[-1], edges[-1])), []
    for i, (c_old, c_new, qi) in enumerate(zip(s.centre, new, s.q, strict=True)):
        a, b, k, d = edges[i], edges[i + 1], len(c_old), c_old - c_new
        R[a:b, a:b] = recentre_moments(np.eye(b - a), k, d)
        q1, q2 = qi[1:1 + k], qi[1 + k:]
        q.append(np.r_[qi[0], q1 + d * qi[0], q2 + 2 * d * q1 + d * d * qi[0]])
    return _Stratum(s.units, list(new), s.s1 @ R, R.T @ s.s2 @ R, q, s.top)


def _mean(s: _Stratum, edges: np.ndarray, i: int) -> tuple[float, np.ndarray]:
    """Sum of weights and weighted mean of analysis i's complete cases in the stratum."""
    k, a = len(s.centre[i]), edges[i]
    return (sw := float(s.s1[a])), (s.centre[i] + s.s1[a + 1:a + 1 + k] / sw if sw > 0
                                     else np.zeros(k))


def _conform(s: _Stratum, old: list[np.ndarray], new: list[np.ndarray]) -> _Stratum:
    """A stratum's sums in the merged layout (an analysis whose drivers grew: zero)."""
    same = [bool(np.array_equal(a, b)) for a, b in zip(old, new, strict=True)]
    if all(same):
        return s
    e_old, e_new = _edges(old), _edges(new)
    at_old, at_new = ([np.arange(e[i], e[i + 1]) for i in range(len(same)) if same[i]]
                      for e in (e_old, e_new))
    at_old, at_new = (np.concatenate(at or [np.zeros(0, int)]) for at in (at_old, at_new))
    s1, s2 = np.zeros(e_new[-1]), np.zeros((e_new[-1], e_new[-1]))
    s1[at_new] = s.s1[at_old]
    s2[np.ix_(at_new, at_new)] = s.s2[np.ix_(at_old, at_old)]
    parts = [(c, q, t) if ok else (np.zeros(k), np.zeros(1 + 2 * k), np.zeros(k))
             for ok, c, q, t, k in zip(same, s.centre, s.q, s.top,
                                       [int(m.sum()) + 1 for m in new], strict=True)]
    return _Stratum(s.units, [p[0] for p in parts], s1, s2, [p[1] for p in parts],
                    [p[2] for p in parts])


def _combine(a: _Stratum, b: _Stratum, edges: np.ndarray) -> _Stratum:
    """Two strata's sums (same layout) added, about their pooled weighted means."""
    centres = []
    for i in range(len(a.centre)):
        (wa, ma), (wb, mb) = _mean(a, edges, i), _mean(b, edges, i)
        centres.append((wa * ma + wb * mb) / (wa + wb) if wa + wb > 0 else np.zeros(len(ma)))
    ra, rb = _recentred(a, edges, centres), _recentred(b, edges, centres)
    return _Stratum(a.units + b.units, centres, ra.s1 + rb.s1, ra.s2 + rb.s2,
                    [x + y for x, y in zip(ra.q, rb.q, strict=True)],
                    [np.maximum(x, y) for x, y in zip(a.top, b.top, strict=True)])


def _merge_waves(a: _Wave, b: _Wave) -> _Wave:
    """Two accumulators' sums of one population and wave, added (neither is changed)."""
    kept = [x | y for x, y in zip(a.kept, b.kept, strict=True)]
    edges = _edges(kept)
    strata = {key: _conform(s, a.kept, kept) for key, s in a.strata.items()}
    for key, s in b.strata.items():
        s = _conform(s, b.kept, kept)
        strata[key] = _combine(strata[key], s, edges) if key in strata else s
    outcome = [x or y for x, y in zip(a.outcome, b.outcome, strict=True)]
    return _Wave(a.rows + b.rows, kept, outcome, strata)


@dataclass(frozen=True)
class DriverStudySums:
    """What :func:`drivers_from_sums` reads: the analyses asked for (a plan or why not), the
    sums per (population, wave), brands and waves in order of first appearance, rows."""

    wanted: Wanted
    waves: dict[tuple[str, str], _Wave] = field(repr=False)
    brands: dict[str, list[str]]
    wave_order: list[str]
    population_rows: dict[str, int]


def _first(into: dict, keys: np.ndarray, at: np.ndarray, prefix: tuple = ()) -> None:
    """Each key's smallest position so far."""
    for key, first in pd.Series(at).groupby(keys).min().items():
        key = (*prefix, key) if prefix else key
        into[key] = min(int(first), into.get(key, int(first)))


class DriverSums:
    """The key-driver analyses' sums, chunk by chunk (respondents whole in a chunk);
    ``items=True`` also accumulates ``items_loyalty``.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> data = responses.data
    >>> first, second = DriverSums(responses.study), DriverSums(responses.study)
    >>> first.add(data.iloc[:6000]); second.add(data.iloc[6000:])
    >>> first.merge(second)
    >>> table = drivers_from_sums(first.collect(), responses.study, n_boot=0)
    >>> table.query("analysis == 'cx_loyalty' and wave == '2026 Q1'")["driver"].tolist()
    ['emotion', 'effectiveness', 'ease']
    """

    def __init__(self, study: Study, *, items: bool = False) -> None:
        self.study, self.items = study, items
        self.wanted: Wanted | None = None
        self.waves: dict[tuple[str, str], _Wave] = {}
        self.first_brand: dict[tuple[str, str], int] = {}
        self.first_wave: dict[str, int] = {}
        self.population_rows = dict.fromkeys(POPULATIONS, 0)

    def _plans(self, population: str) -> list[DriverPlan]:
        """The plans of one population (the spec and the first chunk's columns decide)."""
        if self.wanted is None:
            self.wanted = analysis_plans(self.study, self.study.items, self.items)
        return [p for _, pop, p in self.wanted
                if isinstance(p, DriverPlan) and pop == population]

    def add(self, chunk: pd.DataFrame) -> None:
        """Add rows in the :attr:`Responses.data` layout (index: their row numbers)."""
        if self.wanted is None:
            self.wanted = analysis_plans(self.study, chunk.columns, self.items)
        at = np.asarray(chunk.index)
        at = at if np.issubdtype(at.dtype, np.integer) else np.arange(len(chunk))
        wave = chunk["wave"].astype(str).to_numpy(dtype=object)
        _first(self.first_wave, wave, at)
        population = chunk["population"].to_numpy(dtype=object)
        brand = chunk["brand"].astype(str).to_numpy(dtype=object)
        for pop in POPULATIONS:
            rows = np.flatnonzero(population == pop)
            if not len(rows):
                continue
            self.population_rows[pop] += len(rows)
            _first(self.first_brand, brand[rows], at[rows], (pop,))
            plans = self._plans(pop)
            if not plans:
                continue
            items = list(dict.fromkeys(c for p in plans for cols in (
                *p.driver_items, p.outcome_items) for c in cols))
            codes, keys = pd.factorize(wave[rows])  # waves in order of appearance
            order = np.argsort(codes, kind="stable")  # each wave's rows in row order
            bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
            for i, key in enumerate(keys):
                idx = rows[order[bounds[i]:bounds[i + 1]]]
                part = _chunk_wave(self.study, plans, _wave_rows(chunk, idx, items, brand))
                old = self.waves.get((pop, key))
                self.waves[pop, key] = part if old is None else _merge_waves(old, part)

    def merge(self, other: DriverSums) -> None:
        """Add another accumulator's sums (of other respondents) into this one."""
        self.wanted = other.wanted if self.wanted is None else self.wanted
        for key, wave in other.waves.items():
            old = self.waves.get(key)
            self.waves[key] = wave if old is None else _merge_waves(old, wave)
        for mine, theirs in ((self.first_brand, other.first_brand),
                             (self.first_wave, other.first_wave)):
            for key, first in theirs.items():
                mine[key] = min(first, mine.get(key, first))  # type: ignore[call-overload]
        for pop, n in other.population_rows.items():
            self.population_rows[pop] += n

    def collect(self) -> DriverStudySums:
        """The sums, frozen for :func:`drivers_from_sums` (the class example)."""
        self._plans(POPULATIONS[0])
        # brands in sorted order, as standard_drivers numbers them (its random stream)
        brands = {pop: sorted(b for p, b in self.first_brand if p == pop)
                  for pop in POPULATIONS}
        return DriverStudySums(list(self.wanted or []), dict(self.waves), brands,
                               sorted(self.first_wave, key=self.first_wave.__getitem__),
                               dict(self.population_rows))


#: A fit: its rows of the table, warning codes, the analysis' place among its population's
#: plans, the complete cases' pooled weighted mean and pooled feature sums about it.
_Fitted = tuple[pd.DataFrame, list[str], int, np.ndarray, np.ndarray]


def _pooled(wave: _Wave, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Analysis i's complete-case sums over all strata: centre, S, Q, max |x|."""
    edges, strata = _edges(wave.kept), list(wave.strata.values())
    means = [_mean(s, edges, i) for s in strata]
    sw, k = sum(m[0] for m in means), len(strata[0].centre[i])
    c = sum(m[0] * m[1] for m in means) / sw if sw > 0 else np.zeros(k)
    S, Q, top = np.zeros(_width(k)), np.zeros(1 + 2 * k), np.zeros(k)
    for s in strata:
        moved = _recentred(s, edges, [c if j == i else x for j, x in enumerate(s.centre)])
        S += moved.s1[edges[i]:edges[i + 1]]
        Q += moved.q[i]
        top = np.maximum(top, s.top[i])
    return c, S, Q, top


def _point(S: np.ndarray, top: np.ndarray, names: list[str], outcome: str, method: str,
           n_eff: float) -> tuple[dict[str, np.ndarray], list[str]]:
    """:func:`txscore.stats.drivers.point_importance` from complete-case moment sums (the
    same guards: :func:`txscore.stats.drivers.importance_from_cov`)."""
    n, p = int(round(S[-1])), len(names)
    cov = cov_from_moments(S, p + 1, np.full(p + 1, -np.inf))[0] if n > p + 1 else None
    raw, r2, coefs, codes = sd.importance_from_cov(cov, n, top, names, outcome=outcome,
                                                   method=method)
    return {"driver": np.array(names, dtype=object), "raw_weight": raw,
            "importance": 100 * raw / r2, "sign": np.where(coefs < 0, -1, 1),
            "r2": np.full(p, float(r2)), "n": np.full(p, n), "n_eff": np.full(p, n_eff)}, codes


def _fit(plan: DriverPlan, index: int, wave: str, sums: _Wave, s: DriverSettings,
         study: Study) -> tuple[_Fitted | None, list[str]]:
    """One analysis in one wave: its rows without the interval, or why not (the in-memory
    path's messages); ``performance`` with the linearised se of a weighted mean."""
    where = analysis_where(plan.analysis, plan.population, wave)
    answered = sums.kept[index]
    codes = [f"driver_left_out:{plan.drivers[j]}" for j in np.flatnonzero(~answered)]
    keep = np.flatnonzero(answered).tolist()
    skip = fit_skip(where, plan.outcome, sums.outcome[index], len(keep), s.method)
    if skip:
        return None, [skip]
    centre, S, Q, top = _pooled(sums, index)
    n_eff = float(inf.kish_n_eff(S[0], Q[0]))
    skip = base_skip(where, n_eff, int(round(S[-1])), s.min_n_eff)
    if skip:
        return None, [skip]
    try:
        point, found = _point(S, top, [plan.drivers[j] for j in keep], plan.outcome,
                              s.method, n_eff)
    except err.InputDataError as error:
        return None, [f"{where}: skipped, {error}"]
    codes += found
    p, n, sw, z = len(keep), S[-1], S[0], inf.z_value(s.confidence)
    d = S[1:1 + p] / sw
    perf = centre[:p] + d
    se = np.sqrt(n / (n - 1) * (Q[2 + p:2 + 2 * p] - 2 * d * Q[1:1 + p] + d * d * Q[0]) / sw**2)
    text = {"analysis": plan.analysis, "outcome": plan.outcome, "population": plan.population,
            "wave": wave, "method": s.method, "warning": ""}
    frame = pd.DataFrame({
        **{c: np.full(p, v, dtype=object) for c, v in text.items()}, **point,
        "label": np.array([plan.labels[j] for j in keep], dtype=object),
        "ci_low": np.full(p, np.nan), "ci_high": np.full(p, np.nan), "performance": perf,
        "performance_ci_low": np.clip(perf - z * se, 0, 100),
        "performance_ci_high": np.clip(perf + z * se, 0, 100),
        "flag": cell_flags(point["n_eff"], study)})
    return (frame, codes, index, centre, S), [f"{where}: {say_warning(code)}" for code in codes]


def _bootstrap(fits: list[_Fitted], sums: _Wave, brands: list[str], s: DriverSettings,
               rng: np.random.Generator) -> list[np.ndarray]:
    """(n_boot, p) importances per fit: per stratum in brand order (several-row respondents
    last) one block of normal draws, as in ``driver_bootstrap.mixed_replicate_sums``."""
    edges, k = _edges(sums.kept), [len(f[0]) + 1 for f in fits]
    sel = np.concatenate([np.arange(edges[f[2]], edges[f[2] + 1]) for f in fits])
    bounds = np.r_[0, np.cumsum([_width(ki) for ki in k])]
    normal = [np.zeros((s.n_boot, _width(ki))) for ki in k]
    order = [b for b in brands if b in sums.strata]
    for key in order + ([_MULTI] if _MULTI in sums.strata else []):  # strata, not rows
        st = sums.strata[key]  # about its weighted means (pooled on merge)
        draws = inf.normal_resample_sums(st.s1[sel], st.s2[np.ix_(sel, sel)], st.units,
                                         s.n_boot, rng)
        for b, f in enumerate(fits):
            normal[b] += recentre_moments(draws[:, bounds[b]:bounds[b + 1]], k[b],
                                          st.centre[f[2]] - f[3])
    decompose = sd.decomposition(s.method)
    out = []
    for (*_, S), sums_b, kb in zip(fits, normal, k, strict=True):
        diag = np.flatnonzero(np.equal(*np.triu_indices(kb)))
        full_var = S[1 + kb + diag] / S[0] - (S[1:1 + kb] / S[0]) ** 2
        raw, r2, _ = decompose(cov_from_moments(sums_b, kb, full_var))
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(100 * raw / r2[:, None])
    return out


def _finish(fit: _Fitted, boot: np.ndarray | None, confidence: float) -> str | None:
    """The interval and warning codes of a fit's rows; the degenerate resamples' warning."""
    frame = fit[0]
    frame["ci_low"], frame["ci_high"], warn = boot_interval(boot, confidence, len(frame))
    frame["warning"] = ";".join([*fit[1], *([warn] if warn else [])])
    where = analysis_where(*(str(frame[c].iloc[0]) for c in ("analysis", "population",
                                                             "wave")))
    return f"{where}: {say_warning(warn)}" if warn else None


def drivers_from_sums(sums: DriverStudySums, study: Study, *, method: str | None = None,
                      n_boot: int | None = None, seed: int | None = None,
                      confidence: float | None = None,
                      progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """The key-driver table of :func:`txscore.scoring.drivers.standard_drivers`, from sums.

    Equal to the in-memory table with ``[report] bootstrap_exact_max = 0`` to rounding:
    the same analyses, skips and warnings (issued, and in ``attrs["warnings"]``); point
    estimates from the pooled complete-case moments; each stratum's bootstrap sums from
    their normal law in the same random stream (per population and wave
    ``default_rng([seed, population, crc32(wave)])``, one block of draws per stratum in
    brand order, the several-row respondents last).  ``study``'s ``[report]`` gives the
    defaults; ``method``, ``n_boot``, ``seed``, ``confidence``, ``progress`` as for
    :func:`txscore.scoring.drivers.standard_drivers` (ParameterError if invalid).

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> sums = DriverSums(responses.study)
    >>> sums.add(responses.data)
    >>> table = drivers_from_sums(sums.collect(), responses.study, n_boot=100)
    >>> table.loc[0, "driver"], round(float(table.loc[0, "importance"]), 1)
    ('emotion', 46.5)
    >>> bool(table.loc[0, "ci_low"] < 46.5 < table.loc[0, "ci_high"])
    True
    """
    s, say = driver_settings(study, method, n_boot, seed, confidence), progress or (
        lambda _: None)
    messages: list[str] = []
    plans: dict[str, list[DriverPlan]] = {pop: [] for pop in POPULATIONS}
    for analysis, pop, plan in sums.wanted:
        if isinstance(plan, str) or not sums.population_rows.get(pop):
            messages.append(plan if isinstance(plan, str) else absent_skip(analysis, pop))
        plans[pop] += [plan] if isinstance(plan, DriverPlan) else []
    waves = list(dict.fromkeys([*study.waves, *sums.wave_order]))
    frames = []
    for pop, wave in ((p, w) for p in POPULATIONS for w in waves if plans[p]):
        part = sums.waves.get((pop, wave))
        if part is None or not part.rows:
            continue
        say(f"key drivers: {POPULATION_WORDS[pop]}, wave {wave}")
        fits = []
        for i, plan in enumerate(plans[pop]):
            fit, notes = _fit(plan, i, wave, part, s, study)
            messages += notes
            fits += [fit] if fit is not None else []
        boots: list[np.ndarray | None] = [None] * len(fits)
        if s.n_boot > 0 and fits:
            rng = np.random.default_rng([s.seed, POPULATIONS.index(pop),
                                         zlib.crc32(wave.encode())])
            boots = list(_bootstrap(fits, part, sums.brands[pop], s, rng))
        for fit, boot in zip(fits, boots, strict=True):
            warn = _finish(fit, boot, s.confidence)
            frames.append(fit[0])
            messages += [warn] if warn else []
    return driver_table(frames, waves, messages)
