"""Chunked scoring: a tracker too large for memory, scored from per-chunk sufficient statistics.

:func:`score_chunks` reads the respondents one chunk at a time (e.g. record batches of a
partitioned parquet dataset through :func:`iter_parquet`) and keeps, per population and
brand x wave cell, only what the statistics need (architecture.md, "Statistics from
sufficient statistics"):

- per item and answer code: respondents, sum of weights and of squared weights (items,
  distributions, NPS);
- the sums and cross-products of the per-respondent composite features of
  :mod:`txscore.scoring` (every composite, and the normal-sum bootstrap of
  :func:`txscore.stats.inference.normal_resample_sums`);
- per reliability unit and population: complete cases, sum of weights, of squared weights,
  of the items and of their cross-products (alpha, omega, item-rest r).

Memory is bounded by one chunk plus O(cells x F^2) numbers, whatever the number of
respondents.  The tables are then derived by the same functions as :func:`txscore.score`,
so the numbers agree with the in-memory path to rounding when it uses the normal-sum
bootstrap in every cell too (``[report] bootstrap_exact_max = 0``): chunks hold no
respondent-level rows, so exact multinomial resampling is not available here.

Key-driver analyses are not computed here (``Result.drivers`` is empty, with a warning).
They could be: their point estimates are functions of covariance matrices, and their
bootstrap draws the resample sums of brand cells above ``bootstrap_exact_max`` from the
cells' moment sums (:mod:`txscore.scoring.drivers`), so per-chunk sums of
:func:`txscore.stats.drivers.moment_features` per population, wave and brand would do;
this is not built yet.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, StudySpecError, TxscoreWarning
from txscore.responses import Responses
from txscore.result import Result
from txscore.scoring.engine import (
    POPULATIONS,
    _Boot,
    _cell_features,
    _cell_order,
    _Cells,
    _cells_from_keys,
    _codes,
    _complete_count,
    _composites,
    _distinct_keys,
    _item_counts,
    _items_from_counts,
    _Layout,
    _layout,
    _nps_from_counts,
    _pop_rows,
    _PopSums,
    _tables,
)
from txscore.scoring.reliability import reliability_units, suppress_small
from txscore.stats.inference import normal_resample_sums
from txscore.stats.reliability import (
    _FIELDS,
    MIN_CASES,
    _alpha,
    _fill_alpha,
    _item_flags,
    _item_rest,
)
from txscore.study import Study

__all__ = ["iter_parquet", "reliability_from_sums", "score_chunks"]

Chunk = Responses | pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]


def iter_parquet(path: str | Path, columns: Sequence[str] | None = None, *,
                 batch_size: int = 250_000) -> Iterator[pd.DataFrame]:
    """Record batches of a parquet file or a (hive-)partitioned parquet dataset as DataFrames.

    The data are expected in the layout of :attr:`Responses.data` (e.g. written with
    ``responses.data.to_parquet(folder, partition_cols=["population", "wave"])``); partition
    keys such as ``population=customer/wave=2026 Q1`` come back as columns.

    Parameters
    ----------
    path : str or Path
        A ``.parquet`` file or a folder of them.
    columns : sequence of str, optional
        Columns to read (default all): standard columns, segments and items suffice.
    batch_size : int
        Maximum rows per chunk.

    Yields
    ------
    DataFrame
        At most ``batch_size`` rows each.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> folder = tempfile.mkdtemp()
    >>> responses.data.to_parquet(folder, partition_cols=["population", "wave"])
    >>> sum(len(chunk) for chunk in iter_parquet(folder, batch_size=1000)) == responses.n
    True
    """
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(path), format="parquet", partitioning="hive")
    # no read-ahead: pyarrow's default buffers 16 batches, i.e. far more than one chunk
    for batch in dataset.to_batches(columns=list(columns) if columns else None,
                                    batch_size=batch_size, batch_readahead=0,
                                    fragment_readahead=0):
        if batch.num_rows:
            yield batch.to_pandas()


@dataclass
class _PopStats:
    """One population's running sums; the cell axis grows as new cells appear."""

    layout: _Layout
    base: np.ndarray  # (G, 3) respondents, sum w, sum w^2
    counts: np.ndarray  # (G, I, K + 1, 3) per item and code: respondents, sum w, sum w^2
    s1: np.ndarray  # (G, F) feature sums
    s2: np.ndarray  # (G, F, F) feature cross-products
    complete_n: int = 0

    def grow(self, n_cells: int) -> None:
        extra = n_cells - len(self.base)
        if extra > 0:
            for name in ("base", "counts", "s1", "s2"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate(
                    [arr, np.zeros((extra, *arr.shape[1:]))]))


class _Statistics:
    """Sufficient statistics of a study's respondents, accumulated chunk by chunk."""

    def __init__(self, study: Study, by: Sequence[str]) -> None:
        self.study = study
        self.keys = ["wave", "brand", *by]
        self.cell_index: dict[tuple, int] = {}
        self.cell_rows: list[tuple] = []
        self.pops: dict[str, _PopStats] = {}
        units = reliability_units(Responses(study, pd.DataFrame(), pd.DataFrame(),
                                            pd.DataFrame()))
        self.units = units
        self.moments: dict[tuple[str, str], list] = {}
        self.present: set[str] = set()
        self.rows = 0

    def _cell_of(self, data: pd.DataFrame) -> np.ndarray:
        """Each row's cell in the running cell list (new cells appended)."""
        uniq, inverse = _distinct_keys(data, self.keys)
        local = np.empty(len(uniq), np.intp)
        for i, row in enumerate(uniq.astype(object).itertuples(index=False, name=None)):
            key = tuple(None if pd.isna(v) else v for v in row)  # NaN != NaN as a dict key
            if key not in self.cell_index:
                self.cell_index[key] = len(self.cell_rows)
                self.cell_rows.append(row)
            local[i] = self.cell_index[key]
        return local[inverse]

    def add(self, data: pd.DataFrame) -> None:
        self.rows += len(data)
        row_cell = self._cell_of(data)
        n_cells = len(self.cell_rows)
        w_all = data["weight"].to_numpy(dtype=float, na_value=np.nan)
        for pop in POPULATIONS:
            rows = _pop_rows(data, row_cell, pop)
            if not len(rows):
                continue
            if pop not in self.pops:
                lay = _layout(self.study, pop)
                k1, width = lay.kmax + 1, lay.width
                self.pops[pop] = _PopStats(lay, np.zeros((0, 3)), np.zeros(
                    (0, len(lay.items), k1, 3)), np.zeros((0, width)),
                    np.zeros((0, width, width)))
            st = self.pops[pop]
            st.grow(n_cells)
            lay = st.layout
            x, w, g = _codes(data, lay, rows), w_all[rows], row_cell[rows]
            st.counts += np.moveaxis(_item_counts(x, w, g, n_cells, lay), 0, 1)
            bounds = np.searchsorted(g, np.arange(n_cells + 1))
            for cell, block, wg in _cell_features(x, w, bounds, lay):
                st.base[cell] += len(wg), wg.sum(), wg @ wg
                st.s1[cell] += block.sum(axis=0)
                st.s2[cell] += block.T @ block
            st.complete_n += _complete_count(x, lay)
            self.present.add(pop)
            self._add_moments(data, rows, w, pop)

    def add_moments(self, data: pd.DataFrame) -> None:
        """Only the reliability sums (no cells): for :func:`reliability_from_sums`."""
        w_all = data["weight"].to_numpy(dtype=float, na_value=np.nan)
        for pop in POPULATIONS:
            rows = np.flatnonzero((data["population"] == pop).to_numpy(dtype=bool,
                                                                      na_value=False))
            if len(rows):
                self.present.add(pop)
                self._add_moments(data, rows, w_all[rows], pop)

    def _add_moments(self, data: pd.DataFrame, rows: np.ndarray, w: np.ndarray,
                     pop: str) -> None:
        """Complete-case sums per reliability unit, items shifted to their scale midpoint
        (sums of small numbers lose no precision in the cross-products)."""
        values: dict[str, np.ndarray] = {}  # each column converted once per population
        for name, (_, cols, pops) in self.units.items():
            if pop not in pops:
                continue
            for c in cols:
                if c not in values:
                    values[c] = data[c].to_numpy(dtype=float, na_value=np.nan)[rows]
            x = np.column_stack([values[c] for c in cols]) - self._shift(cols)
            keep = ~np.isnan(x).any(axis=1)
            xc, wc = np.where(keep[:, None], x, 0.0), np.where(keep, w, 0.0)  # no row copies
            acc = self.moments.setdefault((name, pop), [0, 0.0, 0.0, 0.0, 0.0])
            acc[0] += int(keep.sum())
            acc[1] += wc.sum()
            acc[2] += wc @ wc
            acc[3] = acc[3] + wc @ xc
            acc[4] = acc[4] + (xc * wc[:, None]).T @ xc

    def _shift(self, cols: Sequence[str]) -> np.ndarray:
        scales = [self.study.scales[self.study.items[c].scale] for c in cols]
        return np.array([(s.min + s.max) / 2 for s in scales], dtype=float)


def _cell_sort(stats: _Statistics, by: Sequence[str]) -> tuple[_Cells, np.ndarray]:
    """The cells in report order and, for each, its position in the running cell list."""
    uniq = pd.DataFrame(stats.cell_rows, columns=stats.keys)
    order = _cell_order(uniq.astype(object), stats.study)
    return _cells_from_keys(uniq, stats.study, by), order


def _composite_sums(stats: _Statistics, order: np.ndarray, n_boot: int,
                    seed: int) -> dict[str, _PopSums]:
    """Replicate sums of every population and cell by the normal-sum bootstrap, drawn in the
    order of the in-memory path (population, then cell)."""
    rng = np.random.default_rng(seed)
    out = {}
    for pop in POPULATIONS:
        if pop not in stats.pops:
            continue
        st = stats.pops[pop]
        base, s1, s2 = st.base[order], st.s1[order], st.s2[order]
        reps = np.zeros((1 + n_boot, len(order), st.layout.width))
        reps[0] = s1
        for g in range(len(order)):
            if n_boot and base[g, 0] > 0:
                reps[1:, g] = normal_resample_sums(s1[g], s2[g], base[g, 0], n_boot, rng)
        out[pop] = _PopSums(st.layout, base, reps, st.complete_n)
    return out


# ---------------------------------------------------------------------- reliability from sums
def _moments(n: int, sw: float, sw2: float, sx: np.ndarray, sxx: np.ndarray,
             shift: np.ndarray, names: list[str]) -> dict:
    """Weighted complete-case moments as :func:`txscore.stats.reliability._moments` gives
    them (listwise): weights rescaled to sum n, covariance with the n - 1 denominator."""
    k = len(names)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.full(k, np.nan) if n == 0 else sx / sw
        cov = np.zeros((k, k)) / (n - 1) if n == 0 else (
            (sxx - np.outer(sx, sx) / sw) * (n / sw) / (n - 1))
        d = np.diag(cov).copy()
        corr = cov / np.sqrt(np.outer(d, d))
        n_eff = sw**2 / sw2
    np.fill_diagonal(corr, 1.0)
    if (d[np.isfinite(d)] <= 0).any():
        flat = [c for c, v in zip(names, d, strict=True) if v <= 0]
        warnings.warn(f"Items without variance among the respondents used: {flat}.",
                      TxscoreWarning, stacklevel=3)
    return {"mean": mean + shift, "sd": np.sqrt(d), "cov": cov, "corr": corr, "n": n,
            "n_eff": float(n_eff) if np.isfinite(n_eff) else np.inf}


def _alpha_row(m: dict, names: list[str], confidence: float) -> pd.Series:
    """The fields of :func:`txscore.stats.reliability.cronbach_alpha` (default thresholds)."""
    k = len(names)
    out = pd.Series(np.nan, index=_FIELDS, dtype=object)
    out[["n_items", "n_complete"]] = [k, m["n"]]
    if m["n"] < MIN_CASES:
        out["verdict"] = "too few cases"
        return out
    return _fill_alpha(out, names, m["cov"], m["corr"], m["n_eff"], confidence)


def _item_rows(m: dict, names: list[str]) -> pd.DataFrame:
    """The table of :func:`txscore.stats.reliability.item_statistics` (default thresholds)."""
    if m["n"] < MIN_CASES:
        r_drop = a_drop = np.full(len(names), np.nan)
        flags = ["too few cases"] * len(names)
    else:
        r_drop, a_drop = _item_rest(m["cov"])
        flags = _item_flags(r_drop, a_drop, _alpha(m["cov"]), 0.30, 0.02)
    return pd.DataFrame({"item": names, "n": np.full(len(names), m["n"]), "mean": m["mean"],
                         "sd": m["sd"], "item_rest_r": r_drop, "alpha_if_deleted": a_drop,
                         "flags": flags})


def _reliability(stats: _Statistics) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables of :func:`txscore.scoring.reliability.reliability_tables`, from sums."""
    confidence = stats.study.report.confidence
    suppress_below = stats.study.report.suppress_below
    present = [p for p in POPULATIONS if p in stats.present]
    rows, item_rows = [], []
    for name, (label, cols, pops) in stats.units.items():
        groups = [p for p in pops if p in present]
        if len(groups) > 1:
            groups.append("all")
        for pop in groups:
            parts = [stats.moments[(name, p)] for p in (groups[:-1] if pop == "all" else [pop])]
            n, sw, sw2, sx, sxx = (sum(a[i] for a in parts) for i in range(5))
            k = len(cols)
            m = _moments(n, sw, sw2, np.broadcast_to(sx, (k,)).astype(float),
                         np.broadcast_to(sxx, (k, k)).astype(float), stats._shift(cols),
                         list(cols))
            alpha, its = _alpha_row(m, list(cols), confidence), _item_rows(m, list(cols))
            n_eff = float(sw**2 / sw2) if n else 0.0
            suppress_small(alpha, its, n_eff, suppress_below)  # as reliability_tables
            rows.append({"construct": name, "label": label, "population": pop,
                         **alpha.to_dict(), "n_eff": n_eff})
            its.insert(0, "population", pop)
            its.insert(0, "construct", name)
            item_rows.append(its)
    return pd.DataFrame(rows), pd.concat(item_rows, ignore_index=True) if item_rows else (
        pd.DataFrame())


def reliability_from_sums(responses: Responses) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reliability tables of a study from one pass of complete-case sums.

    The same tables as :func:`txscore.scoring.reliability.reliability_tables` (to rounding;
    tested in ``tests/test_chunked.py``), from per unit and population sums of weights,
    items and cross-products instead of a copy of the respondents per unit: about 10x
    faster on a million respondents.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.reliability import reliability_tables
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> rel, items = reliability_from_sums(responses)
    >>> reference, _ = reliability_tables(responses)
    >>> bool(np.allclose(rel["alpha"].astype(float), reference["alpha"].astype(float)))
    True
    """
    stats = _Statistics(responses.study, [])
    stats.add_moments(responses.data)
    return _reliability(stats)


# ---------------------------------------------------------------------- the entry point
def _split(chunk: Chunk, i: int) -> tuple[pd.DataFrame, pd.DataFrame | None,
                                          pd.DataFrame | None]:
    if isinstance(chunk, Responses):
        return chunk.data, chunk.exclusions, chunk.files
    if isinstance(chunk, tuple) and len(chunk) == 2 and all(
            isinstance(c, pd.DataFrame) for c in chunk):
        return chunk[0], chunk[1], None
    if isinstance(chunk, pd.DataFrame):
        return chunk, None, None
    raise InputDataError(f"Chunk {i + 1} is a {type(chunk).__name__}.", [Problem(
        f"cannot score a {type(chunk).__name__}.", f"chunk {i + 1}",
        "give Responses, DataFrames in the layout of Responses.data, or (data, exclusions) "
        "pairs of DataFrames.")])


def _files_table(files: list[pd.DataFrame], counts: dict[tuple, int],
                 ledgers: pd.DataFrame) -> pd.DataFrame:
    """Per-file reconciliation over all chunks (a file split over chunks is summed)."""
    if files:
        table = pd.concat(files, ignore_index=True)
        keys = [c for c in ("source_file", "source_sheet") if c in table]
        numeric = [c for c in table.select_dtypes("number").columns if c not in keys]
        other = [c for c in table.columns if c not in keys + numeric + ["reconciles"]]
        agg = {**{c: "sum" for c in numeric}, **{c: "first" for c in other}}
        table = table.groupby(keys, sort=False, as_index=False).agg(agg)
        if {"rows_in", "scored", "excluded"} <= set(table):
            table["reconciles"] = table["rows_in"] == table["scored"] + table["excluded"]
        return table
    rows = []
    excluded = ledgers.groupby("source_file").size() if len(ledgers) else pd.Series(dtype=int)
    for (file, pop, wave), n in counts.items():
        rows.append({"source_file": file, "population": pop, "wave": wave, "scored": n})
    table = pd.DataFrame(rows, columns=["source_file", "population", "wave", "scored"])
    table = table.groupby("source_file", sort=False, as_index=False).agg(
        population=("population", "first"), wave=("wave", "first"), scored=("scored", "sum"))
    table["excluded"] = table["source_file"].map(excluded).fillna(0).astype(int)
    table["rows_in"] = table["scored"] + table["excluded"]
    table["reconciles"] = True
    return table


def score_chunks(study: Study, chunks: Iterable[Chunk], *, by: Sequence[str] = (),
                 progress: Callable[[str], None] | None = None) -> Result:
    """Score a study chunk by chunk, from per-chunk sufficient statistics.

    Parameters
    ----------
    study : Study
        The spec (its ``[report]`` settings: confidence, bootstrap, seed, base thresholds).
    chunks : iterable
        Each a :class:`Responses` (its rows, ledger and file table), a DataFrame in the
        :attr:`Responses.data` layout (e.g. from :func:`iter_parquet`), or a pair
        ``(data, exclusions ledger)``.  A respondent must be in one chunk only: checks
        across rows (duplicate ids) belong to ingest.
    by : sequence of str
        Segment columns to cut every score by.
    progress : callable, optional
        Called with a short message after each chunk.

    Returns
    -------
    Result
        The tables of :func:`txscore.score` except ``drivers`` (empty): scores, items,
        distributions, growth grid, changes, reliability, CX and BX weights, the exclusions
        ledger and the file table.  Composite intervals come from the normal-sum bootstrap
        in every cell; with ``bootstrap_exact_max = 0`` :func:`txscore.score` gives the same
        numbers to rounding.

    Raises
    ------
    InputDataError
        A chunk lacks a needed column (every missing column listed), or no chunk has rows.
    StudySpecError
        A ``by`` column that is not a segment.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.chunked import score_chunks
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> data = tx.load(study).data
    >>> result = score_chunks(study, [data.iloc[:5000], data.iloc[5000:]])
    >>> tx_all = result.scores.query("measure == 'tx' and brand == 'All brands'")
    >>> tx_all[["wave", "value", "ci_low", "ci_high"]].round(1)  # as tx.score gives them
           wave  value  ci_low  ci_high
    12  2026 Q1   61.6    61.2     62.0
    13  2026 Q2   60.8    60.5     61.2
    """
    by = list(by)
    if missing := [b for b in by if b not in study.columns.segments]:
        raise StudySpecError(f"Cannot cut by {missing}: not segment columns. Segments: "
                             f"{list(study.columns.segments)}.")
    say = progress or (lambda _msg: None)
    stats = _Statistics(study, by)
    ledgers, files = [], []
    counts: dict[tuple, int] = {}
    needed = ["population", "wave", "brand", "weight", *by, *study.items]
    for i, chunk in enumerate(chunks):
        data, ledger, table = _split(chunk, i)
        if absent := [c for c in needed if c not in data.columns]:
            raise InputDataError(f"Chunk {i + 1} lacks columns needed for scoring.", [Problem(
                f"column '{c}' is not in the chunk.", f"chunk {i + 1}",
                "give chunks in the layout of Responses.data (standard columns, segments and "
                "one column per item).") for c in absent])
        stats.add(data)
        if ledger is not None and len(ledger):
            ledgers.append(ledger)
        if table is not None:
            files.append(table)
        elif "source_file" in data:
            for key, n in data.groupby(["source_file", "population", "wave"], sort=False,
                                       observed=True).size().items():
                counts[key] = counts.get(key, 0) + int(n)
        say(f"chunk {i + 1}: {stats.rows:,} rows")
    if not stats.rows:
        raise InputDataError("No respondents: every chunk is empty.")
    cells, order = _cell_sort(stats, by)
    rep = study.report
    pops = _composite_sums(stats, order, rep.bootstrap, rep.seed)
    boot: _Boot = _composites(pops, cells, study)
    counts_by_pop = {pop: (st.layout, np.moveaxis(st.counts[order], 1, 0))
                     for pop, st in stats.pops.items()}
    items, dists = _items_from_counts(counts_by_pop, cells, study)
    nps_item = study.index.nps_item
    nps = _nps_from_counts({pop: c[lay.items.index(nps_item)] for pop, (lay, c) in
                            counts_by_pop.items() if nps_item in lay.items}, cells, study) if (
        nps_item) else pd.DataFrame()
    scores, changes, grid = _tables(boot, nps, cells, study, by)
    rel, rel_items = _reliability(stats)
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame()
    warnings.warn("Chunked scoring computes no key-driver analyses (not built yet): "
                  "Result.drivers is empty. Score in memory (txscore.score) for key drivers.",
                  TxscoreWarning, stacklevel=2)
    return Result(study=study, scores=scores, items=items, distributions=dists, grid=grid,
                  changes=changes, reliability=rel, reliability_items=rel_items,
                  cx_weights=boot.weights["cx"], bx_weights=boot.weights["bx"],
                  exclusions=ledger, files=_files_table(files, counts, ledger),
                  by=tuple(by), meta={"rows": stats.rows, "chunked": True})
