"""The one scoring path: respondents -> per-cell sums -> tables.

:func:`score` adds all the respondents to :class:`txscore.scoring.sums.CellSums` as one
chunk (cells of at most ``[report] bootstrap_exact_max`` respondents keep their rows for
exact resampling); :func:`txscore.scoring.chunked.score_chunks` adds record batches.  Both
then derive every table from the sums with :func:`tables_from_sums`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pandas as pd

from txscore.errors import InputDataError, Problem, StudySpecError
from txscore.responses import Responses
from txscore.result import Result, ResultMeta
from txscore.scoring.banners import banner_tables
from txscore.scoring.composites import composites
from txscore.scoring.drivers import standard_drivers
from txscore.scoring.items import items_from_counts, nps_from_counts, nps_missing
from txscore.scoring.plan import planning_table
from txscore.scoring.ranks import rank_table
from txscore.scoring.reliability import reliability_tables, reliability_waves
from txscore.scoring.simulate import scenarios_table
from txscore.scoring.sums import CellSums, StudySums, resample_sums
from txscore.scoring.tables import tables
from txscore.study import Study

__all__ = ["check_by", "decisions", "score", "tables_from_sums"]


def check_by(study: Study, by: Sequence[str]) -> list[str]:
    """The segment columns to cut by, checked against the spec's segments.

    Raises
    ------
    StudySpecError
        A column that is not a segment.

    Examples
    --------
    >>> import txscore as tx
    >>> check_by(tx.read_study("surveys/sample/study.toml"), ("region",))
    ['region']
    """
    by = list(by)
    if missing := [b for b in by if b not in study.columns.segments]:
        raise StudySpecError(f"Cannot cut by {missing}: not segment columns. Segments: "
                             f"{list(study.columns.segments)}.")
    return by


def tables_from_sums(sums: StudySums, say: Callable[[str], None]) -> dict[str, pd.DataFrame]:
    """Every table of a :class:`Result` but the key drivers, from a study's sums.

    Returns
    -------
    dict
        ``items``, ``distributions``, ``scores``, ``changes``, ``grid``, ``ranks``,
        ``reliability``,
        ``reliability_items``, ``cx_weights``, ``bx_weights`` and ``not_computed`` (index ->
        reason code, :data:`txscore.scoring.composites.NOT_COMPUTED`).

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> acc = CellSums(responses.study)
    >>> acc.add(responses.data)
    >>> sorted(tables_from_sums(acc.collect(), print))[:3]
    item statistics
    bootstrap (2000 resamples)
    changes and growth grid
    reliability
    ['bx_weights', 'changes', 'cx_weights']
    """
    study = sums.study
    say("item statistics")
    items, dists = items_from_counts(sums)
    say(f"bootstrap ({study.report.bootstrap} resamples)")
    comp = composites(sums, resample_sums(sums, study.report.bootstrap, study.report.seed))
    say("changes and growth grid")
    nps = nps_from_counts(sums)
    scores, changes, grid = tables(comp, nps, sums.cells, study, sums.by)
    ranks = rank_table(comp, sums.cells, scores, study.report.confidence, sums.by)
    if not ranks.empty and not scores.empty:  # each ranked score with its rank and P(first)
        keys = [k for k in ("measure", "population", "wave", "brand", *sums.by)
                if k in ranks.columns]
        scores = scores.merge(ranks[[*keys, "rank", "p_first", "rank_low", "rank_high"]],
                              on=keys, how="left", validate="one_to_one")
    say("reliability")
    rel, rel_items = reliability_tables(sums.moments, study, sums.moment_clusters)
    rel_waves = reliability_waves(sums.moments, study, sums.moment_clusters)
    missing = dict(comp.not_computed)
    if (reason := nps_missing(sums, nps)) is not None:
        missing["nps"] = reason
    return {"items": items, "distributions": dists, "scores": scores, "changes": changes,
            "grid": grid, "ranks": ranks, "reliability": rel, "reliability_items": rel_items,
            "reliability_waves": rel_waves,
            "cx_weights": comp.weights["cx"], "bx_weights": comp.weights["bx"],
            "weight_replicates": comp.weight_replicates,
            "not_computed": missing}


def score(responses: Responses, *, by: Sequence[str] = (),
          progress: Callable[[str], None] | None = None) -> Result:
    """Score a study: items, constructs, CX, BX, TX, intervals, changes and reliability.

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    by : sequence of str
        Segment columns to cut every score by (in addition to wave and brand).
    progress : callable, optional
        Called with a short message at each stage.

    Returns
    -------
    Result

    Raises
    ------
    StudySpecError
        A ``by`` column that is not a segment.
    InputDataError
        When no row is left to score (every row excluded), naming the files and reasons.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> result = tx.score(responses)
    >>> sorted(result.scores["measure"].unique())[:3]
    ['advocacy', 'bx_customers', 'bx_gap']
    """
    study = responses.study
    by = check_by(study, by)
    if responses.data.empty:
        raise InputDataError("Nothing to score", [_nothing_scored(responses)])
    say = progress or (lambda _msg: None)
    say("sums per cell")
    acc = CellSums(study, by, exact_max=study.report.bootstrap_exact_max)
    acc.add(responses.data)
    out = tables_from_sums(acc.collect(), say)
    say("key drivers")
    drivers = standard_drivers(responses)
    result = Result(study=study, **out, exclusions=responses.exclusions, files=responses.files,
                    drivers=drivers, by=tuple(by), meta=ResultMeta(weighting=responses.weighting),
                    banners=banner_tables(responses, weights={
                        "cx": out["cx_weights"], "bx": out["bx_weights"]}) if study.tables
                    else pd.DataFrame())
    return decisions(result)


def decisions(result: Result) -> Result:
    """The result with its ``[[scenarios]]`` simulated (whole brand cells: not in a result
    cut by segments) and its ``[planning]`` planned."""
    study = result.study
    if study.scenarios and not result.by:
        result = replace(result, scenarios=scenarios_table(result))
    if study.planning is not None:
        result = replace(result, planning=planning_table(result))
    return result


def _nothing_scored(responses: Responses) -> Problem:
    """The problem when every row of every file was excluded (or no file has rows)."""
    files = responses.files
    rows = int(files["rows_in"].sum()) if "rows_in" in files else 0
    reasons = responses.exclusions["reason"].value_counts() if len(responses.exclusions) \
        else pd.Series(dtype=int)
    why = ", ".join(f"{r} {n:,}" for r, n in reasons.items()) or "no data rows"
    names = ", ".join(files["source_file"].astype(str)) if "source_file" in files else ""
    return Problem(f"no row can be scored: the {rows:,} rows read were all excluded "
                   f"({why}).", names or "the study's sources",
                   "run `txscore validate` to see every excluded row and why, then correct "
                   "the files or the [quality] settings.")
