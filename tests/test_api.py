"""The analyst's API: flat namespace, statistics on any DataFrame, restylable charts, repr.

``tx.reliability`` is checked against pingouin, ``tx.drivers`` against the published
dominanceanalysis/relaimpo output on R's ``attitude`` data (tests/reference), and a Study
built in Python (no TOML) scores like the same study read from TOML.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import private_copy, with_settings

import txscore as tx

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
REF = Path(__file__).resolve().parent / "reference"


@pytest.fixture(scope="module")
def sample(sample_loaded, sample_scored):
    """The sample's responses with 200 resamples and their result (copies of the session's
    shared sample)."""
    return private_copy(with_settings(sample_loaded, bootstrap=200)), private_copy(sample_scored)


def test_every_public_name_resolves_and_is_listed():
    for name in tx.__all__:
        assert getattr(tx, name) is not None, name
    assert callable(tx.reliability) and callable(tx.drivers) and callable(tx.rake)
    assert set(tx.__all__) <= set(dir(tx))
    with pytest.raises(AttributeError):
        tx.no_such_name  # noqa: B018


def test_reliability_and_drivers_stay_functions_after_the_submodules_load(sample):
    import txscore.stats.drivers  # noqa: F401
    import txscore.stats.reliability  # noqa: F401

    assert callable(tx.reliability) and callable(tx.drivers)


def test_tx_reliability_on_any_dataframe_equals_pingouin():
    import pingouin
    rng = np.random.default_rng(3)
    f = rng.standard_normal(300)
    df = pd.DataFrame({f"q{i}": np.clip(np.round(3 + f + rng.standard_normal(300)), 1, 5)
                       for i in range(4)})
    ours = tx.reliability(df, ["q0", "q1", "q2", "q3"])
    alpha, ci = pingouin.cronbach_alpha(df)
    assert ours["alpha"].iloc[0] == pytest.approx(alpha, abs=1e-12)
    assert [ours["ci_low"].iloc[0], ours["ci_high"].iloc[0]] == pytest.approx(ci, abs=6e-3)


def test_tx_drivers_on_any_dataframe_reproduces_dominanceanalysis():
    att = pd.read_csv(REF / "attitude.csv")
    drivers = ["complaints", "privileges", "learning", "raises", "critical", "advance"]
    res = tx.drivers(att, "rating", drivers, method="shapley", n_boot=0).set_index("driver")
    # dominanceanalysis general dominance on lm(rating ~ ., attitude), printed to 3 decimals
    published = {"complaints": 0.371, "privileges": 0.051, "learning": 0.156,
                 "raises": 0.120, "critical": 0.007, "advance": 0.028}
    assert res["raw_weight"].round(3).to_dict() == published
    assert res["r2"].iloc[0] == pytest.approx(0.733, abs=5e-4)


@pytest.mark.parametrize("name", ["tx_by_brand", "growth_grid", "cx_vs_bx", "trend",
                                  "item_distribution", "importance_performance",
                                  "reliability_overview"])
def test_every_chart_returns_a_figure_and_draws_on_a_given_axes(sample, name):
    import matplotlib.pyplot as plt

    _, result = sample
    chart = getattr(tx.charts, name)
    fig = chart(result)
    assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
    own, ax = plt.subplots()
    assert chart(result, ax=ax) is own
    ax.set_title("Restyled")  # analysts restyle the returned objects
    assert ax.get_title() == "Restyled"
    plt.close("all")


def test_notebook_reprs_show_bases_flags_and_reconciliation(sample):
    responses, result = sample
    study_html = responses.study._repr_html_()
    assert "customers_w1.xlsx" in study_html and "Effectiveness" in study_html
    resp_html = responses._repr_html_()
    assert "reconciles" in resp_html and "rows_in" in resp_html
    html = result._repr_html_()
    assert "n_customers" in html and "flag" in html and "<table" in html


def test_a_study_built_in_python_scores_like_the_toml_study(sample):
    responses, result = sample
    study = responses.study
    # rebuild the same spec field by field, in Python, without TOML
    built = tx.Study(name=study.name, sources=study.sources, columns=study.columns,
                     scales=dict(study.scales), constructs=dict(study.constructs),
                     items=dict(study.items), index=study.index, quality=study.quality,
                     report=study.report)
    assert tx.validate_study(built) == []
    again = tx.score(replace(responses, study=built))
    pd.testing.assert_frame_equal(again.scores, result.scores)


def test_score_is_pure(sample):
    responses, result = sample
    before = responses.data.copy()
    again = tx.score(responses)
    pd.testing.assert_frame_equal(responses.data, before)
    for table in ("scores", "items", "changes", "grid", "reliability", "drivers"):
        pd.testing.assert_frame_equal(getattr(again, table), getattr(result, table))


def test_segment_cut_from_python(sample):
    responses, _ = sample
    cut = tx.score(replace(responses, study=responses.study.with_settings(bootstrap=0)),
                   by=["region"])
    assert cut.by == ("region",)
    assert set(cut.scores["region"].dropna()) == {"North", "South", "East", "West"}
    with pytest.raises(tx.StudySpecError, match="segment"):
        tx.score(responses, by=["email"])


def test_item_statistics_on_any_dataframe_from_the_flat_api():
    """``tx.item_statistics`` on a frame that has nothing to do with a study: alpha if
    deleted as ``psych::alpha(df)$alpha.drop$raw_alpha`` gives it (the values of the
    function's documented example)."""
    import pandas as pd

    df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    stats = tx.item_statistics(df)
    assert stats["item"].tolist() == ["q1", "q2", "q3"]
    assert stats["alpha_if_deleted"].round(4).tolist() == [0.7895, 0.8824, 0.7273]
    assert "item_statistics" in tx.__all__ and "to_pptx" in tx.__all__
