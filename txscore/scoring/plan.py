"""Sample-size planning: the respondents needed to detect a change, and the smallest change
detectable with the current bases (methodology.md, *Sample-size planning*).

Every cell's per-respondent variance comes from the study itself: ``s2 = se^2 n``, with
``se`` the bootstrap standard error of the cell's composite in ``result.scores`` (it
carries the weights' design effect, and the respondent clustering where the engine has
it) and ``n`` its respondents. A change ``D`` is found significant by the two-sided z-test
txscore applies to changes (``|d| / sqrt(v1 + v2) > z_{1-alpha/2}``); with
``k = (z_{1-alpha/2} + z_{power})^2`` it is found with the asked power when the variance of
the difference is at most ``D^2 / k`` (normal approximation; the far tail ignored).

* ``compare="previous_wave"``: the next wave against this one, two independent samples of
  ``n`` each: ``n = k 2 s2 / D^2``.
* ``compare="peers"``: a brand against the unweighted mean of its ``K`` peers (the other
  brand cells that may enter a peer average today), every brand at ``n``:
  ``n = k (s2_b + sum_j s2_j / K^2) / D^2``.

TX is planned per population: TX = a N + (1 - a) C (``a`` the non-customers' share of
TX), N and C from independent samples, so over ``n`` respondents of whom a share ``r``
are customers (today's mix) its variance is ``(a^2 s2_N / (1 - r) + (1 - a)^2 s2_C / r) /
n``: TX's ``s2`` per respondent of either population, ``n`` their sum, split into
``n_customer = r n`` and ``n_non_customer = (1 - r) n``. The reverse, the
minimum detectable effect ``mde = sqrt(k V_now)``, uses today's bases (the next wave as
large as this one; the peers as they are). ``n_next``: the base needed when only this side
changes (the other wave, or the peers, keep today's bases): ``s2 / (D^2 / k - V_other)``;
none when the other side alone is too uncertain (note ``unreachable``).

Assumptions (stated in the output's notes and in the Planning sheet): the same
per-respondent variance next wave, independent samples (fresh respondents each wave; the
brand and its peers as independent), the normal approximation, a two-sided test at
``alpha`` without multiple-testing adjustment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from statistics import NormalDist

import numpy as np
import pandas as pd

from txscore.errors import (
    ParameterError,
    Problem,
    choice_problem,
    did_you_mean,
    scalar_problem,
)
from txscore.result import Result
from txscore.study.planning import COMPARES, MAX_DETECT
from txscore.study.vocabulary import TOTAL

__all__ = ["COLUMNS", "MEASURES", "NOTES", "check_request", "detectable", "plan",
           "planning_table", "power_at", "sample_size"]

#: the indices planned, in this order (those the study computes)
MEASURES = ("tx", "customer_score", "non_customer_score", "cx", "bx_customers",
            "bx_non_customers")
#: codes of the ``note`` column (";"-joined): the cell's own variance is not shown
#: (suppressed) and the variance pooled over the brands is used; no variance at all; fewer
#: than two peers; ``n_next`` cannot reach the power (the other side is too uncertain)
NOTES = ("variance_pooled", "no_variance", "no_peers", "unreachable")
#: the columns of a plan
COLUMNS = ["compare", "measure", "population", "wave", "brand", "detect", "power", "alpha",
           "value", "se", "n", "n_eff", "deff", "sd", "peers", "n_needed", "n_customer",
           "n_non_customer", "n_next", "mde", "power_now", "note", "flag"]
_COUNTS = ("n_needed", "n_customer", "n_non_customer", "n_next")
_POPULATION_OF = {"customer_score": "customer", "cx": "customer", "bx_customers": "customer",
                  "non_customer_score": "non_customer", "bx_non_customers": "non_customer"}


# ---------------------------------------------------------------------- the formulas
def _k(alpha: float, power: float) -> float:
    """``(z_{1-alpha/2} + z_{power})^2``."""
    nd = NormalDist()
    return (nd.inv_cdf(1 - alpha / 2) + nd.inv_cdf(power)) ** 2


def sample_size(unit_variance: float, detect: float, *, power: float = 0.8,
                alpha: float = 0.05) -> float:
    """The base ``n`` at which a difference of variance ``unit_variance / n`` detects
    ``detect`` with ``power`` (two-sided z-test at ``alpha``), unrounded.

    ``n = (z_{1-alpha/2} + z_{power})^2 unit_variance / detect^2``; for two independent
    waves of a cell of per-respondent variance ``s2``, ``unit_variance = 2 s2``.

    Examples
    --------
    >>> round(sample_size(2 * 20.0 ** 2, 2.0), 1)  # sd 20 points, 2 points, 80%, 5%
    1569.8
    """
    return _k(alpha, power) * unit_variance / detect ** 2


def detectable(variance: float, *, power: float = 0.8, alpha: float = 0.05) -> float:
    """The minimum detectable effect of a difference of ``variance``:
    ``(z_{1-alpha/2} + z_{power}) sqrt(variance)`` (the inverse of :func:`sample_size`).

    Examples
    --------
    >>> round(detectable(2 * 20.0 ** 2 / 1569.8), 3)
    2.0
    """
    return math.sqrt(_k(alpha, power) * variance)


def power_at(detect: float, variance: float, *, alpha: float = 0.05) -> float:
    """The power of the two-sided z-test at ``alpha`` to find a true difference ``detect``
    of ``variance``: ``Phi(D/sd - z) + Phi(-D/sd - z)``, ``z = z_{1-alpha/2}``.

    Examples
    --------
    >>> round(power_at(2.0, 2 * 20.0 ** 2 / 1569.8), 3)
    0.8
    """
    nd = NormalDist()
    if not variance > 0:
        return float("nan")
    z, shift = nd.inv_cdf(1 - alpha / 2), detect / math.sqrt(variance)
    return nd.cdf(shift - z) + nd.cdf(-shift - z)


# ---------------------------------------------------------------------- the request
def check_request(result: Result, *, detect: object, power: object, alpha: object,
                  compare: object, brand: object = None, wave: object = None,
                  where: str = "tx.plan", names: Mapping[str, str] | None = None
                  ) -> list[Problem]:
    """Every problem of a plan request, located (``where``; ``names``: how the caller
    spells each argument, e.g. ``{"detect": "--detect"}``), each with its fix.

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> problems = check_request(result, detect=-1, power=0.8, alpha=0.05, compare="peers",
    ...                          brand="Acme")
    >>> [(p.where, p.message[:24]) for p in problems]
    [('tx.plan', "The 'detect' setting mus"), ('tx.plan', "the brand 'Acme' is not ")]
    """
    names = {k: (names or {}).get(k, k) for k in ("detect", "power", "alpha", "compare",
                                                     "brand", "wave")}
    hint = did_you_mean(compare, COMPARES) + " " if isinstance(compare, str) else ""
    found = [
        scalar_problem(detect, names["detect"], min_val=0, max_val=MAX_DETECT,
                       include_boundaries="right",
                       fix="give the change to detect in index points, such as 2."),
        scalar_problem(power, names["power"], min_val=0, max_val=1,
                       include_boundaries="neither",
                       fix="give the chance of detecting a true change, such as 0.8."),
        scalar_problem(alpha, names["alpha"], min_val=0, max_val=1,
                       include_boundaries="neither",
                       fix="give the two-sided significance level, such as 0.05."),
        choice_problem(compare, names["compare"], COMPARES,
                       fix=hint.lstrip() + '"previous_wave": the next wave against this one; '
                       "\"peers\": each brand against its peers' average.")]
    problems = [replace(p, where=where) for p in found if p is not None]
    if not problems and power <= alpha:  # a test finds a change at least as often as none
        problems.append(Problem(f"the power ({power:g}) must be above alpha ({alpha:g}).",
                                where, f"give {names['power']} 0.8 or 0.9, or a smaller "
                                f"{names['alpha']}."))
    scores = result.scores
    cells = scores[scores["measure"].isin(MEASURES)] if not scores.empty else scores
    if cells.empty:
        return [*problems, Problem("the result has no index to plan (TX, C, N, CX or BX).",
                                   where, "score a study with customer or non-customer "
                                   "sources and their CX or BX items.")]
    waves = list(dict.fromkeys(cells["wave"].astype(str)))
    brands = list(dict.fromkeys(cells["brand"].astype(str)))
    for key, value, known in (("wave", wave, waves), ("brand", brand, brands)):
        if value is not None and str(value) not in known:
            problems.append(Problem(f"the {key} {str(value)!r} is not in the study.", where,
                                    f"give one of: {', '.join(known)} ({names[key]})."))
    if compare == "peers" and brand is not None and str(brand) == TOTAL:
        problems.append(Problem(f"'{TOTAL}' has no peers to compare with.", where,
                                f"give a brand ({names['brand']}), or compare = "
                                "\"previous_wave\"."))
    return problems


# ---------------------------------------------------------------------- the plan
def plan(result: Result, *, detect: float = 2.0, power: float = 0.8, alpha: float = 0.05,
         compare: str = "previous_wave", brand: str | None = None,
         wave: str | None = None) -> pd.DataFrame:
    """The respondents needed per brand and population to detect a change of ``detect``
    points in TX, C, N, CX and BX, and the change detectable with today's bases.

    Parameters
    ----------
    result : Result
        A scored study (:func:`txscore.score`).
    detect : float
        The change to detect, in index points (0 < detect <= 100).
    power : float
        The chance of finding a true change of that size significant (0 < power < 1).
    alpha : float
        The two-sided significance level of the test (0 < alpha < 1).
    compare : {"previous_wave", "peers"}
        The next wave against this one, or each brand against its peers' average.
    brand : str, optional
        One brand (or ``"All brands"`` with ``previous_wave``); default every brand.
    wave : str, optional
        The wave whose variances and bases are used; default the latest.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: per measure x brand, today's ``value``, ``se``, ``n``,
        ``n_eff``, ``deff``, ``sd`` (per-respondent, ``se sqrt(n)``), ``peers`` (K),
        ``n_needed`` (per brand and wave; for TX both populations, split into
        ``n_customer`` and ``n_non_customer``), ``n_next``, ``mde``, ``power_now`` (today's
        power for ``detect``), ``note`` (:data:`NOTES`) and ``flag``.

    Raises
    ------
    ParameterError
        With a located problem for each bad argument (detect <= 0, power or alpha outside
        (0, 1), an unknown compare, a brand or wave not in the study).

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> p = tx.plan(result, detect=3, brand="Northwind")
    >>> p.loc[p["measure"] == "cx", ["n", "n_needed", "n_next"]].iloc[0].tolist()
    [532, 372, 286]
    >>> round(float(p.loc[p["measure"] == "cx", "mde"].iloc[0]), 2)  # today's base
    2.51
    """
    problems = check_request(result, detect=detect, power=power, alpha=alpha, compare=compare,
                             brand=brand, wave=wave)
    if problems:
        raise ParameterError("Invalid plan request", problems)
    cells = _cells(result, None if wave is None else str(wave))
    k, detect = _k(alpha, power), float(detect)
    planned = (_previous_wave(cells, k, detect, alpha) if compare == "previous_wave" else
               _peers(cells, k, detect, alpha, result.study.report.peer_min_base,
                      list(result.by)))
    if brand is not None:
        planned = planned[planned["brand"].astype(str) == str(brand)]
    return _finish(planned, compare, detect, power, alpha, result.by)


def _cells(result: Result, wave: str | None) -> pd.DataFrame:
    """The planned measures' cells of one wave, with ``s2`` (today's per-respondent
    variance, or the brand cells' pooled one when the cell's is not shown), ``v_now``
    (today's variance of the cell's score), ``r`` (TX: the customers' share) and
    ``peer_n_eff``; TX composed from C and N (:func:`_compose_tx`)."""
    scores, by = result.scores, list(result.by)
    cells = scores[scores["measure"].isin(MEASURES)]
    waves = [w for w in result.study.waves if w in set(cells["wave"].astype(str))] or \
        list(dict.fromkeys(cells["wave"].astype(str)))
    cells = cells[cells["wave"].astype(str) == (wave or waves[-1])].copy()
    cells["v_now"] = cells["se"].astype(float) ** 2
    cells["s2"] = cells["v_now"] * cells["n"].astype(float)
    usable = (cells["brand"].astype(str) != TOTAL) & np.isfinite(cells["s2"])
    groups = [cells[g] for g in ["measure", *by]]
    pooled = ((cells["s2"] * cells["n"]).where(usable).groupby(groups).transform("sum")
              / cells["n"].where(usable).groupby(groups).transform("sum"))
    own = np.isfinite(cells["s2"])
    cells["note"] = np.where(own, "", np.where(np.isfinite(pooled), "variance_pooled",
                                               "no_variance"))
    cells["s2"] = cells["s2"].where(own, pooled)
    cells["r"] = np.nan
    cells["peer_n_eff"] = cells["n_eff"].astype(float)
    if {"customer_score", "non_customer_score", "tx"} <= set(cells["measure"]):
        cells = _compose_tx(cells, by, result.study.index.share_non_customer)
    return cells.reset_index(drop=True)


def _compose_tx(cells: pd.DataFrame, by: list[str], share_nc: float) -> pd.DataFrame:
    """TX planned per population: with ``a`` the non-customers' share of TX, ``b = 1 - a``
    and ``r`` the customers' share of the cell's respondents, the variance of TX over
    ``n`` respondents is ``(a^2 s2_N / (1 - r) + b^2 s2_C / r) / n`` (independent
    populations); today's is ``a^2 se_N^2 + b^2 se_C^2``; its peer base is the smaller
    population's n_eff."""
    keys = ["wave", *by, "brand"]
    at = pd.MultiIndex.from_frame(cells[keys])
    tx = (cells["measure"] == "tx").to_numpy()

    def part(measure: str, column: str) -> np.ndarray:
        one = cells[cells["measure"] == measure].set_index(keys)[column]
        return one.reindex(at).to_numpy()

    a, b = share_nc, 1 - share_nc
    n_c, n_nc = part("customer_score", "n").astype(float), part("non_customer_score",
                                                                 "n").astype(float)
    r = n_c / (n_c + n_nc)
    s2_c, s2_nc = part("customer_score", "s2"), part("non_customer_score", "s2")
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = a ** 2 * s2_nc / (1 - r) + b ** 2 * s2_c / r
    v_now = (a ** 2 * part("non_customer_score", "v_now")
             + b ** 2 * part("customer_score", "v_now"))
    notes = [";".join(dict.fromkeys(c for c in (x, y) if c)) for x, y in zip(
        part("customer_score", "note"), part("non_customer_score", "note"), strict=True)]
    peer = np.fmin(part("customer_score", "n_eff").astype(float),
                   part("non_customer_score", "n_eff").astype(float))
    cells["r"] = np.where(tx, r, np.nan)
    cells["s2"] = np.where(tx, s2, cells["s2"])
    cells["v_now"] = np.where(tx, v_now, cells["v_now"])
    cells["note"] = np.where(tx, notes, cells["note"])
    cells["peer_n_eff"] = np.where(tx, peer, cells["peer_n_eff"])
    return cells


def _ceil(x: np.ndarray) -> np.ndarray:
    """Whole respondents, rounded up (float fuzz of an exact base rounded away first)."""
    return np.ceil(np.round(np.asarray(x, float), 9))


def _split(cells: pd.DataFrame, n_exact: np.ndarray) -> pd.DataFrame:
    """``n_needed`` and its respondents per population (TX: in today's mix)."""
    measure = cells["measure"].to_numpy()
    pop = cells["measure"].map(_POPULATION_OF).to_numpy()
    r = cells["r"].to_numpy(float)
    tx = measure == "tx"
    n_c = np.where(tx, _ceil(r * n_exact), np.where(pop == "customer", _ceil(n_exact), np.nan))
    n_nc = np.where(tx, _ceil((1 - r) * n_exact),
                    np.where(pop == "non_customer", _ceil(n_exact), np.nan))
    return cells.assign(n_needed=np.where(tx, n_c + n_nc, _ceil(n_exact)), n_customer=n_c,
                        n_non_customer=n_nc)


def _outcomes(cells: pd.DataFrame, k: float, detect: float, alpha: float, unit: np.ndarray,
              now: np.ndarray, other: np.ndarray) -> pd.DataFrame:
    """Every column of the plan from the difference's variance per respondent (``unit``),
    today's (``now``) and that of the side that keeps today's bases (``other``)."""
    out = _split(cells, k * unit / detect ** 2)
    room = detect ** 2 / k - other
    reachable = room > 0
    s2 = cells["s2"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_next = np.where(reachable, _ceil(s2 / np.where(reachable, room, 1.0)), np.nan)
    notes = [";".join(c for c in (note, "unreachable" if np.isfinite(o) and not ok else "")
                      if c) for note, o, ok in zip(out["note"], other, reachable, strict=True)]
    power_now = [power_at(detect, v, alpha=alpha) for v in now]
    return out.assign(n_next=n_next, mde=np.sqrt(k * now), power_now=power_now, note=notes)


def _previous_wave(cells: pd.DataFrame, k: float, detect: float, alpha: float) -> pd.DataFrame:
    """The next wave against this one, two independent samples."""
    s2 = cells["s2"].to_numpy(float)
    se2 = cells["v_now"].to_numpy(float)
    return _outcomes(cells, k, detect, alpha, 2 * s2, 2 * se2, se2).assign(peers=np.nan)


def _peers(cells: pd.DataFrame, k: float, detect: float, alpha: float, peer_min_base: float,
           by: list[str]) -> pd.DataFrame:
    """Each brand cell against the unweighted mean of its peers (every peer cell: not
    suppressed, ``n_eff >= peer_min_base``; the brand itself left out)."""
    cells = cells[cells["brand"].astype(str) != TOTAL].reset_index(drop=True)
    se2 = cells["v_now"].to_numpy(float)
    s2 = cells["s2"].to_numpy(float)
    eligible = ((cells["flag"] != "suppressed").to_numpy() & np.isfinite(se2)
                & (cells["peer_n_eff"] >= peer_min_base).to_numpy())
    group = cells.groupby(["measure", *by], sort=False).ngroup().to_numpy()
    n_peers, peer_s2, peer_se2 = (np.zeros(len(cells)) for _ in range(3))
    for g in np.unique(group):
        at, ok = group == g, (group == g) & eligible
        mine = eligible[at]  # the brand is not its own peer
        n_peers[at] = ok.sum() - mine
        peer_s2[at] = s2[ok].sum() - np.where(mine, s2[at], 0.0)
        peer_se2[at] = se2[ok].sum() - np.where(mine, se2[at], 0.0)
    few = n_peers < 2
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(few, np.nan, s2 + peer_s2 / n_peers ** 2)
        other = np.where(few, np.nan, peer_se2 / n_peers ** 2)
    out = _outcomes(cells, k, detect, alpha, unit, se2 + other, other)
    out["note"] = [";".join(c for c in (n, "no_peers" if f else "") if c)
                   for n, f in zip(out["note"], few, strict=True)]
    return out.assign(peers=n_peers)


def _finish(planned: pd.DataFrame, compare: str, detect: float, power: float, alpha: float,
            by: tuple[str, ...]) -> pd.DataFrame:
    """The plan's columns in order, counts as whole numbers, the segments after the wave."""
    out = planned.assign(compare=compare, detect=detect, power=power, alpha=alpha,
                         sd=np.sqrt(planned["s2"].astype(float)))
    cols = [*COLUMNS[:4], *by, *COLUMNS[4:]]
    out = out[cols].reset_index(drop=True)
    for c in _COUNTS:
        out[c] = out[c].round().astype("Int64")
    out["peers"] = out["peers"].round().astype("Int64")
    return out


def planning_table(result: Result) -> pd.DataFrame:
    """The plans of the study's ``[planning]`` (empty without): one per change to detect
    and per comparison, on the latest wave, every brand.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=200)
    >>> table = planning_table(tx.score(tx.load(study)))  # its [planning]: 2 changes x 2
    >>> sorted(table["compare"].unique()), sorted(table["detect"].unique().tolist())
    (['peers', 'previous_wave'], [2.0, 3.0])
    """
    settings = result.study.planning
    if settings is None or result.scores.empty or not result.scores["measure"].isin(
            MEASURES).any():
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat([plan(result, detect=d, power=settings.power, alpha=settings.alpha,
                           compare=c) for c in settings.compare for d in settings.detect],
                     ignore_index=True)
