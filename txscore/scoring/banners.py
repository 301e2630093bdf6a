"""Banner tables: an index or item by segment columns, with significance letters.

Method (docs/methodology.md, "Banner tables"). A table of ``[[tables]]``
(:mod:`txscore.study.banners`) takes the rows of one wave (default the latest) and one
brand (default every brand pooled), and computes each row in every banner column (the
rows whose segment has that value) and in the Total column:

* an item's ``score100``, ``top_box``, ``net`` or ``nps``, and a multi-select option's
  share, are weighted means of a per-row value (``100 [selected]`` for a share);
* a construct (mean of its items' score100), the loyalty composite and the indices CX, BX,
  C, N and TX are *linear combinations of ratio means*, ``V = sum_j c_j R_j`` with ``R_j``
  the weighted mean score100 of item ``j`` over the rows that answered it, exactly as the
  Scores table computes them (CX and preference-weighted BX with the study's fitted
  weights, held fixed). Their linearised value (influence) of row ``i`` is
  ``z_i = sum_j c_j w_i a_ij (s_ij - R_j) / X_j`` (``a_ij`` answered, ``X_j = sum w a_j``),
  so the pseudo-value ``y_i = V + z_i W / w_i`` (``W`` the weight of the column's rows)
  has the weighted mean ``V`` and the same linearisation: every row is then a weighted
  mean, and :func:`txscore.stats.clusters.clustered_mean` gives its variance with the
  respondent as the cluster (``[report] clusters``), its cluster design effect and bases.

Each cell carries ``n`` (rows), ``n_respondents``, ``weighted_base``, ``n_eff`` (Kish
n_eff of the rows divided by the cluster design effect: the independent respondents the
estimate is worth), the base ``flag`` (``stats.inference.base_flag``; TX takes the worse
of its two populations') and suppression (``stats.inference.suppress``).  Within each
banner column set, every pair of columns is tested: shares by the two-proportion z-test
on ``n_eff`` (:func:`txscore.stats.inference.two_proportion_z`), means and indices by the
z-test of two means with their clustered variances
(:func:`txscore.stats.inference.difference_z`; the covariance enters when respondents sit
in both columns). With ``multiple_testing = "bh"`` the p-values of all pairs of a table are
adjusted by Benjamini-Hochberg; a column gets the letter of each column it is significantly
higher than at ``1 - confidence``. Suppressed cells are not tested.
"""

from __future__ import annotations

import string
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from txscore.errors import StudySpecError, did_you_mean
from txscore.responses import Responses
from txscore.scoring.composites import composites
from txscore.scoring.sums import CellSums, resample_sums
from txscore.stats.clusters import clustered_mean
from txscore.stats.inference import (
    base_flag,
    benjamini_hochberg,
    difference_z,
    suppress,
    two_proportion_z,
    worst_flag,
)
from txscore.study import NPS_DETRACTORS, NPS_PROMOTERS, TOTAL, Study, default_boxes
from txscore.study.banners import (
    INDEX_ROWS,
    BannerRow,
    BannerTable,
    check_banner_tables,
    row_population,
)
from txscore.study.collector import Collector

__all__ = ["COLUMNS", "TOTAL_COLUMN", "banner_tables", "column_letter"]

#: the ``banner`` and ``column`` of the Total column
TOTAL_COLUMN = "total"
#: the columns of the tidy table, in order
COLUMNS = ("table", "row", "measure", "option", "statistic", "population", "label", "brand",
           "wave", "banner", "column", "letter", "value", "se", "n", "n_respondents",
           "weighted_base", "n_eff", "deff_cluster", "flag", "test", "higher_than")


@dataclass(frozen=True)
class _Unit:
    """One row of a table: what it measures and how each data row contributes."""

    key: str
    measure: str
    option: str
    statistic: str
    population: str
    label: str
    #: "share" (two-proportion test) or "mean"
    test: str
    #: direct: a per-row value (NaN: not in the base); None for a linear composite
    values: np.ndarray | None
    #: composite: (population, coefficient, item columns) blocks of ``V = sum c B``
    blocks: tuple[tuple[str, float, tuple[str, ...]], ...] = ()


def column_letter(k: int) -> str:
    """The letter of the k-th column (0: A, 25: Z, 26: AA).

    >>> [column_letter(k) for k in (0, 1, 25, 26, 27)]
    ['A', 'B', 'Z', 'AA', 'AB']
    """
    letters = string.ascii_uppercase
    return letters[k] if k < 26 else column_letter(k // 26 - 1) + letters[k % 26]


def banner_tables(responses: Responses, *, tables: Sequence[BannerTable] | None = None,
                  weights: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The banner tables of ``responses.study.tables`` as one tidy table (empty without).

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    tables : sequence of BannerTable, optional
        Tables to compute instead of the study's ``[[tables]]``.
    weights : mapping, optional
        The study's fitted index weights, ``{"cx": result.cx_weights, "bx":
        result.bx_weights}`` (tables with ``dimension`` and ``weight``), when the caller
        has them; otherwise they are fitted here as :func:`txscore.score` fits them.

    Returns
    -------
    DataFrame
        One row per table x row x column (:data:`COLUMNS`): the Total column has
        ``banner == column == "total"`` and no letter; ``higher_than`` holds the letters
        of the columns of the same banner this one is significantly higher than.

    Raises
    ------
    StudySpecError
        A table naming what the spec or the data do not have (segment, row, wave, brand).

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.study.banners import BannerRow, BannerTable
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> t = BannerTable("demo", ("region",), (BannerRow("cx"), BannerRow("ret_1", "top_box")))
    >>> out = banner_tables(responses, tables=[t])
    >>> out[["row", "column", "letter"]].head(3).values.tolist()
    [['cx', 'total', ''], ['cx', 'East', 'A'], ['cx', 'North', 'B']]
    """
    study = responses.study
    tables = study.tables if tables is None else tuple(tables)
    if not tables:
        return pd.DataFrame(columns=list(COLUMNS))
    spec = study.spec_path.name if study.spec_path else "study"
    c = Collector(spec)
    check_banner_tables(c, replace(study, tables=tables))
    data = responses.data
    for t in tables:
        _check_data(c, study, data, t)
    if c.problems:
        raise StudySpecError("Invalid [[tables]]", c.problems)
    weights = _index_weights(responses, tables, weights)
    frames = [_table(study, data, t, weights) for t in tables]
    out = pd.concat(frames, ignore_index=True)
    return suppress(out, keep=("weighted_base",), text=("higher_than",))[list(COLUMNS)]


def _wave(study: Study, data: pd.DataFrame, t: BannerTable) -> str:
    """The table's wave: its own, else the latest wave with scored rows."""
    if t.wave is not None:
        return t.wave
    present = set(data["wave"].astype(str))
    return [w for w in study.waves if w in present][-1]


def _check_data(c: Collector, study: Study, data: pd.DataFrame, t: BannerTable) -> None:
    """The problems only the data show: a brand without rows in the table's wave."""
    if t.brand is None or data.empty:
        return
    wave = _wave(study, data, t)
    brands = sorted(set(data.loc[data["wave"].astype(str) == wave, "brand"].astype(str)))
    if t.brand not in brands:
        c.add(t.where, f"brand '{t.brand}' has no scored rows in wave '{wave}'.", (
            did_you_mean(t.brand, brands) + ' brands: ' + ", ".join(brands)
            + '; or brand = "all" to pool every brand.').strip())


def _index_weights(responses: Responses, tables: Sequence[BannerTable],
                   given: Mapping[str, pd.DataFrame] | None) -> dict[str, dict[str, float]]:
    """The CX and BX weights of the study (the Scores table's, fitted on the whole
    study): ``{"cx": {dimension: weight}, "bx": {pillar: weight}}``; equal weights when
    the method says so or no table needs them."""
    study = responses.study
    cx_dims = [c.name for c in study.constructs_with_role("cx_quality")]
    pillars = [c.name for c in study.constructs_with_role("bx_pillar")]
    out = {"cx": {d: 1 / len(cx_dims) for d in cx_dims},
           "bx": {p: 1 / len(pillars) for p in pillars}}
    fitted = (study.index.cx_method == "loyalty_weighted"
              or study.index.bx_method == "preference_weighted")
    if not fitted or not any(r.name in INDEX_ROWS for t in tables for r in t.rows):
        return out
    if given is None:
        acc = CellSums(study)
        acc.add(responses.data)
        sums = acc.collect()
        with warnings.catch_warnings():  # score() has already said why weights are equal
            warnings.simplefilter("ignore")
            given = composites(sums, resample_sums(sums, 0, study.report.seed)).weights
    for key in ("cx", "bx"):
        frame = given.get(key, pd.DataFrame())
        if len(frame):
            out[key] = dict(zip(frame["dimension"], frame["weight"].astype(float),
                                strict=True))
    return out


# ---------------------------------------------------------------------- rows
def _units(study: Study, data: pd.DataFrame, t: BannerTable,
           weights: dict[str, dict[str, float]]) -> list[_Unit]:
    """The table's rows, each population of an item or construct its own row, each option
    of a multi-select question its own row."""
    lang = study.report.language
    units: list[_Unit] = []
    for row in t.rows:
        label = row.label_in(lang)
        if row.multi:
            units += _multi_units(data, row, label, t.population or "all")
            continue
        if row.name == "nps":  # the NPS of the [index] nps_item, as the Scores table's
            item = study.index.nps_item or ""
            units.append(_Unit("nps", "nps", "", "nps", "customer", label, "mean",
                               _item_values(study, data, item, "nps")))
            continue
        if row.name in INDEX_ROWS:
            units.append(_index_unit(study, row, label, weights))
            continue
        for pop in row_population(study, row):
            if t.population is not None and pop != t.population:
                continue
            if row.name in study.constructs and (row.statistic is None
                                                 or row.name not in study.items):
                blocks = ((pop, 1.0, tuple(study.items_of(row.name))),)
                units.append(_Unit(row.name, row.name, "", "score100", pop, label, "mean",
                                   None, blocks))
            else:
                stat = row.statistic or t.statistic
                key = row.name if stat == "score100" else f"{row.name}:{stat}"
                units.append(_Unit(key, row.name, "", stat, pop, label,
                                   "share" if stat == "top_box" else "mean",
                                   _item_values(study, data, row.name, stat)))
    return units


def _item_values(study: Study, data: pd.DataFrame, item: str, stat: str) -> np.ndarray:
    """Per row: score100, 100 [top box], 100 ([top] - [bottom]) or the NPS classes' net;
    NaN where the item is not answered."""
    scale = study.scales[study.items[item].scale]
    codes = pd.to_numeric(data[item], errors="coerce").to_numpy(float)
    if stat == "score100":
        return 100 * (codes - scale.min) / (scale.max - scale.min)
    if stat == "nps":
        top, bottom = NPS_PROMOTERS, NPS_DETRACTORS
    else:
        default = default_boxes(scale.points, scale.min)
        top, bottom = scale.top_box or default[0], scale.bottom_box or default[1]
    y = 100 * np.isin(codes, top).astype(float)
    if stat in ("net", "nps"):
        y -= 100 * np.isin(codes, bottom)
    return np.where(np.isnan(codes), np.nan, y)


def _multi_units(data: pd.DataFrame, row: BannerRow, label: str,
                 population: str) -> list[_Unit]:
    """One share per option: 100 when selected, 0 when not, NaN when the respondent
    answered none of the question's columns (not in its base, unless ``base = "all"``);
    among the table's population, else every row."""
    texts = {col: data[col].astype("string").str.strip().str.lower() for col in row.columns}
    answered = np.full(len(data), row.base == "all")
    for text in texts.values():
        answered |= (text.notna() & (text != "")).to_numpy(bool)
    units = []
    for col, option in zip(row.columns, row.options, strict=True):
        chosen = texts[col].isin(row.selected).fillna(False).to_numpy(bool)
        values = np.where(answered, 100.0 * chosen, np.nan)
        units.append(_Unit(f"{row.name}:{col}", row.name, option, "share", population,
                           label, "share", values))
    return units


def _index_unit(study: Study, row: BannerRow, label: str,
                weights: dict[str, dict[str, float]]) -> _Unit:
    """An index as blocks ``(population, coefficient, items)``: ``V = sum c mean(R_j)``."""
    measure, pop = INDEX_ROWS[row.name]

    def dims(role: str, population: str, w: dict[str, float], scale: float = 1.0) -> list:
        return [(population, scale * w.get(c.name, 0.0), tuple(study.items_of(c.name)))
                for c in study.constructs_with_role(role)]

    lam, share = study.index.lam, study.index.share_non_customer
    cx = dims("cx_quality", "customer", weights["cx"])
    bxc = dims("bx_pillar", "customer", weights["bx"])
    bxn = dims("bx_pillar", "non_customer", weights["bx"])
    scale_blocks = lambda blocks, k: [(p, k * c, i) for p, c, i in blocks]  # noqa: E731
    c_blocks = scale_blocks(cx, lam) + scale_blocks(bxc, 1 - lam)
    blocks = {"cx": cx, "bx_customers": bxc, "bx_non_customers": bxn,
              "non_customer_score": bxn, "customer_score": c_blocks,
              "tx": scale_blocks(c_blocks, 1 - share) + scale_blocks(bxn, share),
              "loyalty": [("customer", 1.0, tuple(i for c in study.constructs_with_role(
                  "loyalty") for i in study.items_of(c.name)))]}[measure]
    return _Unit(measure, measure, "", "score100", pop, label, "mean", None, tuple(blocks))


# ---------------------------------------------------------------------- values
def _pseudo(unit: _Unit, study: Study, frame: pd.DataFrame, w: np.ndarray, codes: np.ndarray,
            asked: dict[str, set[str]]) -> np.ndarray:
    """The pseudo-values ``y_i = V_g + z_i W_g / w_i`` of a composite in each group ``g``
    (``codes``; -1: in no group), NaN outside the unit's rows; ``V_g`` NaN when a block
    has no answered item in the group."""
    n_groups = int(codes.max()) + 1 if len(codes) and codes.max() >= 0 else 0
    value, z = np.zeros(n_groups), np.zeros(len(frame))
    dead = np.zeros(n_groups, bool)
    pops = frame["population"].astype(str).to_numpy()
    for pop, coef, items in unit.blocks:
        rows = (pops == pop) & (codes >= 0)
        items = [j for j in items if j in asked.get(pop, set())]
        g = codes[rows]
        s = np.column_stack([_item_values(study, frame, j, "score100")[rows] for j in items]) \
            if items else np.zeros((int(rows.sum()), 0))
        a = ~np.isnan(s)
        s = np.where(a, s, 0.0)
        wr = w[rows][:, None] * a
        x = np.array([np.bincount(g, wr[:, j], n_groups) for j in range(len(items))])
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.array([np.bincount(g, wr[:, j] * s[:, j], n_groups)
                          for j in range(len(items))]) / x
            m = (x > 0).sum(axis=0).astype(float)
            dead |= m == 0
            value += coef * np.where(x > 0, r, 0.0).sum(axis=0) / m
            share = np.where(x > 0, coef / (m * x), 0.0)  # (items, groups)
            if len(items):
                z[rows] += (wr * (s - np.where(x > 0, r, 0.0).T[g]) * share.T[g]).sum(axis=1)
    value[dead] = np.nan
    member = np.isin(pops, [b[0] for b in unit.blocks]) & (codes >= 0)
    total_w = np.bincount(codes[member], w[member], n_groups)
    y = np.full(len(frame), np.nan)
    gm = codes[member]
    with np.errstate(invalid="ignore", divide="ignore"):
        y[member] = value[gm] + np.where(w[member] > 0, z[member] * total_w[gm] / w[member], 0)
    return y


def _unit_values(unit: _Unit, study: Study, frame: pd.DataFrame, w: np.ndarray,
                 codes: np.ndarray, asked: dict[str, set[str]],
                 rows: np.ndarray) -> np.ndarray:
    """Per row of ``frame``: the value the unit averages in the groups of ``codes``."""
    if unit.values is None:
        return _pseudo(unit, study, frame, w, codes, asked)
    y = unit.values[rows].copy()
    if unit.population != "all":
        y[frame["population"].astype(str).to_numpy() != unit.population] = np.nan
    y[codes < 0] = np.nan
    return y


def _cells(unit: _Unit, y: np.ndarray, w: np.ndarray, cluster: np.ndarray, codes: np.ndarray,
           pops: np.ndarray, n_groups: int, study: Study) -> dict[str, np.ndarray]:
    """Value, standard error and bases of each group (clustered), with its flag."""
    ok = ~np.isnan(y)
    stats = clustered_mean(y[ok], w[ok], cluster[ok], codes[ok]).reindex(range(n_groups))
    deff = stats["deff_cluster"].where(stats["deff_cluster"] > 0, 1.0).to_numpy(float)
    rep = study.report
    thresholds = {"suppress_below": rep.suppress_below, "low_base_below": rep.low_base_below,
                  "caution_below": rep.caution_below}
    n_eff = stats["n_eff"].to_numpy(float) / deff
    flag = base_flag(n_eff, **thresholds)
    parts = sorted({b[0] for b in unit.blocks})
    if len(parts) > 1:  # TX: each population's base, the worse flag (as the Scores table)
        flags, n_eff = [], np.zeros(n_groups)
        for pop in parts:
            sel = ok & (pops == pop)
            sw = np.bincount(codes[sel], w[sel], n_groups)
            part = np.where(sw > 0, sw**2 / np.maximum(
                np.bincount(codes[sel], w[sel] ** 2, n_groups), 1e-300), 0.0) / deff
            flags.append(base_flag(part, **thresholds))
            n_eff += part
        flag = worst_flag(*flags)
    return {
        "value": stats["mean"].to_numpy(float), "se": np.sqrt(stats["variance"].to_numpy(float)),
        "variance": stats["variance"].to_numpy(float),
        "n": stats["n_rows"].fillna(0).to_numpy(int),
        "n_respondents": stats["n_clusters"].fillna(0).to_numpy(int),
        "weighted_base": stats["sum_w"].fillna(0.0).to_numpy(float), "n_eff": n_eff,
        "deff_cluster": deff, "flag": flag}


def _covariances(y: np.ndarray, w: np.ndarray, cluster: np.ndarray, codes: np.ndarray,
                 cells: pd.DataFrame) -> np.ndarray | None:
    """(G, G) clustered covariances of the group means when respondents sit in several
    groups (``n/(n-1) sum_c zA_c zB_c`` over the clusters of either group, ``z`` the
    linearised totals); None when no respondent does (independent groups)."""
    ok = ~np.isnan(y) & (codes >= 0)
    frame = pd.DataFrame({"c": cluster[ok], "g": codes[ok]})
    if not frame.drop_duplicates()["c"].duplicated().any():
        return None
    mean = cells["value"].to_numpy(float)[codes[ok]]
    frame["z"] = w[ok] * (y[ok] - mean) / cells["weighted_base"].to_numpy(float)[codes[ok]]
    totals = frame.groupby(["c", "g"])["z"].sum().unstack(fill_value=np.nan)
    totals = totals.reindex(columns=range(len(cells)))
    present = totals.notna().to_numpy()
    z = totals.fillna(0.0).to_numpy()
    either = (present[:, :, None] | present[:, None, :]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(either > 1, either / (either - 1.0), np.nan) * (z.T @ z)


def _pairs(unit: _Unit, cells: pd.DataFrame, cov: np.ndarray | None) -> list[tuple]:
    """Every pair of columns: (a, b, p-value, a - b); NaN p when a cell is suppressed."""
    out = []
    v, var, n_eff = (cells[k].to_numpy(float) for k in ("value", "variance", "n_eff"))
    live = (cells["flag"] != "suppressed").to_numpy() & np.isfinite(v)
    for a in range(len(cells)):
        for b in range(a + 1, len(cells)):
            c_ab = 0.0 if cov is None else cov[a, b]
            if not (live[a] and live[b]):
                p = np.nan
            elif unit.test == "share":
                p = float(two_proportion_z(v[a] / 100, v[b] / 100, n_eff[a], n_eff[b],
                                           c_ab / 100**2)[1])
            else:
                p = float(difference_z(v[a] - v[b], var[a], var[b], c_ab)[1])
            out.append((a, b, p, v[a] - v[b]))
    return out


def _groupings(frame: pd.DataFrame, t: BannerTable) -> list[tuple[str, list[str], np.ndarray]]:
    """(banner, its column values, each row's column: -1 for none): the Total first."""
    out = [(TOTAL_COLUMN, [TOTAL_COLUMN], np.zeros(len(frame), int))] if t.total else []
    for b in t.banner:
        text = frame[b].astype("string").str.strip()
        text = text.where(text != "")
        values = sorted(text.dropna().unique().tolist())
        codes = pd.Categorical(text, categories=values).codes.astype(int)
        out.append((b, values, codes))
    return out


def _table(study: Study, data: pd.DataFrame, t: BannerTable,
           weights: dict[str, dict[str, float]]) -> pd.DataFrame:
    """One banner table: its cells, then the letters of its pairs of columns."""
    wave = _wave(study, data, t)
    take = (data["wave"].astype(str) == wave).to_numpy().copy()
    if t.brand is not None:
        take &= (data["brand"].astype(str) == t.brand).to_numpy()
    rows = np.flatnonzero(take)
    frame = data.iloc[rows]
    w = frame["weight"].to_numpy(float) if "weight" in frame else np.ones(len(frame))
    cluster = (frame["respondent_id"].astype(str).to_numpy()
               if study.report.clusters == "respondent" else np.arange(len(frame)))
    pops = frame["population"].astype(str).to_numpy()
    asked = {p: {j for j in study.items if j in data and data.loc[
        data["population"] == p, j].notna().any()} for p in set(data["population"].astype(str))}
    records, pairs = [], []
    for u, unit in enumerate(_units(study, data, t, weights)):
        for banner, values, codes in _groupings(frame, t):
            y = _unit_values(unit, study, frame, w, codes, asked, rows)
            cells = pd.DataFrame({
                **_cells(unit, y, w, cluster, codes, pops, len(values), study),
                "unit": u, "table": t.name, "row": unit.key, "measure": unit.measure,
                "option": unit.option, "statistic": unit.statistic,
                "population": unit.population, "label": unit.label, "brand": t.brand or TOTAL,
                "wave": wave, "banner": banner, "column": values, "test": unit.test,
                "higher_than": "", "letter": [
                    "" if banner == TOTAL_COLUMN else column_letter(k)
                    for k in range(len(values))]})
            if banner != TOTAL_COLUMN:
                cov = _covariances(y, w, cluster, codes, cells)
                pairs += [(len(records), *p) for p in _pairs(unit, cells, cov)]
            records.append(cells)
    return _letters(records, pairs, study)


def _letters(records: list[pd.DataFrame], pairs: list[tuple], study: Study) -> pd.DataFrame:
    """Each column's ``higher_than``: the letters of the columns of its banner it is
    significantly higher than (after Benjamini-Hochberg across the table's pairs)."""
    p = np.array([q[3] for q in pairs], float)
    if study.report.multiple_testing == "bh":
        p = benjamini_hochberg(p)
    alpha = 1 - study.report.confidence
    higher: dict[tuple[int, int], list[int]] = {}
    for (block, a, b, _, diff), q in zip(pairs, p, strict=True):
        if q < alpha:
            win, lose = (a, b) if diff > 0 else (b, a)
            higher.setdefault((block, win), []).append(lose)
    for (block, k), losers in higher.items():
        records[block].loc[k, "higher_than"] = "".join(
            column_letter(j) for j in sorted(losers))
    return pd.concat(records, ignore_index=True)
