"""Scoring: from :class:`~txscore.responses.Responses` to a :class:`~txscore.result.Result`."""

from txscore.scoring.engine import item_statistics, nps_table, score

__all__ = ["item_statistics", "nps_table", "score"]
