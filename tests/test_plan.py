"""The sample-size planner (issue 20, second half): ``tx.plan``, ``[planning]``, ``txscore
plan`` and the Planning sheet.

The plan's promise is checked by simulation: replicate studies drawn at the planned base,
from the sample study's own per-respondent variances and design effects, tested with the
z-test txscore applies to changes, find the planned change as often as the asked power
(within 3 points). Every replicate study is drawn at once (numpy arrays of replicates x
respondents), with a fixed seed.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import private_copy, sample_copy
from scipy.stats import norm

import txscore as tx
from txscore.cli import main
from txscore.errors import ParameterError, StudySpecError
from txscore.scoring.plan import COLUMNS, plan

REPLICATES = 4000
POWER_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def result(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


def row(table: pd.DataFrame, measure: str, brand: str) -> pd.Series:
    hits = table[(table["measure"] == measure) & (table["brand"] == brand)]
    assert len(hits) == 1
    return hits.iloc[0]


def cell(result: tx.Result, measure: str, brand: str, wave: str = "2026 Q2") -> pd.Series:
    s = result.scores
    return s[(s["measure"] == measure) & (s["brand"] == brand) & (s["wave"] == wave)].iloc[0]


# ---------------------------------------------------------------------- simulation helpers
def draw_means(rng: np.random.Generator, n: int, mean: float, var_respondent: float,
               deff: float, replicates: int = REPLICATES) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means and their linearised variances of ``replicates`` samples of ``n``
    respondents: 0-100 scores drawn from a beta law (bounded and skewed, as real scores)
    and lognormal weights of Kish design effect ``deff``, so that the variance of a mean is
    ``var_respondent / n`` as the plan assumes."""
    sigma2 = var_respondent / deff  # Var(weighted mean) = sigma2 * deff / n
    m, v = mean / 100, sigma2 / 100 ** 2
    kappa = m * (1 - m) / v - 1
    y = 100 * rng.beta(m * kappa, (1 - m) * kappa, size=(replicates, n))
    w = rng.lognormal(0.0, math.sqrt(math.log(deff)), size=(replicates, n))
    sw = w.sum(axis=1)
    means = (w * y).sum(axis=1) / sw
    variances = n / (n - 1) * (w ** 2 * (y - means[:, None]) ** 2).sum(axis=1) / sw ** 2
    return means, variances


def found(d: np.ndarray, v: np.ndarray, alpha: float = 0.05) -> float:
    """The share of replicates whose change txscore's z-test finds significant."""
    return float(np.mean(np.abs(d) / np.sqrt(v) > norm.ppf(1 - alpha / 2)))


# ---------------------------------------------------------------------- the formula by hand
def test_previous_wave_plan_equals_the_formula_by_hand(result):
    got = plan(result, detect=2.5, power=0.9, alpha=0.10, brand="Contoso")
    k = (norm.ppf(1 - 0.10 / 2) + norm.ppf(0.9)) ** 2
    c = cell(result, "cx", "Contoso")
    s2 = c["se"] ** 2 * c["n"]
    r = row(got, "cx", "Contoso")
    assert r["n_needed"] == math.ceil(k * 2 * s2 / 2.5 ** 2)
    assert r["mde"] == pytest.approx(math.sqrt(k * 2 * c["se"] ** 2), rel=1e-12)
    assert r["sd"] == pytest.approx(math.sqrt(s2), rel=1e-12)
    assert r["n_next"] == math.ceil(s2 / (2.5 ** 2 / k - c["se"] ** 2))
    shift = 2.5 / math.sqrt(2 * c["se"] ** 2)
    z = norm.ppf(0.95)
    assert r["power_now"] == pytest.approx(norm.cdf(shift - z) + norm.cdf(-shift - z), 1e-9)
    # TX: non-customers' share a of TX, customers' share of the cell's respondents r
    a = result.study.index.share_non_customer
    cc, nn = cell(result, "customer_score", "Contoso"), cell(result, "non_customer_score",
                                                             "Contoso")
    share = cc["n"] / (cc["n"] + nn["n"])
    s2_tx = (a ** 2 * nn["se"] ** 2 * nn["n"] / (1 - share)
             + (1 - a) ** 2 * cc["se"] ** 2 * cc["n"] / share)
    t = row(got, "tx", "Contoso")
    n_exact = k * 2 * s2_tx / 2.5 ** 2
    assert t["n_customer"] == math.ceil(share * n_exact)
    assert t["n_non_customer"] == math.ceil((1 - share) * n_exact)
    assert t["n_needed"] == t["n_customer"] + t["n_non_customer"]


def test_peers_plan_equals_the_formula_by_hand(result):
    got = plan(result, detect=2.0, compare="peers")
    k = (norm.ppf(0.975) + norm.ppf(0.8)) ** 2
    cx = result.scores.query("measure == 'cx' and wave == '2026 Q2' and brand != 'All brands'")
    peers = cx[(cx["brand"] != "Litware") & (cx["n_eff"] >= 100)]
    b = cx[cx["brand"] == "Litware"].iloc[0]
    unit = b["se"] ** 2 * b["n"] + (peers["se"] ** 2 * peers["n"]).sum() / len(peers) ** 2
    other = (peers["se"] ** 2).sum() / len(peers) ** 2
    r = row(got, "cx", "Litware")
    assert r["peers"] == len(peers) == 5
    assert r["n_needed"] == math.ceil(k * unit / 4)
    assert r["mde"] == pytest.approx(math.sqrt(k * (b["se"] ** 2 + other)), rel=1e-12)
    assert r["n_next"] == math.ceil(b["se"] ** 2 * b["n"] / (4 / k - other))
    assert "All brands" not in set(got["brand"])
    assert list(got.columns) == COLUMNS


# ---------------------------------------------------------------------- power by simulation
def test_planned_base_reaches_the_power_for_a_mean_type_index(result):
    rng = np.random.default_rng(20261207)
    r = row(plan(result, detect=3.0, brand="Adatum"), "cx", "Adatum")
    n, var = int(r["n_needed"]), r["sd"] ** 2
    before, v1 = draw_means(rng, n, r["value"], var, r["deff"])
    after, v2 = draw_means(rng, n, r["value"] + 3.0, var, r["deff"])
    achieved = found(after - before, v1 + v2)
    assert abs(achieved - 0.8) <= POWER_TOLERANCE, (n, achieved)
    # the same at today's base: the power the plan says today's base has
    now, vn = draw_means(rng, int(r["n"]), r["value"], var, r["deff"])
    later, vl = draw_means(rng, int(r["n"]), r["value"] + 3.0, var, r["deff"])
    assert abs(found(later - now, vn + vl) - r["power_now"]) <= POWER_TOLERANCE


def test_planned_bases_reach_the_power_for_tx(result):
    rng = np.random.default_rng(7)
    detect = 2.0
    got = plan(result, detect=detect, brand="Fabrikam")
    t, c, n = (row(got, m, "Fabrikam") for m in ("tx", "customer_score",
                                                 "non_customer_score"))
    a = result.study.index.share_non_customer

    def tx_wave(shift: float) -> tuple[np.ndarray, np.ndarray]:
        mc, vc = draw_means(rng, int(t["n_customer"]), c["value"] + shift, c["sd"] ** 2,
                            c["deff"])
        mn, vn = draw_means(rng, int(t["n_non_customer"]), n["value"] + shift, n["sd"] ** 2,
                            n["deff"])
        return a * mn + (1 - a) * mc, a ** 2 * vn + (1 - a) ** 2 * vc

    (m1, v1), (m2, v2) = tx_wave(0.0), tx_wave(detect)
    achieved = found(m2 - m1, v1 + v2)
    assert abs(achieved - 0.8) <= POWER_TOLERANCE, (t["n_needed"], achieved)


def test_planned_base_reaches_the_power_against_the_peers(result):
    rng = np.random.default_rng(11)
    got = plan(result, detect=3.0, compare="peers")
    rows = got[got["measure"] == "bx_non_customers"].set_index("brand")
    brand, n = "Tailspin", int(rows.loc["Tailspin", "n_needed"])
    means, variances = {}, {}
    for b, r in rows.iterrows():  # the brand 3 points above its peers' mean
        shift = 3.0 if b == brand else 0.0
        means[b], variances[b] = draw_means(rng, n, 50.0 + shift, r["sd"] ** 2, r["deff"])
    peers = [b for b in rows.index if b != brand]
    d = means[brand] - np.mean([means[b] for b in peers], axis=0)
    v = variances[brand] + np.sum([variances[b] for b in peers], axis=0) / len(peers) ** 2
    achieved = found(d, v)
    assert abs(achieved - 0.8) <= POWER_TOLERANCE, (n, achieved)


def test_next_wave_base_reaches_the_power_against_this_wave(result):
    rng = np.random.default_rng(3)
    r = row(plan(result, detect=3.0, brand="Northwind"), "cx", "Northwind")
    assert pd.notna(r["n_next"])
    var = r["sd"] ** 2
    now, vn = draw_means(rng, int(r["n"]), r["value"], var, r["deff"])
    nxt, vx = draw_means(rng, int(r["n_next"]), r["value"] + 3.0, var, r["deff"])
    assert abs(found(nxt - now, vn + vx) - 0.8) <= POWER_TOLERANCE


# ---------------------------------------------------------------------- the reverse
@pytest.mark.parametrize("compare", ["previous_wave", "peers"])
def test_minimum_detectable_effect_inverts_the_plan(result, compare):
    first = plan(result, detect=2.0, compare=compare, brand="Litware")
    for r in first.itertuples(index=False):
        back = row(plan(result, detect=r.mde, compare=compare, brand="Litware"), r.measure,
                   "Litware")
        assert back["n_next"] == r.n  # the other side as today: today's base
        assert back["power_now"] == pytest.approx(0.8, abs=1e-3)
        if compare == "previous_wave":  # both waves as today: today's base
            assert back["n_needed"] == r.n


def test_unreachable_next_wave_and_suppressed_cells(result):
    # a change the current wave alone is too uncertain for: no next-wave base
    r = row(plan(result, detect=1.0, brand="Adatum"), "cx", "Adatum")
    assert pd.isna(r["n_next"]) and "unreachable" in r["note"]
    # a suppressed cell: no number of its own; the brands' pooled variance plans it
    scores = result.scores.copy()
    hide = ((scores["measure"] == "cx") & (scores["brand"] == "Tailspin")
            & (scores["wave"] == "2026 Q2"))
    scores.loc[hide, ["value", "se"]] = np.nan
    scores.loc[hide, "flag"] = "suppressed"
    hidden = replace(result, scores=scores)
    got = plan(hidden, detect=2.0)
    t = row(got, "cx", "Tailspin")
    cx = scores[(scores["measure"] == "cx") & (scores["wave"] == "2026 Q2")
                & (scores["brand"] != "All brands") & ~hide]
    pooled = (cx["se"] ** 2 * cx["n"] ** 2).sum() / cx["n"].sum()
    k = (norm.ppf(0.975) + norm.ppf(0.8)) ** 2
    assert t["note"] == "variance_pooled" and pd.isna(t["value"]) and pd.isna(t["mde"])
    assert t["n_needed"] == math.ceil(k * 2 * pooled / 4)
    peers = plan(hidden, detect=2.0, compare="peers")
    assert row(peers, "cx", "Adatum")["peers"] == 4  # a suppressed cell is no peer


# ---------------------------------------------------------------------- bad requests
@pytest.mark.parametrize("kwargs, words", [
    ({"detect": 0}, "'detect' setting must be a number greater than 0"),
    ({"detect": -2}, "'detect' setting must be a number greater than 0"),
    ({"power": 1.0}, "'power' setting must be a number greater than 0 and less than 1"),
    ({"power": 0}, "'power' setting must be"),
    ({"alpha": 1.5}, "'alpha' setting must be"),
    ({"power": 0.04}, "the power (0.04) must be above alpha (0.05)"),
    ({"compare": "peer"}, "'compare' setting must be one of 'previous_wave', 'peers'"),
    ({"brand": "Acme"}, "the brand 'Acme' is not in the study"),
    ({"wave": "2030 Q1"}, "the wave '2030 Q1' is not in the study"),
    ({"brand": "All brands", "compare": "peers"}, "'All brands' has no peers"),
])
def test_bad_requests_get_located_errors(result, kwargs, words):
    with pytest.raises(ParameterError) as err:
        plan(result, **kwargs)
    assert any(words in p.message and p.where == "tx.plan" and p.fix
               for p in err.value.problems), err.value.problems


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["plan", *args, "-q"])
    return code, out.getvalue(), err.getvalue()


def test_cli_bad_request_exits_1_with_the_message(tmp_path):
    spec = sample_copy(tmp_path, bootstrap=20)
    code, _, err = run_cli(str(spec), "--detect", "0", "--compare", "peer", "--brand", "Acme")
    assert code == 1
    assert "The '--detect' setting must be a number greater than 0" in err
    assert "did you mean 'peers'?" in err and "the brand 'Acme' is not in the study" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------- CLI, spec, sheet
def test_cli_formats_print_the_plan(tmp_path, sample_loaded):
    spec = sample_copy(tmp_path, bootstrap=20)
    # the sample's rows as loaded once for the session (the data spec reads), 20 resamples
    responses = replace(sample_loaded, study=tx.read_study(spec))
    expected = plan(tx.score(responses), detect=3, compare="peers")
    code, out, _ = run_cli(str(spec), "--detect", "3", "--compare", "peers", "--format",
                           "json")
    assert code == 0
    got = pd.DataFrame(json.loads(out)["plan"])
    assert got["n_needed"].tolist() == expected["n_needed"].tolist()
    assert got["mde"].to_numpy() == pytest.approx(expected["mde"].to_numpy(), rel=1e-12)
    code, out, _ = run_cli(str(spec), "--detect", "3", "--compare", "peers", "--format", "csv")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["n_needed"].tolist() == expected["n_needed"].tolist()
    code, out, _ = run_cli(str(spec), "--detect", "3", "--brand", "Northwind")
    assert code == 0 and "Northwind" in out and "Assumptions:" in out and "Contoso" not in out


PLANNING = '\n[planning]\ndetect = [2, 3]\npower = 0.9\ncompare = ["previous_wave", "peers"]\n'


def test_planning_table_sheet_in_both_languages(tmp_path, fixed_date, sample_loaded):
    spec = sample_copy(tmp_path, bootstrap=20, decisions=False)
    spec.write_text(spec.read_text(encoding="utf-8") + PLANNING, encoding="utf-8")
    # the study as read from spec, on the sample's rows as loaded once for the session
    result = tx.score(replace(sample_loaded, study=tx.read_study(spec)))
    expected = pd.concat([plan(result, detect=d, power=0.9, compare=c)
                          for c in ("previous_wave", "peers") for d in (2.0, 3.0)],
                         ignore_index=True)
    pd.testing.assert_frame_equal(result.planning, expected)
    for language, sheet, header in (("en", "Planning", "Respondents needed per wave"),
                                    ("fr", "Planification", "Répondants nécessaires par "
                                                            "vague")):
        study = replace(result.study, report=replace(result.study.report, language=language))
        out = tx.report(replace(result, study=study), tmp_path / language, charts=False)
        book = openpyxl.load_workbook(next(p for p in out.values()
                                           if str(p).endswith(".xlsx")))
        ws = book[sheet]
        rows = list(ws.iter_rows(values_only=True))
        head = next(i for i, r in enumerate(rows) if header in r)
        col = rows[head].index(header)
        first = expected.iloc[0]
        assert rows[head + 1][col] == first["n_needed"]
        assert sum(header in r for r in rows) == 4  # one table per comparison x change


@pytest.mark.parametrize("block, words", [
    ("detect = 0", "'detect' setting of [planning] must be a number greater than 0"),
    ('compare = "peer"', "did you mean 'peers'?"),
    ("power = 1", "'power' setting of [planning] must be a number greater than 0 and less"),
    ("alhpa = 0.1", "unknown key 'alhpa'"),
    ("power = 0.1\nalpha = 0.2", "the power (0.1) must be above alpha (0.2)"),
])
def test_bad_planning_table_gets_located_problems(tmp_path, block, words):
    spec = sample_copy(tmp_path, bootstrap=20, decisions=False)
    spec.write_text(spec.read_text(encoding="utf-8") + f"\n[planning]\n{block}\n",
                    encoding="utf-8")
    with pytest.raises(StudySpecError) as err:
        tx.read_study(spec)
    assert any(p.where.endswith("[planning]") and words in str(p)
               for p in err.value.problems), err.value.problems
