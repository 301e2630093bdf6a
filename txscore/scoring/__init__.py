"""Scoring: from :class:`~txscore.responses.Responses` to a :class:`~txscore.result.Result`.

One path, in rooms (each module's docstring cites its method):

- :mod:`~txscore.scoring.engine`: cells, the layout of a population's items, the
  per-respondent features;
- :mod:`~txscore.scoring.sums`: the per-cell sufficient statistics, accumulated chunk by
  chunk (:class:`~txscore.scoring.sums.CellSums`), and their bootstrap replicate sums;
- :mod:`~txscore.scoring.composites`: CX, BX, C, N, TX on the sample and every replicate;
- :mod:`~txscore.scoring.items`: item statistics, distributions and NPS from answer counts;
- :mod:`~txscore.scoring.tables`: the scores, changes and growth-grid tables;
- :mod:`~txscore.scoring.reliability`: the reliability tables from moments;
- :mod:`~txscore.scoring.drivers` and :mod:`~txscore.scoring.driver_bootstrap`: the
  standard key-driver analyses;
- :mod:`~txscore.scoring.pipeline`: :func:`score`, respondents -> sums -> tables;
- :mod:`~txscore.scoring.chunked`: :func:`score_chunks`, the same path over chunks;
- :mod:`~txscore.scoring.study_engine` and :mod:`~txscore.scoring.dask_engine`: a study's
  files as tasks, in process or on Dask; :mod:`~txscore.scoring.run`: :func:`score`, which
  takes responses or a study and picks the engine.
"""

from txscore.scoring.chunked import iter_parquet, score_chunks
from txscore.scoring.drivers import standard_drivers
from txscore.scoring.items import item_statistics, nps_table
from txscore.scoring.run import score

__all__ = ["item_statistics", "iter_parquet", "nps_table", "score", "score_chunks",
           "standard_drivers"]
