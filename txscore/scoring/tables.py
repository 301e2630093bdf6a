"""The scores, changes and growth-grid tables, from the composites' replicate arrays.

Scores: each composite's sample value, its percentile bootstrap interval and standard
error, the cell's bases and ``flag``, and its band.  Changes: wave over wave per brand (and
total) and brand vs the peer average, per measure: each a difference of replicate arrays,
with the percentile interval and a normal p-value from the bootstrap standard error
(Benjamini-Hochberg within each comparison x measure x population table when asked); NPS
changes are independent-sample differences with the analytic standard error.  Growth grid:
customer and non-customer scores against the peer averages (methodology.md, "Growth grid"),
with the share of the bootstrap replicates in each quadrant (:mod:`txscore.scoring.ranks`).
Every table carries the ``flag`` of :func:`txscore.scoring.engine.cell_flags` and
:func:`txscore.stats.inference.suppress` blanks the numbers of the suppressed rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from txscore.scoring.composites import Composites
from txscore.scoring.engine import Cells, cell_flags
from txscore.scoring.ranks import (
    QUADRANT_PROBABILITIES,
    QUADRANTS,
    quadrant_codes,
    quadrant_shares,
)
from txscore.stats.inference import (
    benjamini_hochberg,
    normal_p,
    percentile_interval,
    suppress,
    worst_flag,
    z_value,
)
from txscore.study import Study
from txscore.study.vocabulary import INDEX_MEASURES, MEASURE_LABELS

__all__ = ["CHANGE_COLUMNS", "GRID_NUMBERS", "QUADRANTS", "tables"]

#: The numbers of the growth grid, per brand cell.
GRID_NUMBERS = ("non_customer_score", "customer_score", "peer_non_customer", "peer_customer")

#: The columns of the changes table (segment columns come after ``brand``).
CHANGE_COLUMNS = ["comparison", "measure", "population", "wave", "brand", "versus",
                  "difference", "ci_low", "ci_high", "p_value", "p_adjusted", "significant",
                  "flag"]


def tables(comp: Composites, nps: pd.DataFrame, cells: Cells, study: Study,
           by: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Scores (composites and NPS), changes and the growth grid from the composites.

    Parameters
    ----------
    comp : Composites
        From :func:`txscore.scoring.composites.composites`.
    nps : DataFrame
        From :func:`txscore.scoring.items.nps_from_counts` (may be empty).
    cells : Cells
    study : Study
    by : sequence of str
        The segment columns of the cells.

    Returns
    -------
    scores, changes, grid : DataFrame

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.composites import composites
    >>> from txscore.scoring.items import nps_from_counts
    >>> from txscore.scoring.sums import CellSums, resample_sums
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> acc = CellSums(responses.study)
    >>> acc.add(responses.data)
    >>> sums = acc.collect()
    >>> comp = composites(sums, resample_sums(sums, 50, seed=1))
    >>> scores, changes, grid = tables(comp, nps_from_counts(sums), sums.cells,
    ...                                responses.study, [])
    >>> sorted(grid["quadrant"].unique())
    ['Churning', 'Lagging', 'Leading', 'Plateauing']
    """
    scores = _score_table(comp, cells, study)
    if not nps.empty:
        nps = nps.copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            nps["deff"] = nps["n"] / nps["n_eff"]
        scores = pd.concat([scores, nps[scores.columns]], ignore_index=True)
    changes = _changes(comp, cells, study, by)
    nps_changes = _nps_changes(nps, study, by)
    if not nps_changes.empty:
        changes = pd.concat([changes, nps_changes], ignore_index=True)
    changes = _adjust(suppress(changes, keep=("wave", "brand", *by)), study)
    return scores, changes, _growth_grid(comp, cells, study, by)


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


def _cell_base(comp: Composites, pop: str,
               study: Study) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n, n_eff and flag of each cell for a population ("all": both, the worse flag)."""
    if pop == "all":
        n = comp.n["customer"] + comp.n["non_customer"]
        n_eff = comp.n_eff["customer"] + comp.n_eff["non_customer"]
        flag = worst_flag(cell_flags(comp.n_eff["customer"], study),
                          cell_flags(comp.n_eff["non_customer"], study))
        return n, n_eff, flag
    return comp.n[pop], comp.n_eff[pop], cell_flags(comp.n_eff[pop], study)


def _score_table(comp: Composites, cells: Cells, study: Study) -> pd.DataFrame:
    meta = _measure_meta(study)
    conf = study.report.confidence
    frames = []
    order = list(INDEX_MEASURES) + ["bx_gap", "cx_classic_net", "loyalty"] + list(
        study.constructs)
    keys = sorted(comp.arrays, key=lambda k: (order.index(k[1]) if k[1] in order else 99,
                                              k[0]))
    for pop, measure in keys:
        reps = comp.arrays[(pop, measure)]
        n, n_eff, flag = _cell_base(comp, pop, study)
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
    return suppress(scores, keep=tuple(cells.keys.columns), text=("band",))


def _band(value: float, study: Study) -> str:
    if not np.isfinite(value):
        return ""
    # composites such as (50 + 50 + 50) / 3 land a rounding error below the threshold
    return next(name for name, lo in study.index.bands if value >= lo - 1e-9)


def _peer_mask(comp: Composites, pop: str, cells: Cells, study: Study) -> np.ndarray:
    n_eff = (np.minimum(comp.n_eff["customer"], comp.n_eff["non_customer"]) if pop == "all"
             else comp.n_eff[pop])
    brand_cell = np.arange(len(cells.keys)) < cells.n_brand_cells
    shown = _cell_base(comp, pop, study)[2] != "suppressed"  # never a hidden number
    return brand_cell & shown & (n_eff >= study.report.peer_min_base)


def _groups(cells: Cells, by: Sequence[str]) -> dict[tuple, np.ndarray]:
    """Brand cells grouped by wave and segments."""
    brand_keys = cells.keys.iloc[:cells.n_brand_cells]
    keys = ["wave", *by]
    groups = brand_keys.groupby(keys if by else "wave", sort=False).groups
    return {k: v.to_numpy() for k, v in groups.items()} if len(brand_keys) else {}


def _wave_pairs(cells: Cells, study: Study) -> tuple[np.ndarray, np.ndarray]:
    """(cell, the same cell in the previous wave) pairs."""
    keys, waves = cells.keys, study.waves
    index_of = {tuple(r): i for i, r in enumerate(keys.itertuples(index=False))}
    pairs = []
    for i, row in enumerate(keys.itertuples(index=False)):  # a loop over cells
        w = waves.index(row.wave) if row.wave in waves else 0
        prev = index_of.get((waves[w - 1], *tuple(row)[1:])) if w > 0 else None
        if prev is not None:
            pairs.append((i, prev))
    return (np.array([a for a, _ in pairs], dtype=int),
            np.array([b for _, b in pairs], dtype=int))


def _changes(comp: Composites, cells: Cells, study: Study, by: Sequence[str]) -> pd.DataFrame:
    """Wave over wave per brand (and total) and brand vs peer average, per measure.

    Each comparison is a difference of replicate arrays; the differences of one measure
    are summarised together (:func:`_diff_rows`).
    """
    cur, prev = _wave_pairs(cells, study)
    versus = cells.keys["wave"].to_numpy(object)[prev]
    groups = list(_groups(cells, by).values())
    frames = []
    for (pop, measure), reps in comp.arrays.items():
        _, _, flag = _cell_base(comp, pop, study)
        if len(cur):
            frames.append(_diff_rows("wave", measure, pop, cur, versus,
                                     reps[:, cur] - reps[:, prev], flag[cur], flag[prev],
                                     study))
        peers = _peer_mask(comp, pop, cells, study)
        for members in groups:
            in_peer = members[peers[members]]
            if len(in_peer) < 2:
                continue
            avg = reps[:, in_peer].mean(axis=1, keepdims=True)
            frames.append(_diff_rows("peer", measure, pop, members,
                                     np.full(len(members), "peer average", object),
                                     reps[:, members] - avg, flag[members],
                                     np.full(len(members), "ok", object), study))
    if not frames:
        return pd.DataFrame()
    # one frame from every comparison's columns (not a frame per comparison, then concat)
    joined = {k: np.concatenate([f[k] for f in frames]) for k in frames[0]}
    out = cells.keys.iloc[joined.pop("at")].reset_index(drop=True).infer_objects()
    for i, name in enumerate(("comparison", "measure", "population")):
        out.insert(i, name, joined.pop(name))
    return out.assign(**joined)


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
    segments = [c for c in changes.columns if c not in CHANGE_COLUMNS]
    return changes[[*CHANGE_COLUMNS[:5], *segments, *CHANGE_COLUMNS[5:]]]


def _diff_rows(kind: str, measure: str, pop: str, at: np.ndarray, versus: np.ndarray,
               diff: np.ndarray, flag_a: np.ndarray, flag_b: np.ndarray,
               study: Study) -> dict[str, np.ndarray]:
    """Columns of the changes table for the differences ``diff`` (R, m) at cells ``at``:
    the sample difference, the bootstrap percentile interval, the normal p-value from the
    bootstrap se, the worse flag ("suppressed" where either cell is, or the difference is
    not a number).  ``at`` is returned too (the cells' keys are looked up once for every
    comparison)."""
    conf = study.report.confidence
    reps = diff[1:]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        se = np.nanstd(reps, axis=0, ddof=1) if len(reps) > 2 else np.full(diff.shape[1],
                                                                           np.nan)
        lo, hi = percentile_interval(reps, conf) if len(reps) > 1 else (
            np.full(diff.shape[1], np.nan),) * 2
        # replicates that differ by rounding only (a cell of identical answers): no test
        ok = np.isfinite(se) & (se > 1e-9)
        p = np.where(ok, normal_p(np.where(ok, diff[0] / np.where(ok, se, 1.0), np.nan)),
                     np.nan)
    flag = worst_flag(np.asarray(flag_a, object), np.asarray(flag_b, object))
    hidden = (flag == "suppressed") | ~np.isfinite(diff[0])
    m = len(at)
    return {"at": np.asarray(at, dtype=np.int64),
            "comparison": np.full(m, kind, object), "measure": np.full(m, measure, object),
            "population": np.full(m, pop, object), "versus": np.asarray(versus, object),
            "difference": diff[0], "ci_low": lo, "ci_high": hi, "p_value": p,
            "significant": ~hidden & np.isfinite(p) & (p < 1 - conf),
            "flag": np.where(hidden, "suppressed", flag).astype(object)}


def _nps_changes(nps: pd.DataFrame, study: Study, by: Sequence[str]) -> pd.DataFrame:
    """Wave-over-wave NPS differences: independent samples, analytic SE."""
    if nps.empty:
        return pd.DataFrame()
    conf = study.report.confidence
    z = z_value(conf)
    keys = ["population", "brand", *by]
    frame = nps.assign(_w=nps["wave"].map({w: i for i, w in enumerate(study.waves)}))
    prev = frame.assign(_w=frame["_w"] + 1)
    both = frame.merge(prev, on=[*keys, "_w"], suffixes=("", "_prev"))
    if both.empty:
        return pd.DataFrame()
    diff = both["value"] - both["value_prev"]
    se = np.sqrt(both["se"] ** 2 + both["se_prev"] ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = normal_p(diff / se)
    flag = worst_flag(both["flag"].to_numpy(object), both["flag_prev"].to_numpy(object))
    out = both[["population", "wave", "brand", *by]].assign(
        comparison="wave", measure="nps", versus=both["wave_prev"], difference=diff,
        ci_low=diff - z * se, ci_high=diff + z * se, p_value=p, flag=flag)
    out["significant"] = (flag != "suppressed") & np.isfinite(out["p_value"]) & (
        out["p_value"] < 1 - conf)
    return out


def _growth_grid(comp: Composites, cells: Cells, study: Study,
                 by: Sequence[str]) -> pd.DataFrame:
    need = {("customer", "customer_score"), ("non_customer", "non_customer_score")}
    if not need <= set(comp.arrays):  # not computed (Result.not_computed says why)
        return pd.DataFrame({**{k: pd.Series(dtype=object) for k in ("wave", "brand", *by)},
                             **{k: pd.Series(dtype=float) for k in GRID_NUMBERS},
                             "quadrant": pd.Series(dtype=object),
                             "in_peer_average": pd.Series(dtype=bool),
                             "flag": pd.Series(dtype=object),
                             **{k: pd.Series(dtype=float) for k in QUADRANT_PROBABILITIES}})
    c_reps = comp.arrays[("customer", "customer_score")]
    n_reps = comp.arrays[("non_customer", "non_customer_score")]
    c, nn = c_reps[0], n_reps[0]
    flag = _cell_base(comp, "all", study)[2]
    peers = _peer_mask(comp, "all", cells, study)
    rows = []
    for _, members in _groups(cells, by).items():
        in_peer = members[peers[members]]
        # a peer average needs at least two brands (one brand would be its own benchmark)
        peer_c = c[in_peer].mean() if len(in_peer) >= 2 else np.nan
        peer_n = nn[in_peer].mean() if len(in_peer) >= 2 else np.nan
        codes = quadrant_codes(c[members], nn[members], peer_c, peer_n)
        # the same rule on every replicate: the share of replicates in each quadrant
        shares = quadrant_shares(c_reps[:, members], n_reps[:, members],
                                 np.flatnonzero(peers[members]))
        for k, i in enumerate(members):  # a loop over brand cells
            rows.append({**cells.keys.iloc[i].to_dict(), "non_customer_score": nn[i],
                         "customer_score": c[i], "peer_non_customer": peer_n,
                         "peer_customer": peer_c,
                         "quadrant": QUADRANTS[codes[k]] if codes[k] >= 0 else "",
                         "in_peer_average": bool(peers[i]), "flag": flag[i],
                         **dict(zip(QUADRANT_PROBABILITIES, shares[k], strict=True))})
    return suppress(pd.DataFrame(rows), text=("quadrant",),
                    keep=("wave", "brand", *by, "peer_non_customer", "peer_customer"))
