"""Ingest: answers to codes, located input problems, the exclusions ledger, provenance.

Row numbers are the ones the user sees in the file: the header is row 1, so the first data
row is row 2.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import base_spec, make_study, merge, pick, write_spec

import txscore as tx
from txscore.ingest.codes import MISSING, OUT_OF_RANGE, UNKNOWN, VALID, map_answers
from txscore.study import Scale

AGREE7_FR = Scale(
    "agree7", 7, 1, 7,
    labels={1: "Pas du tout d'accord", 4: "Neutre", 7: "Tout à fait d'accord"},
    missing={99: "Ne sait pas", 98: "Not applicable"},
    top_box=(6, 7), bottom_box=(1, 2, 3))


def mapped(values: list, **kwargs):
    return map_answers(pd.Series(values, dtype=object), AGREE7_FR, **kwargs)


# ---------------------------------------------------------------------- map_answers
def test_numbers_and_numeric_strings_are_codes():
    m = mapped([6, "6", "6.0", " 6 ", 6.0, np.int64(6), "6,0"])
    assert m.codes.tolist() == [6.0] * 7
    assert m.status.tolist() == [VALID] * 7


def test_labels_match_ignoring_case_spaces_and_accents():
    m = mapped(["Tout à fait d'accord", "TOUT A FAIT D'ACCORD", "  tout   à fait d'accord ",
                "tout à fait d\u2019accord", "neutre", "PAS DU TOUT D'ACCORD"])
    assert m.codes.tolist() == [7, 7, 7, 7, 4, 1]
    assert (m.status == VALID).all()


def test_missing_codes_and_labels_become_missing_never_zero():
    m = mapped([99, "99", 98.0, "ne SAIT pas", " Not Applicable ", None, np.nan, "", "  ",
                pd.NA])
    assert np.isnan(m.codes).all()
    assert (m.status == MISSING).all()
    assert m.unknown == {}


def test_numbers_outside_the_scale_are_out_of_range():
    # 0 and 8 are just outside 1..7, 77 is not a missing code, 3.5 is not a code
    m = mapped([0, 8, 77, 3.5, "3.5", -1, 7])
    assert m.status.tolist() == [OUT_OF_RANGE] * 6 + [VALID]
    assert m.out_of_range_rows().tolist() == [0, 1, 2, 3, 4, 5]
    assert np.isnan(m.codes[:6]).all()


def test_unknown_labels_are_reported_with_their_row_positions():
    m = mapped(["Maybe", 5, "Tout a fait", "Maybe", "neutre"])
    assert m.status.tolist() == [UNKNOWN, VALID, UNKNOWN, UNKNOWN, VALID]
    assert {k: v.tolist() for k, v in m.unknown.items()} == {"Maybe": [0, 3],
                                                              "Tout a fait": [2]}


def test_synonyms_and_translations_match_like_the_shown_label():
    # every accepted label of a code (synonyms, every language) maps to that code, with
    # case, spaces and accents ignored; missing labels likewise
    scale = Scale("agree5", 5, 1, 5, {1: "Strongly disagree", 5: "Strongly agree"},
                  {99: "Don't know"},
                  accepted={1: ("Disagree strongly", "Pas du tout d'accord"),
                            5: ("Agree strongly", "Tout à fait d'accord",
                                "Tout a fait d accord")},
                  missing_accepted={99: ("Ne sait pas", "NSP")})
    m = map_answers(pd.Series(["disagree  STRONGLY", "pas du tout d’accord", "Agree strongly",
                               "TOUT A FAIT D'ACCORD", "tout a fait d accord", "nsp",
                               "Ne sait pas", "Strongly agree"], dtype=object), scale)
    assert m.codes[:5].tolist() == [1, 1, 5, 5, 5] and m.codes[7] == 5
    assert m.status.tolist() == [VALID] * 5 + [MISSING, MISSING, VALID]
    ambiguous = Scale("s", 5, 1, 5, {1: "No", 5: "Yes"}, accepted={5: ("no ",)})
    with pytest.raises(tx.StudySpecError, match="ambiguous labels"):
        map_answers(pd.Series(["Yes"]), ambiguous)


def test_reversed_items_recode_valid_answers_only():
    # k + 1 - x on 1..7: 1 -> 7, 2 -> 6, "Tout à fait d'accord" (7) -> 1; missing stays
    m = mapped([1, 2, "Tout à fait d'accord", 99, None, 8], reversed_item=True)
    assert m.codes[:3].tolist() == [7, 6, 1]
    assert np.isnan(m.codes[3:]).all()
    assert m.status.tolist() == [VALID] * 3 + [MISSING, MISSING, OUT_OF_RANGE]


def test_nan_text_is_not_an_out_of_range_number():
    m = mapped(["nan", "NaN", "inf"])
    assert (m.status != OUT_OF_RANGE).all()


# ---------------------------------------------------------------------- located problems
def rename_columns(csv_path, **renames) -> None:
    """Rename (or, with None, drop) columns of a csv file written by make_study."""
    frame = pd.read_csv(csv_path, dtype=str)
    frame = frame.drop(columns=[k for k, v in renames.items() if v is None])
    frame.rename(columns={k: v for k, v in renames.items() if v}).to_csv(csv_path, index=False)


def test_missing_column_names_the_file_and_the_column_with_did_you_mean(tmp_path):
    path = make_study(tmp_path, pd.DataFrame({"eff_1": [5, 4]}))
    rename_columns(tmp_path / "customers.csv", ease_1="Ease 1")
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    [problem] = err.value.problems
    assert problem.where == "customers.csv"
    assert problem.message == "column 'ease_1' is not in the file."
    assert "did you mean 'Ease 1'?" in problem.fix


def test_missing_column_without_a_close_name_says_how_to_fix(tmp_path):
    path = make_study(tmp_path, pd.DataFrame({"eff_1": [5, 4]}))
    rename_columns(tmp_path / "customers.csv", ease_1="q17")
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    [problem] = err.value.problems
    assert "'ease_1'" in problem.message
    assert "did you mean" not in problem.fix
    assert "add the column" in problem.fix


def test_did_you_mean_does_not_suggest_a_column_the_spec_already_uses(tmp_path):
    # the file has every item column but emo_1; eff_1 is close to emo_1 but is an item itself
    path = make_study(tmp_path, pd.DataFrame({"eff_1": [5, 4]}))
    rename_columns(tmp_path / "customers.csv", emo_1=None)
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    [problem] = err.value.problems
    assert "'emo_1'" in problem.message
    used = ["resp_id", "brand", "eff_1", "ease_1", "ret_1", "enr_1", "adv_1", "sal_1",
            "fit_1", "trust_1"]
    assert not any(f"'{col}'" in problem.fix for col in used), problem.fix


def test_unknown_label_names_the_value_the_count_and_the_rows(tmp_path):
    # data rows 2..6 as the user sees them (row 1 is the header)
    cust = pd.DataFrame({"eff_1": [5, "Agreed", 3, "Agreed", "agree"]})
    path = make_study(tmp_path, cust)
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    [problem] = err.value.problems  # "agree" matches label 4 "Agree"
    assert problem.where == "customers.csv, column 'eff_1'"
    assert "'Agreed'" in problem.message
    assert "2 rows: 3, 5" in problem.message
    assert "agree5" in problem.message and "[scales.agree5]" in problem.fix


def test_unknown_label_lists_five_rows_and_counts_the_rest(tmp_path):
    cust = pd.DataFrame({"eff_1": ["Sometimes"] * 7})  # rows 2..8
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(make_study(tmp_path, cust)))
    [problem] = err.value.problems
    assert "7 rows: 2, 3, 4, 5, 6 and 2 more" in problem.message


def test_all_problems_in_all_files_are_reported_in_one_error(tmp_path):
    # customers.csv: an unknown label in eff_1, row 3
    cust = pd.DataFrame({"eff_1": [5, "Agreed"]})
    # non_customers.csv: an unknown label in sal_1, row 3
    non = pd.DataFrame({"sal_1": [2, "Perhaps"]})
    path = make_study(tmp_path, cust, non)
    # customers.csv loses its emo_1 column; a third source names a file that does not exist
    rename_columns(tmp_path / "customers.csv", emo_1=None)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('\n[[sources]]\npath = "customers_extra.csv"\npopulation = "customer"\n'
                 'wave = "W1"\n')
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    problems = [(p.where, p.message) for p in err.value.problems]
    text = "\n".join(f"{w}: {m}" for w, m in problems)
    assert any(w == "customers.csv" and "'emo_1'" in m for w, m in problems), text
    assert any(w == "customers.csv, column 'eff_1'" and "'Agreed'" in m
               for w, m in problems), text
    assert any(w == "non_customers.csv, column 'sal_1'" and "'Perhaps'" in m and "row: 3" in m
               for w, m in problems), text
    assert any(w.endswith("customers_extra.csv") and "not found" in m for w, m in problems), text
    assert len(problems) == 4, text
    assert str(err.value).startswith("4 problems in the input files")


def test_bad_weights_are_reported(tmp_path):
    cust = pd.DataFrame({"eff_1": [5, 4, 3, 2], "weight": ["1", "0", "abc", "-2"]})
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(make_study(tmp_path, cust)))
    [problem] = err.value.problems
    assert problem.where == "customers.csv, column 'weight'"
    assert "3 rows" in problem.message and "rows 3, 4, 5" in problem.message
    assert "-2, 0, abc" in problem.message


def test_a_missing_column_does_not_hide_a_bad_weight_in_the_same_file(tmp_path):
    cust = pd.DataFrame({"eff_1": [5, 4], "weight": [1.0, 0.0]})
    path = make_study(tmp_path, cust)
    rename_columns(tmp_path / "customers.csv", emo_1=None)
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(path))
    wheres = [p.where for p in err.value.problems]
    assert "customers.csv" in wheres  # emo_1 missing
    assert "customers.csv, column 'weight'" in wheres  # row 3 has weight 0


# ---------------------------------------------------------------------- the ledger
def load_tiny(tmp_path, customers, non_customers=None, **overrides):
    return tx.load(tx.read_study(make_study(tmp_path, customers, non_customers, **overrides)))


def test_duplicates_keep_the_first_and_ledger_the_rest(tmp_path):
    # rows 2..6: r1 (A), r2 (A), r1 again (A), r1 rating brand B (not a duplicate: one row
    # per respondent x brand), r1 (A) a third time
    cust = pd.DataFrame({"resp_id": ["r1", "r2", "r1", "r1", "r1"],
                         "brand": ["A", "A", "A", "B", "A"],
                         "eff_1": [5, 4, 3, 2, 1]})
    responses = load_tiny(tmp_path, cust)
    kept = responses.data
    assert kept[["respondent_id", "brand", "source_row"]].values.tolist() == [
        ["r1", "A", 2], ["r2", "A", 3], ["r1", "B", 5]]
    assert kept["eff_1"].tolist() == [5, 4, 2]  # the first r1/A answers are the ones kept
    ledger = responses.exclusions
    assert ledger["reason"].tolist() == ["duplicate_id", "duplicate_id"]
    assert ledger["source_row"].tolist() == [4, 6]
    assert ledger["detail"].tolist() == ["same_id_as:customers.csv(2)"] * 2
    assert "reason_text" not in ledger  # codes only: reporting.text has the words


def test_out_of_range_rows_are_excluded_with_column_and_value(tmp_path):
    # rows 2..5; the cells are written as shown ("0", not "0.0")
    cust = pd.DataFrame({"eff_1": [5, 8, 4, 77], "ease_1": [3, 0, "3.5", 3]})
    responses = load_tiny(tmp_path, cust)
    assert responses.data["source_row"].tolist() == [2]
    ledger = responses.exclusions.set_index("source_row")
    assert (ledger["reason"] == "out_of_range").all()
    assert ledger.loc[3, "detail"] == "outside_scale:eff_1(8);outside_scale:ease_1(0)"
    assert ledger.loc[4, "detail"] == "outside_scale:ease_1(3.5)"
    assert ledger.loc[5, "detail"] == "outside_scale:eff_1(77)"


def test_blank_rows_missing_ids_and_rows_without_answers_are_ledgered(tmp_path):
    cust = pd.DataFrame({"resp_id": ["r1", None, "r3", "r4"],
                         "eff_1": [5, 4, 3, 2]})
    path = make_study(tmp_path, cust)
    # r4 answers "Don't know" / leaves blank everything: no scored answer
    frame = pd.read_csv(tmp_path / "customers.csv", dtype=str)
    items = [c for c in frame.columns if c not in ("resp_id", "brand")]
    frame.loc[3, items] = ["Don't know"] * 4 + [None] * (len(items) - 4)
    lines = frame.to_csv(index=False).splitlines()
    lines.insert(2, "")  # a blank line after r1: row 3 in the file
    (tmp_path / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    responses = tx.load(tx.read_study(path))
    # file rows: 2 r1, 3 blank, 4 missing id, 5 r3, 6 r4 (no answers)
    assert responses.data["respondent_id"].tolist() == ["r1", "r3"]
    assert responses.data["source_row"].tolist() == [2, 5]
    ledger = responses.exclusions.set_index("source_row")["reason"].to_dict()
    assert ledger == {3: "blank_row", 4: "missing_id", 6: "no_answers"}
    files = pick(responses.files, source_file="customers.csv")
    assert (files.rows_in, files.scored, files.excluded) == (5, 2, 3)
    assert (files.blank_row, files.missing_id, files.no_answers) == (1, 1, 1)


def test_every_file_reconciles(tmp_path):
    cust = pd.DataFrame({"wave": ["W1"] * 4 + ["W2"] * 3,
                         "resp_id": ["a", "b", "a", "c", "a", "b", "b"],
                         "eff_1": [5, 4, 3, 9, 2, 1, 2]})
    non = pd.DataFrame({"wave": ["W1", "W2", "W2"], "sal_1": [5, 0, 3]})
    responses = load_tiny(tmp_path, cust, non)
    files = responses.files.set_index("source_file")
    # customers W1: a, b, a (dup), c (9 out of range) -> 2 scored, 2 excluded
    # customers W2: a, b, b (dup) -> 2 scored, 1 excluded
    # non-customers W1: 1 scored; W2: n1 (0 out of range), n2 -> 1 scored, 1 excluded
    expected = {"customers_W1.csv": (4, 2, 1, 1), "customers_W2.csv": (3, 2, 1, 0),
                "non_customers_W1.csv": (1, 1, 0, 0), "non_customers_W2.csv": (2, 1, 0, 1)}
    for name, (rows_in, scored, dup, oor) in expected.items():
        row = files.loc[name]
        assert (row.rows_in, row.scored, row.duplicate_id, row.out_of_range) == (
            rows_in, scored, dup, oor), name
        assert row.rows_in == row.scored + row.excluded and row.reconciles, name
    assert files["excluded"].sum() == len(responses.exclusions)
    assert files["scored"].sum() == len(responses.data)


def test_personal_columns_never_reach_the_responses(tmp_path):
    cust = pd.DataFrame({"resp_id": ["r1", "r2", "r1"], "eff_1": [5, 4, 8],
                         "email": ["ann@example.com", "bob@example.com", "ann@example.com"]})
    responses = load_tiny(tmp_path, cust, columns={"personal": ["email"]})
    for table in (responses.data, responses.exclusions, responses.files):
        assert "email" not in table.columns
        text = table.astype(str)
        assert not text.apply(lambda col: col.str.contains("@example.com")).any().any()


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_input_files_are_not_modified(tmp_path):
    cust = pd.DataFrame({"resp_id": ["r1", "r2", "r1"], "eff_1": [5, "Agree", 8]})
    non = pd.DataFrame({"sal_1": [2, "Don't know"]})
    path = make_study(tmp_path, cust, non)
    files = [path, tmp_path / "customers.csv", tmp_path / "non_customers.csv"]

    def fingerprint():
        return [(f.stat().st_mtime_ns, hashlib.sha256(f.read_bytes()).hexdigest())
                for f in files]

    before = fingerprint()
    responses = tx.load(tx.read_study(path))
    tx.score(responses)
    assert fingerprint() == before
    # the provenance table records the same hashes
    recorded = responses.files.set_index("source_file")["sha256"]
    assert recorded["customers.csv"] == before[1][1]
    assert recorded["non_customers.csv"] == before[2][1]


# ---------------------------------------------------------------------- real-world inputs
DATA = Path(__file__).resolve().parent / "data"
SPSS = Path(__file__).resolve().parent / "data" / "validation" / "spss"


def accounted(responses) -> None:
    """Per file: rows in = scored + excluded, and the ledger and data rows add up."""
    files = responses.files
    assert files["reconciles"].all(), files
    assert files["rows_in"].sum() == len(responses.data) + len(responses.exclusions)


def _spec(tmp_path, sources, **overrides):
    return tx.read_study(write_spec(tmp_path, merge(base_spec(), {"sources": sources,
                                                                  **overrides})))


def test_brand_loop_reads_one_row_per_respondent_and_brand(tmp_path):
    # two respondents rated Acme and Globex on three items; r2 did not rate Globex; the
    # item trust_1 was not asked about Globex at all
    items = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1"]
    wide = {"resp_id": ["r1", "r2"]}
    for i, item in enumerate(items):
        wide[f"{item}_Acme"] = [1 + i % 5, 5]
        wide[f"{item}_Globex"] = [2, None]
    wide["trust_1_Acme"] = ["Agree", "Strongly agree"]
    wide["aware_Acme"] = ["yes", "yes"]  # a brand column that is not an item: left alone
    pd.DataFrame(wide).to_csv(tmp_path / "loop.csv", index=False)
    study = _spec(tmp_path, [{"path": "loop.csv", "population": "customer", "wave": "W1",
                              "brand_pattern": "{item}_{brand}"}])
    with pytest.warns(tx.TxscoreWarning, match="item 'trust_1' has no column for brand Globex"):
        responses = tx.load(study)
    data = responses.data
    assert data[["respondent_id", "brand", "source_row"]].values.tolist() == [
        ["r1", "Acme", 2], ["r1", "Globex", 2], ["r2", "Acme", 3]]
    assert data["eff_1"].tolist() == [1, 2, 5]
    assert data["ease_1"].tolist() == [2, 2, 5]
    assert data["trust_1"].tolist()[0] == 4 and pd.isna(data["trust_1"].iloc[1])
    [line] = responses.exclusions.to_dict("records")
    assert (line["respondent_id"], line["brand"], line["source_row"], line["reason"]) == (
        "r2", "Globex", 3, "brand_not_rated")
    f = pick(responses.files, source_file="loop.csv")
    assert (f.file_rows, f.brands, f.rows_in, f.scored, f.excluded) == (2, 2, 4, 3, 1)
    accounted(responses)


def test_brand_loop_with_declared_brands_and_located_errors(tmp_path):
    items = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
             "trust_1"]
    wide = {"resp_id": ["r1", "r2", "r3"]}
    for item in items:
        wide[f"b1.{item}"] = [3, 4, 5]
        wide[f"b2.{item}"] = [1, 2, 3]
    wide["b2.emo_1"] = [1, "Perhaps", 3]
    pd.DataFrame(wide).to_csv(tmp_path / "loop.csv", index=False)
    study = _spec(tmp_path, [{"path": "loop.csv", "population": "customer", "wave": "W1",
                              "brand_pattern": "{brand}.{item}",
                              "brands": {"b1": "Acme", "b2": "Globex"}}])
    with pytest.raises(tx.InputDataError) as err:
        tx.load(study)
    [problem] = err.value.problems  # the real column and row of the file
    assert problem.where == "loop.csv, column 'b2.emo_1'"
    assert "'Perhaps' matches no label" in problem.message and "1 row: 3" in problem.message
    wide["b2.emo_1"] = [1, 2, 3]
    pd.DataFrame(wide).to_csv(tmp_path / "loop.csv", index=False)
    responses = tx.load(study)
    assert responses.data.groupby("brand")["emo_1"].sum().to_dict() == {"Acme": 12,
                                                                        "Globex": 6}
    accounted(responses)
    bad = _spec(tmp_path, [{"path": "loop.csv", "population": "customer", "wave": "W1",
                            "brand_pattern": "{item}_{brand}"}])
    with pytest.raises(tx.InputDataError, match="no column matches brand_pattern"):
        tx.load(bad)


def test_long_file_with_a_brand_column_and_several_files_per_wave(tmp_path):
    # two agencies deliver wave W1 customers; each respondent rates two brands (long file)
    a = pd.DataFrame({"resp_id": ["r1", "r1", "r2", "r2"], "brand": ["A", "B", "A", "B"],
                      "eff_1": [5, 4, 3, 2]})
    b = pd.DataFrame({"resp_id": ["r3", "r1"], "brand": ["A", "B"], "eff_1": [1, 5]})
    make_study(tmp_path, a)  # writes customers.csv with every item column
    (tmp_path / "customers.csv").rename(tmp_path / "agency_a.csv")
    path = make_study(tmp_path, b)
    (tmp_path / "customers.csv").rename(tmp_path / "agency_b.csv")
    study = _spec(tmp_path, [{"path": "agency_*.csv", "population": "customer",
                              "wave": "W1"}])
    assert [s.name for s in study.sources] == ["agency_a.csv", "agency_b.csv"]
    responses = tx.load(study)
    data = responses.data
    assert data[["source_file", "source_row", "respondent_id", "brand"]].values.tolist() == [
        ["agency_a.csv", 2, "r1", "A"], ["agency_a.csv", 3, "r1", "B"],
        ["agency_a.csv", 4, "r2", "A"], ["agency_a.csv", 5, "r2", "B"],
        ["agency_b.csv", 2, "r3", "A"]]
    [line] = responses.exclusions.to_dict("records")  # r1 rated B in both files
    assert (line["source_file"], line["source_row"], line["detail"]) == (
        "agency_b.csv", 3, "same_id_as:agency_a.csv(3)")
    accounted(responses)
    del path


def test_french_cp1252_file_loads_with_accented_labels_and_decimal_weights(tmp_path):
    labels = {1: "Pas du tout d'accord", 2: "Plutôt pas d'accord",
              3: "Ni d'accord ni pas d'accord", 4: "Plutôt d'accord", 5: "Tout à fait d'accord"}
    items = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
             "trust_1"]
    lines = ["id;marque;poids;" + ";".join(items)]
    answers = [["TOUT A FAIT D'ACCORD", "4", "Plutôt d'accord", "ne sait pas", "2", "1", "3",
                "5", "plutôt pas d’accord"],
               ["Ni d'accord ni pas d'accord"] * 9]
    lines.append("r1;Crédit Étoile;1,5;" + ";".join(answers[0]))
    lines.append("r2;Crédit Étoile;0,5;" + ";".join(answers[1]))
    (tmp_path / "clients.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    study = _spec(tmp_path, [{"path": "clients.csv", "population": "customer", "wave": "V1"}],
                  columns={"respondent_id": "id", "brand": "marque", "weight": "poids"},
                  scales={"agree5": {"labels": labels, "missing": {99: "Ne sait pas"}}})
    responses = tx.load(study)
    data = responses.data
    assert data["brand"].tolist() == ["Crédit Étoile"] * 2
    assert data["weight"].tolist() == [1.5, 0.5]
    assert data.loc[0, items].tolist() == [5, 4, 4, pd.NA, 2, 1, 3, 5, 2]
    assert data.loc[1, items].tolist() == [3] * 9
    assert responses.files["reader"].tolist() == ["csv (cp1252, ';')"]
    accounted(responses)


def test_spss_file_user_missing_codes_are_missing_not_out_of_range(tmp_path):
    # SAQ.sav: 9 = "Not answered" is declared user-missing; codes 1..5 with value labels
    shutil.copy(SPSS / "SAQ.sav", tmp_path / "SAQ.sav")
    labels = {1: "Strongly agree", 2: "Agree", 3: "Neither", 4: "Disagree",
              5: "Strongly disagree"}
    spec = {"study": {"name": "SAQ"},
            "sources": [{"path": "SAQ.sav", "population": "customer", "wave": "W1",
                         "brand": "SPSS"}],
            "columns": {"respondent_id": "Question_23"},  # no id in SAQ: any column will do
            "scales": {"saq": {"points": 5, "labels": labels}},
            "constructs": {"anxiety": {}},
            "items": {f"Question_0{i}": {"construct": "anxiety", "scale": "saq"}
                      for i in (1, 4, 5)},
            "quality": {"duplicates": False}, "report": {"bootstrap": 0}}
    responses = tx.load(tx.read_study(write_spec(tmp_path, spec)))
    assert len(responses.data) == 2571 and responses.exclusions.empty
    raw = __import__("pyreadstat").read_sav(SPSS / "SAQ.sav")[0]
    assert responses.data["Question_01"].astype(float).tolist() == raw["Question_01"].tolist()
    assert responses.data["source_row"].tolist()[:3] == [1, 2, 3]
    accounted(responses)


@pytest.mark.parametrize("name", ["surveymonkey_export.csv", "google_forms_export.csv"])
def test_platform_exports_load_through_a_spec(tmp_path, name):
    shutil.copy(DATA / name, tmp_path / name)
    sm = name.startswith("survey")
    grid = ("How much do you agree with each statement about the brand you use most?" if sm
            else "Please rate the brand you use most")
    items = {f"{grid} [{row}]": {"construct": cons, "scale": "agree5"} for row, cons in (
        ("It meets my needs", "effectiveness"), ("It is easy to deal with", "ease"),
        ("It makes me feel valued", "emotion"), ("I trust it", "trust"))}
    spec = {"study": {"name": "Platform"},
            "sources": [{"path": name, "population": "customer", "wave": "W1"}],
            "columns": {"respondent_id": "Respondent ID" if sm else "Timestamp",
                        "brand": "Which brand do you use most?",
                        "personal": ["Email Address", "IP Address", "First Name", "Last Name"]
                        if sm else ["Email address"]},
            "scales": {"agree5": {"points": 5, "labels": {k: v for k, v in {
                1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
                4: "Agree", 5: "Strongly agree"}.items()}, "missing": {99: "Don't know"}}},
            "constructs": {"effectiveness": {"role": "cx_quality"}, "ease": {"role":
                           "cx_quality"}, "emotion": {"role": "cx_quality"}, "trust": {}},
            "items": items, "index": {"cx_method": "equal"}, "report": {"bootstrap": 0},
            "quality": {"speeders": {"min_seconds": 60}} if sm else {
                "attention_checks": [{"column": 'To show you are reading, please select '
                                      '"Agree"', "expected": ["Agree"]}]}}
    responses = tx.load(tx.read_study(write_spec(tmp_path, spec)))
    ledger = responses.exclusions
    if sm:  # respondent 2 took 25 s (10:35:40 -> 10:36:05); rows are physical lines
        assert ledger[["source_row", "reason", "detail"]].values.tolist() == [
            [4, "speeder", "duration_below(25<60)"]]
        assert responses.data["source_row"].tolist() == [3, 5, 7, 8]
        assert responses.data[f"{grid} [I trust it]"].tolist()[2] is pd.NA
    else:  # the third respondent ticked "Strongly agree" on the attention check
        assert ledger["reason"].tolist() == ["attention_check"]
        assert ledger["source_row"].tolist() == [4]
    assert "ann@example.com" not in responses.data.to_string()
    accounted(responses)


def test_spss_user_missing_values_and_ranges_become_missing_end_to_end(tmp_path):
    import pyreadstat

    items = ["eff_1", "ease_1", "emo_1", "ret_1", "enr_1", "adv_1", "sal_1", "fit_1",
             "trust_1"]
    frame = pd.DataFrame({"resp_id": ["r1", "r2", "r3", "r4"], "brand": ["A"] * 4,
                          **{i: [3.0, 3.0, 3.0, 3.0] for i in items}})
    frame["eff_1"] = [9.0, 7.5, 6.0, 5.0]  # 9: user-missing value; 7..8: range; 6: neither
    pyreadstat.write_sav(frame, tmp_path / "c.sav",
                         column_labels={"eff_1": "Brand meets my needs"},
                         variable_value_labels={"eff_1": {1: "Strongly disagree",
                                                          9: "Not answered"}},
                         missing_ranges={"eff_1": [9, {"lo": 7, "hi": 8}]})
    study = _spec(tmp_path, [{"path": "c.sav", "population": "customer", "wave": "W1"}])
    responses = tx.load(study)
    assert responses.data["source_row"].tolist() == [1, 2, 4]
    assert responses.data["eff_1"].tolist()[:2] == [pd.NA, pd.NA]  # missing, never zero
    [line] = responses.exclusions.to_dict("records")
    assert (line["source_row"], line["reason"], line["detail"]) == (3, "out_of_range",
                                                                   "outside_scale:eff_1(6)")
    accounted(responses)
