"""PNG charts of a :class:`~txscore.result.Result`: the seven charts and :func:`save_charts`.

TX by brand, the growth grid and CX against BX (:mod:`~txscore.reporting.chart_brands`),
trends over waves (:mod:`~txscore.reporting.chart_trend`), the answer distribution of the
items (:mod:`~txscore.reporting.chart_items`), the importance-performance chart of the key
drivers (:mod:`~txscore.reporting.chart_drivers`) and the reliability overview
(:mod:`~txscore.reporting.chart_reliability`). Each chart function takes the result and
keyword options, draws on a new figure or on the ``ax`` it is given, and returns the
:class:`~matplotlib.figure.Figure` so that analysts can restyle or compose it;
:func:`save_charts` (:mod:`~txscore.reporting.chartrun`) writes them all.

Charts read the result's ``flag`` column: a suppressed cell never shows a number, a bar or
a point (methodology.md, "Uncertainty and significance"). Colours are the colour-blind-safe
Okabe-Ito palette (:mod:`~txscore.reporting.palette`); texts are English or French
(``[report] language``, :mod:`~txscore.reporting.text`), with the language's decimal mark.
"""

from __future__ import annotations

from txscore.reporting.chart_brands import cx_vs_bx, growth_grid, tx_by_brand
from txscore.reporting.chart_drivers import importance_performance
from txscore.reporting.chart_items import item_distribution
from txscore.reporting.chart_reliability import reliability_overview
from txscore.reporting.chart_trend import trend
from txscore.reporting.chartrun import CHARTS, chart_run, save_charts

__all__ = ["CHARTS", "chart_run", "cx_vs_bx", "growth_grid", "importance_performance",
           "item_distribution", "reliability_overview", "save_charts", "trend", "tx_by_brand"]
