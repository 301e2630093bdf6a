"""Partial studies compute what they can (issue 15): customers only, non-customers only, no
BX items among customers, no CX constructs, a population whose every row was excluded.

One small full study (two waves, two brands, customers and non-customers, answers with a
common factor so that loyalty weights can be estimated) is the reference: each partial study
is made of the same answers with a part taken away, and every index it still has must equal
the full study's (CX of a customers-only study is CX of the same customers in the full
study); each index it cannot have is in ``Result.not_computed`` with its reason, and the
workbook's Summary says so once, in English and in French.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import CX_ITEMS, LOYALTY_ITEMS, PILLAR_ITEMS, make_study

import txscore as tx
from txscore.reporting.text import words_for
from txscore.scoring import score_chunks
from txscore.scoring.composites import INDICES, NOT_COMPUTED

pytestmark = pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")

PILLARS = list(PILLAR_ITEMS)
CX_AND_LOYALTY = [*CX_ITEMS, *LOYALTY_ITEMS]
#: scored like the full study: loyalty-weighted CX estimated on these few customers
SETTINGS = {"index": {"cx_method": "loyalty_weighted", "min_customers_for_weights": 40},
            "report": {"bootstrap": 60}}
#: the scores columns that must be equal wherever the same respondents were scored the same
POINT = ["value", "n", "n_eff", "flag", "band"]
INTERVAL = ["ci_low", "ci_high", "se"]


def _answers(rng: np.random.Generator, n: int, items: list[str]) -> dict[str, np.ndarray]:
    latent = rng.normal(size=n)
    return {c: np.clip(np.rint(3 + latent + rng.normal(scale=0.9, size=n)), 1, 5).astype(int)
            for c in items}


def _population(seed: int, items: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 120
    frame = pd.DataFrame(_answers(rng, n, items))
    frame.insert(0, "brand", np.resize(["Alpha", "Beta"], n))
    frame.insert(0, "wave", np.repeat(["W1", "W2"], n // 2))
    return frame


CUSTOMERS = _population(1, [*CX_AND_LOYALTY, *PILLARS])
NON_CUSTOMERS = _population(2, PILLARS)


def _score(spec: Path | tx.Study) -> tx.Result:
    study = tx.read_study(spec) if isinstance(spec, Path) else spec
    return tx.score(tx.load(study))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("partial")


@pytest.fixture(scope="module")
def full_spec(folder) -> Path:
    (folder / "full").mkdir()
    return make_study(folder / "full", CUSTOMERS, NON_CUSTOMERS, **SETTINGS)


@pytest.fixture(scope="module")
def full(full_spec) -> tx.Result:
    return _score(full_spec)


@pytest.fixture(scope="module")
def customers_only(folder) -> tx.Result:
    (folder / "customers").mkdir()
    return _score(make_study(folder / "customers", CUSTOMERS, **SETTINGS))


@pytest.fixture(scope="module")
def non_customers_only(full_spec) -> tx.Result:
    # read_study refuses a study without customers today (another room's rule): the same
    # study with its customer sources taken away, scored as load gives it
    study = tx.read_study(full_spec)
    study = dataclasses.replace(study, sources=tuple(
        s for s in study.sources if s.population == "non_customer"))
    return _score(study)


def _rows(result: tx.Result, table: str, **where: object) -> pd.DataFrame:
    frame = getattr(result, table)
    for col, value in where.items():
        frame = frame[frame[col].isin(value if isinstance(value, list) else [value])]
    keys = [c for c in ("measure", "construct", "item", "population", "wave", "brand", "code")
            if c in frame]
    return frame.sort_values(keys).reset_index(drop=True)


def assert_same(part: tx.Result, full: tx.Result, table: str, columns: list[str],
                **where: object) -> None:
    """The rows of ``table`` selected by ``where`` are the same in both, on ``columns``."""
    a, b = _rows(part, table, **where), _rows(full, table, **where)
    assert len(a) and len(a) == len(b), (table, where, len(a), len(b))
    pd.testing.assert_frame_equal(a[columns], b[columns], check_dtype=False, rtol=1e-12,
                                  atol=1e-12)


def _measures(result: tx.Result) -> set[tuple[str, str]]:
    return set(zip(result.scores["measure"], result.scores["population"], strict=True))


# ---------------------------------------------------------------------- customers only
def test_customers_only_scores_cx_bx_and_c_as_the_full_study(customers_only, full):
    assert dict(customers_only.not_computed) == {
        "bx_non_customer": "no_non_customer_source", "n": "no_non_customer_source",
        "tx": "no_non_customer_source", "grid": "no_non_customer_source",
        "nps": "no_nps_item"}
    have = _measures(customers_only)
    assert {("customer", "cx"), ("customer", "bx_customers"),
            ("customer", "customer_score")} <= {(p, m) for m, p in have}
    assert not {m for m, _ in have} & {"tx", "non_customer_score", "bx_non_customers",
                                       "bx_gap"}
    assert customers_only.grid.empty
    # the same customers, scored the same way, drawn the same bootstrap: every customer row
    # of every table is the full study's, intervals included
    assert_same(customers_only, full, "scores", POINT + INTERVAL, population="customer")
    assert_same(customers_only, full, "items", ["n", "n_eff", "mean", "score100", "top_box",
                                                "net", "flag"], population="customer")
    assert_same(customers_only, full, "reliability", ["alpha", "n_complete", "verdict"],
                population="customer")
    pd.testing.assert_frame_equal(customers_only.cx_weights, full.cx_weights)
    assert (customers_only.cx_weights["method"] == "loyalty_weighted").all()


def test_customers_only_summary_shows_what_exists(customers_only, full):
    summary = customers_only.summary()
    assert list(summary.columns) == ["wave", "brand", "customer_score", "cx", "bx_customers",
                                     "n_customers", "flag"]
    both = summary.merge(full.summary(), on=["wave", "brand"], suffixes=("", "_full"))
    assert len(both) == len(summary) == 6  # 2 waves x (2 brands + the total)
    for col in ("customer_score", "cx", "bx_customers", "n_customers"):
        np.testing.assert_allclose(both[col], both[f"{col}_full"], rtol=1e-12)


# ---------------------------------------------------------------------- non-customers only
def test_non_customers_only_scores_bx_and_n_as_the_full_study(non_customers_only, full):
    assert dict(non_customers_only.not_computed) == {
        "cx": "no_customer_source", "bx_customer": "no_customer_source",
        "c": "no_customer_source", "tx": "no_customer_source", "grid": "no_customer_source",
        "nps": "no_nps_item"}
    assert set(non_customers_only.scores["population"]) == {"non_customer"}
    assert non_customers_only.cx_weights.empty  # no CX: no weights of it either
    # the same non-customers: the same points (the bootstrap draws them first here, after
    # the customers in the full study: other replicates, so other intervals)
    assert_same(non_customers_only, full, "scores", POINT, population="non_customer")
    assert_same(non_customers_only, full, "items", ["n", "score100", "top_box", "flag"],
                population="non_customer")
    summary = non_customers_only.summary()
    assert list(summary.columns) == ["wave", "brand", "non_customer_score", "bx_non_customers",
                                     "n_non_customers", "flag"]


def test_a_population_whose_rows_were_all_excluded_is_said_so(full_spec, full):
    # the customer sources exist, but no customer row was scored (e.g. all speeders)
    responses = tx.load(tx.read_study(full_spec))
    data = responses.data[responses.data["population"] != "customer"]
    result = tx.score(dataclasses.replace(responses, data=data))
    assert result.not_computed["cx"] == "no_scored_rows"
    assert result.not_computed["tx"] == "no_scored_rows"
    assert_same(result, full, "scores", POINT, population="non_customer")


# ---------------------------------------------------------------------- no BX among customers
@pytest.fixture(scope="module")
def no_bx_for_customers(folder) -> tx.Result:
    (folder / "no_bx").mkdir()
    pillars = {PILLAR_ITEMS[c]: {"role": "bx_pillar", "populations": ["non_customer"]}
               for c in PILLARS}
    return _score(make_study(folder / "no_bx", CUSTOMERS.drop(columns=PILLARS),
                             NON_CUSTOMERS, fill=False, constructs=pillars, **SETTINGS))


def test_no_bx_among_customers_keeps_cx_and_n(no_bx_for_customers, full):
    result = no_bx_for_customers
    reason = "no_bx_items_for_customers"
    assert dict(result.not_computed) == {"bx_customer": reason, "c": reason, "tx": reason,
                                         "grid": reason, "nps": "no_nps_item"}
    cx_measures = ["cx", "cx_classic_net", "loyalty", *CX_ITEMS.values(),
                   *LOYALTY_ITEMS.values()]
    assert_same(result, full, "scores", POINT, population="customer", measure=cx_measures)
    assert_same(result, full, "scores", POINT, population="non_customer")
    assert not (result.scores["population"].eq("customer")
                & result.scores["measure"].isin(PILLAR_ITEMS.values())).any()
    pd.testing.assert_frame_equal(result.cx_weights, full.cx_weights)
    # the summary still gives the customers' base
    summary = result.summary()
    assert {"cx", "non_customer_score", "n_customers", "n_non_customers"} <= set(summary)
    assert "tx" not in summary and "customer_score" not in summary


def test_customer_files_without_bx_columns_are_said_so(full_spec, full):
    # the pillars are asked of both populations, but no customer answered them (the customer
    # files lack the columns: load leaves them empty)
    responses = tx.load(tx.read_study(full_spec))
    data = responses.data.copy()
    data.loc[data["population"] == "customer", PILLARS] = pd.NA
    result = tx.score(dataclasses.replace(responses, data=data))
    assert result.not_computed["bx_customer"] == "no_bx_items_for_customers"
    assert result.not_computed["tx"] == "no_bx_items_for_customers"
    assert_same(result, full, "scores", POINT, population="customer", measure="cx")
    assert_same(result, full, "scores", POINT, population="non_customer")
    # no score of a construct nobody answered (no row of NaN)
    customer = result.scores[result.scores["population"] == "customer"]
    assert not set(customer["measure"]) & set(PILLAR_ITEMS.values())


# ---------------------------------------------------------------------- no CX constructs
def test_no_cx_constructs_keeps_both_bx(folder, full):
    (folder / "no_cx").mkdir()
    gone = {name: None for name in [*CX_ITEMS.values(), *LOYALTY_ITEMS.values()]}
    spec = make_study(folder / "no_cx", CUSTOMERS[["wave", "brand", *PILLARS]], NON_CUSTOMERS,
                      fill=False, constructs=gone, items=dict.fromkeys(CX_AND_LOYALTY),
                      report=SETTINGS["report"])
    result = _score(spec)
    assert dict(result.not_computed) == {"cx": "no_cx_constructs", "c": "no_cx_constructs",
                                         "tx": "no_cx_constructs", "grid": "no_cx_constructs",
                                         "nps": "no_nps_item"}
    assert_same(result, full, "scores", POINT, measure=["bx_customers", "bx_non_customers",
                                                        "bx_gap", "non_customer_score"])
    assert result.cx_weights["weight"].empty


def test_cx_without_loyalty_items_says_its_weights_are_equal(full_spec):
    # loyalty-weighted CX asked, but the study (built in Python) has no loyalty construct
    study = tx.read_study(full_spec)
    kept = {k: c for k, c in study.constructs.items() if c.role != "loyalty"}
    study = dataclasses.replace(study, constructs=kept, items={
        k: i for k, i in study.items.items() if i.construct in kept})
    result = _score(study)
    w = result.cx_weights
    assert w["method"].tolist() == ["equal"] * 3 and w["note"].tolist() == ["no_loyalty"] * 3
    np.testing.assert_allclose(w["weight"], 1 / 3)
    # by hand from the answers (unweighted, every item answered): the mean of the three
    # dimensions' score100 = 100 (mean - 1) / 4
    by_hand = (100 * (CUSTOMERS.groupby(["wave", "brand"])[list(CX_ITEMS)].mean() - 1) / 4
               ).mean(axis=1)
    s = result.scores
    cx = s[(s["measure"] == "cx") & (s["brand"] != "All brands")].set_index(["wave", "brand"])
    np.testing.assert_allclose(cx["value"].loc[by_hand.index], by_hand, rtol=1e-12)


# ---------------------------------------------------------------------- NPS
def _nps_overrides() -> dict:
    return {"scales": {"nps11": {"points": 11, "min": 0, "max": 10,
                                 "labels": {0: "Not at all likely", 10: "Extremely likely"}}},
            "constructs": {"recommend": {"populations": ["customer"]}},
            "items": {"recommend": {"construct": "recommend", "scale": "nps11"}},
            "index": {"nps_item": "recommend"}}


def test_nps_needs_its_population(folder):
    (folder / "nps").mkdir()
    cust = CUSTOMERS.assign(recommend=np.resize(np.arange(11), len(CUSTOMERS)))
    spec = make_study(folder / "nps", cust, NON_CUSTOMERS, **_nps_overrides())
    study = tx.read_study(spec)
    assert dict(_score(study).not_computed) == {}  # a full study lacks nothing
    non_only = dataclasses.replace(study, sources=tuple(
        s for s in study.sources if s.population == "non_customer"))
    assert _score(non_only).not_computed["nps"] == "no_customer_source"


# ---------------------------------------------------------------------- both paths, words
def test_chunked_scoring_says_the_same(folder, customers_only):
    study = tx.read_study(folder / "customers" / "study.toml")
    data = tx.load(study).data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chunked = score_chunks(study, [data.iloc[:100], data.iloc[100:]])
    assert dict(chunked.not_computed) == dict(customers_only.not_computed)


def test_every_reason_and_index_has_words():
    for language in ("en", "fr"):
        w = words_for(language)
        assert set(w.indices) == set(INDICES)
        assert set(w.not_computed) == set(NOT_COMPUTED)
        assert all(w.missing({"tx": code})[0].count(w.indices["tx"]) == 1
                   for code in NOT_COMPUTED)


def _summary_texts(book: Path) -> list[str]:
    ws = openpyxl.load_workbook(book, read_only=True).worksheets[2]  # Overview, Scorecards
    return [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_summary_says_once_what_is_not_computed_and_why(no_bx_for_customers, tmp_path,
                                                            language):
    result = dataclasses.replace(no_bx_for_customers, study=no_bx_for_customers.study
                                 .with_settings(language=language))
    paths = tx.report(result, tmp_path / language, charts=False)
    texts = _summary_texts(paths["workbook"])
    w = words_for(language)
    lines = w.missing(result.not_computed)
    # one sentence per reason: C, TX, the grid and BX customers share theirs
    assert len(lines) == 2 and all(texts.count(line) == 1 for line in lines)
    assert texts.count(w["not_computed_title"]) == 1
    first = lines[0]
    for index in ("bx_customer", "c", "tx", "grid"):
        assert w.indices[index] in first
    assert w.not_computed["no_bx_items_for_customers"] in first
    # never blamed on a missing source: both are there
    for code in ("no_customer_source", "no_non_customer_source"):
        assert not any(w.not_computed[code] in t for t in texts)

