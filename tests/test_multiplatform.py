"""A study as it arrives from two platforms, read unedited (issue 15).

tests/data/multiplatform holds a SurveyMonkey customer export (xlsx, two header rows,
``Respondent ID``, no weight, Start/End Date, English labels with synonyms and "Don't
know") and a French panel's non-customer csv (cp1252, ``;``, decimal commas, ``id_resp``,
weight ``poids``, duration ``duree_sec``, a brand loop ``confiance_Alpha``,
``confiance_Bêta``..., "Ne sait pas"), with rows a data processor excludes (a duplicated
id, speeders, a blank line, a respondent who rated no brand, a brand answered only "Ne
sait pas", a customer who left before answering). README.md there lists them.

The expected numbers are computed here from the raw files with openpyxl and the csv
module, with this file's own label tables and exclusion rule (docs/methodology.md, "Data
quality" and "Scales and item scores"); nothing of txscore computes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import txscore as tx
from txscore.cli import main

HERE = Path(__file__).resolve().parent / "data" / "multiplatform"
SPEC = HERE / "study.toml"
CUSTOMERS = HERE / "customers.xlsx"
NON_CUSTOMERS = HERE / "non_customers.csv"
BRANDS = ["Alpha", "Bêta", "Gamma", "Delta"]
TOTAL = "All brands"

# ---------------------------------------------------------------------- labels, exactly as
# they are written in the files (every variant listed: a cell outside these tables fails)
AGREE = {"Strongly disagree": 1, "Disagree strongly": 1, "Disagree": 2,
         "Neither agree nor disagree": 3, "Agree": 4, "Strongly agree": 5,
         "Agree strongly": 5,
         "Pas du tout d'accord": 1, "Plutôt pas d'accord": 2, "Ni d'accord ni pas d'accord": 3,
         "Plutôt d'accord": 4, "Plutot d'accord": 4, "Tout à fait d'accord": 5,
         "Tout à fait d\u2019accord": 5, "Tout a fait d accord": 5}
LIKELY = {"Very unlikely": 1, "Unlikely": 2, "Neither likely nor unlikely": 3, "Likely": 4,
          "Very likely": 5,
          "Très improbable": 1, "Plutôt improbable": 2, "Ni probable ni improbable": 3,
          "Plutôt probable": 4, "Très probable": 5}
DONT_KNOW = {"Don't know", "Ne sait pas", "NSP"}
NPS_ENDS = {"0 - Not at all likely": 0, "10 - Extremely likely": 10}

PILLARS = {"salience": ["sal_1", "sal_2"], "fit": ["fit_1", "fit_2"],
           "trust": ["trust_1", "trust_2"]}
PREFERENCE = ["pref_1", "pref_2"]
BX_ITEMS = [i for items in PILLARS.values() for i in items]
# customer items: the SurveyMonkey grid statement (row 2 of the header) of each item
STATEMENTS = {
    "eff_1": "It meets my needs", "eff_2": "It delivers what it promises",
    "ease_1": "It is easy to deal with",
    "ease_2": "Getting things done with it takes little effort",
    "emo_1": "It makes me feel valued", "emo_2": "I enjoy dealing with it",
    "sal_1": "It comes to mind first in its category",
    "sal_2": "I have a favourable view of it", "fit_1": "It is for people like me",
    "fit_2": "It meets the needs of people like me", "trust_1": "I trust it",
    "trust_2": "It is honest", "ret_1": "Stay with this brand",
    "enr_1": "Buy more from this brand", "adv_1": "Recommend this brand to others",
    "pref_1": "Consider this brand next time", "pref_2": "Prefer this brand over the others",
}
LIKELY_ITEMS = {"ret_1", "enr_1", "adv_1", "pref_1", "pref_2"}
# non-customer items: the item part of the loop's column names
LOOP_PARTS = {"sal_1": "esprit", "sal_2": "image", "fit_1": "pourmoi", "fit_2": "besoins",
              "trust_1": "confiance", "trust_2": "honnete", "pref_1": "envisager",
              "pref_2": "preferer"}
SPEEDER_SECONDS = 60  # study.toml [quality] speeders


def _code(cell: object, labels: dict[str, int]) -> float:
    """A cell as a scale code (NaN for blank or don't-know); an unknown label fails."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return np.nan
    if isinstance(cell, str):
        if cell in DONT_KNOW:
            return np.nan
        assert cell in labels, f"fixture holds a label the test does not know: {cell!r}"
        return float(labels[cell])
    return float(cell)


# ---------------------------------------------------------------------- raw files
def raw_customers() -> pd.DataFrame:
    """One row per SurveyMonkey data row (Excel row numbers), item codes as floats."""
    ws = openpyxl.load_workbook(CUSTOMERS, read_only=True).worksheets[0]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    questions, statements, body = grid[0], grid[1], grid[2:]
    filled, last = [], None
    for q in questions:
        last = q if q is not None else last
        filled.append(last)
    col = {name: questions.index(name) for name in
           ("Respondent ID", "Start Date", "End Date", "Which of these brands do you use "
            "most often?", "How likely is it that you would recommend the brand you use "
            "most to a friend or colleague?")}
    item_col = {item: statements.index(s) for item, s in STATEMENTS.items()}
    assert all(filled[c] is not None for c in item_col.values())
    when = "%m/%d/%Y %I:%M:%S %p"
    out = pd.DataFrame({
        "source_row": np.arange(3, 3 + len(body)),
        "file_row": np.arange(len(body)),
        "respondent_id": [None if r[col["Respondent ID"]] is None
                          else str(r[col["Respondent ID"]]) for r in body],
        "brand": [r[col["Which of these brands do you use most often?"]] for r in body],
        "duration": [(dt.datetime.strptime(r[col["End Date"]], when)
                      - dt.datetime.strptime(r[col["Start Date"]], when)).total_seconds()
                     for r in body],
        "weight": 1.0,
        "blank": [all(c is None for c in r) for r in body],
        "rated": True,
    })
    for item, c in item_col.items():
        labels = LIKELY if item in LIKELY_ITEMS else AGREE
        out[item] = [_code(r[c], labels) for r in body]
    nps_col = col["How likely is it that you would recommend the brand you use most to a "
                  "friend or colleague?"]
    out["nps"] = [_code(r[nps_col], NPS_ENDS) for r in body]
    return out


def raw_non_customers() -> pd.DataFrame:
    """One row per csv record x brand of the loop (file line numbers), codes as floats."""
    with NON_CUSTOMERS.open(encoding="cp1252", newline="") as f:
        records = list(csv.reader(f, delimiter=";"))
    header, body = records[0], records[1:]
    at = {name: k for k, name in enumerate(header)}
    rows = []
    for line, rec in enumerate(body, 2):  # one record per line (no multi-line cells)
        for brand in BRANDS:
            cells = {item: rec[at[f"{part}_{brand}"]] for item, part in LOOP_PARTS.items()}
            rows.append({
                "source_row": line, "file_row": line - 2, "brand": brand,
                "respondent_id": rec[at["id_resp"]] or None,
                "duration": float(rec[at["duree_sec"]].replace(",", "."))
                if rec[at["duree_sec"]] else np.nan,
                "weight": float(rec[at["poids"]].replace(",", "."))
                if rec[at["poids"]] else np.nan,
                "blank": all(not c for c in rec),
                "rated": any(c for c in cells.values()),
                **{item: _code(c, LIKELY if item in PREFERENCE else AGREE)
                   for item, c in cells.items()},
            })
    return pd.DataFrame(rows)


def reasons(rows: pd.DataFrame, items: list[str]) -> pd.Series:
    """The exclusion reason of each row ("" = scored), first that applies
    (methodology.md, "Data quality"): blank row, no id, no brand, brand not rated,
    duplicate id (population x wave x brand; the first row in file order keeps it),
    speeder, no scored answer."""
    reason = pd.Series("", index=rows.index, dtype=object)

    def mark(mask: pd.Series, name: str) -> None:
        reason[(reason == "") & mask] = name

    mark(rows["blank"], "blank_row")
    mark(rows["respondent_id"].isna(), "missing_id")
    mark(rows["brand"].isna(), "missing_brand")
    mark(~rows["rated"], "brand_not_rated")
    open_rows = rows[reason == ""]
    mark(open_rows.duplicated(["respondent_id", "brand"], keep="first")
         .reindex(rows.index, fill_value=False), "duplicate_id")
    mark(rows["duration"] < SPEEDER_SECONDS, "speeder")
    mark(rows[items].isna().all(axis=1), "no_answers")
    return reason


CUSTOMER_ITEMS = [*STATEMENTS, "nps"]
NON_CUSTOMER_ITEMS = list(LOOP_PARTS)


@pytest.fixture(scope="module")
def expected() -> dict[str, pd.DataFrame]:
    """Both populations' raw rows with this file's reason for each."""
    cust, non = raw_customers(), raw_non_customers()
    cust["reason"] = reasons(cust, CUSTOMER_ITEMS)
    non["reason"] = reasons(non, NON_CUSTOMER_ITEMS)
    return {"customer": cust, "non_customer": non}


def item_stats(rows: pd.DataFrame, item: str, lo: int, hi: int, top: list[int],
               bottom: list[int]) -> dict[str, float]:
    """Weighted score100, top box and net of one item over the rows that answered it."""
    x, w = rows[item], rows["weight"]
    ok = x.notna()
    x, w = x[ok], w[ok]
    mean = float((w * x).sum() / w.sum())
    top_box = float(100 * w[x.isin(top)].sum() / w.sum())
    bottom_box = float(100 * w[x.isin(bottom)].sum() / w.sum())
    return {"n": int(ok.sum()), "score100": 100 * (mean - lo) / (hi - lo),
            "top_box": top_box, "net": top_box - bottom_box}


def expected_cells(rows: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """brand (and All brands) -> item -> stats, on the scored rows; 5-point boxes 4-5 / 1-2."""
    scored = rows[rows["reason"] == ""]
    cells = {b: scored[scored["brand"] == b] for b in BRANDS} | {TOTAL: scored}
    return {b: {item: item_stats(c, item, 1, 5, [4, 5], [1, 2])
                for item in [*BX_ITEMS, *PREFERENCE]} for b, c in cells.items()}


# ---------------------------------------------------------------------- the fixture itself
def test_the_fixture_is_shaped_like_real_exports(expected):
    raw = NON_CUSTOMERS.read_bytes()
    assert b"\r\n" in raw and "Bêta".encode("cp1252") in raw  # Windows, cp1252 (0xEA)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    header = text.splitlines()[0].split(";")
    assert header[:5] == ["id_resp", "date_entretien", "region", "duree_sec", "poids"]
    assert {"confiance_Alpha", "confiance_Bêta", "confiance_Gamma", "confiance_Delta"} <= set(
        header)
    for label in ("Ne sait pas", "NSP", "Tout a fait d accord", "Tout à fait d\u2019accord",
                  "Plutot d'accord"):
        assert f";{label};" in text or f";{label}\r" in text
    assert ";1,25;" in text or any(";" + f"{w:.2f}".replace(".", ",") + ";" in text
                                   for w in (0.85, 1.25))
    ws = openpyxl.load_workbook(CUSTOMERS, read_only=True).worksheets[0]
    first, second, third = (list(r) for r in ws.iter_rows(max_row=3, values_only=True))
    assert first[:6] == ["Respondent ID", "Collector ID", "Start Date", "End Date",
                         "IP Address", "Email Address"]
    assert second[:6] == [None] * 6 and second[6] == "Response"
    assert "weight" not in " ".join(str(c).lower() for c in first)
    values = {c for r in ws.iter_rows(min_row=3, values_only=True) for c in r}
    assert {"Agree strongly", "Strongly agree", "Don't know", "0 - Not at all likely",
            "10 - Extremely likely"} <= values
    # every brand is scored in both populations with enough rows not to be suppressed
    for rows in expected.values():
        scored = rows[rows["reason"] == ""]
        assert (scored.groupby("brand")["weight"].apply(lambda w: w.sum() ** 2 / (w**2).sum())
                .reindex(BRANDS) > 50).all()


def test_make_fixture_writes_the_same_files_from_its_seed(tmp_path):
    spec = importlib.util.spec_from_file_location("make_fixture", HERE / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--out", str(tmp_path)])
    for name in ("customers.xlsx", "non_customers.csv"):
        assert (tmp_path / name).read_bytes() == (HERE / name).read_bytes(), name


def test_independent_exclusions_find_the_planted_rows(expected):
    """The test's own rule finds exactly the rows README.md says were planted."""
    cust, non = expected["customer"], expected["non_customer"]
    got = cust.loc[cust["reason"] != "", ["source_row", "reason"]].values.tolist()
    assert got == [[60, "speeder"], [143, "missing_brand"]]
    people = non.groupby("source_row")["reason"].agg(lambda r: tuple(sorted(set(r))))
    assert people[people.map(lambda r: "blank_row" in r)].index.tolist() == [92]
    assert people[people.map(lambda r: "speeder" in r)].index.tolist() == [25]
    assert people[people.map(lambda r: "duplicate_id" in r)].index.tolist() == [153]
    assert people[people.map(lambda r: r == ("brand_not_rated",))].index.tolist() == [66]
    no_answers = non[non["reason"] == "no_answers"]
    assert no_answers[["source_row", "brand"]].values.tolist() == [[104, "Gamma"]]
    dup = non[non["source_row"] == 153]
    first = non[non["respondent_id"].eq(dup["respondent_id"].iloc[0])
                & (non["source_row"] != 153)]
    assert first["source_row"].unique().tolist() == [39]
    assert (dup["reason"].isin(["duplicate_id", "brand_not_rated"])).all()


# ---------------------------------------------------------------------- txscore on it
def test_validate_and_report_run_on_the_unedited_files(tmp_path, capsys):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (SPEC, CUSTOMERS, NON_CUSTOMERS)}
    assert main(["validate", str(SPEC)]) == 0, capsys.readouterr()
    out = tmp_path / "report"
    assert main(["report", str(SPEC), "--out", str(out), "-q"]) == 0, capsys.readouterr()
    assert list(out.glob("*.xlsx")), "no workbook written"
    assert list(out.glob("*.png")), "no chart written"
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in (SPEC, CUSTOMERS, NON_CUSTOMERS)}


def test_declared_personal_columns_are_dropped_without_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        responses = tx.load(tx.read_study(SPEC))
    said = " ".join(str(w.message) for w in caught)
    assert "IP Address" not in said and "Email Address" not in said
    removed = responses.files.set_index("source_file").loc["customers.xlsx",
                                                           "personal_removed"]
    assert {"IP Address", "Email Address"} <= {c.strip() for c in removed.split(",")}
    assert not {"IP Address", "Email Address"} & set(responses.data.columns)


@pytest.fixture(scope="module")
def scored():
    responses = tx.load(tx.read_study(SPEC))
    return responses, tx.score(responses)


@pytest.mark.parametrize("population", ["customer", "non_customer"])
def test_bx_items_top_box_and_net_per_brand_equal_independent_arithmetic(
        scored, expected, population):
    _, result = scored
    want = expected_cells(expected[population])
    items = result.items[result.items["population"] == population].set_index(
        ["brand", "item"])
    for brand, per_item in want.items():
        for item, stats in per_item.items():
            row = items.loc[(brand, item)]
            assert row["n"] == stats["n"], (population, brand, item)
            for key in ("score100", "top_box", "net"):
                assert row[key] == pytest.approx(stats[key], abs=1e-9), (
                    population, brand, item, key)


@pytest.mark.parametrize("population", ["customer", "non_customer"])
def test_bx_pillars_and_bx_per_brand_equal_independent_arithmetic(
        scored, expected, population):
    _, result = scored
    want = expected_cells(expected[population])
    s = result.scores[result.scores["population"] == population]
    bx_measure = "bx_customers" if population == "customer" else "bx_non_customers"
    for brand, per_item in want.items():
        pillars = {p: float(np.mean([per_item[i]["score100"] for i in items]))
                   for p, items in PILLARS.items()}
        for pillar, value in pillars.items():
            got = s[(s["measure"] == pillar) & (s["brand"] == brand)]
            assert len(got) == 1 and got["level"].iloc[0] == "pillar", (pillar, brand)
            assert got["value"].iloc[0] == pytest.approx(value, abs=1e-9), (
                population, brand, pillar)
        got = s[(s["measure"] == bx_measure) & (s["brand"] == brand)]
        assert got["value"].iloc[0] == pytest.approx(np.mean(list(pillars.values())),
                                                     abs=1e-9), (population, brand)


def test_nps_with_end_labels_equals_independent_arithmetic(scored, expected):
    _, result = scored
    cust = expected["customer"]
    scored_rows = cust[(cust["reason"] == "") & cust["nps"].notna()]
    s = result.scores[(result.scores["measure"] == "nps")
                      & (result.scores["population"] == "customer")]
    for brand in [*BRANDS, TOTAL]:
        rows = scored_rows if brand == TOTAL else scored_rows[scored_rows["brand"] == brand]
        want = 100 * ((rows["nps"] >= 9).mean() - (rows["nps"] <= 6).mean())
        got = s.loc[s["brand"] == brand, "value"]
        assert len(got) == 1 and got.iloc[0] == pytest.approx(want, abs=1e-9), brand


def _expected_files(expected) -> dict[str, dict[str, int]]:
    out = {}
    for name, rows in (("customers.xlsx", expected["customer"]),
                       ("non_customers.csv", expected["non_customer"])):
        by_person = rows.groupby("file_row")["reason"]
        counts = rows["reason"].value_counts()
        out[name] = {
            "rows_in": len(rows), "scored": int(counts.get("", 0)),
            "excluded": int((rows["reason"] != "").sum()),
            "respondents_in": rows["file_row"].nunique(),
            "respondents_scored": int(by_person.apply(lambda r: (r == "").any()).sum()),
            "respondents_excluded": int(by_person.apply(lambda r: (r != "").all()).sum()),
            **{reason: int(n) for reason, n in counts.items() if reason},
            **{f"{reason}_respondents": int(by_person.apply(lambda r, x=reason: (r == x).any())
                                            .sum()) for reason in counts.index if reason},
        }
    return out


def test_exclusions_counted_in_rows_equal_independent_counts(scored, expected):
    responses, _ = scored
    files = responses.files.set_index("source_file")
    for name, want in _expected_files(expected).items():
        for key in ("rows_in", "scored", "excluded"):
            assert files.loc[name, key] == want[key], (name, key)
        for reason in ("blank_row", "missing_brand", "brand_not_rated", "duplicate_id",
                       "speeder", "no_answers"):
            assert files.loc[name, reason] == want.get(reason, 0), (name, reason)
        assert bool(files.loc[name, "reconciles"])
    ledger = responses.exclusions
    for population, rows in expected.items():
        mine = rows.loc[rows["reason"] != "", ["source_row", "brand", "reason"]]
        theirs = ledger.loc[ledger["population"] == population,
                            ["source_row", "brand", "reason"]]
        key = ["source_row", "brand"]
        mine = mine.assign(brand=mine["brand"].fillna("")).sort_values(key)
        theirs = theirs.assign(brand=theirs["brand"].fillna("")).sort_values(key)
        assert mine.values.tolist() == theirs.astype({"source_row": int}).values.tolist()


def test_exclusions_counted_in_people_equal_independent_counts(scored, expected):
    responses, _ = scored
    files = responses.files.set_index("source_file")
    want = _expected_files(expected)
    # what the fixture was built to show: people and rows differ in the brand loop
    nc = want["non_customers.csv"]
    assert nc["respondents_excluded"] == 4 and nc["excluded"] > 4 * 4
    assert nc["brand_not_rated_respondents"] == 121 and nc["duplicate_id_respondents"] == 1
    for name, counts in want.items():
        for key in ("respondents_in", "respondents_scored", "respondents_excluded"):
            assert key in files.columns, f"Responses.files has no {key}"
            assert files.loc[name, key] == counts[key], (name, key)
        # people per reason: those with at least one row excluded for it
        for reason in ("blank_row", "missing_brand", "brand_not_rated", "duplicate_id",
                       "speeder", "no_answers"):
            key = f"{reason}_respondents"
            assert files.loc[name, key] == counts.get(key, 0), (name, key)


def test_the_report_language_picks_the_studys_translations(tmp_path):
    """In French, the workbook shows the spec's French scale labels, construct labels and
    question texts (the fixture gives both languages), not the English ones."""
    import shutil

    for f in (CUSTOMERS, NON_CUSTOMERS):
        shutil.copy(f, tmp_path / f.name)
    spec = SPEC.read_text(encoding="utf-8")
    (tmp_path / "study.toml").write_text(spec.replace('language = "en"', 'language = "fr"', 1),
                                         encoding="utf-8")
    assert main(["report", str(tmp_path / "study.toml"), "--out", str(tmp_path / "out"), "-q",
                 "--no-charts"]) == 0
    book = next((tmp_path / "out").glob("*.xlsx"))
    wb = openpyxl.load_workbook(book, read_only=True)
    cells = {ws.title: {str(v) for row in ws.iter_rows(values_only=True) for v in row if v}
             for ws in wb.worksheets}
    every = set().union(*cells.values())
    assert "Pas du tout d'accord" in every and "Strongly disagree" not in every
    assert "Efficacité" in every and "Effectiveness" not in every
    study = tx.read_study(tmp_path / "study.toml")
    french = [i.texts["fr"] for i in study.items.values() if "fr" in i.texts]
    shown = " | ".join(every)  # the Items sheet lists "code : text" per question
    assert french and all(t in shown for t in french)


def test_fieldwork_dates_are_the_first_start_and_the_last_end(scored):
    """The file table carries each file's fieldwork (the Overview shows it): here read
    independently with openpyxl from the export's own date columns."""
    import datetime as dt

    import openpyxl

    ws = openpyxl.load_workbook(HERE / "customers.xlsx", read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    start, end = rows[0].index("Start Date"), rows[0].index("End Date")
    times = [dt.datetime.strptime(r[c], "%m/%d/%Y %I:%M:%S %p")
             for r in rows[2:] for c in (start, end) if r[c]]
    files = scored[0].files.set_index("source_file")
    assert files.loc["customers.xlsx", "fieldwork_start"] == min(times).date().isoformat()
    assert files.loc["customers.xlsx", "fieldwork_end"] == max(times).date().isoformat()
    assert files.loc["non_customers.csv", "fieldwork_start"] == ""  # no date column there
