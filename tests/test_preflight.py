"""preflight(): everything report() does but writing files, as located problems (issue 15).

The walk: for several studies (the sample, partial studies, an unlabelled 7-point scale), an
empty preflight means report succeeds and draws the very charts preflight drew; a failure
injected through the public ``on_chart`` hook, a sheet that cannot be built, or an output
folder among the inputs is found by preflight, located, and is what report raises (report
stops at the first; preflight lists them all), with nothing written.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import (
    CUSTOMER_ITEMS,
    CX_ITEMS,
    LOYALTY_ITEMS,
    NON_CUSTOMER_ITEMS,
    PILLAR_ITEMS,
    make_study,
    private_copy,
)

import txscore as tx
from txscore.errors import OutputError, Problem, TxscoreWarning
from txscore.reporting import preflight, report

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "surveys" / "sample" / "study.toml"


def _frame(seed: int, items: list[str], n: int = 80, top: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    frame = pd.DataFrame({c: np.clip(np.rint((top + 1) / 2 + latent + rng.normal(size=n)), 1,
                                     top).astype(int) for c in items})
    frame.insert(0, "brand", np.resize(["Alpha", "Beta"], n))
    return frame


def _study(folder: Path, name: str, customers: pd.DataFrame | None,
           non_customers: pd.DataFrame | None, **overrides) -> tx.Result:
    (folder / name).mkdir()
    if customers is None:  # read_study refuses it today: the full study minus its customers
        spec = make_study(folder / name, _frame(1, CUSTOMER_ITEMS), non_customers, **overrides)
        study = tx.read_study(spec)
        study = dataclasses.replace(study, sources=tuple(
            s for s in study.sources if s.population == "non_customer"))
    else:
        study = tx.read_study(make_study(folder / name, customers, non_customers,
                                         **overrides))
    return tx.score(tx.load(study))


@pytest.fixture(scope="module")
def studies(tmp_path_factory, sample_scored) -> dict[str, tx.Result]:
    folder = tmp_path_factory.mktemp("preflight")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = private_copy(sample_scored)  # the session's, 200 resamples
        seven = {"points": 7, "min": 1, "max": 7}  # no labels at all
        items7 = {c: {"construct": cons, "scale": "plain7"}
                  for c, cons in {**CX_ITEMS, **LOYALTY_ITEMS, **PILLAR_ITEMS}.items()}
        pillars = {PILLAR_ITEMS[c]: {"role": "bx_pillar", "populations": ["non_customer"]}
                   for c in PILLAR_ITEMS}
        return {
            "sample": sample,
            "customers only": _study(folder, "customers", _frame(1, CUSTOMER_ITEMS), None),
            "non-customers only": _study(folder, "non", None, _frame(2, NON_CUSTOMER_ITEMS)),
            "no BX among customers": _study(
                folder, "no_bx", _frame(3, [c for c in CUSTOMER_ITEMS if c not in PILLAR_ITEMS]),
                _frame(4, NON_CUSTOMER_ITEMS), fill=False, constructs=pillars),
            "unlabelled 7-point scale": _study(
                folder, "plain7", _frame(5, CUSTOMER_ITEMS, top=7),
                _frame(6, NON_CUSTOMER_ITEMS, top=7), scales={"plain7": seven}, items=items7),
        }


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _recorder(keys: list[str]):
    def on_chart(key: str, path: Path, seconds: float) -> None:
        keys.append(key)
    return on_chart


@pytest.mark.parametrize("name", ["sample", "customers only", "non-customers only",
                                  "no BX among customers", "unlabelled 7-point scale"])
def test_an_empty_preflight_means_the_report_succeeds(studies, tmp_path, name):
    result = studies[name]
    drawn: list[str] = []
    problems = preflight(result, tmp_path / "out", on_chart=_recorder(drawn))
    assert _errors(problems) == []
    written: list[str] = []
    paths = report(result, tmp_path / "out", on_chart=_recorder(written))
    assert paths["workbook"].is_file()
    # the same charts, each drawn once by both
    assert sorted(drawn) == sorted(written) == sorted(k for k in paths if k != "workbook")
    assert all(paths[k] == tmp_path / "out" / f"{k}.png" for k in written)


def test_preflight_writes_nothing(studies, tmp_path):
    before = sorted(p.name for p in tmp_path.iterdir())
    assert _errors(preflight(studies["customers only"], tmp_path / "never")) == []
    assert not (tmp_path / "never").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_injected_chart_failure_is_found_located_and_is_what_report_raises(studies,
                                                                                tmp_path):
    result = studies["no BX among customers"]

    def broken(key: str, path: Path, seconds: float) -> None:
        if key.startswith("item_distribution"):
            raise ValueError("the chart server is down")

    problems = _errors(preflight(result, on_chart=broken))
    assert [p.where for p in problems] == ["chart item_distribution_customer_w1",
                                           "chart item_distribution_non_customer_w1"]
    assert all("the chart server is down" in p.message and p.fix for p in problems)
    out = tmp_path / "out"
    with pytest.raises(OutputError) as caught:
        report(result, out, on_chart=broken)
    assert caught.value.problems == problems[:1]  # report stops at the first chart
    assert not out.exists()  # all or nothing: no half report


def test_a_sheet_that_cannot_be_built_is_found_and_located(studies, tmp_path):
    result = studies["customers only"]
    broken = dataclasses.replace(result, scores=result.scores.drop(columns="band"))
    problems = _errors(preflight(broken, charts=False))
    assert [p.where for p in problems] == ["workbook, sheet 'Summary'"]
    assert "KeyError" in problems[0].message and "band" in problems[0].message
    with pytest.raises(OutputError) as caught:
        report(broken, tmp_path / "out", charts=False)
    assert caught.value.problems == problems


def test_the_output_folder_is_checked_as_report_checks_it(studies):
    result = studies["sample"]
    problems = _errors(preflight(result, SAMPLE.parent, charts=False))
    with pytest.raises(OutputError) as caught:
        report(result, SAMPLE.parent, charts=False)
    assert problems == caught.value.problems
    assert "input files" in problems[0].message


def test_report_warnings_are_preflight_warnings(tmp_path):
    customers = _frame(7, CUSTOMER_ITEMS).assign(region=np.resize(["North", "South"], 80))
    spec = make_study(tmp_path, customers, _frame(8, NON_CUSTOMER_ITEMS).assign(region="North"),
                      columns={"segments": ["region"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cut = tx.score(tx.load(tx.read_study(spec)), by=["region"])
    found = [p for p in preflight(cut) if p.severity == "warning"]
    with pytest.warns(TxscoreWarning) as caught:
        report(cut, tmp_path / "out")  # the workbook, and no charts
    assert [p.message for p in found] == [str(w.message) for w in caught
                                         if issubclass(w.category, TxscoreWarning)]
    assert found and found[0].message.startswith("No charts")
