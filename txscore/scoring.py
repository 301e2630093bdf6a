"""Scores: item statistics, construct scores, CX / BX / TX indices, changes, growth grid.

Method (methodology.md): an item's ``score100`` is ``100 (weighted mean - min) / (max -
min)``; top box and net from its scale's boxes; a dimension or pillar is the mean of its
items' score100.  CX = sum_q w_q S_q over the quality dimensions (``loyalty_weighted``:
Johnson's relative weights of the dimensions on the loyalty composite, estimated once on
all customers pooled; ``equal``: 1/3), ``classic_net`` is the mean of the dimensions' net
scores.  BX = mean of the pillars (or preference-weighted), computed separately for
customers and non-customers.  C = lambda CX + (1 - lambda) BX_customers, N =
BX_non_customers, TX = share_nc N + (1 - share_nc) C.

Engine: every statistic derives from per-cell *sums* (sum w x, sum w over answered items,
sum w over top and bottom boxes, and the cross-products the loyalty regression needs).
The point estimate uses each respondent once; bootstrap replicate ``r`` uses multinomial
resample counts drawn within population x cell, so replicate sums are one matrix product
``counts @ features`` per cell and every composite (CX with re-estimated weights, C, TX,
changes, peer gaps) is computed on all replicates at once.  Totals ("All brands") add the
brand cells' sums, i.e. a bootstrap stratified by brand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from txscore.inference import (
    base_flag,
    benjamini_hochberg,
    kish_n_eff,
    net_interval,
    net_variance,
    normal_p,
    percentile_interval,
    wilson,
    worst_flag,
    z_value,
)
from txscore.responses import Responses
from txscore.study import Study

if TYPE_CHECKING:
    from txscore.result import Result

TOTAL = "All brands"

MEASURE_LABELS = {
    "tx": "TX score",
    "customer_score": "Customer score (C)",
    "non_customer_score": "Non-customer score (N)",
    "cx": "CX index",
    "cx_classic_net": "CX classic net (comparator)",
    "bx_customers": "BX customers",
    "bx_non_customers": "BX non-customers",
    "bx_gap": "BX gap (customers - non-customers)",
    "loyalty": "Loyalty composite",
    "nps": "Net Promoter Score (NPS)",
}

#: NPS classes on a 0-10 item (fixed by definition, whatever the scale's boxes).
NPS_PROMOTERS = (9, 10)
NPS_DETRACTORS = tuple(range(0, 7))
INDEX_MEASURES = ("tx", "customer_score", "non_customer_score", "cx", "bx_customers",
                  "bx_non_customers")


@dataclass(frozen=True)
class _Cells:
    keys: pd.DataFrame  # one row per cell: wave, brand, *by (brand cells then totals)
    row_cell: np.ndarray  # per data row: its brand cell
    n_brand_cells: int
    to_total: np.ndarray  # (n_totals, n_brand_cells) indicator


def _cells(data: pd.DataFrame, study: Study, by: Sequence[str]) -> _Cells:
    keys = ["wave", "brand", *by]
    frame = data[keys].astype(object)
    uniq = frame.drop_duplicates()
    wave_rank = {w: i for i, w in enumerate(study.waves)}
    uniq = uniq.assign(_w=uniq["wave"].map(wave_rank)).sort_values(
        ["_w", *keys[1:]], key=lambda s: s if s.name == "_w" else s.astype(str)).drop(
        columns="_w").reset_index(drop=True)
    # map every row through a merge (vectorised), not a Python loop over respondents
    cell_of = frame.merge(uniq.assign(_cell=np.arange(len(uniq))), on=keys, how="left")
    row_cell = cell_of["_cell"].to_numpy(int)
    tot_keys = uniq.drop(columns="brand").drop_duplicates().reset_index(drop=True)
    tot_index = uniq.drop(columns="brand").merge(
        tot_keys.assign(_t=np.arange(len(tot_keys))), on=["wave", *by], how="left")["_t"]
    to_total = np.zeros((len(tot_keys), len(uniq)))
    to_total[tot_index.to_numpy(int), np.arange(len(uniq))] = 1.0
    totals = tot_keys.assign(brand=TOTAL)[keys]
    return _Cells(pd.concat([uniq, totals], ignore_index=True), row_cell, len(uniq), to_total)


def _with_totals(arr: np.ndarray, cells: _Cells) -> np.ndarray:
    """Append total cells (sums over brands) along the cell axis (axis -2)."""
    tot = np.einsum("tg,...gf->...tf", cells.to_total, arr)
    return np.concatenate([arr, tot], axis=-2)


def _flags(n_eff: np.ndarray, study: Study) -> np.ndarray:
    r = study.report
    return base_flag(n_eff, suppress_below=r.suppress_below, low_base_below=r.low_base_below,
                     caution_below=r.caution_below)


# ---------------------------------------------------------------------- items (analytic)
def item_statistics(responses: Responses, *, by: Sequence[str] = (),
                    cells: _Cells | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per item and cell: n, n_eff, mean, score100, top box, net, with analytic intervals.

    Returns
    -------
    items : DataFrame
        One row per population x cell x item.
    distributions : DataFrame
        One row per population x cell x item x code: weighted share of each answer.
    """
    study = responses.study
    data = responses.data
    cells = cells if cells is not None else _cells(data, study, by)
    z = z_value(study.report.confidence)
    rows, dist_rows = [], []
    for pop in ("customer", "non_customer"):
        sel = (data["population"] == pop).to_numpy()
        if not sel.any():
            continue
        g = cells.row_cell[sel]
        w = data["weight"].to_numpy(float)[sel]
        for col in study.items_for(pop):
            item = study.items[col]
            scale = study.scales[item.scale]
            x = data[col].to_numpy(dtype=float, na_value=np.nan)[sel]
            ok = ~np.isnan(x)
            k_count = scale.points
            flat = g[ok] * k_count + (x[ok] - scale.min).astype(int)
            size = cells.n_brand_cells * k_count
            shape = (cells.n_brand_cells, k_count)
            n_k = np.bincount(flat, minlength=size).reshape(shape).astype(float)
            w_k = np.bincount(flat, weights=w[ok], minlength=size).reshape(shape)
            w2_k = np.bincount(flat, weights=w[ok] ** 2, minlength=size).reshape(shape)
            n_k, w_k, w2_k = (_with_totals(a, cells) for a in (n_k, w_k, w2_k))
            rows.append(_item_frame(cells, pop, col, scale, item, n_k, w_k, w2_k, z, study))
            share = w_k / np.where(w_k.sum(1, keepdims=True) > 0, w_k.sum(1, keepdims=True),
                                   np.nan)
            d = cells.keys.loc[cells.keys.index.repeat(k_count)].reset_index(drop=True)
            d.insert(0, "population", pop)
            d["item"] = col
            d["code"] = np.tile(np.arange(scale.min, scale.max + 1), len(cells.keys))
            d["label"] = d["code"].map(lambda c, s=scale: s.labels.get(c, str(c)))
            d["count"] = n_k.ravel().astype(int)
            d["share"] = share.ravel()
            dist_rows.append(d)
    items = pd.concat(rows, ignore_index=True)
    dists = pd.concat(dist_rows, ignore_index=True)
    hidden = items["flag"] == "suppressed"
    dists = dists.merge(items.loc[hidden, ["population", *cells.keys.columns, "item"]]
                        .assign(_hide=True), how="left")
    dists.loc[dists["_hide"].eq(True), ["count", "share"]] = np.nan
    return items, dists.drop(columns="_hide")


def _item_frame(cells, pop, col, scale, item, n_k, w_k, w2_k, z, study) -> pd.DataFrame:
    codes = np.arange(scale.min, scale.max + 1, dtype=float)
    n = n_k.sum(1)
    sw = w_k.sum(1)
    n_eff = kish_n_eff(sw, w2_k.sum(1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = w_k / sw[:, None]
        mean = (p * codes).sum(1)
        ss = (w2_k * (codes[None, :] - mean[:, None]) ** 2).sum(1)
        se = np.sqrt(n / (n - 1) * ss / sw**2)
    span = scale.max - scale.min
    top_i = np.isin(codes, scale.top_box)
    bot_i = np.isin(codes, scale.bottom_box)
    top, bottom = p[:, top_i].sum(1), p[:, bot_i].sum(1)
    tlo, thi = wilson(top, n_eff, z)
    nlo, nhi = net_interval(top, bottom, n_eff, z, adjusted_wald=scale.points == 11)
    s100 = 100 * (mean - scale.min) / span
    out = cells.keys.copy()
    out.insert(0, "population", pop)
    out = out.assign(
        item=col, construct=item.construct, text=item.text, reversed=item.reversed,
        n=n.astype(int), n_eff=n_eff, mean=mean, score100=s100, se=100 * se / span,
        ci_low=np.clip(s100 - z * 100 * se / span, 0, 100),
        ci_high=np.clip(s100 + z * 100 * se / span, 0, 100),
        top_box=100 * top, top_box_ci_low=100 * tlo, top_box_ci_high=100 * thi,
        bottom_box=100 * bottom, net=100 * (top - bottom), net_ci_low=nlo, net_ci_high=nhi,
        flag=_flags(n_eff, study))
    numbers = ["mean", "score100", "se", "ci_low", "ci_high", "top_box", "top_box_ci_low",
               "top_box_ci_high", "bottom_box", "net", "net_ci_low", "net_ci_high"]
    out.loc[out["flag"] == "suppressed", numbers] = np.nan
    return out


def nps_table(responses: Responses, cells: _Cells) -> pd.DataFrame:
    """The NPS index per population and cell: % promoters (9-10) - % detractors (0-6).

    Rows in the layout of :attr:`Result.scores` (``measure = "nps"``, level ``"nps"``, range
    -100..100, no band), with the adjusted-Wald interval on the effective base (Rocks 2016)
    and ``se`` from the net-score variance.  Empty when the spec sets no ``nps_item``.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))  # nps_item = "recommend"
    >>> nps = nps_table(responses, _cells(responses.data, responses.study, []))
    >>> row = nps.loc[(nps["brand"] == "All brands") & (nps["wave"] == "2026 Q2")].iloc[0]
    >>> bool(row["ci_low"] < row["value"] < row["ci_high"]), row["level"], row["band"]
    (True, 'nps', '')
    """
    study = responses.study
    col = study.index.nps_item
    if col is None or col not in responses.data:
        return pd.DataFrame()
    data = responses.data
    z = z_value(study.report.confidence)
    x = data[col].to_numpy(dtype=float, na_value=np.nan)
    w = data["weight"].to_numpy(float)
    ok = ~np.isnan(x)
    frames = []
    for pop in ("customer", "non_customer"):
        sel = ok & (data["population"] == pop).to_numpy()
        if not sel.any():
            continue
        g = cells.row_cell[sel]
        ws = w[sel]
        nb = cells.n_brand_cells
        promoter = np.isin(x[sel], NPS_PROMOTERS)
        detractor = np.isin(x[sel], NPS_DETRACTORS)
        sums = np.column_stack([np.bincount(g, weights=v, minlength=nb) for v in (
            np.ones_like(ws), ws, ws**2, ws * promoter, ws * detractor)])
        n, sw, sw2, sp, sd = _with_totals(sums, cells).T
        n_eff = kish_n_eff(sw, sw2)
        with np.errstate(invalid="ignore", divide="ignore"):
            top, bottom = sp / sw, sd / sw
        lo, hi = net_interval(top, bottom, n_eff, z, adjusted_wald=True)
        f = cells.keys.copy()
        f.insert(0, "measure", "nps")
        f.insert(1, "population", pop)
        f = f.assign(label=MEASURE_LABELS["nps"], level="nps", value=100 * (top - bottom),
                     ci_low=lo, ci_high=hi, se=np.sqrt(net_variance(top, bottom, n_eff)),
                     n=n.astype(int), n_eff=n_eff, flag=_flags(n_eff, study), band="")
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out.loc[out["flag"] == "suppressed", ["value", "ci_low", "ci_high", "se"]] = np.nan
    return out


def _nps_changes(nps: pd.DataFrame, cells: _Cells, study: Study,
                 by: Sequence[str]) -> pd.DataFrame:
    """Wave-over-wave NPS differences: independent samples, analytic SE."""
    if nps.empty:
        return pd.DataFrame()
    conf = study.report.confidence
    z = z_value(conf)
    waves = study.waves
    keys = ["population", "brand", *by]
    frame = nps.assign(_w=nps["wave"].map({w: i for i, w in enumerate(waves)}))
    prev = frame.assign(_w=frame["_w"] + 1)
    both = frame.merge(prev, on=[*keys, "_w"], suffixes=("", "_prev"))
    if both.empty:
        return pd.DataFrame()
    diff = both["value"] - both["value_prev"]
    se = np.sqrt(both["se"] ** 2 + both["se_prev"] ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = normal_p(diff / se)
    flag = worst_flag(both["flag"].to_numpy(object), both["flag_prev"].to_numpy(object))
    hidden = flag == "suppressed"
    out = both[["population", "wave", "brand", *by]].assign(
        comparison="wave", measure="nps", versus=both["wave_prev"],
        difference=np.where(hidden, np.nan, diff), ci_low=np.where(hidden, np.nan, diff - z * se),
        ci_high=np.where(hidden, np.nan, diff + z * se), p_value=np.where(hidden, np.nan, p),
        flag=flag)
    out["significant"] = np.isfinite(out["p_value"]) & (out["p_value"] < 1 - conf)
    return out


# ---------------------------------------------------------------------- composites (bootstrap)
def _respondent_scores(data: pd.DataFrame, study: Study, constructs: list[str]) -> np.ndarray:
    """Respondent-level score100 of each construct (mean of answered items), (n, c)."""
    out = np.empty((len(data), len(constructs)))
    for j, name in enumerate(constructs):
        cols = study.items_of(name)
        block = np.column_stack([_s100(data[c], study, c) for c in cols])
        with np.errstate(invalid="ignore"), _quiet():
            out[:, j] = np.nanmean(block, axis=1)
    return out


def _items_mean(data: pd.DataFrame, study: Study, constructs: list[str]) -> np.ndarray:
    """Respondent-level mean score100 of all the items of some constructs (a composite)."""
    cols = [c for name in constructs for c in study.items_of(name)]
    block = np.column_stack([_s100(data[c], study, c) for c in cols])
    with np.errstate(invalid="ignore"), _quiet():
        return np.nanmean(block, axis=1)


def _s100(column: pd.Series, study: Study, col: str) -> np.ndarray:
    scale = study.scales[study.items[col].scale]
    x = column.to_numpy(dtype=float, na_value=np.nan)
    return 100 * (x - scale.min) / (scale.max - scale.min)


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _regression_features(scores: np.ndarray, outcome: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per respondent: w * complete * [1, v, v_i v_j (i <= j)] for v = (drivers, outcome)."""
    v = np.column_stack([scores, outcome])
    complete = ~np.isnan(v).any(axis=1)
    v = np.where(complete[:, None], v, 0.0)
    iu = np.triu_indices(v.shape[1])
    cross = (v[:, :, None] * v[:, None, :])[:, iu[0], iu[1]]
    return (w * complete)[:, None] * np.column_stack([np.ones(len(v)), v, cross])


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
    from txscore.stats.drivers import relative_weights_from_cov

    raw = relative_weights_from_cov(cov)[0]
    return raw / raw.sum(axis=-1, keepdims=True)


@dataclass
class _Boot:
    """Replicate arrays (R, n_cells) per population and measure; row 0 = point estimate."""

    arrays: dict[tuple[str, str], np.ndarray]
    n: dict[str, np.ndarray]
    n_eff: dict[str, np.ndarray]
    weights: dict[str, pd.DataFrame]


def _resample_counts(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """(n_boot, n) multinomial(n, 1/n) counts: how often each respondent is drawn.

    Drawn as n uniform indices per replicate and counted with one bincount, which is the
    same distribution as ``rng.multinomial`` and an order of magnitude faster.
    """
    draws = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=n_boot * n).reshape(n_boot, n).astype(float)


def _resample_sums(features: np.ndarray, row_cell: np.ndarray, n_cells: int, n_boot: int,
                   rng: np.random.Generator) -> np.ndarray:
    """(1 + n_boot, n_cells, F) sums: row 0 the sample, then multinomial resamples."""
    out = np.zeros((1 + n_boot, n_cells, features.shape[1]))
    order = np.argsort(row_cell, kind="stable")
    bounds = np.searchsorted(row_cell[order], np.arange(n_cells + 1))
    for g in range(n_cells):  # loop over cells (brand x wave), not respondents
        idx = order[bounds[g]:bounds[g + 1]]
        if len(idx) == 0:
            continue
        block = features[idx]
        out[0, g] = block.sum(axis=0)
        if n_boot:
            out[1:, g] = _resample_counts(rng, len(idx), n_boot) @ block
    return out


def _bootstrap(responses: Responses, cells: _Cells, n_boot: int, seed: int) -> _Boot:
    study = responses.study
    data = responses.data
    rng = np.random.default_rng(seed)
    arrays: dict[tuple[str, str], np.ndarray] = {}
    n, n_eff, weights = {}, {}, {}
    reg_sums: dict[str, np.ndarray] = {}
    cx_dims = [c.name for c in study.constructs_with_role("cx_quality")]
    loyalty = [c.name for c in study.constructs_with_role("loyalty")]
    pillars = [c.name for c in study.constructs_with_role("bx_pillar")]
    preference = [c.name for c in study.constructs_with_role("preference")]
    per_pop = {}
    for pop in ("customer", "non_customer"):
        sel = (data["population"] == pop).to_numpy()
        if not sel.any():
            continue
        d = data.loc[sel]
        w = d["weight"].to_numpy(float)
        g = cells.row_cell[sel]
        cols = study.items_for(pop)
        feats = []
        for col in cols:
            scale = study.scales[study.items[col].scale]
            x = d[col].to_numpy(dtype=float, na_value=np.nan)
            ok = ~np.isnan(x)
            feats += [np.where(ok, w * 100 * (x - scale.min) / (scale.max - scale.min), 0.0),
                      w * ok, w * np.isin(x, scale.top_box), w * np.isin(x, scale.bottom_box)]
        blocks = [np.column_stack(feats)]
        reg = {}
        if pop == "customer" and cx_dims and loyalty:
            outcome = _items_mean(d, study, loyalty)
            reg["cx"] = _regression_features(_respondent_scores(d, study, cx_dims), outcome, w)
        if pillars and preference and study.index.bx_method == "preference_weighted":
            outcome = _items_mean(d, study, preference)
            reg["bx"] = _regression_features(_respondent_scores(d, study, pillars), outcome, w)
        blocks += list(reg.values())
        sums = _resample_sums(np.column_stack(blocks), g, cells.n_brand_cells, n_boot, rng)
        base = np.column_stack([np.ones_like(w), w, w**2])
        ns = _with_totals(np.stack([np.bincount(g, weights=base[:, i],
                                                minlength=cells.n_brand_cells)
                                    for i in range(3)], axis=1), cells)
        n[pop], n_eff[pop] = ns[:, 0], kish_n_eff(ns[:, 1], ns[:, 2])
        width = 4 * len(cols)
        start = width
        for key, block in reg.items():
            reg_sums[f"{key}:{pop}"] = sums[:, :, start:start + block.shape[1]].sum(axis=1)
            start += block.shape[1]
        per_pop[pop] = (cols, _with_totals(sums[:, :, :width], cells))
    # pooled importance weights (same for every brand and wave), per replicate
    r_count = 1 + n_boot
    w_cx = np.full((r_count, len(cx_dims)), 1 / max(len(cx_dims), 1))
    cx_method = study.index.cx_method
    if cx_method == "loyalty_weighted" and "cx:customer" in reg_sums:
        sums = reg_sums["cx:customer"]
        if sums[0, 0] > 0 and _complete_n(responses, study, cx_dims, loyalty) >= \
                study.index.min_customers_for_weights:
            w_cx = _importance_weights(_cov_from_sums(sums, len(cx_dims) + 1))
            if not np.isfinite(w_cx[0]).all():  # a dimension or loyalty without variance
                import warnings

                from txscore.errors import TxscoreWarning

                warnings.warn("CX loyalty weights cannot be estimated (a quality dimension or "
                              "the loyalty composite has no variance among customers): equal "
                              "weights are used.", TxscoreWarning, stacklevel=3)
                w_cx = np.full_like(w_cx, 1 / len(cx_dims))
                cx_method = "equal (loyalty weights not estimable: no variance)"
        else:
            cx_method = "equal (fewer customers than min_customers_for_weights)"
    weights["cx"] = _weights_frame(cx_dims, w_cx, study.report.confidence, cx_method)
    w_bx = np.full((r_count, len(pillars)), 1 / max(len(pillars), 1))
    if study.index.bx_method == "preference_weighted":
        pooled = sum(v for k, v in reg_sums.items() if k.startswith("bx:"))
        w_bx = _importance_weights(_cov_from_sums(pooled, len(pillars) + 1))
    weights["bx"] = _weights_frame(pillars, w_bx, study.report.confidence,
                                   study.index.bx_method)
    for pop, (cols, sums) in per_pop.items():
        j = {c: i for i, c in enumerate(cols)}
        with np.errstate(invalid="ignore", divide="ignore"):
            valid = sums[:, :, 1::4]
            s100 = sums[:, :, 0::4] / valid
            net = 100 * (sums[:, :, 2::4] - sums[:, :, 3::4]) / valid
        cons_s, cons_net = {}, {}
        for cons in study.constructs.values():
            idx = [j[c] for c in study.items_of(cons.name) if c in j]
            if not idx:
                continue
            with _quiet():
                cons_s[cons.name] = np.nanmean(s100[:, :, idx], axis=2)
                cons_net[cons.name] = np.nanmean(net[:, :, idx], axis=2)
            arrays[(pop, cons.name)] = cons_s[cons.name]
        if pop == "customer" and cx_dims:
            dims = np.stack([cons_s[c] for c in cx_dims], axis=2)
            arrays[(pop, "cx_classic_net")] = np.mean(
                np.stack([cons_net[c] for c in cx_dims], axis=2), axis=2)
            arrays[(pop, "cx")] = (arrays[(pop, "cx_classic_net")] if cx_method == "classic_net"
                                   else np.einsum("rgq,rq->rg", dims, w_cx))
        if pop == "customer" and loyalty:  # the composite: mean of all loyalty items
            idx = [j[c] for name in loyalty for c in study.items_of(name) if c in j]
            with _quiet():
                arrays[(pop, "loyalty")] = np.nanmean(s100[:, :, idx], axis=2)
        if pillars and all(p in cons_s for p in pillars):
            bx = np.einsum("rgq,rq->rg", np.stack([cons_s[p] for p in pillars], 2), w_bx)
            arrays[(pop, "bx_customers" if pop == "customer" else "bx_non_customers")] = bx
    _combine(arrays, study)
    return _Boot(arrays, n, n_eff, weights)


def _complete_n(responses: Responses, study: Study, dims: list[str], loyalty: list[str]) -> int:
    d = responses.data.loc[responses.data["population"] == "customer"]
    answered = pd.DataFrame({n: d[study.items_of(n)].notna().any(axis=1) for n in dims + loyalty})
    return int(answered.all(axis=1).sum())


def _combine(arrays: dict[tuple[str, str], np.ndarray], study: Study) -> None:
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


def _weights_frame(names: list[str], reps: np.ndarray, confidence: float,
                   method: str) -> pd.DataFrame:
    lo, hi = percentile_interval(reps[1:], confidence) if len(reps) > 1 else (
        np.full(len(names), np.nan),) * 2
    return pd.DataFrame({"dimension": names, "weight": reps[0], "ci_low": lo, "ci_high": hi,
                         "method": method})


# ---------------------------------------------------------------------- assembling tables
def _measure_meta(study: Study) -> dict[str, tuple[str, str]]:
    """measure -> (label, level)."""
    meta = {m: (MEASURE_LABELS[m], "index") for m in INDEX_MEASURES}
    meta.update({"cx_classic_net": (MEASURE_LABELS["cx_classic_net"], "comparator"),
                 "bx_gap": (MEASURE_LABELS["bx_gap"], "gap"),
                 "loyalty": (MEASURE_LABELS["loyalty"], "outcome")})
    for cons in study.constructs.values():
        level = {"cx_quality": "dimension", "bx_pillar": "pillar", "loyalty": "outcome",
                 "preference": "outcome"}.get(cons.role or "", "construct")
        meta[cons.name] = (cons.title, level)
    return meta


def _cell_base(boot: _Boot, pop: str, study: Study) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if pop == "all":
        n = boot.n["customer"] + boot.n["non_customer"]
        n_eff = boot.n_eff["customer"] + boot.n_eff["non_customer"]
        flag = worst_flag(_flags(boot.n_eff["customer"], study),
                          _flags(boot.n_eff["non_customer"], study))
        return n, n_eff, flag
    return boot.n[pop], boot.n_eff[pop], _flags(boot.n_eff[pop], study)


def _score_table(boot: _Boot, cells: _Cells, study: Study) -> pd.DataFrame:
    meta = _measure_meta(study)
    conf = study.report.confidence
    frames = []
    order = list(INDEX_MEASURES) + ["bx_gap", "cx_classic_net", "loyalty"] + list(
        study.constructs)
    keys = sorted(boot.arrays, key=lambda k: (order.index(k[1]) if k[1] in order else 99,
                                              k[0]))
    for pop, measure in keys:
        reps = boot.arrays[(pop, measure)]
        n, n_eff, flag = _cell_base(boot, pop, study)
        lo, hi = percentile_interval(reps[1:], conf) if len(reps) > 1 else (
            np.full(reps.shape[1], np.nan),) * 2
        label, level = meta.get(measure, (measure, "construct"))
        f = cells.keys.copy()
        f.insert(0, "measure", measure)
        f.insert(1, "population", pop)
        f = f.assign(label=label, level=level, value=reps[0], ci_low=lo, ci_high=hi,
                     se=np.nanstd(reps[1:], axis=0, ddof=1) if len(reps) > 2 else np.nan,
                     n=n.astype(int), n_eff=n_eff, flag=flag)
        frames.append(f)
    scores = pd.concat(frames, ignore_index=True)
    scores["band"] = ""
    with np.errstate(invalid="ignore", divide="ignore"):
        scores["deff"] = scores["n"] / scores["n_eff"]
    banded = scores["level"].isin(["index", "dimension", "pillar"]) & ~(
        (scores["measure"] == "cx") & (study.index.cx_method == "classic_net"))
    scores.loc[banded, "band"] = scores.loc[banded, "value"].map(
        lambda v: _band(v, study))
    hide = scores["flag"] == "suppressed"
    scores.loc[hide, ["value", "ci_low", "ci_high", "se"]] = np.nan
    scores.loc[hide, "band"] = ""
    return scores


def _band(value: float, study: Study) -> str:
    if not np.isfinite(value):
        return ""
    # composites such as (50 + 50 + 50) / 3 land a rounding error below the threshold
    return next(name for name, lo in study.index.bands if value >= lo - 1e-9)


def _peer_mask(boot: _Boot, pop: str, cells: _Cells, study: Study) -> np.ndarray:
    n_eff = (np.minimum(boot.n_eff["customer"], boot.n_eff["non_customer"]) if pop == "all"
             else boot.n_eff[pop])
    brand_cell = np.arange(len(cells.keys)) < cells.n_brand_cells
    shown = _cell_base(boot, pop, study)[2] != "suppressed"  # never a hidden number
    return brand_cell & shown & (n_eff >= study.report.peer_min_base)


def _groups(cells: _Cells, by: Sequence[str]) -> dict[tuple, np.ndarray]:
    """Brand cells grouped by wave and segments."""
    brand_keys = cells.keys.iloc[:cells.n_brand_cells]
    keys = ["wave", *by]
    groups = brand_keys.groupby(keys if by else "wave", sort=False).groups
    return {k: v.to_numpy() for k, v in groups.items()} if len(brand_keys) else {}


def _changes(boot: _Boot, cells: _Cells, study: Study, by: Sequence[str]) -> pd.DataFrame:
    """Wave over wave per brand (and total) and brand vs peer average, per measure."""
    conf = study.report.confidence
    keys = cells.keys
    rows = []
    waves = study.waves
    index_of = {tuple(r): i for i, r in enumerate(keys.itertuples(index=False))}
    for (pop, measure), reps in boot.arrays.items():
        _, _, flag = _cell_base(boot, pop, study)
        # wave over wave
        for i, row in enumerate(keys.itertuples(index=False)):
            w = waves.index(row.wave)
            if w == 0:
                continue
            prev = index_of.get((waves[w - 1], *tuple(row)[1:]))
            if prev is None:
                continue
            rows.append(_diff_row("wave", measure, pop, keys.iloc[i], waves[w - 1],
                                  reps[:, i] - reps[:, prev], flag[i], flag[prev], conf))
        # vs peer average
        peers = _peer_mask(boot, pop, cells, study)
        for _, members in _groups(cells, by).items():
            in_peer = members[peers[members]]
            if len(in_peer) < 2:
                continue
            avg = reps[:, in_peer].mean(axis=1)
            for i in members:
                rows.append(_diff_row("peer", measure, pop, keys.iloc[i], "peer average",
                                      reps[:, i] - avg, flag[i], "", conf))
    return pd.DataFrame(rows)


CHANGE_COLUMNS = ["comparison", "measure", "population", "wave", "brand", "versus",
                  "difference", "ci_low", "ci_high", "p_value", "p_adjusted", "significant",
                  "flag"]


def _adjust(changes: pd.DataFrame, study: Study) -> pd.DataFrame:
    """``p_adjusted`` (Benjamini-Hochberg within each table when asked) and ``significant``.

    A table is one comparison x measure x population (e.g. TX change vs the previous wave
    across every brand and wave): the cells a reader scans together.
    """
    if changes.empty:  # one wave, one brand: no comparison, but the same columns
        by = [c for c in changes.columns if c not in CHANGE_COLUMNS]
        return pd.DataFrame(columns=[*CHANGE_COLUMNS[:5], *by, *CHANGE_COLUMNS[5:]])
    changes = changes.reset_index(drop=True)
    changes["p_adjusted"] = changes["p_value"].astype(float)
    if study.report.multiple_testing == "bh":
        for _, idx in changes.groupby(["comparison", "measure", "population"],
                                      sort=False).groups.items():
            changes.loc[idx, "p_adjusted"] = benjamini_hochberg(
                changes.loc[idx, "p_value"].to_numpy(float))
    p = changes["p_adjusted"]
    changes["significant"] = (np.isfinite(p) & (p < 1 - study.report.confidence)).astype(bool)
    order = ["comparison", "measure", "population", "wave", "brand", *[
        c for c in changes.columns if c not in {
            "comparison", "measure", "population", "wave", "brand", "versus", "difference",
            "ci_low", "ci_high", "p_value", "p_adjusted", "significant", "flag"}],
        "versus", "difference", "ci_low", "ci_high", "p_value", "p_adjusted", "significant",
        "flag"]
    return changes[order]


def _diff_row(kind, measure, pop, key, versus, diff, flag_a, flag_b, conf) -> dict:
    row = {"comparison": kind, "measure": measure, "population": pop, **key.to_dict(),
           "versus": versus}
    if "suppressed" in (flag_a, flag_b) or not np.isfinite(diff[0]):
        return {**row, "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "p_value": np.nan, "significant": False, "flag": "suppressed"}
    reps = diff[1:]
    se = np.nanstd(reps, ddof=1) if len(reps) > 2 else np.nan
    lo, hi = percentile_interval(reps[:, None], conf) if len(reps) > 1 else (np.nan, np.nan)
    # a standard error at rounding-noise level (identical replicates) gives no test
    p = float(normal_p(diff[0] / se)) if np.isfinite(se) and se > 1e-9 else np.nan
    return {**row, "difference": diff[0], "ci_low": float(np.ravel(lo)[0]),
            "ci_high": float(np.ravel(hi)[0]), "p_value": p,
            "significant": bool(np.isfinite(p) and p < 1 - conf),
            "flag": worst_flag(np.array([flag_a]), np.array([flag_b]))[0]}


def _growth_grid(scores: pd.DataFrame, boot: _Boot, cells: _Cells, study: Study,
                 by: Sequence[str]) -> pd.DataFrame:
    need = {("customer", "customer_score"), ("non_customer", "non_customer_score")}
    if not need <= set(boot.arrays):
        return pd.DataFrame()
    c = boot.arrays[("customer", "customer_score")][0]
    nn = boot.arrays[("non_customer", "non_customer_score")][0]
    flag = _cell_base(boot, "all", study)[2]
    peers = _peer_mask(boot, "all", cells, study)
    rows = []
    for _, members in _groups(cells, by).items():
        in_peer = members[peers[members]]
        # a peer average needs at least two brands (one brand would be its own benchmark)
        peer_c = c[in_peer].mean() if len(in_peer) >= 2 else np.nan
        peer_n = nn[in_peer].mean() if len(in_peer) >= 2 else np.nan
        for i in members:
            hidden = flag[i] == "suppressed"
            quadrant = "" if hidden or not np.isfinite(peer_c) else (
                ("Leading" if nn[i] >= peer_n else "Plateauing") if c[i] >= peer_c else
                ("Churning" if nn[i] >= peer_n else "Lagging"))
            rows.append({**cells.keys.iloc[i].to_dict(),
                         "non_customer_score": np.nan if hidden else nn[i],
                         "customer_score": np.nan if hidden else c[i],
                         "peer_non_customer": peer_n, "peer_customer": peer_c,
                         "quadrant": quadrant, "in_peer_average": bool(peers[i]),
                         "flag": flag[i]})
    return pd.DataFrame(rows)


def score(responses: Responses, *, by: Sequence[str] = (),
          progress: Callable[[str], None] | None = None) -> Result:
    """Score a study: items, constructs, CX, BX, TX, intervals, changes and reliability.

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    by : sequence of str
        Segment columns to cut every score by (in addition to wave and brand).
    progress : callable, optional
        Called with a short message at each stage.

    Returns
    -------
    Result

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> result = tx.score(responses)
    >>> sorted(result.scores["measure"].unique())[:3]
    ['advocacy', 'bx_customers', 'bx_gap']
    """
    from txscore.driver_analysis import standard_drivers
    from txscore.reliability_table import reliability_tables
    from txscore.result import Result

    study = responses.study
    by = list(by)
    missing = [b for b in by if b not in responses.data.columns]
    if missing:
        from txscore.errors import StudySpecError

        raise StudySpecError(f"Cannot cut by {missing}: not segment columns. Segments: "
                             f"{list(study.columns.segments)}.")
    say = progress or (lambda _msg: None)
    cells = _cells(responses.data, study, by)
    say("item statistics")
    items, dists = item_statistics(responses, by=by, cells=cells)
    say(f"bootstrap ({study.report.bootstrap} resamples)")
    boot = _bootstrap(responses, cells, study.report.bootstrap, study.report.seed)
    scores = _score_table(boot, cells, study)
    nps = nps_table(responses, cells)
    if not nps.empty:
        with np.errstate(invalid="ignore", divide="ignore"):
            nps["deff"] = nps["n"] / nps["n_eff"]
        scores = pd.concat([scores, nps[scores.columns]], ignore_index=True)
    say("changes and growth grid")
    changes = _changes(boot, cells, study, by)
    nps_changes = _nps_changes(nps, cells, study, by)
    if not nps_changes.empty:
        changes = pd.concat([changes, nps_changes], ignore_index=True)
    changes = _adjust(changes, study)
    grid = _growth_grid(scores, boot, cells, study, by)
    say("reliability")
    rel, rel_items = reliability_tables(responses)
    say("key drivers")
    drivers = standard_drivers(responses)
    return Result(study=study, scores=scores, items=items, distributions=dists, grid=grid,
                  changes=changes, reliability=rel, reliability_items=rel_items,
                  cx_weights=boot.weights["cx"], bx_weights=boot.weights["bx"],
                  exclusions=responses.exclusions, files=responses.files, drivers=drivers,
                  by=tuple(by), meta={"weighting": responses.weighting})
