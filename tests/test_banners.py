"""Banner tables (issue 19): values, bases, clustered variances and significance letters.

Every number is recomputed here from the rows, independently of txscore's code: shares and
Kish bases with numpy, the two-proportion z-test and its p-values with scipy, Benjamini-
Hochberg with ``scipy.stats.false_discovery_control``, and the clustered variance of a
composite from its influence values obtained by *numerical differentiation* of a plain
re-implementation of the composite (no linearisation formula shared with the code).
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import replace
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from conftest import make_study, private_copy, sample_copy, with_settings
from scipy.stats import false_discovery_control, norm

import txscore as tx
from txscore.cli import main
from txscore.errors import StudySpecError
from txscore.scoring.banners import banner_tables, column_letter
from txscore.study.banners import BannerRow, BannerTable

TOP = (4, 5)  # the top box of the 5-point scale make_study writes


def _letters_by_hand(frame: pd.DataFrame, columns: list[str], bh: bool) -> dict[str, str]:
    """Each column's letters from the two-proportion z-test on Kish n_eff (pooled share),
    every pair, two-sided, at 5% (after Benjamini-Hochberg when ``bh``)."""
    p, n_eff = {}, {}
    for col in columns:
        part = frame[frame["region"] == col]
        w, top = part["weight"].to_numpy(float), part["eff_1"].isin(TOP).to_numpy(float)
        p[col], n_eff[col] = w @ top / w.sum(), w.sum() ** 2 / (w @ w)
    pairs = list(combinations(columns, 2))
    pvals = []
    for a, b in pairs:
        pbar = (n_eff[a] * p[a] + n_eff[b] * p[b]) / (n_eff[a] + n_eff[b])
        z = (p[a] - p[b]) / np.sqrt(pbar * (1 - pbar) * (1 / n_eff[a] + 1 / n_eff[b]))
        pvals.append(2 * norm.sf(abs(z)))
    pvals = false_discovery_control(pvals) if bh else np.array(pvals)
    letter = {c: column_letter(k) for k, c in enumerate(columns)}
    out = {c: "" for c in columns}
    for (a, b), q in zip(pairs, pvals, strict=True):
        if q < 0.05:
            win, lose = (a, b) if p[a] > p[b] else (b, a)
            out[win] += letter[lose]
    return {c: "".join(sorted(v)) for c, v in out.items()}


@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    """Four regions of different sizes and top-box shares, weighted, one row each."""
    rng = np.random.default_rng(19)
    sizes = {"East": 90, "North": 160, "South": 220, "West": 130}
    share = {"East": 0.42, "North": 0.50, "South": 0.56, "West": 0.62}
    parts = []
    for region, n in sizes.items():
        top = rng.random(n) < share[region]
        parts.append(pd.DataFrame({
            "region": region, "eff_1": np.where(top, rng.choice([4, 5], n),
                                                rng.choice([1, 2, 3], n)),
            "weight": rng.choice([0.5, 1.0, 1.0, 2.0], n)}))
    cust = pd.concat(parts, ignore_index=True)
    folder = tmp_path_factory.mktemp("regions")
    return cust, folder


def _study(folder, cust, **report):
    path = make_study(folder, cust, columns={"segments": ["region"]},
                      report={"multiple_testing": "none", **report})
    return tx.load(tx.read_study(path))


def test_letters_equal_two_proportion_z_by_hand(regions):
    cust, folder = regions
    columns = ["East", "North", "South", "West"]
    table = BannerTable("t", ("region",), (BannerRow("eff_1", "top_box"),))
    got = {}
    for bh in (False, True):
        responses = _study(folder, cust, multiple_testing="bh" if bh else "none")
        out = banner_tables(responses, tables=[table])
        cells = out[out["banner"] == "region"].set_index("column")
        assert cells["letter"].tolist() == ["A", "B", "C", "D"]
        got[bh] = cells["higher_than"].to_dict()
        assert got[bh] == _letters_by_hand(cust, columns, bh)
        # values and bases as computed by hand
        east = cust[cust["region"] == "East"]
        w = east["weight"].to_numpy(float)
        assert cells.loc["East", "value"] == pytest.approx(
            100 * w @ east["eff_1"].isin(TOP) / w.sum(), rel=1e-12)
        assert cells.loc["East", "n_eff"] == pytest.approx(w.sum() ** 2 / (w @ w), rel=1e-12)
        assert cells.loc["East", "weighted_base"] == pytest.approx(w.sum(), rel=1e-12)
        assert cells.loc["East", "n"] == len(east)
    # the data are chosen so that the test decides something and BH changes it
    assert any(got[False].values()) and got[False] != got[True]


def test_multi_select_rows_share_a_respondent(tmp_path):
    """A respondent may tick several options: each option's share is over the
    respondents who answered the question (at least one column not blank)."""
    cust = pd.DataFrame({
        "region": ["N", "N", "N", "S", "S", "S", "S"],
        "ch_web": ["1", "1", "", "1", "0", "", "1"],
        "ch_app": ["1", "", "", "0", "1", "", "1"],
        "weight": [1.0, 2.0, 1.0, 1.0, 1.0, 3.0, 1.0]})
    path = make_study(tmp_path, cust, columns={"segments": ["region", "ch_web", "ch_app"]})
    responses = tx.load(tx.read_study(path))
    row = BannerRow("channels", columns=("ch_web", "ch_app"), options=("Web", "App"))
    out = banner_tables(responses, tables=[BannerTable("t", ("region",), (row,))])
    got = out.set_index(["option", "column"])["value"]
    # base: rows 1-2 (N; row 3 answered nothing), rows 4, 5, 7 (S; row 6 nothing)
    assert got[("Web", "N")] == pytest.approx(100.0)  # (1 + 2) / 3
    assert got[("App", "N")] == pytest.approx(100 * 1 / 3)
    assert got[("Web", "S")] == pytest.approx(100 * 2 / 3)
    assert got[("App", "S")] == pytest.approx(100 * 2 / 3)
    assert got[("Web", "total")] == pytest.approx(100 * 5 / 6)
    assert got[("App", "total")] == pytest.approx(100 * 3 / 6)
    assert set(out.loc[out["column"] == "total", "n"]) == {5}
    assert out.loc[out["option"] == "Web", "row"].iloc[0] == "channels:ch_web"
    everyone = banner_tables(responses, tables=[BannerTable("t", ("region",), (
        replace(row, base="all"),))]).set_index(["option", "column"])["value"]
    assert everyone[("Web", "N")] == pytest.approx(100 * 3 / 4)  # row 3 counts, unticked
    assert everyone[("App", "total")] == pytest.approx(100 * 3 / 10)


def test_suppressed_cells_carry_no_number_and_no_letter(tmp_path):
    rng = np.random.default_rng(3)
    cust = pd.DataFrame({"region": ["Big"] * 200 + ["Tiny"] * 12,
                         "eff_1": np.r_[np.full(200, 5), rng.choice([1, 2], 12)]})
    path = make_study(tmp_path, cust, columns={"segments": ["region"]},
                      report={"suppress_below": 30, "low_base_below": 50,
                              "caution_below": 100})
    out = banner_tables(tx.load(tx.read_study(path)), tables=[
        BannerTable("t", ("region",), (BannerRow("eff_1", "top_box"), BannerRow("cx")))])
    tiny = out[out["column"] == "Tiny"]
    assert (tiny["flag"] == "suppressed").all()
    assert tiny[["value", "se", "deff_cluster"]].isna().all().all()
    assert (tiny["n"] == 12).all() and tiny["n_eff"].notna().all()  # bases stay
    big = out[out["column"] == "Big"]
    assert (big["flag"] == "ok").all() and (big["higher_than"] == "").all()  # not tested


def _composite(frame: pd.DataFrame, w: np.ndarray) -> float:
    """Trust among customers, brands pooled, computed plainly: the mean over its items of
    each item's weighted mean score100 over the rows that answered it."""
    means = []
    for item in ("trust_1", "trust_2"):
        x = frame[item].to_numpy(float)
        ok = ~np.isnan(x)
        means.append(w[ok] @ (100 * (x[ok] - 1) / 4) / w[ok].sum())
    return float(np.mean(means))


def test_clustered_variance_of_a_composite_equals_the_influence_by_hand(tmp_path):
    """Six respondents, four of them rating two or three brands (one cluster each), with
    missing answers: the variance of a construct pooled over brands is
    n_c / (n_c - 1) sum_c z_c^2, z_c the derivative of the composite with respect to the
    weights of respondent c (here by central finite differences of a plain
    re-implementation)."""
    cust = pd.DataFrame({
        "resp_id": ["r1", "r1", "r2", "r3", "r3", "r3", "r4", "r5", "r5", "r6", "r6"],
        "brand": ["A", "B", "A", "A", "B", "C", "B", "A", "C", "B", "C"],
        "trust_1": [5, 4, 2, 3, 3, 1, 4, None, 5, 2, 4],
        "trust_2": [4, None, 1, 3, 2, 2, 5, 4, 5, 1, None],
        "weight": [1.0, 1.0, 2.0, 0.5, 0.5, 0.5, 1.5, 1.0, 1.0, 1.2, 1.2]})
    path = make_study(tmp_path, cust, items={"trust_2": {"construct": "trust",
                                                         "scale": "agree5"}})
    responses = tx.load(tx.read_study(path))
    out = banner_tables(responses, tables=[BannerTable("t", (), (BannerRow("trust"),))])
    cell = out.iloc[0]
    w = cust["weight"].to_numpy(float)
    frame = cust.astype({"trust_1": float, "trust_2": float})
    assert cell["value"] == pytest.approx(_composite(frame, w), rel=1e-12)
    z = []
    for rid in dict.fromkeys(cust["resp_id"]):
        bump = np.where(cust["resp_id"] == rid, w, 0.0) * 1e-6
        z.append((_composite(frame, w + bump) - _composite(frame, w - bump)) / 2e-6)
    z = np.array(z)
    n_c = len(z)
    assert cell["n_respondents"] == n_c and cell["n"] == len(cust)
    assert cell["se"] ** 2 == pytest.approx(n_c / (n_c - 1) * (z @ z), rel=1e-6)
    # every row its own cluster: the same formula over the rows
    rows = replace(responses, study=responses.study.with_settings(clusters="row"))
    by_row = banner_tables(rows, tables=[BannerTable("t", (), (BannerRow("trust"),))]).iloc[0]
    zr = []
    for i in range(len(cust)):
        bump = np.where(np.arange(len(cust)) == i, w, 0.0) * 1e-6
        zr.append((_composite(frame, w + bump) - _composite(frame, w - bump)) / 2e-6)
    zr = np.array(zr)
    assert by_row["se"] ** 2 == pytest.approx(len(zr) / (len(zr) - 1) * (zr @ zr), rel=1e-6)
    assert cell["deff_cluster"] == pytest.approx(cell["se"] ** 2 / by_row["se"] ** 2)
    assert cell["n_eff"] == pytest.approx(w.sum() ** 2 / (w @ w) / cell["deff_cluster"])


@pytest.fixture(scope="module")
def sample(sample_loaded):
    """The sample loaded, no bootstrap (a copy of the session's shared responses)."""
    return with_settings(private_copy(sample_loaded), bootstrap=0)


def test_total_and_columns_equal_the_scores_table(sample):
    """The Total column is the Scores table's cell, each region column the cell of
    ``score(by=["region"])``: the same engine, to rounding."""
    rows = tuple(BannerRow(r) for r in ("tx", "c", "n", "cx", "bx_customers",
                                        "bx_non_customers", "loyalty", "nps", "trust"))
    tables = [BannerTable("all", ("region",), rows),
              BannerTable("nw", ("region",), rows, brand="Northwind", wave="2026 Q1")]
    out = banner_tables(sample, tables=tables)
    scores = tx.score(sample, by=["region"]).scores
    result = tx.score(sample)
    totals = result.scores
    given = banner_tables(sample, tables=tables, weights={"cx": result.cx_weights,
                                                          "bx": result.bx_weights})
    pd.testing.assert_frame_equal(given, out)
    checked = 0
    for r in out.itertuples(index=False):
        ref = totals if r.banner == "total" else scores
        hit = ref[(ref["measure"] == r.measure) & (ref["brand"] == r.brand)
                  & (ref["wave"] == r.wave)]
        if r.population != "all":
            hit = hit[hit["population"] == r.population]
        if r.banner != "total":
            hit = hit[hit["region"] == r.column]
        assert len(hit) == 1, r
        assert r.value == pytest.approx(hit["value"].iloc[0], abs=1e-9)
        assert r.n == hit["n"].iloc[0]
        checked += 1
    assert checked == len(out) == 2 * 10 * 5


BAD_TABLES = '''
[[tables]]
name = "bad"
banner = ["regoin"]
rows = ["trsut", "eff_1:top_bx", 3]
brand = "all"

[[tables]]
name = "bad2"
banner = "region"
rowz = ["cx"]
'''


def test_bad_tables_get_located_problems(tmp_path):
    spec = sample_copy(tmp_path, bootstrap=0, decisions=False)
    spec.write_text(spec.read_text(encoding="utf-8") + BAD_TABLES, encoding="utf-8")
    with pytest.raises(StudySpecError) as err:
        tx.read_study(spec)
    found = {(p.where, p.message) for p in err.value.problems}
    assert ("study.toml [tables #1]", "unknown statistic 'top_bx' in row 2 of "
            "[tables #1].") in found
    assert ("study.toml [tables #1]", "row 3 of [tables #1] must be a name or a table. "
            "Got 3.") in found
    assert ("study.toml [tables #2]", "unknown key 'rowz'.") in found
    assert ("study.toml [tables #2]", "'rows' is required.") in found
    # references checked against the spec (by validation, or when the tables are computed)
    spec.write_text(spec.read_text(encoding="utf-8").replace(BAD_TABLES, '''
[[tables]]
name = "bad"
banner = ["regoin"]
rows = ["trsut", "cx"]
'''), encoding="utf-8")
    with pytest.raises(StudySpecError) as err:
        tx.banner_tables(tx.load(tx.read_study(spec)))
    found = {(p.where, p.message, p.fix) for p in err.value.problems}
    assert ("study.toml [tables #1]", "banner column 'regoin' is not a segment column.",
            "did you mean 'region'? segments are listed in [columns] segments: region, "
            "age_group.") in found
    assert ("study.toml [tables #1]", "unknown row 'trsut': not an index, construct or "
            "item.", "did you mean 'trust'?") in found
    # a brand the data do not have, from the command line: exit 1, located, no traceback
    spec.write_text(spec.read_text(encoding="utf-8").replace('"regoin"', '"region"')
                    .replace('"trsut"', '"trust"') + 'brand = "Nortwind"\n', encoding="utf-8")
    err_out = io.StringIO()
    with contextlib.redirect_stderr(err_out):
        assert main(["tables", str(spec), "-q"]) == 1
    text = " ".join(err_out.getvalue().split())
    assert "brand 'Nortwind' has no scored rows in wave '2026 Q2'" in text
    assert "did you mean 'Northwind'?" in text and "Traceback" not in text


def _cli(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["tables", *args, "-q"]) == 0
    return out.getvalue()


def test_cli_three_formats(regions):
    cust, folder = regions
    spec = make_study(folder, cust, columns={"segments": ["region"]},
                      tables=[{"name": "tb", "banner": ["region"],
                               "rows": ["eff_1:top_box", "cx"]},
                              {"name": "other", "banner": "region", "rows": ["eff_1"]}])
    rows = json.loads(_cli(str(spec), "--format", "json", "--table", "tb"))
    assert {r["table"] for r in rows} == {"tb"} and len(rows) == 2 * 5
    whole = json.loads(_cli(str(spec), "--format", "json"))
    assert set(whole["tables"]) == {"tb", "other"}
    csv = pd.read_csv(io.StringIO(_cli(str(spec), "--format", "csv", "--table", "tb")),
                      keep_default_na=False)
    assert csv["higher_than"].tolist() == [r["higher_than"] for r in rows]
    assert csv["value"].to_numpy() == pytest.approx([r["value"] for r in rows])
    text = _cli(str(spec), "--table", "tb")
    assert "region: A East" in " ".join(text.split()) and "eff_1:top_box" in text
    west = next(r for r in rows if r["column"] == "West" and r["statistic"] == "top_box")
    assert f"{west['value']:.1f} {west['higher_than']}".strip() in text
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["tables", str(spec), "--table", "tbb", "-q"]) == 1
    assert "did you mean 'tb'?" in err.getvalue()


def test_columns_sharing_respondents_carry_their_covariance(tmp_path):
    """Each respondent rated two brands and sits in region N for one and S for the other
    (a paired design): the test of the two columns uses their clustered covariance, so a
    shift too small for independent samples is significant, as the paired z by hand."""
    rng = np.random.default_rng(7)
    n = 100
    first = rng.choice([1, 2, 3, 4, 5], n)
    second = np.where((rng.random(n) < 0.3) & (first < 5), first + 1, first)
    cust = pd.DataFrame({"resp_id": np.repeat([f"r{i}" for i in range(n)], 2),
                         "brand": np.tile(["A", "B"], n), "region": np.tile(["N", "S"], n),
                         "eff_1": np.column_stack([first, second]).ravel()})
    path = make_study(tmp_path, cust, columns={"segments": ["region"]})
    out = banner_tables(tx.load(tx.read_study(path)),
                        tables=[BannerTable("t", ("region",), (BannerRow("eff_1"),))])
    cells = out[out["banner"] == "region"].set_index("column")
    y_n, y_s = 25.0 * (first - 1), 25.0 * (second - 1)
    d = y_s - y_n
    z_paired = d.mean() / np.sqrt(n / (n - 1) * ((d - d.mean()) ** 2).sum() / n**2)
    var = [n / (n - 1) * ((y - y.mean()) ** 2).sum() / n**2 for y in (y_n, y_s)]
    z_independent = d.mean() / np.sqrt(sum(var))
    assert cells.loc["N", "se"] ** 2 == pytest.approx(var[0], rel=1e-12)
    assert z_paired > 1.96 > z_independent
    assert cells["higher_than"].to_dict() == {"N": "", "S": "A"}


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")  # tiny data: no drivers
def test_tables_sheet_shows_values_letters_and_suppression(tmp_path, fixed_date):
    """The workbook's Tables sheet: each value a number whose format carries its letters,
    a suppressed cell the suppressed-cell text (no number), the legend in words."""
    import openpyxl

    rng = np.random.default_rng(5)
    cust = pd.DataFrame({"region": ["East"] * 150 + ["West"] * 150 + ["Tiny"] * 10,
                         "eff_1": np.r_[rng.choice([1, 2, 3, 4], 150), np.full(150, 5),
                                        np.full(10, 4)]})
    spec = make_study(tmp_path, cust, columns={"segments": ["region"]},
                      report={"suppress_below": 30, "low_base_below": 50,
                              "caution_below": 100},
                      tables=[{"name": "t", "title": "Ease of use", "banner": "region",
                               "rows": ["eff_1:top_box"]}])
    result = tx.score(tx.load(tx.read_study(spec)))
    paths = tx.report(result, tmp_path / "out", charts=False)
    ws = openpyxl.load_workbook(paths["workbook"])["Tables"]
    cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row if c.value is not None}
    texts = [c.value for c in cells.values() if isinstance(c.value, str)]
    assert "Ease of use" in texts and "West (C)" in texts and "n<30" in texts
    header = next(k for k, c in cells.items() if c.value == "West (C)")
    west = cells[(header[0] + 1, header[1])]
    expected = result.banners.set_index("column").loc["West"]
    assert west.value == pytest.approx(expected["value"])
    assert expected["higher_than"] == "A" and west.number_format == '0.0" A"'
    tiny = cells[(header[0] + 1, header[1] - 1)]
    assert tiny.value == "n<30"
    assert any(t.startswith("Letters: significantly higher") for t in texts)
