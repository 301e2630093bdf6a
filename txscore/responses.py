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
        The ledger: one line per excluded respondent x brand row with provenance,
        ``reason`` and ``detail`` (a respondent of a 3-brand loop excluded as a duplicate
        is 3 lines).
    files : DataFrame
        Per input file, in rows (respondent x brand rows): ``rows_in``, ``scored``,
        ``excluded`` and one count per reason (named by the reason); in respondents
        (distinct file rows): ``respondents_in``, ``respondents_scored`` (at least one row
        scored), ``respondents_excluded`` (every row excluded) and one count per reason
        (``<reason>_respondents``: respondents with a row excluded for it); ``reconciles``
        (rows_in == scored + excluded and respondents_in == respondents_scored +
        respondents_excluded), the reader used and the sha256
        (:func:`txscore.ingest.quality.reconcile`).
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
    >>> f = responses.files
    >>> bool((f["respondents_in"] == f["respondents_scored"] + f["respondents_excluded"]).all())
    True
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

    def _counts(self) -> str:
        """Rows scored and excluded, and respondents when the file table has them."""
        text = f"{self.n} rows scored, {len(self.exclusions)} excluded"
        f = self.files
        if {"respondents_scored", "respondents_excluded"} <= set(f.columns):
            text += (f" ({int(f['respondents_scored'].sum())} respondents scored, "
                     f"{int(f['respondents_excluded'].sum())} excluded)")
        return text

    def __repr__(self) -> str:
        return f"<Responses {self.study.name!r}: {self._counts()}, {len(self.files)} files>"

    def _repr_html_(self) -> str:
        cols = [c for c in ("source_file", "population", "wave", "respondents_in",
                            "respondents_scored", "respondents_excluded", "rows_in", "scored",
                            "excluded", "reconciles") if c in self.files.columns]
        return (f"<p><b>{self.study.name}</b>: {self._counts()}</p>"
                + self.files[cols].to_html(index=False))
