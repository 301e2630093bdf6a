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

__all__ = ["ANALYSES", "importance_performance", "ip_quadrant"]

ANALYSES = ("cx_loyalty", "bx_preference_customer", "bx_preference_non_customer",
            "items_loyalty")
_GROUP = ["analysis", "population", "wave"]


def ip_quadrant(drivers: pd.DataFrame) -> pd.Series:
    """Importance-performance quadrant of each driver against the means of its analysis x
    population x wave: "concentrate" (important, performing below the mean), "keep"
    (important, above), "low" (less important, below), "overkill" (less important, above);
    "" without both numbers.

    Examples
    --------
    >>> d = pd.DataFrame({"analysis": "a", "population": "customer", "wave": "W1",
    ...                   "importance": [40.0, 40.0, 10.0, 10.0],
    ...                   "performance": [60.0, 80.0, 60.0, 80.0]})
    >>> ip_quadrant(d).tolist()
    ['concentrate', 'keep', 'low', 'overkill']
    """
    g = drivers.groupby(_GROUP, sort=False, dropna=False)
    hi_imp = drivers["importance"] >= g["importance"].transform("mean")
    hi_perf = drivers["performance"] >= g["performance"].transform("mean")
    out = np.select([hi_imp & ~hi_perf, hi_imp & hi_perf, ~hi_imp & ~hi_perf],
                    ["concentrate", "keep", "low"], "overkill")
    ok = drivers["importance"].notna() & drivers["performance"].notna()
    return pd.Series(np.where(ok, out, ""), index=drivers.index)


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
    below) and "Possible overkill" (less important, above). Drivers with a negative
    regression coefficient are hollow. A result without driver analysis gets an empty
    chart saying so; an analysis whose rows are flagged suppressed shows no point.

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
    title, wkey = _ip_title(result, rows, analysis, population, wave, t)
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
            lines += _driver_points(ax, pts, d["whisk"], d["means"], shown, w, rep)
            gone = rows.loc[~d["ok"], "label" if "label" in rows else "driver"]
            if len(gone):
                lines.append(t["no_value"].format(names=name_list(list(gone), w)))
        if not d["all_hidden"]:  # a warning may quote the base
            warn = rows["warning"] if "warning" in rows else pd.Series(dtype=object)
            lines += [short(w.codes("driver_warnings", v), 150)
                      for v in dict.fromkeys(warn.dropna().astype(str)) if v.strip()]
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
              wave: str | None, t: Any) -> tuple[str, list[tuple[str, str]]]:
    """The chart's title (outcome and wave shortened) and the wave's key, if it needs one."""
    outcome = fit(rows["outcome"].iloc[0] if len(rows) else analysis, 200, lines=1, size=12,
                  bold=True)
    wl, wkey = (wave_label(result.study.waves, str(wave), width=160) if wave is not None
                else ("None", []))
    return t["ip_title"].format(outcome=outcome, population=t.get(str(population),
                                                                  str(population)),
                                wave=wl), wkey


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
                   shown: pd.DataFrame, w: Words, rep: Any) -> list[str]:
    """Crosshairs at the means, whiskers, one point per driver coloured by its quadrant;
    returns the footnote lines."""
    t = w.charts
    for line, v in ((ax.axvline, means[0]), (ax.axhline, means[1])):
        line(v, color=GREY, linestyle="--", linewidth=1, zorder=1)
    with np.errstate(invalid="ignore"):
        err = np.nan_to_num(np.abs(whisk - np.repeat(pts, 2, axis=1)))
    ax.errorbar(pts[:, 0], pts[:, 1], xerr=err[:, :2].T, yerr=err[:, 2:].T,
                fmt="none", ecolor="#8a8a8a", elinewidth=0.9, zorder=2)
    high_imp, high_perf = pts[:, 0] >= means[0], pts[:, 1] >= means[1]
    quad = np.where(high_imp, np.where(high_perf, "keep", "concentrate"),
                    np.where(high_perf, "overkill", "low"))
    sign = shown["sign"].to_numpy(float) if "sign" in shown else np.ones(len(pts))
    for (x, y), q, sg, d in zip(pts, quad, sign, shown["driver"], strict=True):
        colour = IP_COLOURS[q]
        ax.scatter([x], [y], s=64, zorder=3, color="white" if sg < 0 else colour,
                   edgecolors=colour, linewidths=1.6, gid=f"driver:{d}")
    method = str(shown["method"].iloc[0]) if "method" in shown else ""
    lines = [t["ip_note"].format(
        r2=w.num(float(shown["r2"].iloc[0]), 2), n=w.count(float(shown["n_eff"].max())),
        method=t.get(method, method), conf=f"{rep.confidence * 100:g}",
        mi=w.num(means[0], 1), mp=w.num(means[1], 1))]
    if (sign < 0).any():
        lines.append(t["ip_negative"])
    return lines
