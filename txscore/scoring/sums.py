"""Per-cell sufficient statistics, accumulated chunk by chunk, and their bootstrap replicates.

:class:`CellSums` is the one pass over the respondents of both scoring paths: ``add`` takes
a chunk of rows in the layout of :attr:`Responses.data` (the in-memory path adds all of them
as one chunk; :func:`txscore.scoring.chunked.score_chunks` adds record batches) and keeps,
per population and brand x wave cell, only what the statistics need (architecture.md,
"Statistics from sufficient statistics"):

- per item and answer code: respondents, sum of weights and of squared weights (items,
  distributions, NPS);
- the sums and cross-products of the composite features (:func:`txscore.scoring.engine.features`);
- per reliability unit, population and wave: complete cases, sum of weights and of squared
  weights, sums of the items and of their cross-products about the scale midpoints;
- the item codes of a cell while it has at most ``exact_max`` respondents, for exact
  resampling.

Memory is one chunk plus O(cells x F^2) numbers (and at most ``exact_max`` rows per cell).
:meth:`CellSums.merge` adds another accumulator's sums (another chunk's, another Dask
partition's: :mod:`txscore.scoring.dask_engine`), so chunks can be reduced apart and merged
in any order; the cluster strata are laid out in report order when collected, so the
bootstrap does not depend on the order the rows came in.
:func:`resample_sums` then draws the bootstrap replicate sums, population by population and
cell by cell in report order: a cell whose rows were kept by multinomial counts
(:func:`txscore.stats.inference.resample_counts`) times its features, any other by the
normal law of its resample sums (:func:`txscore.stats.inference.normal_resample_sums`), which
has exactly their mean and covariance and costs O(F^2) per replicate whatever the cell size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.scoring.clusters import (
    ClusterRunning,
    Stratum,
    cluster_replicates,
    item_cluster_sums,
    multi_row_clusters,
)
from txscore.scoring.engine import (
    Cells,
    Layout,
    cell_order,
    cells_from_keys,
    complete_count,
    distinct_keys,
    features,
    item_codes,
    item_counts,
    population_layout,
    population_rows,
)
from txscore.scoring.reliability import midpoints, reliability_units
from txscore.stats.inference import normal_resample_sums, resample_counts
from txscore.study import Study
from txscore.study.vocabulary import POPULATIONS

__all__ = ["CellSums", "PopulationSums", "StudySums", "merge_clusters", "resample_sums"]

#: Complete-case moments of one reliability unit, population and wave: n, sum w, sum w^2,
#: sum w u, sum w u u' with u the items minus their scale midpoints.
Moments = tuple[int, float, float, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class PopulationSums:
    """One population's sums per brand cell (cells in report order).

    Attributes
    ----------
    layout : Layout
    base : ndarray of shape (G, 3)
        Respondents, sum of weights, sum of squared weights.
    counts : ndarray of shape (I, G, K + 1, 3)
        Per item, cell and code (last: unanswered): respondents, sum w, sum w^2.
    s1, s2 : ndarrays of shapes (G, F) and (G, F, F)
        Sums and cross-products of the composite features.
    complete_n : int
        Respondents with every CX dimension and loyalty construct answered.
    rows : tuple
        Per cell, the (item codes, weights) of its respondents with one row in the wave when
        it has at most ``exact_max`` respondents (exact resampling), else None.
    multi_n, multi_s1, multi_s2 : ndarrays of shapes (G,), (G, F), (G, F, F)
        The part of ``base[:, 0]``, ``s1`` and ``s2`` from respondents with several rows in
        the wave (resampled as clusters: :mod:`txscore.scoring.clusters`).
    multi_items : ndarray of shape (T, I, 7)
        Per all-brands total (in the order of the totals of the cells) and item, the sums of
        :func:`txscore.scoring.clusters.item_cluster_sums`: the clustered variance of the
        totals' item means.
    """

    layout: Layout
    base: np.ndarray
    counts: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    complete_n: int
    rows: tuple[tuple[np.ndarray, np.ndarray] | None, ...]
    multi_n: np.ndarray
    multi_s1: np.ndarray
    multi_s2: np.ndarray
    multi_items: np.ndarray


@dataclass(frozen=True)
class StudySums:
    """Everything the tables of a study derive from (see :class:`CellSums`).

    Attributes
    ----------
    study : Study
    by : tuple of str
        Segment columns of the cells.
    cells : Cells
        In report order.
    populations : dict
        Population -> :class:`PopulationSums`, in the order of ``POPULATIONS``.
    moments : dict
        (reliability unit, population, wave) -> its complete-case moments (their sums over
        the waves are the study-wide moments).
    rows : int
        Respondent rows added.
    strata : tuple of Stratum
        The respondents with several rows, as clusters (:mod:`txscore.scoring.clusters`).
    moment_clusters : dict
        (reliability unit, population, wave) -> respondents among its complete cases (a
        respondent with several complete rows counts once): the n of the intervals.
    """

    study: Study
    by: tuple[str, ...]
    cells: Cells
    populations: dict[str, PopulationSums]
    moments: dict[tuple[str, str, str], Moments]
    rows: int
    strata: tuple[Stratum, ...] = ()
    moment_clusters: dict[tuple[str, str, str], int] = field(default_factory=dict)


@dataclass
class _Running:
    """One population's running sums; the cell axis grows as new cells appear."""

    layout: Layout
    base: np.ndarray  # (G, 3)
    counts: np.ndarray  # (G, I, K + 1, 3)
    s1: np.ndarray  # (G, F)
    s2: np.ndarray  # (G, F, F)
    complete_n: int = 0
    kept: dict[int, list[tuple[np.ndarray, np.ndarray]] | None] = field(default_factory=dict)
    multi_n: np.ndarray = field(default_factory=lambda: np.zeros(0))
    multi_s1: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    multi_s2: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    @classmethod
    def empty(cls, layout: Layout) -> _Running:
        k1, width = layout.kmax + 1, layout.width
        return cls(layout, np.zeros((0, 3)), np.zeros((0, len(layout.items), k1, 3)),
                   np.zeros((0, width)), np.zeros((0, width, width)),
                   multi_n=np.zeros(0), multi_s1=np.zeros((0, width)),
                   multi_s2=np.zeros((0, width, width)))

    def grow(self, n_cells: int) -> None:
        extra = n_cells - len(self.base)
        if extra > 0:
            for name in ("base", "counts", "s1", "s2", "multi_n", "multi_s1", "multi_s2"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.zeros((extra, *arr.shape[1:]))]))

    def add(self, x: np.ndarray, w: np.ndarray, g: np.ndarray, exact_max: int,
            multi: np.ndarray) -> np.ndarray:
        """Rows (codes x, weights w) grouped by running cell g; ``multi`` marks the rows of
        respondents with several rows in the wave. Returns those rows' features."""
        n_cells, lay = len(self.base), self.layout
        self.counts += np.moveaxis(item_counts(x, w, g, n_cells, lay), 0, 1)
        bounds = np.searchsorted(g, np.arange(n_cells + 1))
        multi_feats = np.zeros((int(multi.sum()), lay.width))
        at_multi = np.cumsum(multi) - 1  # each multi row's place in multi_feats
        for cell in np.flatnonzero(np.diff(bounds)).tolist():  # over cells, not respondents
            lo, hi = bounds[cell], bounds[cell + 1]
            block = features(x[lo:hi], w[lo:hi], lay)  # one cell's features at a time
            self.base[cell] += hi - lo, w[lo:hi].sum(), w[lo:hi] @ w[lo:hi]
            self.s1[cell] += block.sum(axis=0)
            self.s2[cell] += block.T @ block
            m = multi[lo:hi]
            single = slice(None)
            if m.any():
                mb = block[m]
                multi_feats[at_multi[lo:hi][m]] = mb
                self.multi_n[cell] += len(mb)
                self.multi_s1[cell] += mb.sum(axis=0)
                self.multi_s2[cell] += mb.T @ mb
                single = ~m
            kept = self.kept.get(cell, [])
            if kept is not None and self.base[cell, 0] <= exact_max:
                self.kept[cell] = [*kept, (x[lo:hi][single].copy(), w[lo:hi][single].copy())]
            else:
                self.kept[cell] = None  # too many for exact resampling: the normal law
        self.complete_n += complete_count(x, lay)
        return multi_feats

    def merge(self, other: _Running, cell_map: np.ndarray, exact_max: int) -> None:
        """Add another running population's sums, its cell c being this one's cell_map[c]
        (this one already grown to hold them)."""
        at = cell_map[:len(other.base)]
        for name in ("base", "counts", "s1", "s2", "multi_n", "multi_s1", "multi_s2"):
            getattr(self, name)[at] += getattr(other, name)  # cell_map is one-to-one
        self.complete_n += other.complete_n
        for cell, theirs in other.kept.items():
            mine = self.kept.get(int(at[cell]), [])
            both = None if mine is None or theirs is None or \
                self.base[at[cell], 0] > exact_max else [*mine, *theirs]
            self.kept[int(at[cell])] = both

    def in_order(self, order: np.ndarray, items: np.ndarray) -> PopulationSums:
        rows = []
        for cell in order:
            kept = self.kept.get(int(cell))
            rows.append(None if not kept else tuple(np.concatenate(part) for part in zip(
                *kept, strict=True)))
        return PopulationSums(self.layout, self.base[order], np.moveaxis(
            self.counts[order], 1, 0), self.s1[order], self.s2[order], self.complete_n,
            tuple(rows), self.multi_n[order], self.multi_s1[order], self.multi_s2[order], items)


class CellSums:
    """Sufficient statistics of a study's respondents, accumulated chunk by chunk.

    Parameters
    ----------
    study : Study
    by : sequence of str
        Segment columns to cut the cells by (in addition to wave and brand).
    exact_max : int
        A cell keeps its respondents' item codes while it has at most this many, for exact
        multinomial resampling (the in-memory path gives ``[report]
        bootstrap_exact_max``); 0 keeps none (chunked scoring: normal-sum bootstrap
        everywhere, memory bounded by the cells).

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> sums = CellSums(responses.study)
    >>> sums.add(responses.data.iloc[:5000])
    >>> sums.add(responses.data.iloc[5000:])
    >>> done = sums.collect()
    >>> done.rows == responses.n, len(done.cells.keys)
    (True, 14)
    """

    def __init__(self, study: Study, by: tuple[str, ...] | list[str] = (), *,
                 exact_max: int = 0) -> None:
        self.study = study
        self.by = tuple(by)
        self.exact_max = exact_max
        self.keys = ["wave", "brand", *self.by]
        self._cell_index: dict[tuple, int] = {}
        self._cell_rows: list[tuple] = []
        self._pops: dict[str, _Running] = {}
        self._units = reliability_units(study)
        self._moments: dict[tuple[str, str, str], list] = {}
        self._clusters = ClusterRunning(exact_max)
        self._total_index: dict[tuple, int] = {}  # (wave, *segments) -> running total
        self._cell_total: list[int] = []  # running cell -> its running total
        self._item_extra: dict[str, np.ndarray] = {}  # population -> (totals, I, 7)
        self._moment_clusters: dict[tuple[str, str, str], int] = {}
        self.rows = 0

    def add(self, data: pd.DataFrame) -> None:
        """Add a chunk of respondent rows (the layout of :attr:`Responses.data`)."""
        self.rows += len(data)
        row_cell = self._cell_of(data)
        w_all = data["weight"].to_numpy(dtype=float, na_value=np.nan)
        if self.study.report.clusters == "respondent":
            cluster, stratum, strata = multi_row_clusters(data)
        else:  # every row its own cluster
            cluster, stratum, strata = np.full(len(data), -1), np.full(len(data), -1), []
        parts: dict[int, list] = {s: [] for s in range(len(strata))}
        for pop in POPULATIONS:
            rows = population_rows(data, row_cell, pop)
            if not len(rows):
                continue
            if pop not in self._pops:
                self._pops[pop] = _Running.empty(population_layout(self.study, pop))
            st = self._pops[pop]
            st.grow(len(self._cell_rows))
            x = item_codes(data, st.layout, rows)
            multi = cluster[rows] >= 0
            feats = st.add(x, w_all[rows], row_cell[rows], self.exact_max, multi)
            self._add_moments(data, rows, x, w_all[rows], st.layout, cluster[rows])
            if multi.any():
                self._add_item_extra(pop, x, w_all[rows], cluster[rows], row_cell[rows])
            at = rows[multi]
            for s in np.unique(stratum[at]).tolist():
                here = stratum[at] == s
                parts[s].append((pop, row_cell[at][here], cluster[at][here], feats[here]))
        self._add_clusters(strata, parts, cluster, stratum)

    def _add_item_extra(self, pop: str, x: np.ndarray, w: np.ndarray, cluster: np.ndarray,
                        cell: np.ndarray) -> None:
        """The clustered variance sums of the totals' item means (one population)."""
        n_tot = len(self._total_index)
        extra = self._item_extra.get(pop, np.zeros((0, x.shape[1], 7)))
        if len(extra) < n_tot:
            extra = np.concatenate([extra, np.zeros((n_tot - len(extra), *extra.shape[1:]))])
        total = np.asarray(self._cell_total, np.int64)[cell]
        self._item_extra[pop] = extra + item_cluster_sums(x, w, cluster, total, n_tot)

    def _add_clusters(self, strata: list[tuple], parts: dict[int, list], cluster: np.ndarray,
                      stratum: np.ndarray) -> None:
        """The chunk's multi-row clusters, stratum by stratum, numbered 0.. within each."""
        for s, key in enumerate(strata):
            ids = np.unique(cluster[stratum == s])  # this stratum's clusters, renumbered
            local = [(pop, cell, np.searchsorted(ids, clus), f)
                     for pop, cell, clus, f in parts[s]]
            self._clusters.add(key, len(ids), local)

    def _cell_of(self, data: pd.DataFrame) -> np.ndarray:
        """Each row's cell in the running cell list (new cells appended)."""
        uniq, inverse = distinct_keys(data, self.keys)
        local = np.empty(len(uniq), np.intp)
        for i, row in enumerate(uniq.astype(object).itertuples(index=False, name=None)):
            key = tuple(None if pd.isna(v) else v for v in row)  # NaN != NaN as a dict key
            if key not in self._cell_index:
                self._cell_index[key] = len(self._cell_rows)
                self._cell_rows.append(row)
                total = (key[0], *key[2:])  # the cell's all-brands total
                self._cell_total.append(self._total_index.setdefault(
                    total, len(self._total_index)))
            local[i] = self._cell_index[key]
        return local[inverse]

    def _add_moments(self, data: pd.DataFrame, rows: np.ndarray, x: np.ndarray, w: np.ndarray,
                     lay: Layout, cluster: np.ndarray) -> None:
        """Complete-case sums per reliability unit and wave, items shifted to their scale
        midpoint (sums of small numbers lose no precision in the cross-products)."""
        pop = lay.population
        at = {c: j for j, c in enumerate(lay.items)}
        codes, waves = pd.factorize(data["wave"].iloc[rows], use_na_sentinel=False)
        order = np.argsort(codes, kind="stable")  # the rows wave by wave: one gather each
        bounds = np.searchsorted(codes[order], np.arange(len(waves) + 1))
        w_by, cl_by = w[order], cluster[order]
        x_by = x.T[:, order]  # items as rows, respondents wave by wave: contiguous picks
        for name, (_, cols, pops) in self._units.items():
            if pop not in pops:
                continue
            if all(c in at for c in cols):
                u = (x_by[[at[c] for c in cols]] - midpoints(self.study, cols)[:, None]).T
            else:
                u = np.column_stack([x_by[at[c]] if c in at else data[c].to_numpy(
                    dtype=float, na_value=np.nan)[rows[order]] for c in cols]) - midpoints(
                    self.study, cols)
            complete = ~np.isnan(u).any(axis=1)
            uc = np.where(complete[:, None], u, 0.0)
            wc = np.where(complete, w_by, 0.0)
            for i, wv in enumerate(waves.tolist()):  # the rows of each wave, a slice
                lo, hi = bounds[i], bounds[i + 1]
                keep, uw, ww = complete[lo:hi], uc[lo:hi], wc[lo:hi]
                acc = self._moments.setdefault((name, pop, wv), [0, 0.0, 0.0, 0.0, 0.0])
                acc[0] += int(keep.sum())
                acc[1] += ww.sum()
                acc[2] += ww @ ww
                acc[3] = acc[3] + ww @ uw
                acc[4] = acc[4] + (uw * ww[:, None]).T @ uw
                cl = cl_by[lo:hi][keep]
                people = int((cl < 0).sum()) + len(np.unique(cl[cl >= 0]))
                key = (name, pop, wv)
                self._moment_clusters[key] = self._moment_clusters.get(key, 0) + people

    def collect(self) -> StudySums:
        """The sums so far, cells in report order (the running sums are left as they are)."""
        uniq = pd.DataFrame(self._cell_rows, columns=self.keys)
        order = cell_order(uniq.astype(object), self.study)
        cells: Cells = cells_from_keys(uniq, self.study, self.by)
        totals = cells.keys.iloc[cells.n_brand_cells:].drop(columns="brand")
        running = np.array([self._total_index[tuple(None if pd.isna(v) else v for v in r)]
                            for r in totals.astype(object).itertuples(index=False, name=None)],
                           dtype=np.intp)
        pops = {}
        for pop in POPULATIONS:
            if pop in self._pops:
                n_items = len(self._pops[pop].layout.items)
                extra = self._item_extra.get(pop, np.zeros((0, n_items, 7)))
                extra = np.concatenate([extra, np.zeros((len(self._total_index) - len(extra),
                                                         n_items, 7))])
                pops[pop] = self._pops[pop].in_order(order, extra[running])
        position = np.empty(len(order), np.intp)
        position[order] = np.arange(len(order))  # running cell -> report order
        moments = {}
        for (name, pop, wave), (n, sw, sw2, sx, sxx) in self._moments.items():
            k = len(self._units[name][1])
            moments[(name, pop, wave)] = (n, sw, sw2, np.broadcast_to(sx, (k,)).astype(float),
                                          np.broadcast_to(sxx, (k, k)).astype(float))
        strata = tuple(_canonical(st) for st in self._clusters.collect(position))
        return StudySums(self.study, self.by, cells, pops, moments, self.rows, strata,
                         dict(self._moment_clusters))

    def merge(self, other: CellSums) -> None:
        """Add another accumulator's sums into this one (e.g. of another partition).

        Its cells, populations, reliability moments and their respondent counts, the item
        cluster sums of its totals and its cluster strata are remapped onto this one's
        running cells, new ones appended; ``other`` is left as it is and shares no array
        with this one. The respondents of ``other`` must be others than this one's (a
        respondent's rows in one accumulator: a shuffle on the id does it). Merging gives
        the sums of adding both accumulators' chunks to one, up to the order of the
        additions; rows kept for exact resampling are concatenated while a cell (or a
        cluster stratum) stays within ``exact_max``, else dropped, so that cell resamples by
        the normal law, as it would have.

        Raises
        ------
        ValueError
            ``other`` accumulates another study or other segment columns.

        Examples
        --------
        >>> import txscore as tx
        >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
        >>> a, b = CellSums(responses.study), CellSums(responses.study)
        >>> a.add(responses.data.iloc[:5000])
        >>> b.add(responses.data.iloc[5000:])
        >>> a.merge(b)
        >>> whole = CellSums(responses.study)
        >>> whole.add(responses.data)
        >>> bool(np.allclose(a.collect().populations["customer"].s2,
        ...                  whole.collect().populations["customer"].s2))
        True
        """
        if other.by != self.by or other.study is not self.study and other.study != self.study:
            raise ValueError("Cannot merge the sums of another study or other segments.")
        cell_map = self._cells_of(other)
        total_map = np.array([self._total_index[t] for t in other._total_index], np.intp)
        for pop in POPULATIONS:
            if pop in other._pops:
                if pop not in self._pops:
                    self._pops[pop] = _Running.empty(other._pops[pop].layout)
                self._pops[pop].grow(len(self._cell_rows))
                self._pops[pop].merge(other._pops[pop], cell_map, self.exact_max)
        for pop, extra in other._item_extra.items():
            mine = self._item_extra.get(pop, np.zeros((0, *extra.shape[1:])))
            grown = np.zeros((len(self._total_index), *extra.shape[1:]))
            grown[:len(mine)] = mine
            grown[total_map[:len(extra)]] += extra
            self._item_extra[pop] = grown
        for key, (n, sw, sw2, sx, sxx) in other._moments.items():
            acc = self._moments.setdefault(key, [0, 0.0, 0.0, 0.0, 0.0])
            self._moments[key] = [acc[0] + n, acc[1] + sw, acc[2] + sw2, acc[3] + sx,
                                  acc[4] + sxx]
        for key, people in other._moment_clusters.items():
            self._moment_clusters[key] = self._moment_clusters.get(key, 0) + people
        merge_clusters(self._clusters, other._clusters, cell_map)
        self.rows += other.rows

    def _cells_of(self, other: CellSums) -> np.ndarray:
        """Each of ``other``'s running cells in this one's running cells (new appended)."""
        out = np.empty(len(other._cell_rows), np.intp)
        for i, row in enumerate(other._cell_rows):
            key = tuple(None if pd.isna(v) else v for v in row)
            if key not in self._cell_index:
                self._cell_index[key] = len(self._cell_rows)
                self._cell_rows.append(row)
                self._cell_total.append(self._total_index.setdefault(
                    (key[0], *key[2:]), len(self._total_index)))
            out[i] = self._cell_index[key]
        return out


def resample_sums(sums: StudySums, n_boot: int, seed: int) -> dict[str, np.ndarray]:
    """Per population, the (1 + n_boot, G, F) feature sums: row 0 the sample's, then the
    bootstrap replicates', resampling respondents within population x brand cell, and the
    respondents with several rows in a wave as clusters (:mod:`txscore.scoring.clusters`).

    Drawn population by population, cell by cell in report order: a cell that kept its
    rows (at most ``exact_max`` respondents) by multinomial counts times its features, any
    other from the normal law of its resample sums; then the cluster strata in key order.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> sums = CellSums(responses.study)
    >>> sums.add(responses.data)
    >>> reps = resample_sums(sums.collect(), 100, seed=1)
    >>> reps["customer"].shape[:2]  # sample + 100 replicates, 12 brand cells
    (101, 12)
    """
    rng = np.random.default_rng(seed)
    out = {}
    for pop, ps in sums.populations.items():
        reps = np.zeros((1 + n_boot, len(ps.base), ps.layout.width))
        reps[0] = ps.s1
        for g in range(len(ps.base)):  # loop over cells (brand x wave), not respondents
            n = ps.base[g, 0] - ps.multi_n[g]  # the respondents with one row in the wave
            if not n_boot or not n:
                continue
            if ps.rows[g] is not None:
                block = features(*ps.rows[g], ps.layout)
                reps[1:, g] = resample_counts(rng, int(n), n_boot) @ block
            elif ps.multi_n[g]:
                reps[1:, g] = normal_resample_sums(ps.s1[g] - ps.multi_s1[g],
                                                   ps.s2[g] - ps.multi_s2[g], n, n_boot, rng)
            else:
                reps[1:, g] = normal_resample_sums(ps.s1[g], ps.s2[g], n, n_boot, rng)
        out[pop] = reps
    cluster_replicates(sums.strata, out, n_boot, rng)
    return out


def merge_clusters(mine: ClusterRunning, other: ClusterRunning, cell_map: np.ndarray) -> None:
    """Add another accumulator's cluster strata into ``mine``, its running cell c being
    ``cell_map[c]`` here: a stratum's cluster total vectors are laid out again on this
    one's slots (new slots appended), so their sums and cross-products add up exactly.

    Examples
    --------
    >>> a, b = ClusterRunning(0), ClusterRunning(0)
    >>> a.add(("Q1", "customer"), 1, [("customer", np.array([0]), np.array([0]),
    ...                                np.array([[1.0]]))])
    >>> b.add(("Q1", "customer"), 1, [("customer", np.array([0]), np.array([0]),
    ...                                np.array([[2.0]]))])
    >>> merge_clusters(a, b, np.array([1]))  # b's cell 0 is a's cell 1: a new slot
    >>> st = a.collect(np.array([0, 1]))[0]
    >>> st.n, st.s1.tolist(), st.s2.tolist()
    (2, [1.0, 2.0], [[1.0, 0.0], [0.0, 4.0]])
    """
    for key, theirs in other.strata.items():
        st = mine.strata.setdefault(key, {"n": 0, "slots": {}, "width": 0, "s1": np.zeros(0),
                                          "s2": np.zeros((0, 0)), "kept": []})
        cols = np.empty(theirs["width"], np.intp)  # their column -> this one's
        for (pop, g), (off, width) in theirs["slots"].items():
            slot = (pop, int(cell_map[g]))
            if slot not in st["slots"]:
                st["slots"][slot] = (st["width"], width)
                st["width"] += width
            cols[off:off + width] = st["slots"][slot][0] + np.arange(width)
        d = st["width"]
        s1, s2 = np.zeros(d), np.zeros((d, d))
        s1[:len(st["s1"])], s2[:len(st["s1"]), :len(st["s1"])] = st["s1"], st["s2"]
        s1[cols] += theirs["s1"]
        s2[np.ix_(cols, cols)] += theirs["s2"]
        st["s1"], st["s2"] = s1, s2
        st["n"] += theirs["n"]
        if st["kept"] is None or theirs["kept"] is None or st["n"] > mine.exact_max:
            st["kept"] = None
            continue
        for block in theirs["kept"]:
            moved = np.zeros((len(block), d))
            moved[:, cols[:block.shape[1]]] = block
            st["kept"] = [*st["kept"], moved]


def _canonical(stratum: Stratum) -> Stratum:
    """A stratum with its slots in report order (population, then cell): the normal-law
    draws of its cluster totals depend on the order of their coordinates, which must not
    depend on the order the rows came in (chunks, partitions, merges)."""
    rank = {p: i for i, p in enumerate(POPULATIONS)}
    slots = sorted(stratum.slots, key=lambda s: (rank.get(s[0], len(rank)), s[0], s[1]))
    if list(slots) == list(stratum.slots):
        return stratum
    perm = np.concatenate([np.arange(off, off + width) for _, _, off, width in slots])
    offsets = np.cumsum([0, *(width for *_, width in slots)])[:-1]
    new = tuple((pop, cell, int(off), width) for (pop, cell, _, width), off in zip(
        slots, offsets, strict=True))
    return Stratum(stratum.key, stratum.n, new, stratum.s1[perm],
                   stratum.s2[np.ix_(perm, perm)],
                   None if stratum.rows is None else stratum.rows[:, perm])
