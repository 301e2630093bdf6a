"""What-if simulation: the change in CX, BX, C, N and TX associated with shifts of the
dimensions, pillars or items of a brand (docs/methodology.md, "What-if simulation").

The indices are linear in the construct scores of a cell: CX = sum_q w_q S_q over the CX
quality dimensions, BX = sum_p v_p P_p over the pillars (customers and non-customers
separately, the same weights), C = lam CX + (1 - lam) BX_customers, N = BX_non_customers,
TX = share_nc N + (1 - share_nc) C.  A shift of ``d`` score points of a dimension moves CX
by ``w_q d``; a shift of an item moves its construct by ``d / k`` (the construct is the
mean of its ``k`` items scored in the cell); ``"+x%"`` moves x% of the respondents at each
answer below the top one box up, which moves an item's score100 by
``x/100 * 100 (1 - p_top) / (max - min)`` (``p_top`` the share at the top code, from the
answer distribution; ``-x%`` moves x% of those above the bottom one box down).

Every change is therefore ``sum_j c_j u_j`` over the index weights ``u`` (CX weights then BX
weights) with coefficients ``c`` fixed by the shifts.  Its interval is the percentile
interval of the same sum over the bootstrap replicates of the weights when the weights
result carries them (``result.weight_replicates``, :func:`weight_replicates`); otherwise it is the
weights' own percentile interval scaled by the coefficient when one estimated weight is
involved (exactly the replicate interval: percentiles commute with scaling), and the sum of
the scaled intervals (a conservative bound, note ``interval_bound``) when several are.  The
interval is that of the fitted weights only: the shift itself is taken as given.

The change is associational: what the fitted index model associates with the shift, other
scores held equal; not what an action would cause.  The growth-grid quadrant after the
shift places C and N against the peer averages, which move too when the brand is one of the
peers (the average of the ``k`` peers moves by ``delta / k``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from txscore.errors import ParameterError, Problem, StudySpecError, did_you_mean
from txscore.result import Result
from txscore.scoring.ranks import QUADRANTS, quadrant_codes
from txscore.stats.inference import percentile_interval
from txscore.study.scenarios import (
    SCENARIO_POPULATIONS,
    SHIFT_FORMS,
    Shift,
    read_shift,
    shift_keys,
)
from txscore.study.vocabulary import TOTAL

__all__ = ["SIMULATED", "SIMULATION_COLUMNS", "SIMULATION_NOTES", "box_shift",
           "change_interval", "scenarios_table", "simulate", "weight_replicates"]

#: the indices a simulation reports, with the population of their cell
SIMULATED = {"cx": "customer", "bx_customers": "customer", "bx_non_customers": "non_customer",
             "customer_score": "customer", "non_customer_score": "non_customer", "tx": "all"}
#: the codes of the ``note`` column (several separated by spaces): "associational" (every
#: index row: the change the fitted index weights associate with the shift, other scores
#: equal, not an effect of an action), "box_shift" (a shifted score's row: a share of
#: respondents moved one box, the change comes from the cell's answer distribution),
#: "fixed_weights" (the index's weights are fixed by its method, e.g. equal: the interval
#: has no width),
#: "interval_bound" (several estimated weights without their joint replicates: the interval
#: is a conservative bound), "suppressed" (the cell's base is too small: no number)
SIMULATION_NOTES = ("associational", "box_shift", "fixed_weights", "interval_bound",
                    "suppressed")
#: the columns of :func:`simulate`'s table (:func:`scenarios_table` adds ``scenario`` first)
SIMULATION_COLUMNS = ["measure", "population", "wave", "brand", "level", "before", "after",
                      "change", "ci_low", "ci_high", "quadrant_before", "quadrant_after",
                      "p_quadrant_before", "shifts", "note", "flag"]


#: how messages name the respondents of a population
_PEOPLE = {"customer": "customers", "non_customer": "non-customers"}


@dataclass(frozen=True)
class _Cell:
    """The brand x wave cell simulated and its construct scores."""

    brand: str
    wave: str
    scores: pd.DataFrame  # the cell's rows of result.scores


def box_shift(codes: np.ndarray, shares: np.ndarray, low: int, high: int,
              percent: float) -> float:
    """The change in an item's score100 when ``percent``% of the respondents at each answer
    below the top code move one code up (negative: above the bottom, one code down).

    ``100 * f * (1 - p_top) / (high - low)`` with ``f = percent / 100`` and ``p_top`` the
    share at the top code (``p_bottom`` when moving down), shares normalised to sum to 1.

    Parameters
    ----------
    codes, shares : array
        The answer codes of the item in the cell and their weighted shares.
    low, high : int
        The scale's first and last code.
    percent : float
        -100..100.

    Returns
    -------
    float

    Examples
    --------
    >>> # 5 points, 40% at the top: 10% of the other 60% move up one of 4 steps
    >>> box_shift(np.array([3, 4, 5]), np.array([0.3, 0.3, 0.4]), 1, 5, 10.0)
    1.5
    """
    codes, shares = np.asarray(codes), np.asarray(shares, float)
    total = shares.sum()
    if total <= 0:
        return 0.0
    end = high if percent >= 0 else low
    p_end = shares[codes == end].sum() / total
    return float(100 * percent / 100 * (1 - p_end) / (high - low))


def change_interval(coef: np.ndarray, weights: pd.DataFrame, confidence: float,
                    replicates: np.ndarray | None = None) -> tuple[float, float, str]:
    """The interval of the change ``coef @ weights["weight"]`` from the weights' bootstrap.

    With ``replicates`` ((n_boot, len(weights)): the weights on every bootstrap replicate)
    the percentile interval of ``replicates @ coef``; otherwise each nonzero term's
    interval ``coef_j [ci_low_j, ci_high_j]`` (ends swapped when negative), summed: the
    exact percentile interval when one estimated weight is involved, a conservative bound
    when several are.

    Parameters
    ----------
    coef : array
        The coefficient of each weight in the change (the shifts of its dimension).
    weights : DataFrame
        ``weight``, ``ci_low``, ``ci_high`` and optionally ``method`` (``Result.cx_weights``
        and/or ``bx_weights``; a weight of method "equal" is fixed).
    confidence : float
    replicates : array, optional

    Returns
    -------
    (low, high, note)
        ``note`` is "interval_bound" for the bound, "fixed_weights" when every weight
        involved is fixed (no width), else "". NaN ends when an estimated weight involved
        has no interval (no bootstrap).

    Examples
    --------
    >>> w = pd.DataFrame({"weight": [0.5, 0.3, 0.2], "ci_low": [0.4, 0.2, 0.1],
    ...                   "ci_high": [0.6, 0.4, 0.3]})
    >>> change_interval(np.array([10.0, 0.0, 0.0]), w, 0.95)
    (4.0, 6.0, '')
    >>> change_interval(np.array([-10.0, 0.0, 5.0]), w, 0.95)
    (-5.5, -2.5, 'interval_bound')
    """
    coef = np.asarray(coef, float)
    used = coef != 0
    lo_w, hi_w = weights["ci_low"].to_numpy(float), weights["ci_high"].to_numpy(float)
    if not used.any():
        return 0.0, 0.0, ""
    # weights fixed by their method (equal) have no sampling error, bootstrap or not
    fixed = (np.isclose(lo_w, hi_w, rtol=0, atol=1e-12) & np.isfinite(lo_w)) | (
        weights["method"].eq("equal").to_numpy() if "method" in weights else False)
    if fixed[used].all():
        point = float(coef @ weights["weight"].to_numpy(float))
        return point, point, "fixed_weights"
    if not np.isfinite(np.r_[lo_w[used & ~fixed], hi_w[used & ~fixed]]).all():
        return np.nan, np.nan, ""  # no bootstrap: no interval
    if replicates is not None and np.ndim(replicates) == 2 and np.shape(replicates)[1] == len(
            weights):
        lo, hi = percentile_interval(np.asarray(replicates, float) @ coef, confidence)
        return float(lo), float(hi), ""
    ends = np.stack([coef[used] * lo_w[used], coef[used] * hi_w[used]])
    note = "interval_bound" if (used & ~fixed).sum() > 1 else ""
    return float(ends.min(axis=0).sum()), float(ends.max(axis=0).sum()), note


def _problem(problems: list[Problem], where: str, message: str, fix: str = "") -> None:
    problems.append(Problem(message, where, fix))


def _cell(result: Result, brand: object, wave: object, problems: list[Problem]) -> _Cell | None:
    s = result.scores
    brands = [b for b in dict.fromkeys(s["brand"]) if b != TOTAL]
    waves = [w for w in result.study.waves if (s["wave"] == w).any()]
    if result.by:
        _problem(problems, "result", "a what-if simulation needs the scores of whole brand "
                 f"cells; this result is cut by {', '.join(result.by)}.",
                 "score the study without by=... (or --by) to simulate.")
        return None
    if brand not in brands:
        _problem(problems, "brand", f"the brand {brand!r} is not among the brands scored.",
                 did_you_mean(brand, brands) or "brands: " + ", ".join(map(str, brands)) + ".")
    if wave is not None and wave not in waves:
        _problem(problems, "wave", f"the wave {wave!r} is not a wave of the study.",
                 did_you_mean(wave, waves) or "waves: " + ", ".join(waves) + ".")
    if problems or not waves:
        return None
    wave = waves[-1] if wave is None else wave
    rows = s[(s["brand"] == brand) & (s["wave"] == wave)]
    if rows.empty:
        _problem(problems, "wave", f"the brand {brand!r} has no scores in the wave {wave!r}.",
                 "waves of this brand: " + ", ".join(
                     w for w in waves if ((s["brand"] == brand) & (s["wave"] == w)).any())
                 + ".")
        return None
    return _Cell(str(brand), str(wave), rows)


def _value(cell: _Cell, measure: str, population: str) -> tuple[float, str] | None:
    """A measure's value and flag in the cell (None when not computed)."""
    rows = cell.scores[(cell.scores["measure"] == measure)
                       & (cell.scores["population"] == population)]
    if rows.empty:
        return None
    return float(rows["value"].iloc[0]), str(rows["flag"].iloc[0])


def _item_delta(result: Result, cell: _Cell, pop: str, item: str, shift: Shift) -> float:
    """The change of one item's score100 in the cell (points: the shift itself)."""
    if shift.unit == "points":
        return shift.amount
    d = result.distributions
    rows = d[(d["population"] == pop) & (d["wave"] == cell.wave) & (d["brand"] == cell.brand)
             & (d["item"] == item)]
    scale = result.study.scales[result.study.items[item].scale]
    return box_shift(rows["code"].to_numpy(), rows["share"].fillna(0).to_numpy(float),
                     scale.min, scale.max, shift.amount)


def _scored_items(result: Result, cell: _Cell, pop: str, construct: str) -> pd.DataFrame:
    """The construct's items scored in the cell (its score is their mean)."""
    it = result.items
    rows = it[(it["population"] == pop) & (it["wave"] == cell.wave)
              & (it["brand"] == cell.brand) & (it["construct"] == construct)]
    return rows[np.isfinite(rows["score100"].to_numpy(float))]


def _key_deltas(result: Result, cell: _Cell, pop: str, key: str, construct: str,
                shift: Shift, problems: list[Problem]) -> float | None:
    """The change of ``construct`` in population ``pop`` from shifting ``key`` (None when
    the population has no score of it in the cell: not asked, or suppressed)."""
    items = _scored_items(result, cell, pop, construct)
    if items.empty:
        return None
    if key != construct:  # an item: its construct moves by 1/k of it
        row = items[items["item"] == key]
        if row.empty:
            return None
        before = float(row["score100"].iloc[0])
        delta = _item_delta(result, cell, pop, key, shift)
        if not 0 <= before + delta <= 100:
            _problem(problems, f"changes[{key!r}]", f"shifting '{key}' by {shift} takes its "
                     f"score among {_PEOPLE[pop]} of {cell.brand} in {cell.wave} from "
                     f"{before:.1f} to {before + delta:.1f}, beyond the 0-100 scale.",
                     f"it can rise by {100 - before:.1f} points at most, and fall by "
                     f"{before:.1f}.")
        return delta / len(items)
    return float(np.mean([_item_delta(result, cell, pop, i, shift) for i in items["item"]]))


def _request_problems(result: Result, changes: Mapping[str, object], population: object,
                      problems: list[Problem]) -> dict[str, Shift]:
    """The request checked against the study alone (keys, shifts, population, CX method);
    key -> its shift for the keys that are fine."""
    study = result.study
    keys = shift_keys(study)
    if population is not None and population not in SCENARIO_POPULATIONS:
        _problem(problems, "population", f"the population must be one of "
                 f"{', '.join(SCENARIO_POPULATIONS)} or None. Got {population!r}.",
                 "leave it out to shift every population that answers the keys.")
    out = {}
    for key, raw in changes.items():
        where = f"changes[{key!r}]"
        if key not in keys:
            _problem(problems, where, f"'{key}' is no CX quality dimension, BX pillar or item "
                     "of one.", did_you_mean(key, keys) or "keys: " + ", ".join(keys) + ".")
        elif (shift := read_shift(raw)) is None:
            _problem(problems, where, f"the shift of '{key}' must be {SHIFT_FORMS}, at most 100 "
                     f"either way. Got {raw!r}.", f'e.g. {{"{key}": 5}} or {{"{key}": "+10%"}}.')
        elif study.index.cx_method == "classic_net" and study.constructs[
                keys[key]].role == "cx_quality":
            _problem(problems, where, "the study's CX is the classic net score ([index] "
                     "cx_method = \"classic_net\"), which a score shift does not move in a "
                     "known way.", "simulate BX pillars, or score with cx_method = "
                     "\"loyalty_weighted\" or \"equal\".")
        else:
            out[key] = shift
    return out


def _shifts(result: Result, cell: _Cell, shifts: Mapping[str, Shift], population: str | None,
            problems: list[Problem]) -> dict[tuple[str, str], float]:
    """(population, construct) -> the change of its score in the cell, range-checked."""
    study = result.study
    keys = shift_keys(study)
    out: dict[tuple[str, str], float] = {}
    for key, shift in shifts.items():
        construct = keys[key]
        found = False
        for pop in study.constructs[construct].populations:
            if population not in (None, pop) or _value(cell, construct, pop) is None:
                continue
            delta = _key_deltas(result, cell, pop, key, construct, shift, problems)
            if delta is not None:
                out[(pop, construct)] = out.get((pop, construct), 0.0) + delta
                found = True
        if not found:
            _problem(problems, f"changes[{key!r}]", f"'{key}' has no score among "
                     f"{_PEOPLE.get(population or '', 'any population')} of {cell.brand} in "
                     f"{cell.wave} (not asked, or too small a base).",
                     "shift a key this population answers, or leave population out.")
    for (pop, construct), delta in out.items():
        value = _value(cell, construct, pop)
        before = np.nan if value is None else value[0]
        if np.isfinite(before) and not -1e-9 <= before + delta <= 100 + 1e-9:
            keys_of = [k for k in shifts if keys[k] == construct]
            _problem(problems, f"changes[{keys_of[0]!r}]" if len(keys_of) == 1 else "changes",
                     f"shifting {' and '.join(repr(k) for k in keys_of)} takes the score of "
                     f"'{construct}' among {_PEOPLE[pop]} of {cell.brand} in {cell.wave} from "
                     f"{before:.1f} to {before + delta:.1f}, beyond the 0-100 scale.",
                     f"it can rise by {100 - before:.1f} points at most, and fall by "
                     f"{before:.1f}.")
    return out


def _coefficients(result: Result, deltas: dict[tuple[str, str], float]
                  ) -> dict[str, np.ndarray]:
    """Measure -> coefficients of its change on the weights (CX weights, then BX weights)."""
    cx_w, bx_w = result.cx_weights, result.bx_weights
    q, p = len(cx_w), len(bx_w)
    ix = result.study.index

    def part(frame: pd.DataFrame, pop: str, offset: int) -> np.ndarray:
        out = np.zeros(q + p)
        for j, dim in enumerate(frame["dimension"]):
            out[offset + j] = deltas.get((pop, dim), 0.0)
        return out

    cx, bxc, bxn = part(cx_w, "customer", 0), part(bx_w, "customer", q), part(
        bx_w, "non_customer", q)
    c = ix.lam * cx + (1 - ix.lam) * bxc
    return {"cx": cx, "bx_customers": bxc, "bx_non_customers": bxn, "customer_score": c,
            "non_customer_score": bxn,
            "tx": ix.share_non_customer * bxn + (1 - ix.share_non_customer) * c}


def weight_replicates(result: Result) -> np.ndarray | None:
    """The CX then BX weights on every bootstrap replicate, (n_boot, CX + BX weights), or
    None when the result does not carry them (``result.weight_replicates``: "cx" and "bx"
    arrays from the same replicates).

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml").with_settings(
    ...     bootstrap=0)))
    >>> reps = weight_replicates(result)
    >>> reps is None or reps.shape[1] == len(result.cx_weights) + len(result.bx_weights)
    True
    """
    reps = getattr(result, "weight_replicates", None) or {}
    cx, bx = reps.get("cx"), reps.get("bx")
    if cx is None or bx is None:
        return None
    # (n_boot,) for a single weight, (n_boot, weights) otherwise (possibly 0 weights)
    cx, bx = (np.asarray(r, float)[:, None] if np.ndim(r) == 1 else np.asarray(r, float)
              for r in (cx, bx))
    if len(cx) != len(bx) or cx.shape[1] != len(result.cx_weights) or bx.shape[1] != len(
            result.bx_weights):
        return None
    return np.hstack([cx, bx])


def _quadrants(result: Result, cell: _Cell, d_c: float, d_n: float) -> tuple[str, str, float]:
    """The growth-grid quadrant before and after, and the share of the replicates in the
    quadrant before."""
    g = result.grid
    if g.empty:
        return "", "", np.nan
    wave = g[g["wave"] == cell.wave]
    row = wave[wave["brand"] == cell.brand]
    if row.empty or not row["quadrant"].iloc[0]:
        return "", "", np.nan
    r = row.iloc[0]
    k = int(wave["in_peer_average"].sum())
    # the peer averages include the brand when it is a peer: they move by 1/k of its change
    move = 1 / k if r["in_peer_average"] and k else 0.0
    code = quadrant_codes(np.array(r["customer_score"] + d_c),
                          np.array(r["non_customer_score"] + d_n),
                          np.array(r["peer_customer"] + move * d_c),
                          np.array(r["peer_non_customer"] + move * d_n))
    after = QUADRANTS[int(code)] if int(code) >= 0 else ""
    p_col = f"p_{str(r['quadrant']).lower()}"
    return str(r["quadrant"]), after, float(r[p_col]) if p_col in r else np.nan


def _index_rows(result: Result, cell: _Cell,
                deltas: dict[tuple[str, str], float]) -> list[dict]:
    coefs = _coefficients(result, deltas)
    weights = pd.concat([result.cx_weights, result.bx_weights], ignore_index=True)
    reps = weight_replicates(result)
    conf = result.study.report.confidence
    rows = []
    for measure, pop in SIMULATED.items():
        if (value := _value(cell, measure, pop)) is None:
            continue
        before, flag = value
        coef = coefs[measure]
        change = float(coef @ weights["weight"].to_numpy(float)) if coef.any() else 0.0
        lo, hi, how = change_interval(coef, weights, conf, reps)
        note = " ".join(x for x in ("associational", how) if x)
        if flag == "suppressed":
            before = change = lo = hi = np.nan
            note = "suppressed"
        rows.append({"measure": measure, "population": pop, "level": "index",
                     "before": before, "after": before + change, "change": change,
                     "ci_low": lo, "ci_high": hi, "note": note, "flag": flag})
    return rows


def _shift_rows(cell: _Cell, deltas: dict[tuple[str, str], float],
                by_box: set[str]) -> list[dict]:
    rows = []
    for (pop, construct), delta in deltas.items():
        before, flag = _value(cell, construct, pop) or (np.nan, "suppressed")
        note = "box_shift" if construct in by_box else ""
        if flag == "suppressed":
            before = delta = np.nan
            note = "suppressed"
        rows.append({"measure": construct, "population": pop, "level": "shift",
                     "before": before, "after": before + delta, "change": delta,
                     "ci_low": delta, "ci_high": delta, "note": note, "flag": flag})
    return rows


def simulate(result: Result, *, brand: str, wave: str | None = None,
             changes: Mapping[str, float | str] | None = None,
             population: str | None = None) -> pd.DataFrame:
    """The change in CX, BX, C, N and TX associated with shifting a brand's dimensions,
    pillars or items, with its interval and the growth-grid quadrant before and after.

    Parameters
    ----------
    result : Result
        A scored study (not cut by segments).
    brand : str
        A brand scored.
    wave : str, optional
        A wave of the study; None: the latest.
    changes : mapping, optional
        Key (a CX quality dimension, a BX pillar or an item of one) -> shift: score points
        (``5``, ``-3``, ``"+5"``) or a share of respondents moved one answer box up
        (``"+10%"``; ``"-10%"`` down). None or empty: no shift (every change is 0).
    population : {"customer", "non_customer"}, optional
        Shift only this population's answers; None: every population answering the key.

    Returns
    -------
    DataFrame
        :data:`SIMULATION_COLUMNS`: one row per index computed (``level == "index"``: CX,
        BX customers, BX non-customers, C, N, TX) and per construct shifted
        (``level == "shift"``), with ``before``, ``after``, ``change``, the interval of the
        change (``ci_low``, ``ci_high``, from the fitted weights' bootstrap), the quadrant
        before and after, ``shifts`` (the request as text), ``note`` codes
        (:data:`SIMULATION_NOTES`) and the cell's ``flag``.

    Raises
    ------
    ParameterError
        Every problem of the request, located: a brand or wave not in the study, a key that
        is no dimension, pillar or item, a shift that is not one or leaves the 0-100 scale.

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml").with_settings(
    ...     bootstrap=0)))
    >>> out = simulate(result, brand="Northwind", changes={"ease": 5})
    >>> cx = out.set_index("measure").loc["cx"]
    >>> bool(abs(cx["change"] - 5 * result.cx_weights.set_index("dimension").loc[
    ...     "ease", "weight"]) < 1e-9)
    True
    """
    changes = dict(changes or {})
    problems: list[Problem] = []
    cell = _cell(result, brand, wave, problems)
    shifts = _request_problems(result, changes, population, problems)
    if cell is None or problems:
        raise ParameterError("Invalid what-if request.", problems)
    deltas = _shifts(result, cell, shifts, population, problems)
    if problems:
        raise ParameterError("Invalid what-if request.", problems)
    keys = shift_keys(result.study)
    by_box = {keys[k] for k, shift in shifts.items() if shift.unit == "percent"}
    rows = _index_rows(result, cell, deltas) + _shift_rows(cell, deltas, by_box)
    d_c = sum(r["change"] for r in rows if r["measure"] == "customer_score")
    d_n = sum(r["change"] for r in rows if r["measure"] == "non_customer_score")
    before_q, after_q, p_before = _quadrants(result, cell, d_c, d_n)
    text = "; ".join(f"{k}={shift}" for k, shift in shifts.items())
    out = pd.DataFrame(rows, columns=[c for c in SIMULATION_COLUMNS if c not in (
        "wave", "brand", "quadrant_before", "quadrant_after", "p_quadrant_before", "shifts")])
    out = out.assign(wave=cell.wave, brand=cell.brand, quadrant_before=before_q,
                     quadrant_after=after_q, p_quadrant_before=p_before, shifts=text)
    return out[SIMULATION_COLUMNS].reset_index(drop=True)


def scenarios_table(result: Result) -> pd.DataFrame:
    """Every ``[[scenarios]]`` of the study simulated (empty without).

    Returns
    -------
    DataFrame
        ``scenario`` then :data:`SIMULATION_COLUMNS`, scenario by scenario.

    Raises
    ------
    StudySpecError
        A scenario the study cannot simulate, located ``[scenarios #i]``.

    Examples
    --------
    >>> import txscore as tx
    >>> from dataclasses import replace
    >>> from txscore.study.scenarios import Scenario, Shift
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> easier = Scenario("Easier", "Northwind", (("ease", Shift(5.0)),))
    >>> table = scenarios_table(tx.score(tx.load(replace(study, scenarios=(easier,)))))
    >>> table["scenario"].unique().tolist(), table["shifts"].iloc[0]
    (['Easier'], 'ease=+5')
    """
    frames = []
    for i, s in enumerate(result.study.scenarios, 1):
        changes = {k: shift.amount if shift.unit == "points" else f"{shift.amount:+g}%"
                   for k, shift in s.changes}
        try:
            out = simulate(result, brand=s.brand, wave=s.wave, changes=changes,
                           population=s.population)
        except ParameterError as err:
            raise StudySpecError(f"Scenario '{s.name}' cannot be simulated.", [
                Problem(p.message, f"[scenarios #{i}] {p.where}", p.fix)
                for p in err.problems]) from None
        frames.append(out.assign(scenario=s.name))
    if not frames:
        return pd.DataFrame(columns=["scenario", *SIMULATION_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["scenario", *SIMULATION_COLUMNS]]
