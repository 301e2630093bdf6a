"""Readers: every format and platform layout, with rows numbered as the user sees them.

Real exports come from tests/data/validation (PROVENANCE.md there; Qualtrics from
ropensci/qualtRics, QualtricsTools and ropensci/excluder; SPSS files from pyreadstat and
haven); SurveyMonkey and Google Forms fixtures are built by hand in tests/data from the
platforms' documented layouts; the rest are written here into tmp_path.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from txscore.errors import InputDataError
from txscore.ingest import delimited, layouts
from txscore.ingest.readers import read_table, record_starts, sniff_encoding

VALIDATION = Path(__file__).resolve().parent / "data" / "validation"
QUALTRICS = VALIDATION / "qualtrics"
SPSS = VALIDATION / "spss"
DATA = Path(__file__).resolve().parent / "data"


def cells(frame: pd.DataFrame) -> dict[str, list]:
    """Columns as lists, every missing cell as None (whatever the reader's dtype)."""
    return {c: [None if pd.isna(v) else str(v) for v in frame[c]] for c in frame.columns}


# ---------------------------------------------------------------------- xlsx
def _workbook(path: Path, sheets: dict[str, list[list]], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(r, c, value)
        if merge and name == next(iter(sheets)):
            ws.merge_cells(merge)
    wb.save(path)
    return path


TITLED = [
    ["Customer survey 2026 - export of 24 Nov", None, None, None],  # merged A1:D1
    [None, None, None, None],
    ["id", "brand", "q1", "q2"],                                     # header: Excel row 3
    ["r1", "Acme", 5, "Agree"],
    [None, None, None, None],                                        # a blank row: row 5
    ["r2", "Acme", 3, "Strongly agree"],
    ["r3", "Globex", "4", None],
]


def test_xlsx_header_below_a_merged_title_and_blank_rows_keep_excel_row_numbers(tmp_path):
    path = _workbook(tmp_path / "t.xlsx", {"Notes": [["read me"]], "Data": TITLED},
                     merge="A1:D1")
    table = read_table(path, "Data")
    assert list(table.frame.columns) == ["id", "brand", "q1", "q2"]
    assert table.header_row == 3
    assert table.rows().tolist() == [4, 5, 6, 7]  # the blank row 5 is kept (and ledgered)
    got = cells(table.frame)
    assert got["id"] == ["r1", None, "r2", "r3"]
    # every cell as text: no type guessing turns a late text answer into a null
    assert got["q1"] == ["5", None, "3", "4"]
    assert got["q2"] == ["Agree", None, "Strongly agree", None]
    assert table.where(2, "q1") == "t.xlsx, sheet 'Data', row 6, column 'q1'"
    assert table.reader == "fastexcel" and table.layout == "plain"


def test_xlsx_first_sheet_by_default_and_a_chosen_sheet(tmp_path):
    path = _workbook(tmp_path / "t.xlsx", {"First": [["a"], ["1"]], "Data": TITLED})
    assert read_table(path).sheet == "First"
    assert read_table(path, "Data").sheet == "Data"
    with pytest.raises(InputDataError) as err:
        read_table(path, "Dta")
    [problem] = err.value.problems
    assert "there is no sheet 'Dta'. Sheets: First, Data." in problem.message


def test_xlsx_header_row_given_in_the_spec(tmp_path):
    # two header-like rows: the spec says the names are on row 4 (row 3 is a label row)
    rows = [["Wave 1"], [None], ["Section", "Section", "Ratings", "Ratings"],
            ["id", "brand", "q1", "q2"], ["r1", "Acme", "5", "4"]]
    path = _workbook(tmp_path / "t.xlsx", {"S": rows})
    table = read_table(path, header_row=4)
    assert list(table.frame.columns) == ["id", "brand", "q1", "q2"]
    assert table.rows().tolist() == [5]
    with pytest.raises(InputDataError, match="header_row 40"):
        read_table(path, header_row=40)


def test_openpyxl_fallback_reads_the_same_cells_and_rows(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "t.xlsx", {"Data": TITLED}, merge="A1:D1")
    fast = read_table(path)
    import fastexcel

    def broken(*args, **kwargs):
        raise RuntimeError("calamine cannot read this file")

    monkeypatch.setattr(fastexcel, "read_excel", broken)
    slow = read_table(path)
    assert slow.reader == "openpyxl (fastexcel failed: RuntimeError)"
    assert slow.rows().tolist() == fast.rows().tolist() == [4, 5, 6, 7]
    assert cells(slow.frame) == cells(fast.frame)


def test_not_a_workbook_is_a_located_error(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls renamed")
    with pytest.raises(InputDataError) as err:
        read_table(path)
    assert "not an xlsx (zip) workbook" in err.value.problems[0].message


# ---------------------------------------------------------------------- text files
def test_record_starts_agree_with_the_csv_module_on_quoted_newlines():
    text = ('id,comment,q1\r\n'
            'r1,"two\r\nlines",5\r\n'
            '\r\n'
            'r2,"a ""quoted"" word, and\nmore\nlines",4\r\n'
            'r3,,3')
    lines, offsets = record_starts(text.encode("utf-8"))
    reader = csv.reader(io.StringIO(text, newline=""))
    expected, previous = [], 0
    for _ in reader:  # line_num counts physical lines read so far
        expected.append(previous + 1)
        previous = reader.line_num
    assert lines.tolist()[:len(expected)] == expected == [1, 2, 4, 5, 8]
    assert text.encode()[offsets[3]:].startswith(b"r2,")


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                               ("cp1252", b""), ("utf-16", b"")])
def test_encodings_are_sniffed(tmp_path, encoding, bom):
    text = "id,brand,q1\nr1,Café Noël,Tout à fait d'accord\n"
    path = tmp_path / "e.csv"
    path.write_bytes(bom + text.encode(encoding))
    table = read_table(path)
    assert table.frame.to_dict("list") == {"id": ["r1"], "brand": ["Café Noël"],
                                           "q1": ["Tout à fait d'accord"]}
    expected = {"utf-8": "utf-8-sig" if bom else "utf-8", "cp1252": "cp1252",
                "utf-16": "utf-8"}[encoding]  # utf-16 is re-encoded before parsing
    assert table.reader.startswith(f"csv ({expected}, ")


def test_sniff_encoding_cases():
    assert sniff_encoding("é".encode()) == "utf-8"
    assert sniff_encoding("é".encode("cp1252")) == "cp1252"
    assert sniff_encoding(b"\xef\xbb\xbfid") == "utf-8-sig"
    assert sniff_encoding("id".encode("utf-16")) == "utf-16"
    # a sample cut in the middle of a two-byte character is still utf-8
    assert sniff_encoding("aé".encode()[:-1], truncated=True) == "utf-8"


@pytest.mark.parametrize(("sep", "name"), [(",", "c.csv"), (";", "c.csv"), ("\t", "c.tsv"),
                                           ("\t", "c.txt"), ("|", "c.csv")])
def test_delimiters_are_sniffed(tmp_path, sep, name):
    rows = [["id", "brand", "q1", "note"], ["r1", "Acme", "5", "fine, thanks"],
            ["r2", "Acme", "4", ""]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    (tmp_path / name).write_text(buf.getvalue(), encoding="utf-8")
    table = read_table(tmp_path / name)
    assert cells(table.frame)["note"] == ["fine, thanks", None]
    assert table.frame["q1"].tolist() == ["5", "4"]


def test_french_excel_csv_cp1252_semicolons_decimal_commas_accents(tmp_path):
    text = ("id;marque;poids;q1;q2\r\n"
            "r1;Crédit Étoile;1,25;Tout à fait d'accord;4\r\n"
            "r2;Crédit Étoile;0,8;Plutôt pas d'accord;Ne sait pas\r\n")
    (tmp_path / "fr.csv").write_bytes(text.encode("cp1252"))
    table = read_table(tmp_path / "fr.csv")
    assert table.reader == "csv (cp1252, ';')"
    assert table.frame["marque"].tolist() == ["Crédit Étoile"] * 2
    assert table.frame["poids"].tolist() == ["1.25", "0.8"]  # decimal comma -> point
    assert table.frame["q1"].tolist() == ["Tout à fait d'accord", "Plutôt pas d'accord"]


def test_excel_sep_hint_line_and_title_lines_above_the_header(tmp_path):
    text = "sep=;\nCustomer survey\n\nid;q1\nr1;5\n\"r2\";\"4\"\n"
    (tmp_path / "h.csv").write_text(text, encoding="utf-8")
    table = read_table(tmp_path / "h.csv")
    assert list(table.frame.columns) == ["id", "q1"]
    assert table.header_row == 4
    assert table.rows().tolist() == [5, 6]


def test_rows_are_physical_lines_when_answers_span_lines(tmp_path):
    text = ('id,comment,q1\n'
            'r1,"Long wait.\nNever called back.\nBad.",1\n'
            'r2,ok,2\n'
            '\n'
            'r3,"x\ny",3\n')
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    table = read_table(tmp_path / "m.csv")
    # r1 starts on line 2 (its comment runs to line 4), r2 on 5, a blank line 6, r3 on 7
    assert table.rows().tolist() == [2, 5, 6, 7]
    assert table.frame["comment"].iloc[0] == "Long wait.\nNever called back.\nBad."


def test_a_ragged_line_names_its_physical_line(tmp_path):
    text = 'id,comment,q1\nr1,"a\nb",1\nr2,x,2,extra\n'
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        read_table(tmp_path / "r.csv")
    [problem] = err.value.problems
    assert problem.where == "r.csv, row 4"
    assert problem.message == "line 4 has 4 fields where the header has 3."


def test_encoding_and_delimiter_overrides(tmp_path):
    # latin-1 text that happens to decode as utf-8? No: force a reading the sniffer would
    # not choose, and check it is used
    (tmp_path / "o.csv").write_bytes("id|q1\nr1|é\n".encode("latin-1"))
    table = read_table(tmp_path / "o.csv", encoding="latin-1", delimiter="|")
    assert table.reader == "csv (latin-1, '|')"
    assert table.frame.to_dict("list") == {"id": ["r1"], "q1": ["é"]}


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(InputDataError, match="Unsupported file type"):
        read_table(tmp_path / "a.json")
    with pytest.raises(InputDataError, match="not found"):
        read_table(tmp_path / "nope.csv")


# ---------------------------------------------------------------------- parquet
def test_parquet_keeps_types_and_numbers_rows_from_one(tmp_path):
    frame = pd.DataFrame({"id": ["a", "b"], "q1": [5, 4], "w": [1.5, 0.5]})
    frame.to_parquet(tmp_path / "p.parquet")
    table = read_table(tmp_path / "p.parquet")
    assert table.layout == "parquet" and table.reader == "pyarrow"
    assert table.rows().tolist() == [1, 2]
    assert table.frame["q1"].tolist() == [5, 4]


# ---------------------------------------------------------------------- SPSS
def test_sav_value_labels_variable_labels_and_user_missing_ranges():
    table = read_table(SPSS / "sample_missing.sav")
    assert table.layout == "spss"
    assert table.rows().tolist() == list(range(1, 8))  # case numbers
    assert table.question_text["myord"] == "ordinal"
    assert table.value_labels["myord"] == {-1.0: "missing", 1.0: "low", 2.0: "medium",
                                           3.0: "high"}
    # user-missing: mynum declares the range 2000..3000 and the value -1; myord -1, -2, -3
    assert table.user_missing["mynum"] == ((2000.0, 3000.0), (-1.0, -1.0))
    mynum = table.frame["mynum"].tolist()
    assert mynum[:5] == [1.1, 1.2, -1000.3, -1.4, 1000.3]
    assert np.isnan(mynum[5]) and np.isnan(mynum[6])  # -1.0 and 2500.0 in the file
    assert table.frame["myord"].tolist()[:5] == [1, 2, 3, 1, 1]
    assert table.frame["myord"].iloc[5:].isna().all()  # -1 and -3 in the file
    assert table.frame["mylabl"].iloc[5:].isna().all()  # -1 and system-missing


def test_sav_string_user_missing_and_non_ascii_labels():
    table = read_table(SPSS / "missing_char.sav")
    assert table.frame["mychar"].tolist()[1] == "a"
    assert pd.isna(table.frame["mychar"].iloc[0])  # "Z" is declared user-missing
    umlauts = read_table(SPSS / "umlauts.sav")
    assert umlauts.question_text["var1"] == "This is an ä-umlaut"
    assert umlauts.value_labels["var1"] == {1.0: "the ä umlaut", 2.0: "the ü umlaut",
                                            3.0: "the ö umlaut"}
    labelled = read_table(SPSS / "labelled-num-na.sav")
    assert labelled.frame["VAR00002"].iloc[0] == 1 and pd.isna(labelled.frame.iloc[1, 0])


def test_saq_question_text_and_codes():
    table = read_table(SPSS / "SAQ.sav")
    assert table.frame.shape == (2571, 23)
    assert table.question_text["Question_01"] == "Statistics makes me cry"
    assert table.value_labels["Question_01"][9.0] == "Not answered"
    assert table.user_missing["Question_01"] == ((9.0, 9.0),)
    assert set(table.frame["Question_01"].dropna().unique()) <= {1, 2, 3, 4, 5}


# ---------------------------------------------------------------------- Qualtrics
def test_qualtrics_modern_three_header_rows():
    table = read_table(QUALTRICS / "qualtrics_modern_de.csv")
    assert table.layout == "qualtrics"
    assert table.rows().tolist() == [4]  # tags, question text, ImportId, then data
    assert table.frame["Q1"].tolist() == ["2"]
    assert table.frame["Duration (in seconds)"].tolist() == ["38"]
    assert table.question_text["Q1"] == "This is a multiple choice question."
    assert table.question_text["RecipientLastName"] == "Nachname des Empfängers"
    assert {r: c for c, r in table.roles.items() if r != "personal"} == {
        "start": "StartDate", "end": "EndDate", "status": "Status", "duration":
        "Duration (in seconds)", "finished": "Finished", "id": "ResponseId"}


def test_qualtrics_legacy_two_rows_v_columns_bom_and_trailing_column():
    table = read_table(QUALTRICS / "qualtrics_legacy.csv")
    assert table.layout == "qualtrics-legacy"
    assert table.reader.startswith("csv (utf-8-sig")
    # V1..V10 take their row-2 names; the trailing empty column is dropped
    assert list(table.frame.columns) == [
        "ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
        "IPAddress", "Status", "StartDate", "EndDate", "Finished", "Q1", "Q2",
        "LocationLatitude", "LocationLongitude", "LocationAccuracy"]
    assert table.rows().tolist() == [3]
    assert table.frame["Q2"].tolist() == ["Hello World!"]
    assert table.column_for("id") == "ResponseID"


def test_qualtrics_matrix_in_both_header_styles_reads_the_same_answers():
    new = read_table(QUALTRICS / "qualtrics_insights_matrix.csv")  # {'ImportId': ...} quotes
    old = read_table(QUALTRICS / "qualtrics_legacy_matrix.csv")
    assert (new.layout, old.layout) == ("qualtrics", "qualtrics-legacy")
    assert new.rows().tolist() == [4, 5, 6, 7, 8] and old.rows().tolist() == [3, 4, 5, 6, 7]
    grid = ["Q2_1", "Q2_2", "Q2_3", "Q4_1", "Q4_2", "Q4_3"]
    pd.testing.assert_frame_equal(new.frame[["ResponseID", *grid]],
                                  old.frame[["ResponseID", *grid]])
    assert new.frame["Q2_1"].tolist() == ["3", "4", "2", "4", "3"]
    # QualtricsTools generated these as test responses: Status 2 = "Survey Test"
    assert new.frame["Status"].tolist() == ["2"] * 5
    assert new.question_text["Q2_1"] == (
        "Click to write the question text-Click to write Statement 1")
    # the legacy export repeats export tags: kept apart and reported, not an error
    assert {"question_one", "question_one.1", "question_one.2"} <= set(old.frame.columns)
    assert [n.severity for n in old.notes] == ["warning"] * 3
    assert "'question_one' appears 3 times (columns 17, 20, 23)" in old.notes[0].message


def test_import_ids_in_both_quoting_styles():
    assert layouts.import_ids(['{"ImportId":"QID1"}', "{'ImportId': 'QID2-1'}", "x", None]) == [
        "QID1", "QID2-1", None, None]


@pytest.mark.parametrize("name", ["qualtrics_choice_text.csv", "qualtrics_numeric_values.csv"])
def test_qualtrics_tag_row_only_exports_are_recognised(name):
    table = read_table(QUALTRICS / name)
    assert table.layout == "qualtrics"
    assert len(table.frame) == 100 and table.rows().tolist()[:2] == [2, 3]
    assert table.column_for("duration") == "Duration (in seconds)"
    assert table.column_for("status") == "Status"


def test_format_override_reads_a_qualtrics_file_as_plain():
    table = read_table(QUALTRICS / "qualtrics_modern_de.csv", format="plain")
    assert table.layout == "plain"
    assert len(table.frame) == 3  # question text and ImportId rows are now data rows
    assert table.roles == {}


# ---------------------------------------------------------------------- SurveyMonkey, Google
def test_surveymonkey_two_header_rows():
    table = read_table(DATA / "surveymonkey_export.csv")
    assert table.layout == "surveymonkey"
    q = "How much do you agree with each statement about the brand you use most?"
    assert list(table.frame.columns)[:12] == [
        "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
        "Email Address", "First Name", "Last Name", "Custom Data 1",
        "Which brand do you use most?", f"{q} [It meets my needs]",
        f"{q} [It is easy to deal with]"]
    assert table.question_text[f"{q} [I trust it]"] == q
    heard = "Which of these brands have you heard of? (Select all that apply)"
    assert cells(table.frame)[f"{heard} [Globex]"] == ["Globex", "Globex", None, None,
                                                          "Globex"]
    # the third respondent's comment spans lines 5-6, so the next rows are lines 7 and 8
    assert table.rows().tolist() == [3, 4, 5, 7, 8]
    assert table.frame["Any other comments?"].iloc[2] == (
        "Long wait on the phone.\nThey never called back.")
    assert {c for c, r in table.roles.items() if r == "personal"} == {
        "IP Address", "Email Address", "First Name", "Last Name"}
    assert (table.column_for("start"), table.column_for("end")) == ("Start Date", "End Date")


def test_surveymonkey_layout_in_an_xlsx_below_a_title(tmp_path):
    rows = [["Survey export"], [None],
            ["Respondent ID", "Collector ID", "Start Date", "End Date", "Q1", None],
            [None, None, None, None, "Response", None],
            ["1", "9", "2024-11-25 10:00:00", "2024-11-25 10:05:00", "Agree", None]]
    rows[2][5], rows[3][5] = "Q2", "Acme"
    table = read_table(_workbook(tmp_path / "sm.xlsx", {"Sheet": rows}))
    assert table.layout == "surveymonkey"
    assert list(table.frame.columns) == ["Respondent ID", "Collector ID", "Start Date",
                                         "End Date", "Q1", "Q2 [Acme]"]
    assert table.rows().tolist() == [5]


def test_google_forms_timestamp_grid_and_checkbox_answers():
    table = read_table(DATA / "google_forms_export.csv")
    assert table.layout == "google-forms"
    assert table.column_for("end") == "Timestamp"
    assert table.frame["Please rate the brand you use most [It meets my needs]"].tolist() == [
        "Strongly agree", "Agree", "Neither agree nor disagree", "Agree"]
    assert table.frame["Which of these brands have you heard of?"].tolist()[:2] == [
        "Acme, Globex", "Acme, Globex, Initech"]
    assert table.rows().tolist() == [2, 3, 4, 5]


# ---------------------------------------------------------------------- layouts
def test_locate_plain_header_below_title_rows():
    top = [["Title", None, None], [None, None, None], ["note", "x", None],
           ["id", "q1", "q2"], ["r1", "1", "2"], ["r2", "3", None], ["r3", "4", "5"]]
    assert layouts.locate(top) == layouts.Located("plain", 3, 1)
    assert layouts.locate(top, header_index=2) == layouts.Located("plain", 2, 1)


def test_column_names_blank_and_duplicated():
    names, _, notes = layouts.column_names([["id", None, "q", "q", "q.1"]], "plain", "f.csv")
    assert names == ["id", "column 2", "q", "q.1'", "q.1"]
    assert "'q' appears 2 times (columns 3, 4)" in notes[0].message


def _csv_module_starts(text: str) -> list[int]:
    """Physical start line of every record, from the csv module (the oracle)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


def test_record_starts_match_the_csv_module_on_random_files():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    cell = st.text(alphabet='ab,"\n\r é;', max_size=8)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=8),
           st.sampled_from(["\n", "\r\n"]))
    def check(rows, terminator):
        buf = io.StringIO()
        csv.writer(buf, lineterminator=terminator).writerows(rows)
        text = buf.getvalue()
        lines, _ = record_starts(text.encode("utf-8"))
        expected = _csv_module_starts(text)
        assert lines.tolist()[:len(expected)] == expected

    check()


# ---------------------------------------------------------------------- csv: arrow and pandas
def _both_readers(path: Path, numeric) -> tuple:
    """The table read by the arrow fast path, and by the pandas path (arrow switched off)."""
    fast = read_table(path, numeric=numeric)
    with pytest.MonkeyPatch.context() as patch:
        # what happens when arrow cannot read the records: the pandas reader reads them
        patch.setattr(delimited, "read_csv_arrow", lambda *args: None)
        slow = read_table(path, numeric=numeric)
    return fast, slow


@pytest.mark.parametrize("sep", [",", ";"])
def test_arrow_and_pandas_csv_readers_give_the_same_cells_and_rows(tmp_path, sep):
    rows = [["Survey export"], ["id", "brand", "q1", "q2", "w", "note"],
            ["007", "Acmé", "5", "Agree", "1,5" if sep == ";" else "1.5", 'said "hi"\nbye'],
            ["NA", " Globex ", "", "N/A", "2", ""],
            ["9", "Acme", "99", "4", "0.5", "null"],
            ["10", "Acme", "6", " 3 ", "1", "2026-01-05"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "x.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    fast, slow = _both_readers(path, {"q1", "q2", "w"}.__contains__)
    assert fast.rows().tolist() == slow.rows().tolist() == [3, 5, 6, 7]  # a 2-line answer
    assert list(fast.frame.columns) == list(slow.frame.columns)
    got, expected = cells(fast.frame), cells(slow.frame)
    for col in ("id", "brand", "q2", "note"):  # text columns: the same text
        assert got[col] == expected[col]
    assert got["id"] == ["007", "NA", "9", "10"]  # as written: no number, no missing
    assert got["note"] == ['said "hi"\nbye', None, "null", "2026-01-05"]
    for col in ("q1", "w"):  # numeric columns: the same numbers
        assert pd.to_numeric(fast.frame[col]).tolist() == pytest.approx(
            pd.to_numeric(slow.frame[col]).tolist(), nan_ok=True)
    assert fast.frame["q1"].dtype.kind == "f"  # numbers, a blank as NaN


def test_a_line_arrow_cannot_read_falls_back_to_the_located_pandas_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,q1\nr1,5\n\nr2,4,extra\n", encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        read_table(path, numeric={"q1"}.__contains__)
    assert err.value.problems[0].message == "line 4 has 3 fields where the header has 2."


def _comparable(value: object) -> str | None:
    """A cell as text or as a number (the arrow path reads numeric columns as numbers)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    try:
        return repr(float(str(value).replace(",", ".")))
    except ValueError:
        return str(value)


@pytest.mark.parametrize("name", ["qualtrics/qualtrics_choice_text.csv",
                                  "qualtrics/qualtrics_numeric_values.csv",
                                  "qualtrics/qualtrics_insights_matrix.csv",
                                  "qualtrics/qualtrics_legacy.csv",
                                  "qualtrics/qualtrics_legacy_matrix.csv",
                                  "qualtrics/qualtrics_modern_de.csv",
                                  "weighting/apipop.csv"])
def test_real_exports_read_alike_by_the_arrow_and_pandas_csv_paths(name):
    # every column offered to arrow's type inference: the harshest case for the fast path
    fast, slow = _both_readers(VALIDATION / name, lambda _column: True)
    assert fast.rows().tolist() == slow.rows().tolist()
    assert list(fast.frame.columns) == list(slow.frame.columns)
    assert fast.layout == slow.layout and fast.header_row == slow.header_row
    for col in fast.frame.columns:
        assert [_comparable(v) for v in fast.frame[col]] == [
            _comparable(v) for v in slow.frame[col]], col
    assert any(not isinstance(fast.frame[c].dtype, pd.StringDtype)
               for c in fast.frame.columns)  # the fast path did read it (typed columns)
