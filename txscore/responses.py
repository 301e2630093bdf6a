"""The ``Responses`` value: scored rows, the exclusions ledger and per-file reconciliation."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from txscore.study import Study


@dataclass(frozen=True)
class Responses:
    """Survey rows ready for scoring, and an account of every row that was not kept.

    Attributes
    ----------
    study : Study
        The spec the data were read with.
    data : DataFrame
        One row per respondent x brand: ``respondent_id``, ``population``, ``wave``,
        ``brand``, ``source_file``, ``source_sheet``, ``source_row``, ``weight``, the
        segment columns, then one nullable-integer column per item in scale codes
        (reversed items already recoded). Personal columns are never present.
    exclusions : DataFrame
        The ledger: one line per excluded input row with provenance, ``reason`` and
        ``detail``.
    files : DataFrame
        Per input file: ``rows_in``, ``scored``, one count per reason, ``excluded``,
        ``reconciles`` (rows_in == scored + excluded), the reader used and the sha256.
    weighting : DataFrame
        With ``[weighting] method = "rake"``: per population x wave x variable x category,
        the target, the achieved weighted share, convergence, n, n_eff, deff and the weight
        range (:func:`txscore.ingest.weights.apply_weighting`); empty otherwise.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> int(responses.files["rows_in"].sum()) == responses.n + len(responses.exclusions)
    True
    >>> responses.exclusions.columns[:4].tolist()
    ['source_file', 'source_sheet', 'source_row', 'population']
    """

    study: Study
    data: pd.DataFrame
    exclusions: pd.DataFrame
    files: pd.DataFrame
    weighting: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n(self) -> int:
        """Number of scored rows."""
        return len(self.data)

    def summary(self) -> pd.DataFrame:
        """Scored rows per population, wave and brand."""
        return (self.data.groupby(["population", "wave", "brand"], sort=False).size()
                .rename("n").reset_index())

    def __repr__(self) -> str:
        return (f"<Responses {self.study.name!r}: {self.n} rows scored, "
                f"{len(self.exclusions)} excluded, {len(self.files)} files>")

    def _repr_html_(self) -> str:
        cols = ["source_file", "population", "wave", "rows_in", "scored", "excluded",
                "reconciles"]
        return (f"<p><b>{self.study.name}</b>: {self.n} rows scored, "
                f"{len(self.exclusions)} excluded</p>" + self.files[cols].to_html(index=False))
