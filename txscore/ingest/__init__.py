"""Ingest: read every source of a study, map answers to codes, check and weight respondents.

The face of the ingest rooms (the respondent is theirs, from the file to the weighted row):

- :func:`load` and :func:`check` (:mod:`txscore.ingest.load`): every source read, mapped,
  checked and reconciled, every problem collected across all files;
- :func:`read_table` (:mod:`txscore.ingest.readers`; by format :mod:`~txscore.ingest.xlsx`,
  :mod:`~txscore.ingest.delimited`; :mod:`~txscore.ingest.table` the table every reader
  returns, :mod:`~txscore.ingest.layouts` the platform layouts);
- :mod:`~txscore.ingest.roles` (each source's own id, weight, duration and item columns,
  renamed at read time), :mod:`~txscore.ingest.rows` (one file -> standard rows),
  :mod:`~txscore.ingest.codes` (answers -> codes), :mod:`~txscore.ingest.loops` (brand
  loops);
- :mod:`~txscore.ingest.quality` (respondent checks, the exclusions ledger),
  :mod:`~txscore.ingest.privacy` (personal data detection, hashed ids for the export),
  :mod:`~txscore.ingest.weights` (the ``[weighting]`` of the scored rows);
- :mod:`~txscore.ingest.draft` (``txscore init``: a study spec drafted from the files).
"""

from __future__ import annotations

from txscore.ingest.load import Checked, check, load
from txscore.ingest.readers import read_table

__all__ = ["Checked", "check", "load", "read_table"]
