"""The what-if simulator (issue 20, first half): :func:`txscore.simulate`, ``[[scenarios]]``,
``txscore simulate``, the Scenarios sheet and the deck slide.

The simulated study generates loyalty from known CX dimension weights: the three dimension
items are independent and identically distributed (uniform on 1-5), and the loyalty items
are ``5 + sum_q b_q (x_q - 3) + noise`` on 0-10 with ``b_q = 1.2 sqrt(w_q)``; for
uncorrelated predictors of equal variance Johnson's relative weights are ``b_q^2 / sum b^2``,
so the normalised CX weights are ``w`` (0.5, 0.3, 0.2).
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_study, run, sample_copy

import txscore as tx
from txscore.cli import main
from txscore.errors import ParameterError, StudySpecError, TxscoreWarning
from txscore.scoring.simulate import (
    SIMULATED,
    box_shift,
    change_interval,
    simulate,
    weight_replicates,
)
from txscore.study.scenarios import Shift, read_shift

TRUE_W = {"effectiveness": 0.5, "ease": 0.3, "emotion": 0.2}
BRANDS = ("A", "B", "C", "D")
N_CUSTOMERS = 600  # per brand
N_NON_CUSTOMERS = 300  # per brand


def _customers(rng: np.random.Generator) -> pd.DataFrame:
    n = N_CUSTOMERS * len(BRANDS)
    dims = rng.integers(1, 6, size=(n, 3))  # independent, identically distributed
    b = 1.2 * np.sqrt(np.array(list(TRUE_W.values())))
    latent = 5 + (dims - 3) @ b
    loyal = {col: np.clip(np.rint(latent + rng.normal(0, 1.0, n)), 0, 10).astype(int)
             for col in ("ret_1", "enr_1", "adv_1")}
    brand = np.repeat(BRANDS, N_CUSTOMERS)
    # brands differ in their pillars only (the CX regression stays as generated)
    level = np.repeat([0.0, 0.6, 1.2, 1.8], N_CUSTOMERS)
    pillars = {col: np.clip(np.rint(2.2 + level + rng.normal(0, 1, n)), 1, 5).astype(int)
               for col in ("sal_1", "fit_1", "trust_1")}
    trust_2 = np.clip(pillars["trust_1"] + rng.integers(-1, 2, n), 1, 5)
    return pd.DataFrame({"brand": brand, "eff_1": dims[:, 0], "ease_1": dims[:, 1],
                         "emo_1": dims[:, 2], **loyal, **pillars, "trust_2": trust_2})


def _non_customers(rng: np.random.Generator) -> pd.DataFrame:
    n = N_NON_CUSTOMERS * len(BRANDS)
    level = np.repeat([1.5, 0.2, 1.0, 0.5], N_NON_CUSTOMERS)
    out = pd.DataFrame({"brand": np.repeat(BRANDS, N_NON_CUSTOMERS), **{
        col: np.clip(np.rint(2.0 + level + rng.normal(0, 1, n)), 1, 5).astype(int)
        for col in ("sal_1", "fit_1", "trust_1")}})
    return out.assign(trust_2=np.clip(out["trust_1"] + rng.integers(-1, 2, n), 1, 5))


@pytest.fixture(scope="module")
def sim_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(20)
    folder = tmp_path_factory.mktemp("simulate")
    return make_study(
        folder, _customers(rng), _non_customers(rng),
        scales={"s11": {"points": 11, "min": 0, "max": 10,
                        "labels": {0: "Not at all likely", 10: "Extremely likely"}}},
        items={"ret_1": {"scale": "s11"}, "enr_1": {"scale": "s11"},
               "adv_1": {"scale": "s11"}, "trust_2": {"construct": "trust", "scale": "agree5"}},
        index={"cx_method": "loyalty_weighted"},
        report={"bootstrap": 200, "suppress_below": 30, "low_base_below": 50,
                "caution_below": 100, "peer_min_base": 100})


@pytest.fixture(scope="module")
def sim(sim_study: Path) -> tx.Result:
    with warnings.catch_warnings():  # no preference construct: the BX driver analyses skip
        warnings.simplefilter("ignore", TxscoreWarning)
        return run(sim_study)


def _row(out: pd.DataFrame, measure: str, population: str | None = None) -> pd.Series:
    rows = out[(out["measure"] == measure)
               & ((out["population"] == population) if population else True)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ---------------------------------------------------------------------- the method
def test_weights_recover_the_generating_weights(sim: tx.Result) -> None:
    w = sim.cx_weights.set_index("dimension")
    assert (w["method"] == "loyalty_weighted").all()
    for dim, true in TRUE_W.items():
        assert w.loc[dim, "ci_low"] <= true <= w.loc[dim, "ci_high"], (dim, w)


@pytest.mark.parametrize("dim", list(TRUE_W))
def test_one_dimension_moves_cx_by_the_known_amount(sim: tx.Result, dim: str) -> None:
    d = 4.0
    out = simulate(sim, brand="B", changes={dim: d})
    w = sim.cx_weights.set_index("dimension").loc[dim]
    cx = _row(out, "cx")
    # the fitted weight times the shift, exactly; the generating weight within the interval
    assert cx["change"] == pytest.approx(w["weight"] * d, abs=1e-12)
    assert cx["ci_low"] == pytest.approx(w["ci_low"] * d, abs=1e-12)
    assert cx["ci_high"] == pytest.approx(w["ci_high"] * d, abs=1e-12)
    assert cx["ci_low"] <= TRUE_W[dim] * d <= cx["ci_high"]
    assert cx["after"] == pytest.approx(cx["before"] + cx["change"], abs=1e-12)
    # carried through C = lam CX + (1 - lam) BX_c and TX = share N + (1 - share) C (0.5 each)
    assert _row(out, "customer_score")["change"] == pytest.approx(0.5 * cx["change"])
    assert _row(out, "tx")["change"] == pytest.approx(0.25 * cx["change"])
    assert _row(out, "bx_customers")["change"] == 0
    assert _row(out, "non_customer_score")["change"] == 0


def test_before_is_the_scored_value(sim: tx.Result) -> None:
    out = simulate(sim, brand="C", changes={})
    s = sim.scores
    for measure, pop in SIMULATED.items():
        want = s[(s["brand"] == "C") & (s["measure"] == measure)
                 & (s["population"] == pop)]["value"].item()
        assert _row(out, measure)["before"] == want


def test_no_shift_changes_nothing(sim: tx.Result) -> None:
    out = simulate(sim, brand="A", changes={})
    assert len(out) == len(SIMULATED)
    assert (out[["change", "ci_low", "ci_high"]].to_numpy() == 0).all()
    assert (out["after"] == out["before"]).all()
    assert (out["quadrant_after"] == out["quadrant_before"]).all()
    zero = simulate(sim, brand="A", changes={"ease": 0, "trust": "+0%"})
    assert (zero.query("level == 'index'")[["change", "ci_low", "ci_high"]].to_numpy()
            == 0).all()


def test_linear_in_the_shift(sim: tx.Result) -> None:
    one = simulate(sim, brand="D", changes={"ease": 2.5, "trust": -1.5})
    two = simulate(sim, brand="D", changes={"ease": 5.0, "trust": -3.0})
    ease = simulate(sim, brand="D", changes={"ease": 2.5})
    trust = simulate(sim, brand="D", changes={"trust": -1.5})
    for measure in SIMULATED:
        a = _row(one, measure)["change"]
        assert _row(two, measure)["change"] == pytest.approx(2 * a, abs=1e-12)
        # additive: the sum of the one-key simulations
        assert a == pytest.approx(_row(ease, measure)["change"]
                                  + _row(trust, measure)["change"], abs=1e-12)
    # the interval scales too (a percentile interval commutes with a positive factor)
    assert _row(two, "cx")["ci_low"] == pytest.approx(2 * _row(one, "cx")["ci_low"])
    # trust (equal BX weights: fixed) moves BX by a third of the shift
    assert _row(one, "bx_non_customers")["change"] == pytest.approx(-1.5 / 3)


def test_item_shift_moves_its_construct_by_one_over_k(sim: tx.Result) -> None:
    # trust has two items: one moved by 4 moves trust by 2, BX (equal weights) by 2/3
    out = simulate(sim, brand="A", changes={"trust_2": 4})
    for pop, bx in (("customer", "bx_customers"), ("non_customer", "bx_non_customers")):
        assert _row(out, "trust", pop)["change"] == pytest.approx(2.0)
        assert _row(out, bx)["change"] == pytest.approx(2.0 / 3)
    assert _row(out, "cx")["change"] == 0


def test_box_shift_by_hand(sim: tx.Result, sim_study: Path) -> None:
    data = pd.read_csv(sim_study.parent / "customers.csv")
    x = data.loc[data["brand"] == "B", "eff_1"].to_numpy()
    # 10% of the answers below 5 move one code up: the mean rises by 0.1 * share below top
    moved = 0.1 * np.mean(x < 5)
    want = 100 * moved / 4
    out = simulate(sim, brand="B", changes={"eff_1": "+10%"})
    assert _row(out, "effectiveness")["change"] == pytest.approx(want, abs=1e-12)
    assert _row(out, "effectiveness")["note"] == "box_shift"
    assert _row(out, "cx")["note"] == "associational"  # one estimated weight: exact
    down = simulate(sim, brand="B", changes={"eff_1": "-10%"})
    want_down = -100 * 0.1 * np.mean(x > 1) / 4
    assert _row(down, "effectiveness")["change"] == pytest.approx(want_down, abs=1e-12)


def test_box_shift_function() -> None:
    # 7 points, 25% at 7: 20% of the other 75% move up one of 6 steps
    codes, shares = np.arange(1, 8), np.array([.05, .05, .1, .2, .2, .15, .25])
    assert box_shift(codes, shares, 1, 7, 20) == pytest.approx(100 * 0.2 * 0.75 / 6)
    assert box_shift(codes, shares, 1, 7, -20) == pytest.approx(-100 * 0.2 * 0.95 / 6)
    assert box_shift(codes, shares * 3, 1, 7, 20) == pytest.approx(100 * 0.2 * 0.75 / 6)


def test_population_restricts_the_shift(sim: tx.Result) -> None:
    out = simulate(sim, brand="A", changes={"trust": 3}, population="non_customer")
    assert _row(out, "bx_customers")["change"] == 0
    assert _row(out, "non_customer_score")["change"] == pytest.approx(1.0)
    assert _row(out, "tx")["change"] == pytest.approx(0.5)
    assert list(out.query("level == 'shift'")["population"]) == ["non_customer"]


def test_quadrant_changes_when_the_shift_crosses_the_peer_line(sim: tx.Result) -> None:
    g = sim.grid[sim.grid["wave"] == "W1"].set_index("brand")
    assert g["in_peer_average"].all()
    k = len(g)
    below = g[g["customer_score"] < g["peer_customer"]]
    brand = (g.loc[below.index, "peer_customer"] - below["customer_score"]).idxmin()
    gap = g.loc[brand, "peer_customer"] - g.loc[brand, "customer_score"]
    # trust among customers (equal BX weights 1/3) moves C by d/6 and the peer mean by d/6k
    d_cross = gap / ((1 / 6) * (1 - 1 / k))
    assert d_cross < 100 - sim.scores.query(
        "brand == @brand and measure == 'trust' and population == 'customer'")["value"].item()
    before = g.loc[brand, "quadrant"]
    short = simulate(sim, brand=brand, changes={"trust": 0.98 * d_cross},
                     population="customer")
    over = simulate(sim, brand=brand, changes={"trust": 1.02 * d_cross},
                    population="customer")
    assert (short["quadrant_after"] == before).all()
    flipped = {"Churning": "Leading", "Lagging": "Plateauing"}[before]
    assert (over["quadrant_after"] == flipped).all()
    assert (over["quadrant_before"] == before).all()


def test_change_interval_with_replicates() -> None:
    rng = np.random.default_rng(3)
    reps = rng.dirichlet([50, 30, 20], size=400)
    w = pd.DataFrame({"weight": [0.5, 0.3, 0.2], "ci_low": np.quantile(reps, 0.025, axis=0),
                      "ci_high": np.quantile(reps, 0.975, axis=0)})
    coef = np.array([4.0, -2.0, 0.0])
    bound = change_interval(coef, w, 0.95)
    lo, hi, note = change_interval(coef, w, 0.95, reps)
    assert (lo, hi) == pytest.approx(tuple(np.quantile(reps @ coef, [0.025, 0.975])))
    assert note == "" and bound[2] == "interval_bound"
    assert bound[0] <= lo and hi <= bound[1]  # the bound holds the joint interval
    # one estimated weight: the bound is the exact replicate interval
    one = np.array([4.0, 0.0, 0.0])
    assert change_interval(one, w, 0.95)[:2] == pytest.approx(
        change_interval(one, w, 0.95, reps)[:2])


def test_joint_replicates_are_used_when_the_result_has_them(sim: tx.Result) -> None:
    rng = np.random.default_rng(4)
    cx_reps = rng.dirichlet([50, 30, 20], size=300)
    result = replace(sim, weight_replicates={"cx": cx_reps, "bx": np.full((300, 3), 1 / 3)})
    out = simulate(result, brand="A", changes={"ease": 4, "emotion": -2})
    reps = cx_reps @ np.array([0.0, 4.0, -2.0])
    assert (_row(out, "cx")["ci_low"], _row(out, "cx")["ci_high"]) == pytest.approx(
        tuple(np.quantile(reps, [0.025, 0.975])))
    assert _row(out, "tx")["ci_high"] == pytest.approx(np.quantile(0.25 * reps, 0.975))
    assert "interval_bound" not in _row(out, "cx")["note"]
    bare = replace(sim, weight_replicates={})  # without replicates: the bound
    assert "interval_bound" in _row(simulate(bare, brand="A", changes={
        "ease": 4, "emotion": -2}), "cx")["note"]
    no_cx = replace(sim, cx_weights=sim.cx_weights.iloc[:0], weight_replicates={  # no CX
        "cx": np.empty((300, 0)), "bx": np.full((300, 3), 1 / 3)})
    assert weight_replicates(no_cx).shape == (300, 3)
    # a scored result carries the replicates of its own bootstrap: the exact interval
    assert weight_replicates(sim) is not None and "interval_bound" not in _row(
        simulate(sim, brand="A", changes={"ease": 4, "emotion": -2}), "cx")["note"]


# ---------------------------------------------------------------------- bad requests
@pytest.mark.parametrize("request_, where, words", [
    ({"brand": "Z", "changes": {"ease": 1}}, "brand", "not among the brands"),
    ({"brand": "A", "wave": "W9", "changes": {"ease": 1}}, "wave", "not a wave"),
    ({"brand": "A", "changes": {"eese": 1}}, "changes['eese']", "did you mean 'ease'"),
    ({"brand": "A", "changes": {"ret_1": 1}}, "changes['ret_1']", "no CX quality dimension"),
    ({"brand": "A", "changes": {"ease": 99}}, "changes['ease']", "beyond the 0-100 scale"),
    ({"brand": "A", "changes": {"ease": "lots"}}, "changes['ease']", "must be a number"),
    ({"brand": "A", "changes": {"ease": "150%"}}, "changes['ease']", "at most 100"),
    ({"brand": "A", "changes": {"ease": 1}, "population": "non_customer"}, "changes['ease']",
     "no score among non-customers"),
])
def test_bad_requests_are_located(sim: tx.Result, request_: dict, where: str,
                                  words: str) -> None:
    with pytest.raises(ParameterError) as err:
        simulate(sim, **request_)
    assert [p.where for p in err.value.problems] == [where]
    assert words in str(err.value)


def test_classic_net_cx_cannot_be_shifted(sim: tx.Result) -> None:
    study = replace(sim.study, index=replace(sim.study.index, cx_method="classic_net"))
    with pytest.raises(ParameterError) as err:
        simulate(replace(sim, study=study), brand="A", changes={"ease": 1, "trust": 1})
    assert [p.where for p in err.value.problems] == ["changes['ease']"]
    assert "classic net" in err.value.problems[0].message


def test_read_shift() -> None:
    assert read_shift("+5") == Shift(5.0, "points")
    assert read_shift(" -2.5 ") == Shift(-2.5, "points")
    assert read_shift("10%") == Shift(10.0, "percent")
    assert [read_shift(v) for v in ("5pts", "", None, True, float("nan"), 101)] == [None] * 6


# ---------------------------------------------------------------------- spec and CLI
SCENARIOS_TOML = '''
[[scenarios]]
name = "Easier"
brand = "Northwind"
changes = { ease = 5 }

[[scenarios]]
name = "Trusted by prospects"
brand = "Adatum"
wave = "2026 Q1"
population = "non_customer"
changes = { trust = "+10%", fit = 2 }
'''


def without_scenarios(text: str) -> str:
    """A spec's text without its ``[[scenarios]]`` tables (the sample may have some)."""
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            inside = line.strip() == "[[scenarios]]"
        if not inside:
            out.append(line)
    return "".join(out)


def test_without_scenarios() -> None:
    text = '[a]\nx = 1\n[[scenarios]]\nname = "A"\n[[scenarios]]\nbrand = "B"\n[b]\ny = 2\n'
    assert without_scenarios(text) == "[a]\nx = 1\n[b]\ny = 2\n"


@pytest.fixture(scope="module")
def sample_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = sample_copy(tmp_path_factory.mktemp("sample_sim"), bootstrap=50)
    spec.write_text(without_scenarios(spec.read_text(encoding="utf-8")) + SCENARIOS_TOML,
                    encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def sample_result(sample_spec: Path) -> tx.Result:
    return run(sample_spec)


def test_scenarios_are_read(sample_spec: Path) -> None:
    study = tx.read_study(sample_spec)
    assert [s.name for s in study.scenarios] == ["Easier", "Trusted by prospects"]
    second = study.scenarios[1]
    assert (second.brand, second.wave, second.population) == ("Adatum", "2026 Q1",
                                                                 "non_customer")
    assert second.changes == (("trust", Shift(10.0, "percent")), ("fit", Shift(2.0)))


def test_scenarios_table_is_each_simulation(sample_result: tx.Result) -> None:
    table = sample_result.scenarios
    assert list(dict.fromkeys(table["scenario"])) == ["Easier", "Trusted by prospects"]
    one = simulate(sample_result, brand="Northwind", changes={"ease": 5})
    got = table[table["scenario"] == "Easier"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, one)
    two = table[table["scenario"] == "Trusted by prospects"]
    assert (two["wave"] == "2026 Q1").all()
    assert _row(two, "bx_customers")["change"] == 0


@pytest.mark.parametrize("block, where, words", [
    ('[[scenarios]]\nbrand = "X"\n', "[scenarios #1]", "'changes' is required"),
    ('[[scenarios]]\nbrand = "X"\nchanges = { ease = "lots" }\n', "[scenarios #1]",
     "the shift of 'ease'"),
    ('[[scenarios]]\nchanges = { ease = 1 }\npopulation = "all"\n', "[scenarios #1]",
     "'brand' is required"),
    ('[[scenarios]]\nbrand = "X"\nchanges = { ease = 1 }\nwhen = 1\n', "[scenarios #1]",
     "unknown key 'when'"),
    ('scenarios = 3\n', "[scenarios]", "array of tables"),
])
def test_bad_scenarios_are_located(tmp_path: Path, block: str, where: str,
                                   words: str) -> None:
    spec = sample_copy(tmp_path, bootstrap=0)
    text = without_scenarios(spec.read_text(encoding="utf-8"))
    # a top-level key must come before the first table
    spec.write_text(block + text if block.startswith("scenarios =") else text + block,
                    encoding="utf-8")
    with pytest.raises(StudySpecError) as err:
        tx.read_study(spec)
    hits = [p for p in err.value.problems if where in p.where]
    assert hits and any(words in p.message for p in hits), err.value.problems


def test_a_scenario_the_data_refuse_is_located(tmp_path: Path) -> None:
    spec = sample_copy(tmp_path, bootstrap=0)
    block = '[[scenarios]]\nname = "X"\nbrand = "Nobody"\nchanges = { ease = 1 }\n'
    spec.write_text(without_scenarios(spec.read_text(encoding="utf-8")) + block,
                    encoding="utf-8")
    with pytest.raises(StudySpecError) as err:
        run(spec)
    assert err.value.problems[0].where == "[scenarios #1] brand"


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["simulate", *args])
    return code, out.getvalue(), err.getvalue()


def test_cli_formats(sample_spec: Path, sample_result: tx.Result) -> None:
    want = simulate(sample_result, brand="Northwind", changes={"ease": 5, "trust": "+10%"})
    base = [str(sample_spec), "--brand", "Northwind", "--set", "ease=+5", "--set",
            "trust=+10%", "-q"]
    code, out, _ = _cli(*base, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["measure"] for r in rows] == want["measure"].tolist()
    assert [r["change"] for r in rows] == pytest.approx(want["change"].tolist())
    code, out, _ = _cli(*base, "--format", "csv")
    got = pd.read_csv(io.StringIO(out))
    assert code == 0 and got["after"].tolist() == pytest.approx(want["after"].tolist())
    code, out, _ = _cli(*base)
    assert code == 0 and "what if (Northwind, 2026 Q2)" in out and "not effects" in out
    code, out, _ = _cli(str(sample_spec), "-q", "--format", "csv")  # the spec's scenarios
    assert code == 0 and set(pd.read_csv(io.StringIO(out))["scenario"]) == {
        "Easier", "Trusted by prospects"}


@pytest.mark.parametrize("args, words", [
    (["--brand", "Nortwind", "--set", "ease=1"], "--brand"),
    (["--brand", "Northwind", "--wave", "2030", "--set", "ease=1"], "--wave"),
    (["--brand", "Northwind", "--set", "eese=1"], "--set eese"),
    (["--brand", "Northwind", "--set", "ease=+60"], "beyond the 0-100 scale"),
    (["--brand", "Northwind", "--set", "ease"], "is not KEY=SHIFT"),
    (["--brand", "Northwind", "--set", "ease=lots"], "--set ease=+5 or --set ease=+10%"),
])
def test_cli_bad_requests_exit_1(sample_spec: Path, args: list[str], words: str) -> None:
    code, _, err = _cli(str(sample_spec), "-q", *args)
    assert code == 1
    assert words in err and "Traceback" not in err


def test_a_suppressed_cell_shows_no_number(sim: tx.Result) -> None:
    s = sim.scores.copy()
    at = (s["brand"] == "B") & (s["population"] == "customer")
    s.loc[at, "flag"] = "suppressed"
    s.loc[at, "value"] = np.nan
    out = simulate(replace(sim, scores=s), brand="B", changes={"ease": 3})
    cx = _row(out, "cx")
    assert cx["note"] == "suppressed" and np.isnan([cx["before"], cx["change"],
                                                     cx["ci_low"]]).all()
    assert _row(out, "non_customer_score")["flag"] != "suppressed"
    assert _row(out, "non_customer_score")["change"] == 0


# ---------------------------------------------------------------------- workbook and deck
@pytest.mark.parametrize("language", ["en", "fr"])
def test_scenarios_sheet_and_slide(sample_result: tx.Result, language: str,
                                   fixed_date: None) -> None:
    import openpyxl
    from pptx import Presentation

    from txscore.reporting.deck import deck_bytes
    from txscore.reporting.excel import workbook_bytes
    from txscore.reporting.text import words_for

    words = words_for(language)
    study = replace(sample_result.study, report=replace(sample_result.study.report,
                                                        language=language))
    result = replace(sample_result, study=study)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(result)))
    sheet = book[words.sheets["scenarios"]]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    heading = words["sim_scenario"].format(name="Easier", brand="Northwind", wave="2026 Q2")
    assert heading in cells and words["sim_assumptions"] in cells
    cx = _row(result.scenarios[result.scenarios["scenario"] == "Easier"], "cx")
    numbers = [c for c in cells if isinstance(c, float)]
    for value in (cx["before"], cx["change"], cx["ci_low"], cx["ci_high"]):  # as numbers
        assert any(abs(c - value) < 1e-12 for c in numbers), value
    contents = [c for row in book[words.sheets["overview"]].iter_rows(values_only=True)
                for c in row if c is not None]
    assert words.table["contents"]["scenarios"] in contents
    deck = Presentation(io.BytesIO(deck_bytes(result)))
    titles = [s.shapes.title.text_frame.text for s in deck.slides if s.shapes.title]
    title = words["sim_slide_title"].format(name="Easier") + " – Northwind, 2026 Q2"
    assert title in titles
    slide = deck.slides[titles.index(title)]
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    first = [table.cell(1, c).text for c in range(len(table.columns))]
    assert first[0] == words.measures["cx"]
    assert first[2] == words.num(cx["before"], 1)
    assert words["sim_assumptions"] in slide.notes_slide.notes_text_frame.text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_slide_says_why_an_interval_has_no_width(sample_result: tx.Result, language: str,
                                                 fixed_date: None) -> None:
    """An interval of no width by construction ("8.00 to 8.00") is marked on the slide
    itself, and a line under the table says why: the weights held fixed (BX's equal weights
    here) or the shift taken as given, not a certain change."""
    from pptx import Presentation

    from txscore.reporting.deck import deck_bytes
    from txscore.reporting.deck_scenarios import FIXED_MARK, GIVEN_MARK
    from txscore.reporting.text import words_for

    words = words_for(language)
    study = replace(sample_result.study, report=replace(sample_result.study.report,
                                                        language=language))
    result = replace(sample_result, study=study)
    deck = Presentation(io.BytesIO(deck_bytes(result)))
    titles = [s.shapes.title.text_frame.text for s in deck.slides if s.shapes.title]
    fixed_line = f"{FIXED_MARK} {words.table['sim_notes']['fixed_weights']}"
    given_line = f"{GIVEN_MARK} {words['sim_given']}"
    # the words say the reason, not certainty, in the slide's language
    assert ("not because the change is certain" if language == "en"
            else "non parce que l’évolution serait certaine") in fixed_line
    for name, brand, wave in (("Easier", "Northwind", "2026 Q2"),
                              ("Trusted by prospects", "Adatum", "2026 Q1")):
        part = result.scenarios[result.scenarios["scenario"] == name]
        # independently: BX's weights are equal (fixed), CX's are fitted; a shifted score's
        # interval is the shift itself
        fixed = part["measure"].isin(["bx_customers", "bx_non_customers",
                                      "non_customer_score"]) & (part["change"] != 0)
        fixed |= (part["measure"] == "tx") & (name == "Trusted by prospects")
        shifted = part["level"] == "shift"
        assert fixed.any() == (name != "Easier") and shifted.any()  # both cases are met
        assert (part.loc[fixed | shifted, "ci_low"] == part.loc[fixed | shifted,
                                                                   "ci_high"]).all()
        title = words["sim_slide_title"].format(name=name) + f" – {brand}, {wave}"
        slide = deck.slides[titles.index(title)]
        shape = next(sh for sh in slide.shapes if sh.has_table)
        cells = [shape.table.cell(r, 5).text for r in range(1, len(shape.table.rows))]
        assert len(cells) == len(part)
        for cell, is_fixed, is_shifted in zip(cells, fixed, shifted, strict=True):
            assert cell.endswith(f" {FIXED_MARK}") == is_fixed, cell
            assert cell.endswith(f" {GIVEN_MARK}") == is_shifted, cell
        texts = [sh for sh in slide.shapes if sh.has_text_frame
                 and sh.text_frame.text.startswith((FIXED_MARK, GIVEN_MARK))]
        (box,) = texts  # on the slide, not only in the notes
        lines = box.text_frame.text.split("\n")
        assert lines == ([fixed_line] if fixed.any() else []) + [given_line]
        # under the table (its header on up to two lines), above the footer
        row = shape.table.rows[1].height
        assert box.top >= shape.top + row * (len(part) + 2) - 1
        assert box.top + box.height <= deck.slide_height * (1 - 0.09) + 1


def test_a_brand_missing_from_the_wave_is_located(sample_result: tx.Result) -> None:
    s = sample_result.scores
    result = replace(sample_result, scores=s[~((s["brand"] == "Northwind")
                                               & (s["wave"] == "2026 Q2"))])
    with pytest.raises(ParameterError) as err:
        tx.simulate(result, brand="Northwind", changes={"ease": 1})
    (problem,) = err.value.problems
    assert problem.where == "wave" and "no scores in the wave '2026 Q2'" in problem.message
    assert problem.fix == "waves of this brand: 2026 Q1."
    assert tx.simulate is simulate


def test_change_interval_without_bootstrap() -> None:
    nan = np.nan
    equal = pd.DataFrame({"weight": [1 / 3] * 3, "ci_low": [nan] * 3, "ci_high": [nan] * 3,
                          "method": "equal"})
    # weights fixed by their method: the change is known exactly
    assert change_interval(np.array([3.0, 0, 0]), equal, 0.95) == (1.0, 1.0, "fixed_weights")
    fitted = equal.assign(method="loyalty_weighted")
    lo, hi, note = change_interval(np.array([3.0, 0, 0]), fitted, 0.95)
    assert np.isnan([lo, hi]).all() and note == ""
