"""Key drivers at (importance, performance), with the four priority quadrants."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from txscore.errors import TxscoreError
from txscore.reporting.chart_base import (
    axes,
    decorate,
    keys_note,
    label_of,
    message,
    name_list,
    nice_limits,
    settle,
    setup,
    short,
    study_line,
    suppressed,
    wave_label,
)
from txscore.reporting.chart_labels import (
    IP_CORNERS,
    corner_names,
    fit,
    fit_names,
    label_points,
    one_line,
)
from txscore.reporting.palette import GREY, IP_COLOURS, STYLE
from txscore.reporting.text import Words
from txscore.scoring.drivers import ip_quadrants

__all__ = ["ANALYSES", "UNCLEAR_EDGE", "UNCLEAR_FILL", "importance_performance",
           "ip_quadrant", "outcome_label"]

ANALYSES = ("cx_loyalty", "bx_preference_customer", "bx_preference_non_customer",
            "items_loyalty")
#: a driver of no clear priority: a light grey point with a mid-grey ring (the "low
#: priority" points are solid :data:`GREY`)
UNCLEAR_FILL, UNCLEAR_EDGE = "#dcdcdc", "#9a9a9a"


def ip_quadrant(drivers: pd.DataFrame) -> pd.Series:
    """The importance-performance quadrant code of each driver: the scoring's ``quadrant``
    column when the table has it, else the same rule
    (:func:`txscore.scoring.drivers.ip_quadrants`) applied to it. Codes "concentrate",
    "keep", "low", "overkill" and "unclear" (no clear priority: an interval crosses a
    mean); "" without both numbers.

    Examples
    --------
    >>> d = pd.DataFrame({"analysis": "a", "population": "customer", "wave": "W1",
    ...                   "importance": [40.0, 40.0, 10.0, 10.0],
    ...                   "ci_low": [35.0, 35.0, 5.0, 5.0], "ci_high": [45.0, 45.0, 15.0, 26.0],
    ...                   "performance": [60.0, 80.0, 60.0, 80.0]})
    >>> ip_quadrant(d).tolist()  # the last importance interval crosses the mean, 25
    ['concentrate', 'keep', 'low', 'unclear']
    """
    if "quadrant" in drivers and drivers["quadrant"].notna().all():
        return drivers["quadrant"].astype(str)
    return ip_quadrants(drivers)


def outcome_label(study: Any, outcome: object, language: str) -> str:
    """An analysis' outcome code in ``language``: "loyalty" is the loyalty composite (a
    measure of the report's words), else the names of the outcome constructs ("+"-joined)
    by their labels.

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> outcome_label(study, "loyalty", "fr"), outcome_label(study, "preference", "en")
    ('Composite de fidélité', 'Purchase preference')
    """
    code = str(outcome)
    parts = code.split("+") if code not in study.constructs else [code]
    return " + ".join(label_of(study, part, language) for part in parts)


def _driver_rows(result: Any, analysis: str, population: str | None, wave: str | None,
                 language: str) -> tuple[pd.DataFrame, str | None, str | None]:
    """The drivers of one analysis x population x wave (may be empty), with their short
    labels in the report language, and the choices made."""
    drv = getattr(result, "drivers", None)
    if drv is None or len(drv) == 0:
        return pd.DataFrame(), population, wave
    known = set(drv["analysis"]) | set(ANALYSES)
    if analysis not in known:
        raise TxscoreError(f"Unknown driver analysis {analysis!r}. Fix: use one of "
                           f"{sorted(known)}.")
    rows = drv[drv["analysis"] == analysis]
    if population is None and len(rows):
        population = str(rows["population"].iloc[0])
    rows = rows[rows["population"] == population]
    if wave is None and len(rows):
        have = set(rows["wave"])
        in_study = [w for w in result.study.waves if w in have]
        wave = in_study[-1] if in_study else str(rows["wave"].iloc[-1])
    rows = rows[rows["wave"] == wave]
    if "driver" in rows:
        shown = rows["label"] if "label" in rows else rows["driver"]
        rows = rows.assign(label=[label_of(result.study, str(k), language, v)
                                  for k, v in zip(rows["driver"], shown, strict=True)])
    return rows, population, wave


def importance_performance(result: Any, *, analysis: str = "cx_loyalty",
                           population: str | None = None, wave: str | None = None,
                           ax: Any = None) -> Figure:
    """Key drivers at (importance, performance), with the four priority quadrants.

    Importance is the driver's share of the explained variance (``result.drivers``,
    rescaled to sum to 100), performance its score100 among the analysed respondents; both
    carry their intervals as whiskers when given. Crosshairs at the mean importance and the
    mean performance split the plot into "Concentrate here" (important, performing below
    the mean), "Keep up the good work" (important, above), "Low priority" (less important,
    below) and "Possible overkill" (less important, above). A point takes its quadrant's
    colour only when the scoring named one (the ``quadrant`` column: both intervals clear
    of the means); a driver of no clear priority is light grey. Drivers with a negative
    regression coefficient are hollow. The footnote gives the base (respondents and
    effective base, wave). A result without driver analysis gets an empty chart saying so;
    an analysis whose rows are flagged suppressed shows no point.

    Parameters
    ----------
    result : Result
        A scored study; its ``drivers`` table has one row per analysis x population x
        wave x driver.
    analysis : str, default "cx_loyalty"
        "cx_loyalty", "bx_preference_customer", "bx_preference_non_customer" or
        "items_loyalty".
    population : str, optional
        Default: the analysis' population.
    wave : str, optional
        Default: the latest wave the analysis has.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> importance_performance(result).axes[0].get_xlabel()
    'Importance (% of explained variance)'
    """
    _, w, rep = setup(result, None)
    t = w.charts
    rows, population, wave = _driver_rows(result, analysis, population, wave, w.language)
    d = _ip_data(rows)
    pts, shown = d["pts"], d["shown"]
    title, wl, wkey = _ip_title(result, rows, analysis, population, wave, w)
    full = [one_line(v) for v in shown.get("label", shown["driver"])] if len(pts) else []
    names, keys = fit_names(full, 120, lines=2)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax)
        ax.set(xlim=d["lims"][0], ylim=d["lims"][1])
        lines = [study_line(result)]
        if not len(rows):
            what = ", ".join(str(v) for v in (analysis, population, wave) if v is not None)
            message(ax, t["no_drivers"] if getattr(result, "drivers", None) is None
                    or not len(result.drivers) else t["no_drivers_for"].format(what=what))
            title = t["ip_bare"]
            ax.set(xlim=(0, 100), ylim=(0, 100))
        elif d["all_hidden"]:
            message(ax, t["suppressed"].format(min=f"{rep.suppress_below:g}"))
        else:
            _driver_points(ax, pts, d["whisk"], d["means"], shown)
            lines += _ip_notes(rows, d, wl, str(population), w, rep)
        lines += keys_note(w, wkey + keys)
        corners = corner_names(ax, IP_CORNERS, IP_COLOURS, w.ip_quadrants) if len(pts) else ()
        decorate(ax, w, title, t["ip_x"], t["ip_y"], "\n".join(lines), own)
        if own:
            settle(fig)
        if len(pts):
            label_points(ax, pts, names, d["lims"], gids=full, lines=d["means"],
                         corners=corners, whiskers=d["whisk"])
    return fig


def _ip_title(result: Any, rows: pd.DataFrame, analysis: str, population: str | None,
              wave: str | None, w: Words) -> tuple[str, str, list[tuple[str, str]]]:
    """The chart's title (outcome in the report's words, wave shortened), the wave's label
    and its key, if it needs one."""
    t = w.charts
    what = (outcome_label(result.study, rows["outcome"].iloc[0], w.language) if len(rows)
            else analysis)
    outcome = fit(what, 200, lines=1, size=12, bold=True)
    wl, wkey = (wave_label(result.study.waves, str(wave), width=160) if wave is not None
                else ("None", []))
    return t["ip_title"].format(outcome=outcome, population=t.get(str(population),
                                                                  str(population)),
                                wave=wl), wl, wkey


def _ip_data(rows: pd.DataFrame) -> dict[str, Any]:
    """The drivers shown (finite numbers, not flagged suppressed): their points, whiskers,
    the means (crosshairs) and the axis limits; whether every row is suppressed."""
    flags = rows["flag"] if "flag" in rows else pd.Series("ok", index=rows.index)
    hidden = suppressed(flags)
    imp = rows["importance"].to_numpy(float) if len(rows) else np.array([])
    perf = rows["performance"].to_numpy(float) if len(rows) else np.array([])
    ok = np.isfinite(imp) & np.isfinite(perf) & ~hidden
    shown = rows[ok] if len(rows) else rows
    pts = np.column_stack([imp[ok], perf[ok]]) if ok.any() else np.empty((0, 2))
    cols = ["ci_low", "ci_high", "performance_ci_low", "performance_ci_high"]
    whisk = shown.reindex(columns=cols).to_numpy(float) if len(shown) else np.empty((0, 4))
    means = (float(pts[:, 0].mean()), float(pts[:, 1].mean())) if len(pts) else (np.nan,) * 2
    xmax = np.nanmax(np.concatenate([pts[:, 0], whisk[:, 1], [10.0]]))
    lims = np.array([(0.0, float(np.ceil(xmax * 1.12 / 5) * 5)),
                     nice_limits(np.concatenate([pts[:, 1], whisk[:, 2:].ravel()]))])
    return {"ok": ok, "shown": shown, "pts": pts, "whisk": whisk, "means": means,
            "lims": lims, "all_hidden": bool(len(rows)) and bool(hidden.all())}


def _driver_points(ax: Any, pts: np.ndarray, whisk: np.ndarray, means: tuple,
                   shown: pd.DataFrame) -> None:
    """Crosshairs at the means, whiskers, one point per driver coloured by its quadrant
    (the scoring's; light grey when no quadrant is clear)."""
    for line, v in ((ax.axvline, means[0]), (ax.axhline, means[1])):
        line(v, color=GREY, linestyle="--", linewidth=1, zorder=1)
    with np.errstate(invalid="ignore"):
        err = np.nan_to_num(np.abs(whisk - np.repeat(pts, 2, axis=1)))
    ax.errorbar(pts[:, 0], pts[:, 1], xerr=err[:, :2].T, yerr=err[:, 2:].T,
                fmt="none", ecolor="#8a8a8a", elinewidth=0.9, zorder=2)
    quad = ip_quadrant(shown).tolist()
    sign = shown["sign"].to_numpy(float) if "sign" in shown else np.ones(len(pts))
    for (x, y), q, sg, d in zip(pts, quad, sign, shown["driver"], strict=True):
        edge, face = ((IP_COLOURS[q], IP_COLOURS[q]) if q in IP_COLOURS
                      else (UNCLEAR_EDGE, UNCLEAR_FILL))
        ax.scatter([x], [y], s=64, zorder=3, color="white" if sg < 0 else face,
                   edgecolors=edge, linewidths=1.6, gid=f"driver:{d}")


def _ip_notes(rows: pd.DataFrame, d: dict[str, Any], wl: str, population: str, w: Words,
              rep: Any) -> list[str]:
    """The footnote of a chart with points: base, fit, the quadrant rule, hollow points,
    drivers without a value and the analysis' warnings."""
    t, shown, means = w.charts, d["shown"], d["means"]
    method = str(shown["method"].iloc[0]) if "method" in shown else ""
    lines = [t["ip_base"].format(wave=wl, n=w.count(float(shown["n"].max())),
                                 population=t.get(population, population),
                                 n_eff=w.count(float(shown["n_eff"].max()))),
             t["ip_fit"].format(r2=w.num(float(shown["r2"].iloc[0]), 2),
                                method=t.get(method, method), conf=f"{rep.confidence * 100:g}",
                                mi=w.num(means[0], 1), mp=w.num(means[1], 1))]
    no_interval = not np.isfinite(d["whisk"][:, :2]).any()
    lines.append(t["ip_rule_points"] if no_interval else t["ip_rule"])
    if "sign" in shown and (shown["sign"].to_numpy(float) < 0).any():
        lines.append(t["ip_negative"])
    gone = rows.loc[~d["ok"], "label" if "label" in rows else "driver"]
    if len(gone):
        lines.append(t["no_value"].format(names=name_list(list(gone), w)))
    warn = rows["warning"] if "warning" in rows else pd.Series(dtype=object)
    lines += [short(w.codes("driver_warnings", v), 150)
              for v in dict.fromkeys(warn.dropna().astype(str)) if v.strip()]
    return lines
