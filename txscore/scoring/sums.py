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

__all__ = ["CellSums", "PopulationSums", "StudySums", "resample_sums"]

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
        Per cell, its respondents' (item codes, weights) when it has at most ``exact_max``
        of them (exact resampling), else None.
    """

    layout: Layout
    base: np.ndarray
    counts: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    complete_n: int
    rows: tuple[tuple[np.ndarray, np.ndarray] | None, ...]


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
    """

    study: Study
    by: tuple[str, ...]
    cells: Cells
    populations: dict[str, PopulationSums]
    moments: dict[tuple[str, str, str], Moments]
    rows: int


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

    @classmethod
    def empty(cls, layout: Layout) -> _Running:
        k1, width = layout.kmax + 1, layout.width
        return cls(layout, np.zeros((0, 3)), np.zeros((0, len(layout.items), k1, 3)),
                   np.zeros((0, width)), np.zeros((0, width, width)))

    def grow(self, n_cells: int) -> None:
        extra = n_cells - len(self.base)
        if extra > 0:
            for name in ("base", "counts", "s1", "s2"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.zeros((extra, *arr.shape[1:]))]))

    def add(self, x: np.ndarray, w: np.ndarray, g: np.ndarray, exact_max: int) -> None:
        """Rows (codes x, weights w) grouped by running cell g."""
        n_cells, lay = len(self.base), self.layout
        self.counts += np.moveaxis(item_counts(x, w, g, n_cells, lay), 0, 1)
        bounds = np.searchsorted(g, np.arange(n_cells + 1))
        for cell in np.flatnonzero(np.diff(bounds)).tolist():  # over cells, not respondents
            lo, hi = bounds[cell], bounds[cell + 1]
            block = features(x[lo:hi], w[lo:hi], lay)  # one cell's features at a time
            self.base[cell] += hi - lo, w[lo:hi].sum(), w[lo:hi] @ w[lo:hi]
            self.s1[cell] += block.sum(axis=0)
            self.s2[cell] += block.T @ block
            kept = self.kept.get(cell, [])
            if kept is not None and self.base[cell, 0] <= exact_max:
                self.kept[cell] = [*kept, (x[lo:hi].copy(), w[lo:hi].copy())]
            else:
                self.kept[cell] = None  # too many for exact resampling: the normal law
        self.complete_n += complete_count(x, lay)

    def in_order(self, order: np.ndarray) -> PopulationSums:
        rows = []
        for cell in order:
            kept = self.kept.get(int(cell))
            rows.append(None if not kept else tuple(np.concatenate(part) for part in zip(
                *kept, strict=True)))
        return PopulationSums(self.layout, self.base[order], np.moveaxis(
            self.counts[order], 1, 0), self.s1[order], self.s2[order], self.complete_n,
            tuple(rows))


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
        self.rows = 0

    def add(self, data: pd.DataFrame) -> None:
        """Add a chunk of respondent rows (the layout of :attr:`Responses.data`)."""
        self.rows += len(data)
        row_cell = self._cell_of(data)
        w_all = data["weight"].to_numpy(dtype=float, na_value=np.nan)
        for pop in POPULATIONS:
            rows = population_rows(data, row_cell, pop)
            if not len(rows):
                continue
            if pop not in self._pops:
                self._pops[pop] = _Running.empty(population_layout(self.study, pop))
            st = self._pops[pop]
            st.grow(len(self._cell_rows))
            x = item_codes(data, st.layout, rows)
            st.add(x, w_all[rows], row_cell[rows], self.exact_max)
            self._add_moments(data, rows, x, w_all[rows], st.layout)

    def _cell_of(self, data: pd.DataFrame) -> np.ndarray:
        """Each row's cell in the running cell list (new cells appended)."""
        uniq, inverse = distinct_keys(data, self.keys)
        local = np.empty(len(uniq), np.intp)
        for i, row in enumerate(uniq.astype(object).itertuples(index=False, name=None)):
            key = tuple(None if pd.isna(v) else v for v in row)  # NaN != NaN as a dict key
            if key not in self._cell_index:
                self._cell_index[key] = len(self._cell_rows)
                self._cell_rows.append(row)
            local[i] = self._cell_index[key]
        return local[inverse]

    def _add_moments(self, data: pd.DataFrame, rows: np.ndarray, x: np.ndarray, w: np.ndarray,
                     lay: Layout) -> None:
        """Complete-case sums per reliability unit and wave, items shifted to their scale
        midpoint (sums of small numbers lose no precision in the cross-products)."""
        pop = lay.population
        at = {c: j for j, c in enumerate(lay.items)}
        wave = data["wave"].to_numpy(object)[rows]
        waves = list(dict.fromkeys(wave.tolist()))
        for name, (_, cols, pops) in self._units.items():
            if pop not in pops:
                continue
            u = np.column_stack([x[:, at[c]] if c in at else data[c].to_numpy(
                dtype=float, na_value=np.nan)[rows] for c in cols]) - midpoints(self.study, cols)
            complete = ~np.isnan(u).any(axis=1)
            for wv in waves:  # the rows of each wave: the work stays one pass
                at_w = np.flatnonzero(wave == wv)
                keep, uw, ww = complete[at_w], u[at_w], w[at_w]
                uc, wc = np.where(keep[:, None], uw, 0.0), np.where(keep, ww, 0.0)
                acc = self._moments.setdefault((name, pop, wv), [0, 0.0, 0.0, 0.0, 0.0])
                acc[0] += int(keep.sum())
                acc[1] += wc.sum()
                acc[2] += wc @ wc
                acc[3] = acc[3] + wc @ uc
                acc[4] = acc[4] + (uc * wc[:, None]).T @ uc

    def collect(self) -> StudySums:
        """The sums so far, cells in report order (the running sums are left as they are)."""
        uniq = pd.DataFrame(self._cell_rows, columns=self.keys)
        order = cell_order(uniq.astype(object), self.study)
        cells: Cells = cells_from_keys(uniq, self.study, self.by)
        pops = {pop: self._pops[pop].in_order(order) for pop in POPULATIONS
                if pop in self._pops}
        moments = {}
        for (name, pop, wave), (n, sw, sw2, sx, sxx) in self._moments.items():
            k = len(self._units[name][1])
            moments[(name, pop, wave)] = (n, sw, sw2, np.broadcast_to(sx, (k,)).astype(float),
                                          np.broadcast_to(sxx, (k, k)).astype(float))
        return StudySums(self.study, self.by, cells, pops, moments, self.rows)


def resample_sums(sums: StudySums, n_boot: int, seed: int) -> dict[str, np.ndarray]:
    """Per population, the (1 + n_boot, G, F) feature sums: row 0 the sample's, then the
    bootstrap replicates', resampling respondents within population x brand cell.

    Drawn population by population, cell by cell in report order: a cell that kept its
    rows (at most ``exact_max`` respondents) by multinomial counts times its features, any
    other from the normal law of its resample sums.

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
            n = ps.base[g, 0]
            if not n_boot or not n:
                continue
            if ps.rows[g] is not None:
                block = features(*ps.rows[g], ps.layout)
                reps[1:, g] = resample_counts(rng, int(n), n_boot) @ block
            else:
                reps[1:, g] = normal_resample_sums(ps.s1[g], ps.s2[g], n, n_boot, rng)
        out[pop] = reps
    return out
