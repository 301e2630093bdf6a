"""Every composite score on the sample and on each bootstrap replicate, from feature sums.

Method (docs/methodology.md, "Scales and item scores" to "TX-style score, C and N"): an
item's ``score100`` is ``100 (weighted mean - min) / (max - min)``; a dimension or pillar
is the mean of its items' score100.  CX = sum_q w_q S_q over the quality dimensions
(``loyalty_weighted``: Johnson's relative weights of the dimensions on the loyalty
composite, estimated once on all customers pooled; ``equal``: 1/3), ``classic_net`` is the
mean of the dimensions' net scores.  BX = mean of the pillars (or preference-weighted),
computed separately for customers and non-customers.  C = lambda CX + (1 - lambda)
BX_customers, N = BX_non_customers, TX = share_nc N + (1 - share_nc) C.

Each is a function of the per-cell feature sums (:mod:`txscore.scoring.sums`), so it is
computed on all replicates at once: arrays of shape (1 + n_boot, cells), row 0 the sample.
Totals ("All brands") add the brand cells' sums.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.errors import TxscoreWarning
from txscore.scoring.engine import Layout, with_totals
from txscore.scoring.sums import StudySums
from txscore.stats.drivers import relative_weights_from_cov
from txscore.stats.inference import kish_n_eff, percentile_interval
from txscore.study import Study

__all__ = ["INDICES", "NOT_COMPUTED", "WEIGHT_NOTES", "Composites", "composites",
           "missing_indices"]

#: Why the CX weights are not the method asked for (the ``note`` of ``cx_weights``; "" when
#: they are): "too_few_customers" (fewer complete customers than
#: ``min_customers_for_weights``: equal weights), "no_variance" (a quality dimension or the
#: loyalty composite has no variance among customers: equal weights), "no_loyalty" (no
#: loyalty item answered by customers: equal weights).
WEIGHT_NOTES = ("too_few_customers", "no_variance", "no_loyalty")

#: The indices a partial study may lack (the keys of ``Result.not_computed``): CX, BX among
#: customers and among non-customers, C, N, TX, the growth grid and NPS.
INDICES = ("cx", "bx_customer", "bx_non_customer", "c", "n", "tx", "grid", "nps")
#: Why an index is not computed (the values of ``Result.not_computed``): the study has no
#: source of a population it needs; customers (non-customers) are asked, or answered, no
#: item of some BX pillar; no CX quality dimension is defined, or customers answered none of
#: some dimension's items; no BX pillar is defined; no ``[index] nps_item``; every row of a
#: population it needs was excluded (or none answered the item).
NOT_COMPUTED = ("no_customer_source", "no_non_customer_source", "no_bx_items_for_customers",
                "no_bx_items_for_non_customers", "no_cx_constructs",
                "no_cx_items_for_customers", "no_bx_constructs", "no_nps_item",
                "no_scored_rows")


@dataclass(frozen=True)
class Composites:
    """Replicate arrays per population and measure, with the cells' bases and the weights.

    Attributes
    ----------
    arrays : dict
        (population, measure) -> (1 + n_boot, cells): row 0 the sample's value.
    n, n_eff : dict
        Population -> respondents and Kish effective base per cell.
    weights : dict
        "cx" and "bx" -> the importance weights table (``dimension``, ``weight``,
        ``ci_low``, ``ci_high``, ``method``, ``note``).
    not_computed : dict
        Index (:data:`INDICES` but "nps") -> why it is not computed (:data:`NOT_COMPUTED`).
    weight_replicates : dict
        "cx" and "bx" -> (n_boot, weights) the weights on every bootstrap replicate (no
        column when the index is not computed).
    """

    arrays: dict[tuple[str, str], np.ndarray]
    n: dict[str, np.ndarray]
    n_eff: dict[str, np.ndarray]
    weights: dict[str, pd.DataFrame]
    not_computed: dict[str, str]
    weight_replicates: dict[str, np.ndarray] = field(default_factory=dict)


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    """np.nanmean without its warning on an all-NaN slice (an empty cell is NaN)."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(a, axis=axis)


def _cov_from_sums(sums: np.ndarray, p: int) -> np.ndarray:
    """(R, 1 + p + p(p+1)/2) sums -> (R, p, p) covariance matrices."""
    sw = sums[:, 0:1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums[:, 1:1 + p] / sw
        iu = np.triu_indices(p)
        exy = np.zeros((len(sums), p, p))
        exy[:, iu[0], iu[1]] = sums[:, 1 + p:] / sw
        exy = exy + np.triu(exy, 1).transpose(0, 2, 1)
        return exy - mean[:, :, None] * mean[:, None, :]


def _importance_weights(cov: np.ndarray) -> np.ndarray:
    """Johnson's relative weights normalised to sum to 1, per replicate."""
    raw = relative_weights_from_cov(cov)[0]
    return raw / raw.sum(axis=-1, keepdims=True)


def _weights_frame(names: list[str], reps: np.ndarray, confidence: float, method: str,
                   note: str = "") -> pd.DataFrame:
    lo, hi = percentile_interval(reps[1:], confidence) if len(reps) > 1 and names else (
        np.full(len(names), np.nan),) * 2
    return pd.DataFrame({"dimension": names, "weight": reps[0], "ci_low": lo, "ci_high": hi,
                         "method": method, "note": note})


def _cx_weights(sums: StudySums, reg: dict[str, np.ndarray], r_count: int,
                cx_dims: list[str]) -> tuple[np.ndarray, str, str]:
    """Pooled CX weights per replicate (the same for every brand and wave), the method
    used and, when it is not the one asked for, why (:data:`WEIGHT_NOTES`)."""
    study = sums.study
    w_cx = np.full((r_count, len(cx_dims)), 1 / max(len(cx_dims), 1))
    method = study.index.cx_method
    if method != "loyalty_weighted" or not cx_dims:
        return w_cx, method, ""
    if "cx:customer" not in reg:  # no customers (then no CX), or no loyalty construct
        return (w_cx, "equal", "no_loyalty") if "customer" in sums.populations else (
            w_cx, method, "")
    s = reg["cx:customer"]
    if not (s[0, 0] > 0 and sums.populations["customer"].complete_n >=
            study.index.min_customers_for_weights):
        return w_cx, "equal", "too_few_customers"
    w = _importance_weights(_cov_from_sums(s, len(cx_dims) + 1))
    if not np.isfinite(w[0]).all():  # a dimension or loyalty without variance
        warnings.warn("CX loyalty weights cannot be estimated (a quality dimension or the "
                      "loyalty composite has no variance among customers): equal weights are "
                      "used.", TxscoreWarning, stacklevel=4)
        return np.full_like(w, 1 / len(cx_dims)), "equal", "no_variance"
    return w, method, ""


def _population_measures(pop: str, sums: np.ndarray, lay: Layout, study: Study, w_cx: np.ndarray,
                         cx_method: str, w_bx: np.ndarray,
                         arrays: dict[tuple[str, str], np.ndarray]) -> None:
    """Constructs, CX (and its classic net), loyalty and BX of one population, in place."""
    cx_dims = [c.name for c in study.constructs_with_role("cx_quality")]
    loyalty = [c.name for c in study.constructs_with_role("loyalty")]
    pillars = [c.name for c in study.constructs_with_role("bx_pillar")]
    k, net_at = len(lay.items), {c: i for i, c in enumerate(np.array(lay.items)[lay.net])}
    j = {c: i for i, c in enumerate(lay.items)}
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = sums[:, :, k:2 * k]
        s100 = sums[:, :, :k] / valid
        box = sums[:, :, 2 * k:]
        net = 100 * (box[:, :, :len(lay.net)] - box[:, :, len(lay.net):]) / valid[
            :, :, lay.net]
    # an item no respondent of the population answered (in any cell) is not asked of it
    answered = valid[0].sum(axis=0) > 0
    cons_s = {}
    for cons in study.constructs.values():
        idx = [j[c] for c in study.items_of(cons.name) if c in j and answered[j[c]]]
        if idx:
            cons_s[cons.name] = arrays[(pop, cons.name)] = _nanmean(s100[:, :, idx], axis=2)
    if pop == "customer" and cx_dims and all(c in cons_s for c in cx_dims):
        dims = np.stack([cons_s[c] for c in cx_dims], axis=2)
        dim_nets = [_nanmean(net[:, :, [net_at[c] for c in study.items_of(name)
                                         if c in net_at]], axis=2) for name in cx_dims]
        # a dimension's net: the mean of its items' nets
        arrays[(pop, "cx_classic_net")] = np.mean(np.stack(dim_nets, axis=2), axis=2)
        arrays[(pop, "cx")] = (arrays[(pop, "cx_classic_net")] if cx_method == "classic_net"
                               else np.einsum("rgq,rq->rg", dims, w_cx))
    if pop == "customer" and loyalty:  # the composite: mean of all loyalty items
        idx = [j[c] for name in loyalty for c in study.items_of(name)
               if c in j and answered[j[c]]]
        if idx:
            arrays[(pop, "loyalty")] = _nanmean(s100[:, :, idx], axis=2)
    if pillars and all(p in cons_s for p in pillars):
        bx = np.einsum("rgq,rq->rg", np.stack([cons_s[p] for p in pillars], 2), w_bx)
        arrays[(pop, "bx_customers" if pop == "customer" else "bx_non_customers")] = bx


def _combine(arrays: dict[tuple[str, str], np.ndarray], study: Study) -> None:
    """C, N, the BX gap and TX from CX and the BX of both populations, in place."""
    lam, share = study.index.lam, study.index.share_non_customer
    cx, bxc = arrays.get(("customer", "cx")), arrays.get(("customer", "bx_customers"))
    bxn = arrays.get(("non_customer", "bx_non_customers"))
    if cx is not None and bxc is not None:
        arrays[("customer", "customer_score")] = lam * cx + (1 - lam) * bxc
    if bxn is not None:
        arrays[("non_customer", "non_customer_score")] = bxn
    if bxc is not None and bxn is not None:
        arrays[("all", "bx_gap")] = bxc - bxn
    c = arrays.get(("customer", "customer_score"))
    if c is not None and bxn is not None:
        arrays[("all", "tx")] = share * bxn + (1 - share) * c


def composites(sums: StudySums, reps: dict[str, np.ndarray]) -> Composites:
    """Every composite on the sample (row 0) and on each replicate, from feature sums.

    Parameters
    ----------
    sums : StudySums
        From :meth:`txscore.scoring.sums.CellSums.collect`.
    reps : dict
        Population -> (1 + n_boot, brand cells, F) feature sums
        (:func:`txscore.scoring.sums.resample_sums`).

    Returns
    -------
    Composites

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.sums import CellSums, resample_sums
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> acc = CellSums(responses.study)
    >>> acc.add(responses.data)
    >>> sums = acc.collect()
    >>> comp = composites(sums, resample_sums(sums, 50, seed=1))
    >>> comp.arrays[("all", "tx")].shape  # sample + 50 replicates, 12 brands + 2 totals
    (51, 14)
    """
    study, cells = sums.study, sums.cells
    n, n_eff, reg, per_pop = {}, {}, {}, {}
    r_count = 1
    for pop, ps in sums.populations.items():
        ns = with_totals(ps.base, cells)
        n[pop], n_eff[pop] = ns[:, 0], kish_n_eff(ns[:, 1], ns[:, 2])
        for key, sl in ps.layout.reg_slices.items():
            reg[f"{key}:{pop}"] = reps[pop][:, :, sl].sum(axis=1)
        per_pop[pop] = with_totals(reps[pop][:, :, :ps.layout.boxes], cells)
        r_count = len(reps[pop])
    cx_dims = [c.name for c in study.constructs_with_role("cx_quality")]
    pillars = [c.name for c in study.constructs_with_role("bx_pillar")]
    w_cx, cx_method, note = _cx_weights(sums, reg, r_count, cx_dims)
    w_bx = np.full((r_count, len(pillars)), 1 / max(len(pillars), 1))
    if study.index.bx_method == "preference_weighted":
        pooled = sum(v for k, v in reg.items() if k.startswith("bx:"))
        w_bx = _importance_weights(_cov_from_sums(pooled, len(pillars) + 1))
    conf = study.report.confidence
    weights = {"cx": _weights_frame(cx_dims, w_cx, conf, cx_method, note),
               "bx": _weights_frame(pillars, w_bx, conf, study.index.bx_method)}
    arrays: dict[tuple[str, str], np.ndarray] = {}
    for pop, pop_sums in per_pop.items():
        _population_measures(pop, pop_sums, sums.populations[pop].layout, study, w_cx,
                             cx_method, w_bx, arrays)
    _combine(arrays, study)
    # the weights of an index that is not computed are not used: none are reported
    if ("customer", "cx") not in arrays:
        weights["cx"] = weights["cx"].iloc[:0]
        w_cx = w_cx[:, :0]
    if not {("customer", "bx_customers"), ("non_customer", "bx_non_customers")} & set(arrays):
        weights["bx"] = weights["bx"].iloc[:0]
        w_bx = w_bx[:, :0]
    return Composites(arrays, n, n_eff, weights, missing_indices(study, set(sums.populations),
                                                                 set(arrays)),
                      {"cx": w_cx[1:], "bx": w_bx[1:]})


def missing_indices(study: Study, scored: set[str],
                    computed: set[tuple[str, str]]) -> dict[str, str]:
    """Why each composite index that was not computed is missing.

    Parameters
    ----------
    study : Study
    scored : set of str
        The populations with scored rows.
    computed : set of (population, measure)
        The composites computed.

    Returns
    -------
    dict
        Index (:data:`INDICES`, but "nps") -> reason code (:data:`NOT_COMPUTED`), in the
        order of :data:`INDICES`; C, N, TX and the grid take the reason of the first index
        they lack.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> missing_indices(study, {"customer"}, {("customer", "cx"), ("customer", "bx_customers"),
    ...                                       ("customer", "customer_score")})
    {'bx_non_customer': 'no_scored_rows', 'n': 'no_scored_rows', 'tx': 'no_scored_rows', \
'grid': 'no_scored_rows'}
    """
    def population(pop: str) -> str | None:
        if not any(s.population == pop for s in study.sources):
            return f"no_{pop}_source"
        return None if pop in scored else "no_scored_rows"

    out: dict[str, str] = {}
    if ("customer", "cx") not in computed:
        out["cx"] = population("customer") or (
            "no_cx_items_for_customers" if study.constructs_with_role("cx_quality")
            else "no_cx_constructs")
    for pop, key in (("customer", "bx_customer"), ("non_customer", "bx_non_customer")):
        if (pop, f"bx_{pop}s") not in computed:
            out[key] = population(pop) or (
                f"no_bx_items_for_{pop}s" if study.constructs_with_role("bx_pillar")
                else "no_bx_constructs")
    if ("customer", "customer_score") not in computed:
        out["c"] = out.get("cx") or out["bx_customer"]
    if ("non_customer", "non_customer_score") not in computed:
        out["n"] = out["bx_non_customer"]
    if ("all", "tx") not in computed:
        out["tx"] = out["grid"] = out.get("c") or out["n"]
    return out
