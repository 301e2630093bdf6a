"""The ``Result`` value: every table a report is made of, as tidy DataFrames."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from txscore.study import Study


@dataclass(frozen=True)
class Result:
    """Scores of a study, in long tidy tables with snake_case columns.

    Attributes
    ----------
    scores : DataFrame
        One row per measure x population x wave x brand (``brand == "All brands"`` for the
        total): ``value``, ``ci_low``, ``ci_high``, ``se``, ``n``, ``n_eff``, ``flag``
        ("", "caution", "low base", "suppressed": suppressed cells carry no number),
        ``band``, ``label``, ``level``.
    items : DataFrame
        Per item and cell: n, n_eff, mean, score100, top box, net with analytic intervals.
    distributions : DataFrame
        Weighted share of each answer code per item and cell.
    grid : DataFrame
        Growth grid: customer and non-customer score per brand, the peer means, quadrant.
    changes : DataFrame
        Wave-over-wave and vs-peer-average differences with interval, p-value, flag.
    reliability, reliability_items : DataFrame
        Construct-level (alpha, CI, std alpha, omega, verdict) and item-level statistics.
    cx_weights, bx_weights : DataFrame
        Importance weights of the CX dimensions / BX pillars used in the indices.
    exclusions, files : DataFrame
        The exclusions ledger and the per-file reconciliation.
    drivers : DataFrame
        Key-driver analyses (importance of the CX dimensions on loyalty, of the BX pillars on
        purchase preference), per population and wave: ``importance`` (sums to 100),
        interval, ``sign``, ``r2``, ``performance``; empty when not computed.
    by : tuple of str
        The segment columns the scores are cut by.

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
    by: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """The headline table: one row per wave x brand with TX, C, N, CX, BX and bases."""
        keys = ["wave", *self.by, "brand"]
        s = self.scores
        wanted = ["tx", "customer_score", "non_customer_score", "cx", "bx_customers",
                  "bx_non_customers"]
        wide = (s[s["measure"].isin(wanted)].pivot_table(
            index=keys, columns="measure", values="value", sort=False)
            .reindex(columns=wanted))
        flags = s[s["measure"] == "tx"].set_index(keys)["flag"].rename("flag")
        bases = (s[s["measure"].isin(["customer_score", "non_customer_score"])]
                 .pivot_table(index=keys, columns="population", values="n", sort=False)
                 .rename(columns={"customer": "n_customers",
                                  "non_customer": "n_non_customers"}))
        out = wide.join(bases).join(flags)
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
