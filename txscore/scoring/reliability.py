"""Reliability of every construct of a study, overall and per population, from moments.

Units (methodology.md, "Reliability"): each construct with 2+ items (CX dimensions, BX
pillars, preference, plain scales) and the loyalty composite (all loyalty items together).
Each unit is checked per population that answers it, and on both populations pooled
("all") when both do.  The statistics come from the complete cases' moments of the unit
(n, sum w, sum w^2, sum w u, sum w u u', u the items minus their scale midpoints), which
:class:`txscore.scoring.sums.CellSums` accumulates chunk by chunk, through
:func:`txscore.stats.reliability.reliability_from_moments`.  Each row's ``flag`` comes from
the Kish effective base of its complete cases; a suppressed row carries no number.

Moments keyed (unit, population, wave) give the same study-wide tables (their sums over the
waves: the same sums, not a second pass) and the reliability over time
(:func:`reliability_waves`): alpha per wave and Feldt's test of its change since the
previous wave (:func:`txscore.stats.alpha_compare.feldt_two_alphas`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from txscore.scoring.engine import cell_flags
from txscore.stats.alpha_compare import feldt_two_alphas
from txscore.stats.inference import benjamini_hochberg, kish_n_eff, suppress
from txscore.stats.reliability import ITEM_COLUMNS, reliability_from_moments
from txscore.study import Study

__all__ = ["LOYALTY_COMPOSITE", "WAVE_COLUMNS", "midpoints", "reliability_tables",
           "reliability_units", "reliability_waves"]

LOYALTY_COMPOSITE = "loyalty"


def reliability_units(study: Study) -> dict[str, tuple[str, list[str], tuple[str, ...]]]:
    """unit name -> (label, item columns, populations).

    Examples
    --------
    >>> import txscore as tx
    >>> units = reliability_units(tx.read_study("surveys/sample/study.toml"))
    >>> units["loyalty"][0], units["loyalty"][2]
    ('Loyalty composite', ('customer',))
    """
    units = {}
    for cons in study.constructs.values():
        cols = study.items_of(cons.name)
        if len(cols) >= 2:
            units[cons.name] = (cons.title, cols, cons.populations)
    loyalty = [c for cons in study.constructs_with_role("loyalty") for c in
               study.items_of(cons.name)]
    if len(loyalty) >= 2 and LOYALTY_COMPOSITE not in units:
        units[LOYALTY_COMPOSITE] = ("Loyalty composite", loyalty, ("customer",))
    return units


def midpoints(study: Study, cols: list[str]) -> np.ndarray:
    """The scale midpoints of some items: the centre of their moment sums.

    Examples
    --------
    >>> import txscore as tx
    >>> midpoints(tx.read_study("surveys/sample/study.toml"), ["eff_1"])  # a 1-7 scale
    array([4.])
    """
    scales = [study.scales[study.items[c].scale] for c in cols]
    return np.array([(s.min + s.max) / 2 for s in scales], dtype=float)


def reliability_tables(moments: Mapping[tuple[str, str], tuple], study: Study,
                       clusters: Mapping[tuple, int] | None = None,
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Construct-level and item-level reliability tables for a study.

    Parameters
    ----------
    moments : mapping
        (unit, population) -> (n, sum w, sum w^2, sum w u, sum w u u') of the unit's
        complete cases, u the items minus their :func:`midpoints`; a population that
        answers the unit but is absent has no entry. Keys (unit, population, wave) are
        summed over the waves.
    study : Study
    clusters : mapping, optional
        The same keys -> respondents among the complete cases
        (:attr:`txscore.scoring.sums.StudySums.moment_clusters`): where fewer than the rows
        (respondents rating several brands), the interval's effective base is scaled by
        respondents / rows (:func:`clustered_sw2`); None: every row a respondent.

    Returns
    -------
    constructs : DataFrame
        construct, label, population, n_items, n_complete, alpha, ci_low, ci_high,
        std_alpha, average_r, omega_total, first_eigen_share, verdict, notes (codes of
        :mod:`txscore.stats.reliability`), n_eff (Kish, of the complete cases), flag.
        A suppressed row has no statistic (its verdict and notes are "").
    items : DataFrame
        construct, population, item, n, mean, sd, item_rest_r, alpha_if_deleted, flags,
        flag.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.sums import CellSums
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> acc = CellSums(responses.study)
    >>> acc.add(responses.data)
    >>> rel, items = reliability_tables(acc.collect().moments, responses.study)
    >>> rel.loc[rel["construct"] == "trust", ["population", "verdict", "flag"]].iloc[0].tolist()
    ['customer', 'questionable', 'ok']
    """
    moments = _over_waves(moments)
    people = _over_waves({k: (v,) for k, v in (clusters or {}).items()})
    conf = study.report.confidence
    rows, item_rows = [], []
    for name, (label, cols, pops) in reliability_units(study).items():
        groups = [p for p in pops if (name, p) in moments]
        if len(groups) > 1:
            groups.append("all")
        for pop in groups:
            parts = [moments[(name, p)] for p in (groups[:-1] if pop == "all" else [pop])]
            n, sw, sw2, sx, sxx = (sum(a[i] for a in parts) for i in range(5))
            n_c = sum(people.get((name, p), (n,))[0] for p in (
                groups[:-1] if pop == "all" else [pop])) if people else n
            stats, its = reliability_from_moments(n, sw, clustered_sw2(sw2, n, n_c), sx, sxx,
                                                  items=cols,
                                                  centre=midpoints(study, cols),
                                                  confidence=conf)
            n_eff = float(kish_n_eff(sw, sw2))
            flag = cell_flags(np.array([n_eff]), study)[0]
            rows.append({"construct": name, "label": label, "population": pop,
                         **stats.to_dict(), "n_eff": n_eff, "flag": flag})
            item_rows.append(its.assign(flag=flag).reindex(
                columns=["construct", "population", *ITEM_COLUMNS, "flag"]).assign(
                    construct=name, population=pop))
    if not rows:
        return pd.DataFrame(), pd.DataFrame()
    text = ("verdict", "notes")
    return (suppress(pd.DataFrame(rows), text=text),
            suppress(pd.concat(item_rows, ignore_index=True), text=("flags",)))


#: the columns of :func:`reliability_waves`, in order
WAVE_COLUMNS = ["construct", "label", "population", "wave", "n_items", "n_complete", "n_eff",
                "alpha", "ci_low", "ci_high", "versus", "difference", "statistic", "p_value",
                "p_adjusted", "weakened", "flag"]


def clustered_sw2(sw2: float, n: int, n_clusters: int) -> float:
    """The sum of squared weights that gives the interval of a pooled alpha the effective
    base ``n_eff * n_clusters / n``: a respondent's complete rows (several brands) count as
    one respondent, whatever their correlation (conservative: the design effect of m
    correlated rows is at most m).

    >>> clustered_sw2(300.0, 300, 100)  # 300 rows of 100 respondents: n_eff 300 -> 100
    900.0
    """
    return sw2 * n / n_clusters if 0 < n_clusters < n else sw2


def _add(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _over_waves(moments: Mapping[tuple, tuple]) -> dict[tuple[str, str], tuple]:
    """(unit, population) -> moments: per-wave moments summed over the waves."""
    out: dict[tuple[str, str], tuple] = {}
    for key, m in moments.items():
        out[key[:2]] = _add(out[key[:2]], m) if key[:2] in out else m
    return out


def _wave_rows(moments: Mapping[tuple, tuple], study: Study,
               clusters: Mapping[tuple, int]) -> list[dict]:
    """One row per unit x population (and "all") x wave: alpha, interval and bases."""
    rows = []
    for name, (label, cols, pops) in reliability_units(study).items():
        for wave in study.waves:
            groups = [p for p in pops if (name, p, wave) in moments]
            for pop in groups + (["all"] if len(groups) > 1 else []):
                parts = [moments[(name, p, wave)] for p in (groups if pop == "all" else [pop])]
                n, sw, sw2, sx, sxx = parts[0] if len(parts) == 1 else _add(*parts)
                n_c = sum(clusters.get((name, p, wave), moments[(name, p, wave)][0])
                          for p in (groups if pop == "all" else [pop]))
                stats, _ = reliability_from_moments(n, sw, clustered_sw2(sw2, n, n_c), sx, sxx,
                                                    items=cols,
                                                    centre=midpoints(study, cols),
                                                    confidence=study.report.confidence)
                rows.append({"construct": name, "label": label, "population": pop,
                             "wave": wave, "n_items": stats["n_items"],
                             "n_complete": stats["n_complete"],
                             "n_eff": float(kish_n_eff(sw, sw2)), "alpha": stats["alpha"],
                             "n_test": float(kish_n_eff(sw, clustered_sw2(sw2, n, n_c))),
                             "ci_low": stats["ci_low"], "ci_high": stats["ci_high"]})
    return rows


def reliability_waves(moments: Mapping[tuple, tuple], study: Study,
                      clusters: Mapping[tuple, int] | None = None) -> pd.DataFrame:
    """Reliability over time: alpha per wave and Feldt's test of its change.

    Parameters
    ----------
    moments : mapping
        (unit, population, wave) -> the unit's complete-case moments in that wave (as in
        :func:`reliability_tables`); keys without a wave give an empty table.
    study : Study
    clusters : mapping, optional
        As in :func:`reliability_tables`: the interval and the test use the effective base
        scaled by respondents / rows.

    Returns
    -------
    DataFrame
        :data:`WAVE_COLUMNS`: per construct x population (and "all" when two populations
        answer it) x wave in study order: ``alpha`` with its Feldt interval, ``n_complete``,
        ``n_eff`` (Kish base of the complete cases, the n of the interval and of the test),
        then against the previous wave of the study (``versus``, "" for the first wave or
        when the previous wave has no row): ``difference`` (alpha minus the previous alpha),
        Feldt's W (``statistic``) and two-sided ``p_value`` (degrees of freedom for the
        construct's number of items: :func:`~txscore.stats.alpha_compare.feldt_two_alphas`
        with ``items``), ``p_adjusted``
        (Benjamini-Hochberg over the whole table when ``multiple_testing = "bh"``, else the
        p-value), ``weakened`` (alpha fell, ``p_adjusted`` < 1 - confidence, and both
        waves' flags are "ok": the one significance rule), and ``flag`` from ``n_eff``.
        A suppressed row, or a change from one, carries no number.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.sums import CellSums
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> moments = {}
    >>> for wave, rows in responses.data.groupby("wave", sort=False):
    ...     acc = CellSums(responses.study)
    ...     acc.add(rows)
    ...     moments |= {(*k[:2], wave): m for k, m in acc.collect().moments.items()}
    >>> table = reliability_waves(moments, responses.study)
    >>> table.columns[:4].tolist()
    ['construct', 'label', 'population', 'wave']
    """
    rows = _wave_rows(moments, study, clusters or {}) if all(len(k) == 3 for k in moments
                                                             ) else []
    if not rows:
        return pd.DataFrame(columns=WAVE_COLUMNS)
    table = pd.DataFrame(rows)
    table["flag"] = cell_flags(table["n_eff"].to_numpy(float), study)
    at = {(r.construct, r.population, r.wave): i for i, r in enumerate(table.itertuples())}
    waves = study.waves
    prev = np.array([at.get((r.construct, r.population, waves[waves.index(r.wave) - 1]), -1)
                     if waves.index(r.wave) > 0 else -1 for r in table.itertuples()])
    has = prev >= 0
    j = np.where(has, prev, 0)
    flags = table["flag"].to_numpy(object)
    usable = has & (flags != "suppressed") & (flags[j] != "suppressed")
    a, n = table["alpha"].to_numpy(float), table.pop("n_test").to_numpy(float)
    test = feldt_two_alphas(a, n, a[j], n[j], items=table["n_items"].to_numpy(float))
    table["versus"] = np.where(has, table["wave"].to_numpy(object)[j], "")
    table["difference"] = np.where(usable, a - a[j], np.nan)
    table["statistic"] = np.where(usable, test.statistic, np.nan)
    table["p_value"] = np.where(usable, test.p_value, np.nan)
    p = table["p_value"].to_numpy(float)
    table["p_adjusted"] = benjamini_hochberg(p) if study.report.multiple_testing == "bh" else p
    both_ok = (flags == "ok") & (flags[j] == "ok")
    with np.errstate(invalid="ignore"):
        table["weakened"] = (usable & both_ok & (table["difference"].to_numpy(float) < 0)
                             & (table["p_adjusted"].to_numpy(float)
                                < 1 - study.report.confidence))
    return suppress(table[WAVE_COLUMNS])
