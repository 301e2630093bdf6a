"""The ``Result`` value: every table a report is made of, as tidy DataFrames."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from txscore.stats.inference import FLAGS
from txscore.study import Study

#: the indices of :meth:`Result.summary`, in its column order
SUMMARY_INDICES = ("tx", "customer_score", "non_customer_score", "cx", "bx_customers",
                   "bx_non_customers")


@dataclass(frozen=True)
class ResultMeta:
    """How a :class:`Result` was made.

    Attributes
    ----------
    weighting : DataFrame
        The raking report of :attr:`txscore.Responses.weighting` (per population x wave x
        variable x category: target, achieved, design effect, weight range); empty when the
        weights were not raked.
    chunked : bool
        Scored chunk by chunk (:func:`txscore.scoring.score_chunks`), not in memory.
    rows : int or None
        Rows read by chunked scoring (None in memory: ``len(responses.data)``).
    engine : str
        ``"memory"`` (:func:`txscore.score` on loaded responses), ``"chunks"``
        (:func:`txscore.scoring.score_chunks`), ``"process"`` or ``"dask"`` (the study
        engine, :mod:`txscore.scoring.study_engine`).

    Examples
    --------
    >>> ResultMeta(chunked=True, rows=1000).rows
    1000
    """

    weighting: pd.DataFrame = field(default_factory=pd.DataFrame)
    chunked: bool = False
    rows: int | None = None
    engine: str = "memory"


@dataclass(frozen=True)
class Result:
    """Scores of a study, in long tidy tables with snake_case columns.

    A frozen value: scoring makes it, reporting reads it; it writes no file.  Every table
    of cells carries one ``flag`` column of codes (:data:`txscore.stats.inference.FLAGS`),
    decided once from the row's effective base: "ok", "caution" (n_eff below ``[report]
    caution_below``), "low_base" (below ``low_base_below``) or "suppressed" (below
    ``suppress_below``: the row carries no number, only its bases n and n_eff).  Statistics
    say what they found in codes too (reliability verdicts and notes, item flags, driver
    warnings, weight notes: see each module's code tuples); reports translate them.

    Attributes
    ----------
    scores : DataFrame
        One row per measure x population x wave x brand (``brand == "All brands"`` for the
        total): ``value``, ``ci_low``, ``ci_high``, ``se``, ``n``, ``n_eff``, ``flag``,
        ``band``, ``label``, ``level``, ``deff``; for the ranked indices of brand cells
        (those of ``ranks``) also ``rank``, ``p_first``, ``rank_low``, ``rank_high``.
    items : DataFrame
        Per item and cell: n, n_eff, mean, score100, top box, net with analytic intervals,
        flag.
    distributions : DataFrame
        Weighted share of each answer code per item and cell, with the item's flag.
    grid : DataFrame
        Growth grid: customer and non-customer score per brand, the peer means, quadrant,
        ``p_leading``, ``p_plateauing``, ``p_churning``, ``p_lagging`` (the shares of the
        bootstrap replicates in each quadrant: NaN without bootstrap), flag.
    ranks : DataFrame
        Per wave, ranked index (TX, C, N, CX, BX among customers and among non-customers)
        and brand whose cell is not suppressed: ``rank`` on the sample (1 = highest),
        ``p_first`` (the share of the bootstrap replicates where it ranks first),
        ``rank_low``, ``rank_high`` (the percentile interval of its replicate ranks), flag
        (:mod:`txscore.scoring.ranks`); probabilities and intervals are NaN without
        bootstrap. Empty when no index is computed.
    changes : DataFrame
        Wave-over-wave and vs-peer-average differences with interval, p-value, flag.
    reliability, reliability_items : DataFrame
        Construct-level (alpha, CI, std alpha, omega, ``verdict`` and ``notes`` codes of
        :mod:`txscore.stats.reliability`, n_eff, flag) and item-level statistics (``flags``
        codes, flag).
    reliability_waves : DataFrame
        Reliability over time (:func:`txscore.scoring.reliability.reliability_waves`): per
        construct x population x wave, alpha with its interval and bases, and Feldt's test
        of its change since the previous wave (``difference``, ``p_value``, ``p_adjusted``,
        ``weakened``), flag; empty when not computed.
    cx_weights, bx_weights : DataFrame
        Importance weights of the CX dimensions / BX pillars used in the indices:
        ``method`` (the method used) and ``note`` (why it is not the one asked for:
        :data:`txscore.scoring.composites.WEIGHT_NOTES`, or "").
    exclusions, files : DataFrame
        The exclusions ledger and the per-file reconciliation.
    drivers : DataFrame
        Key-driver analyses (importance of the CX dimensions on loyalty, of the BX pillars on
        purchase preference), per population and wave: ``importance`` (sums to 100),
        interval, ``sign``, ``r2``, ``performance``, ``warning`` codes, flag; empty when not
        computed.
    by : tuple of str
        The segment columns the scores are cut by.
    not_computed : Mapping
        The indices a partial study cannot have, each with its reason code: keys ``"cx"``,
        ``"bx_customer"``, ``"bx_non_customer"``, ``"c"``, ``"n"``, ``"tx"``, ``"grid"``,
        ``"nps"`` (:data:`txscore.scoring.composites.INDICES`); reasons
        (:data:`txscore.scoring.composites.NOT_COMPUTED`) such as ``"no_customer_source"``,
        ``"no_non_customer_source"``, ``"no_bx_items_for_customers"``,
        ``"no_cx_constructs"``, ``"no_nps_item"`` or ``"no_scored_rows"``. Empty when every
        index is computed; reports put it into words once.
    banners : DataFrame
        The banner tables of ``[[tables]]`` (:mod:`txscore.scoring.banners`); empty without.
    scenarios : DataFrame
        The what-if scenarios of ``[[scenarios]]`` (:mod:`txscore.scoring.simulate`); empty
        without.
    planning : DataFrame
        The sample-size plan of ``[planning]`` (:mod:`txscore.scoring.plan`); empty without.
    weight_replicates : Mapping
        "cx" and "bx" -> (n_boot, weights) arrays: the index weights on every bootstrap
        replicate (the what-if intervals); empty without bootstrap.
    meta : ResultMeta
        How the result was made: the weighting report, and for chunked scoring the number
        of rows read.

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> tx_all = result.scores.query("measure == 'tx' and brand == 'All brands'")
    >>> tx_all[["wave", "value", "ci_low", "ci_high", "n_eff", "flag"]].columns.tolist()
    ['wave', 'value', 'ci_low', 'ci_high', 'n_eff', 'flag']
    >>> result.summary().columns[:4].tolist()
    ['wave', 'brand', 'tx', 'customer_score']
    """

    study: Study
    scores: pd.DataFrame
    items: pd.DataFrame
    distributions: pd.DataFrame
    grid: pd.DataFrame
    changes: pd.DataFrame
    reliability: pd.DataFrame
    reliability_items: pd.DataFrame
    cx_weights: pd.DataFrame
    bx_weights: pd.DataFrame
    exclusions: pd.DataFrame
    files: pd.DataFrame
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability_waves: pd.DataFrame = field(default_factory=pd.DataFrame)
    by: tuple[str, ...] = ()
    meta: ResultMeta = field(default_factory=ResultMeta)
    not_computed: Mapping[str, str] = field(default_factory=dict)
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame)
    banners: pd.DataFrame = field(default_factory=pd.DataFrame)
    scenarios: pd.DataFrame = field(default_factory=pd.DataFrame)
    planning: pd.DataFrame = field(default_factory=pd.DataFrame)
    weight_replicates: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """The headline table: one row per wave x brand with the indices computed (TX, C, N,
        CX, BX customers, BX non-customers: those in :attr:`not_computed` are left out), the
        bases of each population scored, the worst flag of the row and the quadrant.

        Examples
        --------
        >>> import txscore as tx
        >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
        >>> result.summary().columns[-4:].tolist()
        ['n_customers', 'n_non_customers', 'flag', 'quadrant']
        """
        keys = ["wave", *self.by, "brand"]
        s = self.scores
        wanted = [m for m in SUMMARY_INDICES if (s["measure"] == m).any()]
        wide = (s[s["measure"].isin(wanted)].pivot_table(
            index=keys, columns="measure", values="value", sort=False)
            .reindex(columns=wanted))
        # bases: the first measure of each population (every measure of a cell shares them)
        first = s[s["population"] != "all"].drop_duplicates([*keys, "population"])
        bases = (first.pivot_table(index=keys, columns="population", values="n", sort=False)
                 .reindex(columns=["customer", "non_customer"])
                 .rename(columns={"customer": "n_customers",
                                  "non_customer": "n_non_customers"}))
        bases = bases.dropna(axis=1, how="all")
        rows = s[s["measure"].isin(wanted)]
        worst = (rows.assign(_f=rows["flag"].map(FLAGS.index))
                 .sort_values("_f", kind="stable").drop_duplicates(keys, keep="last")
                 .set_index(keys)["flag"])
        out = wide.join(bases).join(worst)
        if not self.grid.empty:
            out = out.join(self.grid.set_index(keys)["quadrant"])
        return out.reset_index()

    def to_frame(self) -> pd.DataFrame:
        """All scores as one long DataFrame (same as :attr:`scores`)."""
        return self.scores.copy()

    def __repr__(self) -> str:
        return f"<Result {self.study.name!r}: {len(self.scores)} scores>\n" + self.summary(
        ).to_string(index=False, float_format=lambda v: f"{v:.1f}")

    def _repr_html_(self) -> str:
        return (f"<p><b>{self.study.name}</b></p>"
                + self.summary().to_html(index=False, float_format=lambda v: f"{v:.1f}",
                                         na_rep="—"))
