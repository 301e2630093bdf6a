"""Ranks and growth-grid quadrants with their probability (txscore.scoring.ranks).

The expected values are recomputed here from the composites' replicate arrays (drawn again
with the public functions and the study's seed): ranks with pandas, the rank interval with
numpy's order statistics, the quadrant of each replicate by hand against the replicate's
peer averages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, NON_CUSTOMER_ITEMS, make_study

import txscore as tx
from txscore.scoring.composites import composites
from txscore.scoring.sums import CellSums, resample_sums

TOTAL = "All brands"
MEASURES = {"tx": "all", "customer_score": "customer", "non_customer_score": "non_customer",
            "cx": "customer", "bx_customers": "customer",
            "bx_non_customers": "non_customer"}
QUADRANTS = ["Leading", "Plateauing", "Churning", "Lagging"]
P_COLUMNS = ["p_leading", "p_plateauing", "p_churning", "p_lagging"]
pytestmark = pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")


def answers(rng: np.random.Generator, n: int, shift: float, items: list[str]) -> pd.DataFrame:
    """n respondents answering 1..5, centred on 3 + shift, with a respondent effect."""
    person = rng.normal(0, 0.6, size=(n, 1))
    raw = 3 + shift + person + rng.normal(0, 0.9, size=(n, len(items)))
    return pd.DataFrame(np.clip(np.rint(raw), 1, 5).astype(int), columns=items)


def simulated(tmp: Path, sizes: dict[str, int], shifts: dict[str, float], seed: int,
              bootstrap: int = 200, waves: tuple[str, ...] = ("W1",), **report) -> Path:
    """A study of brands with known true order (``shifts``): customers and non-customers."""
    tmp.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    frames: dict[str, list[pd.DataFrame]] = {"customer": [], "non_customer": []}
    for wave in waves:
        for brand in sizes:
            for pop, items in (("customer", CUSTOMER_ITEMS),
                               ("non_customer", NON_CUSTOMER_ITEMS)):
                f = answers(rng, sizes[brand], shifts[brand], items)
                frames[pop].append(f.assign(brand=brand, wave=wave))
    cust, non = (pd.concat(frames[p], ignore_index=True) for p in frames)
    cust["resp_id"] = [f"c{i}" for i in range(len(cust))]
    non["resp_id"] = [f"n{i}" for i in range(len(non))]
    if len(waves) == 1:
        cust, non = cust.drop(columns="wave"), non.drop(columns="wave")
    return make_study(tmp, cust, non, report={"bootstrap": bootstrap, **report})


def replicates(study: tx.Study) -> tuple[dict, pd.DataFrame, int]:
    """The composites' replicate arrays, drawn again as scoring draws them."""
    responses = tx.load(study)
    acc = CellSums(study, exact_max=study.report.bootstrap_exact_max)
    acc.add(responses.data)
    sums = acc.collect()
    comp = composites(sums, resample_sums(sums, study.report.bootstrap, study.report.seed))
    return comp.arrays, sums.cells.keys, sums.cells.n_brand_cells


def expected_ranks(result: tx.Result) -> pd.DataFrame:
    """rank, p_first, rank_low, rank_high recomputed from the replicate arrays."""
    arrays, keys, n_brand = replicates(result.study)
    conf = result.study.report.confidence
    s = result.scores
    rows = []
    for measure, pop in MEASURES.items():
        if (pop, measure) not in arrays:
            continue
        shown = s[(s["measure"] == measure) & (s["population"] == pop)
                  & (s["brand"] != TOTAL) & (s["flag"] != "suppressed")]
        for wave, brands in shown.groupby("wave")["brand"]:
            cols = [i for i in range(n_brand) if keys["wave"].iloc[i] == wave
                    and keys["brand"].iloc[i] in set(brands)]
            table = pd.DataFrame(arrays[(pop, measure)][:, cols],
                                 columns=list(keys["brand"].iloc[cols]))
            ranks = table.rank(axis=1, ascending=False, method="min")
            boot = ranks.iloc[1:]
            for brand in table.columns:
                rows.append({"wave": wave, "measure": measure, "brand": brand,
                             "rank": ranks[brand].iloc[0],
                             "p_first": (boot[brand] == 1).mean(),
                             "rank_low": np.quantile(boot[brand], (1 - conf) / 2,
                                                     method="lower"),
                             "rank_high": np.quantile(boot[brand], (1 + conf) / 2,
                                                      method="higher")})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def close(tmp_path_factory) -> tx.Result:
    """Four brands, two of them close at the top, two waves, 200 resamples."""
    path = simulated(tmp_path_factory.mktemp("close"), {"A": 80, "B": 80, "C": 80, "D": 80},
                     {"A": 0.35, "B": 0.3, "C": 0.0, "D": -0.3}, seed=3,
                     waves=("W1", "W2"))
    return tx.score(tx.load(tx.read_study(path)))


def test_rank_and_p_first_equal_a_computation_from_the_replicates(close):
    got = close.ranks
    assert list(got.columns) == ["wave", "measure", "population", "brand", "rank", "p_first",
                                 "rank_low", "rank_high", "flag"]
    want = expected_ranks(close)
    assert len(want) == 2 * 6 * 4 and len(got) == len(want)
    both = want.merge(got, on=["wave", "measure", "brand"], suffixes=("", "_got"))
    assert len(both) == len(want)
    for col in ("rank", "p_first", "rank_low", "rank_high"):
        np.testing.assert_allclose(both[f"{col}_got"], both[col], err_msg=col)
    # the two close brands share the first place between the replicates
    tx_w1 = got[(got["measure"] == "tx") & (got["wave"] == "W1")].set_index("brand")
    assert 0.05 < tx_w1.loc["A", "p_first"] < 0.95
    assert tx_w1.loc[["A", "B"], "p_first"].sum() > 0.95
    assert (got["population"] == got["measure"].map(MEASURES)).all()
    assert (got["rank_low"] <= got["rank"]).all() and (got["rank"] <= got["rank_high"]).all()


def test_quadrant_probabilities_equal_the_rule_on_each_replicate(close):
    arrays, keys, n_brand = replicates(close.study)
    c = arrays[("customer", "customer_score")][:, :n_brand]
    n = arrays[("non_customer", "non_customer_score")][:, :n_brand]
    grid = close.grid.set_index(["wave", "brand"])
    for wave in ("W1", "W2"):
        cols = [i for i in range(n_brand) if keys["wave"].iloc[i] == wave]
        pc = c[1:, cols].mean(axis=1, keepdims=True)
        pn = n[1:, cols].mean(axis=1, keepdims=True)
        above_c, above_n = c[1:, cols] >= pc, n[1:, cols] >= pn
        shares = {"p_leading": above_c & above_n, "p_plateauing": above_c & ~above_n,
                  "p_churning": ~above_c & above_n, "p_lagging": ~above_c & ~above_n}
        for j, i in enumerate(cols):
            row = grid.loc[(wave, keys["brand"].iloc[i])]
            for col, hits in shares.items():
                assert row[col] == pytest.approx(hits[:, j].mean()), (wave, i, col)


def test_quadrant_probabilities_sum_to_one_and_the_sample_quadrant_is_modal():
    study = tx.read_study(Path(__file__).resolve().parents[1] / "surveys" / "sample"
                          / "study.toml").with_settings(bootstrap=200)
    result = tx.score(tx.load(study))
    grid = result.grid
    assert len(grid) and grid["quadrant"].isin(QUADRANTS).all()
    np.testing.assert_allclose(grid[P_COLUMNS].sum(axis=1), 1.0)
    clear = grid[grid[P_COLUMNS].max(axis=1) > 0.9]
    assert len(clear) >= len(grid) // 2
    modal = clear[P_COLUMNS].to_numpy().argmax(axis=1)
    assert [QUADRANTS[k] for k in modal] == clear["quadrant"].tolist()
    # the sample's TX leader ranks first in (nearly) every replicate
    rk = result.ranks
    top = rk[(rk["measure"] == "tx") & (rk["rank"] == 1)]
    assert set(top["brand"]) == {"Northwind"} and (top["p_first"] > 0.95).all()


def test_the_leaders_p_first_rises_toward_one_as_n_grows(tmp_path):
    """A leads B by 0.12 scale points on every item (TX about 3 points), B leads C: the
    leader's probability of ranking first, averaged over eight simulated studies per size
    (one study's probability is itself a noisy statistic), rises with n toward 1."""
    shifts = {"A": 0.12, "B": 0.0, "C": -0.1}
    mean_p = []
    for n in (60, 200, 800):
        p = []
        for seed in range(8):
            path = simulated(tmp_path / f"{n}_{seed}", dict.fromkeys(shifts, n), shifts,
                             seed=seed, bootstrap=100)
            rk = tx.score(tx.load(tx.read_study(path))).ranks
            a = rk[(rk["measure"] == "tx") & (rk["brand"] == "A")]
            p.append(float(a["p_first"].iloc[0]))
        mean_p.append(np.mean(p))
    assert mean_p[0] < mean_p[1] < mean_p[2], mean_p
    assert mean_p[0] < 0.85 and mean_p[2] > 0.97, mean_p


def test_suppressed_brands_get_no_rank_and_bootstrap_0_gives_nan(tmp_path):
    sizes = {"A": 60, "B": 60, "C": 60, "S": 8}
    shifts = {"A": 0.4, "B": 0.0, "C": -0.2, "S": 0.8}
    path = simulated(tmp_path / "b", sizes, shifts, seed=5, suppress_below=20,
                     low_base_below=25, caution_below=30)
    result = tx.score(tx.load(tx.read_study(path)))
    s = result.scores
    assert (s.loc[s["brand"] == "S", "flag"] == "suppressed").all()
    rk = result.ranks
    assert "S" not in set(rk["brand"]) and set(rk["brand"]) == {"A", "B", "C"}
    assert sorted(rk.loc[rk["measure"] == "tx", "rank"]) == [1, 2, 3]
    assert result.grid.loc[result.grid["brand"] == "S", P_COLUMNS].isna().all().all()
    # without bootstrap: the sample's ranks, no probability, no interval
    path = simulated(tmp_path / "z", sizes, shifts, seed=5, bootstrap=0, suppress_below=20,
                     low_base_below=25, caution_below=30)
    none = tx.score(tx.load(tx.read_study(path)))
    assert none.ranks["p_first"].isna().all()
    assert none.ranks[["rank_low", "rank_high"]].isna().all().all()
    assert none.ranks["rank"].notna().all() and len(none.ranks) == len(rk)
    assert none.grid[P_COLUMNS].isna().all().all() and none.grid["quadrant"].ne("").any()


def test_score_json_holds_the_ranks(close):
    """``txscore score --format json`` carries the ranks table as the result has it."""
    from conftest import cli_json

    ranks = pd.DataFrame(cli_json(close.study.spec_path)["ranks"])
    result = close
    keys = ["wave", "measure", "population", "brand"]
    mine = result.ranks.sort_values(keys).reset_index(drop=True)
    theirs = ranks.sort_values(keys).reset_index(drop=True)
    assert len(mine) == len(theirs) > 0
    for col in ("rank", "p_first", "rank_low", "rank_high"):
        assert np.allclose(mine[col].astype(float), theirs[col].astype(float), equal_nan=True)


def test_the_scores_table_carries_each_rank(close):
    """Every ranked score row shows the rank, P(first) and rank interval computed again from
    the replicates (:func:`expected_ranks`); the other rows have none."""
    want = expected_ranks(close)
    scores = close.scores
    both = want.merge(scores, on=["wave", "measure", "brand"], suffixes=("", "_score"))
    assert len(both) == len(want)
    for col in ("rank", "p_first", "rank_low", "rank_high"):
        np.testing.assert_allclose(both[f"{col}_score"], both[col], err_msg=col)
    ranked = scores.set_index(["wave", "measure", "brand"]).index.isin(
        want.set_index(["wave", "measure", "brand"]).index)
    assert scores.loc[~ranked, "p_first"].isna().all()
