"""Charts of a scored study, for notebooks and scripts: ``tx.charts.trend(result)``.

Each function draws one chart of a :class:`~txscore.result.Result` and returns the
:class:`matplotlib.figure.Figure` (or draws into the ``ax`` it is given and returns that
axes' figure), so that it can be shown, restyled, composed with other plots or saved:

=========================  ==============================================================
:func:`tx_by_brand`        TX score per brand with intervals and the all-brands line
:func:`growth_grid`        brands at (non-customer score N, customer score C), quadrants
:func:`cx_vs_bx`           CX against BX among customers, both intervals
:func:`trend`              any measure over the waves, significant changes circled
:func:`item_distribution`  diverging stacked bars of the answers to each item
:func:`importance_performance`  key drivers at (importance, performance), priority quadrants
:func:`reliability_overview`    alpha with its interval and omega per construct
:func:`save_charts`        every chart as PNG files (atomic, byte-for-byte reproducible)
=========================  ==============================================================

Cells the result flags ``"suppressed"`` (an effective base below the study's
``suppress_below``) never show a number, bar or point; texts follow the study's language
(English or French). The implementation lives
in :mod:`txscore.reporting.charts` (one module per family of charts); this module is
its public face.

Examples
--------
>>> import txscore as tx
>>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
>>> result = tx.score(tx.load(study))
>>> fig = tx.charts.trend(result, "cx")  # then fig.savefig("cx_trend.png", dpi=200)
>>> fig.axes[0].get_ylabel()
'CX index (0–100)'
"""

from __future__ import annotations

from txscore.reporting.charts import (
    cx_vs_bx,
    growth_grid,
    importance_performance,
    item_distribution,
    reliability_overview,
    save_charts,
    trend,
    tx_by_brand,
)

__all__ = ["cx_vs_bx", "growth_grid", "importance_performance", "item_distribution",
           "reliability_overview", "save_charts", "trend", "tx_by_brand"]
