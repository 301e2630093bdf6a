"""Personal data: detected, removed at read time, never in any output; the hashed export.

The end-to-end test runs the sample study's first wave with its ``email`` column *not*
declared personal (the harder case: detection must catch it) through every command and
looks for an e-mail address in every byte written: the workbook's XML, every PNG's text
chunks, the csv/json of ``txscore score``, the terminal output and the export.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_study, without_decisions

import txscore as tx
from txscore.cli import main
from txscore.errors import OutputError
from txscore.ingest.privacy import hash_ids, kind_by_content, kind_by_name, scan

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "surveys" / "sample"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SALT = "test-salt-0123456789abcdef"


# ---------------------------------------------------------------------- detection
@pytest.mark.parametrize("name, kind", [
    ("email", "e-mail"), ("E-mail", "e-mail"), ("Email Address", "e-mail"),
    ("RecipientEmail", "e-mail"), ("email.1", "e-mail"), ("Courriel", "e-mail"),
    ("phone", "phone"), ("Tel", "phone"), ("Mobile number", "phone"),
    ("Phone_Number", "phone"), ("first name", "person name"), ("LastName", "person name"),
    ("RecipientFirstName", "person name"), ("Name", "person name"), ("Prénom", "person name"),
    ("IPAddress", "IP address"), ("ip address", "IP address"), ("IP", "IP address"),
    ("LocationLatitude", "geolocation"),
])
def test_header_names_that_announce_personal_data(name, kind):
    assert kind_by_name(name) == kind


@pytest.mark.parametrize("name", ["brand", "brand_name", "resp_id", "eff_1", "trust_3",
                                  "weight", "region", "Duration (in seconds)", "StartDate",
                                  "mailing_consent_q", "telecom_provider", "ResponseId"])
def test_ordinary_column_names_are_not_personal(name):
    assert kind_by_name(name) is None


@pytest.mark.parametrize("values, kind", [
    (["ann@example.com", "bob.smith+tx@mail.example.org", None, " eve@ex.co "], "e-mail"),
    (["192.168.0.1", "10.0.0.255", "8.8.8.8"], "IP address"),
    (["2001:db8::1", "fe80::1ff:fe23:4567:890a"], "IP address"),
    (["+44 20 7946 0958", "+33 6 12 34 56 78", "0044 7911 123456"], "phone"),
    (["06 12 34 56 78", "020 7946 0958", "(555) 123-4567"], "phone"),
])
def test_values_that_look_personal(values, kind):
    found = kind_by_content(pd.Series(values, dtype=object))
    assert found is not None and found[0] == kind
    assert found[1] == found[2] == len([v for v in values if v])


@pytest.mark.parametrize("values", [
    ["1.1281", "0.7516", "0.123456789"],           # weights
    ["2026-01-05", "2026-01-05 12:30:00", "12:30:00"],  # dates and times
    ["C1-000001", "R_1abcDEF", "12345678"],        # respondent ids
    ["Agree", "Strongly agree", "7", "99"],         # answers
    ["1.2.3", "999.1.1.1", "a@b"],                  # near misses
])
def test_ordinary_values_are_not_personal(values):
    assert kind_by_content(pd.Series(values, dtype=object)) is None


def test_half_the_sampled_values_must_match():
    two_of_four = pd.Series(["a@x.com", "b@y.com", "n/a", "none"])
    one_of_four = pd.Series(["a@x.com", "n/a", "none", "refused"])
    assert kind_by_content(two_of_four) == ("e-mail", 2, 4)
    assert kind_by_content(one_of_four) is None


def test_scan_removes_declared_duplicates_and_unused_lookalikes_only():
    frame = pd.DataFrame({"resp_id": ["a@x.com", "b@y.com"], "email": ["x", "y"],
                          "email.1": ["x", "y"], "contact": ["c@x.com", "d@y.com"],
                          "Phone": ["+33 6 12 34 56 78", None], "q1": [1, 2]})
    found = scan(frame, declared=["email"], used=["resp_id", "q1"], check_used=["resp_id"])
    assert found.removed == ["email", "email.1", "contact", "Phone"]
    assert set(found.detected) == {"contact", "Phone"}
    assert found.suspect_used == {"resp_id": "its values look like e-mail addresses "
                                             "(2 of 2 sampled)"}
    warnings = found.problems(lambda col: f"f.csv, column '{col}'")
    assert [p.where for p in warnings] == ["f.csv, column 'contact'", "f.csv, column 'Phone'",
                                           "f.csv, column 'resp_id'"]
    assert all(p.severity == "warning" for p in warnings)
    assert "declare it in [columns] personal" in warnings[0].fix
    assert "rename it" in warnings[0].fix
    assert "c@x.com" not in " ".join(map(str, warnings))  # names columns, never values


# ---------------------------------------------------------------------- at read time
def test_a_lookalike_column_is_removed_with_a_warning_and_listed(tmp_path):
    cust = pd.DataFrame({"eff_1": [5, 4], "contact": ["ann@example.com", "bob@example.com"],
                         "Mobile": ["+44 7911 123456", "+44 7911 654321"]})
    spec = make_study(tmp_path, cust)
    with pytest.warns(tx.TxscoreWarning) as caught:
        responses = tx.load(tx.read_study(spec))
    messages = [str(w.message) for w in caught if "personal data" in str(w.message)]
    assert len(messages) == 2
    assert messages[0].startswith("customers.csv, column 'contact': column 'contact' looks "
                                  "like personal data (its values look like e-mail addresses")
    assert "personal = [..., \"contact\"]" in messages[0]
    assert "its name 'Mobile' suggests a phone number" in messages[1]
    assert responses.files.set_index("source_file").loc["customers.csv",
                                                        "personal_removed"] == "contact, Mobile"
    # declared: removed silently, still listed
    spec = make_study(tmp_path, cust, columns={"personal": ["contact", "Mobile"]})
    responses = tx.load(tx.read_study(spec))  # no warning (pytest -W error would fail)
    assert responses.files["personal_removed"].tolist() == ["contact, Mobile"]


def test_an_id_column_holding_emails_is_kept_with_a_warning(tmp_path):
    cust = pd.DataFrame({"resp_id": ["ann@example.com", "bob@example.com"], "eff_1": [5, 4]})
    with pytest.warns(tx.TxscoreWarning, match="column 'resp_id' is used by the study spec "
                                               "but looks like personal data"):
        responses = tx.load(tx.read_study(make_study(tmp_path, cust)))
    assert responses.data["respondent_id"].tolist() == ["ann@example.com", "bob@example.com"]


def test_an_item_mapped_to_an_email_column_never_quotes_the_addresses(tmp_path):
    cust = pd.DataFrame({"eff_1": ["ann@example.com", "bob@example.com", 4]})
    with pytest.raises(tx.InputDataError) as err:
        tx.load(tx.read_study(make_study(tmp_path, cust)))
    text = str(err.value)
    assert "example.com" not in text
    assert text.count("'<an e-mail address, hidden>' matches no label") == 2
    assert "customers.csv, column 'eff_1'" in text and "(1 row: 2)" in text


def test_sample_study_lists_the_removed_column_per_file():
    responses = tx.load(tx.read_study(SAMPLE / "study.toml"))
    removed = responses.files.set_index("source_file")["personal_removed"].to_dict()
    assert removed == {"customers_w1.xlsx": "email", "customers_w2.xlsx": "email",
                       "non_customers_w1.xlsx": "", "non_customers_w2.xlsx": ""}


# ---------------------------------------------------------------------- the export
def test_hash_ids_is_hmac_sha256_keyed_with_the_salt():
    ids = ["C1-000001", "C1-000002", "C1-000001"]
    expected = [hmac.new(SALT.encode(), i.encode(), hashlib.sha256).hexdigest() for i in ids]
    assert hash_ids(ids, SALT).tolist() == expected
    assert hash_ids(ids, SALT + "x")[0] != expected[0]  # another salt, another hash
    assert hash_ids(ids, SALT)[0] != hashlib.sha256(ids[0].encode()).hexdigest()


def test_export_refuses_without_a_salt_or_a_known_suffix(tmp_path, capsys, monkeypatch):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [5, 4]}))
    monkeypatch.delenv("TXSCORE_SALT", raising=False)
    out = tmp_path / "out" / "rows.csv"
    assert main(["export", str(spec), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "TXSCORE_SALT is not set" in err and "Traceback" not in err
    monkeypatch.setenv("MY_SALT", "short")
    assert main(["export", str(spec), "--out", str(out), "--salt-env", "MY_SALT"]) == 1
    assert "MY_SALT is only 5 characters long" in capsys.readouterr().err
    monkeypatch.setenv("MY_SALT", SALT)
    assert main(["export", str(spec), "--out", str(tmp_path / "out" / "rows.xlsx"),
                 "--salt-env", "MY_SALT"]) == 1
    assert "name the file .csv or .parquet" in capsys.readouterr().err
    assert main(["export", str(spec), "--out", str(tmp_path / "rows.csv"),
                 "--salt-env", "MY_SALT"]) == 1
    assert "the output folder holds the study's input files" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "rows.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_export_writes_hashed_ids_and_no_personal_column(tmp_path, monkeypatch, suffix):
    cust = pd.DataFrame({"resp_id": ["r1", "r2", "r2"], "eff_1": [5, 4, 3],
                         "email": ["ann@example.com", "bob@example.com", "bob@example.com"]})
    spec = make_study(tmp_path, cust, columns={"personal": ["email"]})
    monkeypatch.setenv("TXSCORE_SALT", SALT)
    out = tmp_path / "export" / f"rows{suffix}"
    assert main(["export", str(spec), "--out", str(out)]) == 0
    rows = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    responses = tx.load(tx.read_study(spec))  # r2's second row is a duplicate: excluded
    assert len(rows) == len(responses.data) == 2
    assert rows["respondent_hash"].tolist() == [
        hmac.new(SALT.encode(), b"r1", hashlib.sha256).hexdigest(),
        hmac.new(SALT.encode(), b"r2", hashlib.sha256).hexdigest()]
    assert "respondent_id" not in rows and "email" not in rows and "source_row" not in rows
    assert rows["eff_1"].tolist() == [5, 4]
    raw = out.read_bytes()
    assert b"r1" not in raw.replace(b"respondent_hash", b"") or suffix == ".parquet"
    assert b"example.com" not in raw
    assert not list(out.parent.glob("*.tmp"))


def test_tx_export_is_the_export_of_the_cli_for_notebooks(tmp_path):
    cust = pd.DataFrame({"resp_id": ["r1", "r2"], "eff_1": [5, 4],
                         "email": ["ann@example.com", "bob@example.com"]})
    spec = make_study(tmp_path, cust, columns={"personal": ["email"]})
    responses = tx.load(tx.read_study(spec))
    out = tmp_path / "export" / "rows.parquet"
    rows = tx.export(responses, out, salt=SALT)
    pd.testing.assert_frame_equal(pd.read_parquet(out), rows)
    assert rows["respondent_hash"].tolist() == hash_ids(["r1", "r2"], SALT).tolist()
    assert "email" not in rows and "respondent_id" not in rows


def test_tx_export_refuses_a_short_salt_a_bad_type_and_an_input_file(tmp_path):
    spec = make_study(tmp_path, pd.DataFrame({"eff_1": [5, 4]}))
    responses = tx.load(tx.read_study(spec))
    source = responses.study.sources[0].path
    before = source.read_bytes()
    bad = tmp_path / "out" / "rows.xlsx"
    with pytest.raises(OutputError) as err:
        tx.export(responses, bad, salt="short")
    assert [p.where for p in err.value.problems] == ["export(salt=...)", str(bad)]
    assert "only 5 characters long" in err.value.problems[0].message
    assert "name the file .csv or .parquet" in err.value.problems[1].fix
    with pytest.raises(OutputError) as err:  # the rules of every output, as report()'s
        tx.export(responses, source, salt=SALT)
    assert [p.message.split(";")[0] for p in err.value.problems] == [
        "the output folder holds the study's input files",
        "the output file is one of the study's input files."]
    with pytest.raises(OutputError, match="one of the study's input files"):
        tx.export(responses, source, salt=SALT, allow_input_folder=True)
    assert source.read_bytes() == before and not bad.exists()
    rows = tx.export(responses, tmp_path / "rows.csv", salt=SALT, allow_input_folder=True)
    assert len(rows) == 2 and (tmp_path / "rows.csv").is_file()


# ---------------------------------------------------------------------- end to end
def png_texts(data: bytes) -> list[str]:
    """Every text chunk of a PNG (tEXt, zTXt, iTXt; compressed ones inflated)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, texts = 8, []
    while pos < len(data):  # a loop over chunks
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            texts.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            texts.append(key.decode("latin-1") + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _tkey, _, text = rest.partition(b"\0")
            texts.append(zlib.decompress(text).decode() if compressed else text.decode())
        pos += 12 + length
    return texts


@pytest.fixture(scope="module")
def wave1_copy(tmp_path_factory) -> Path:
    """The sample study's first wave, ``email`` NOT declared personal, no bootstrap."""
    folder = tmp_path_factory.mktemp("sample")
    for name in ("customers_w1.xlsx", "non_customers_w1.xlsx"):
        shutil.copy(SAMPLE / name, folder / name)
    text = without_decisions((SAMPLE / "study.toml").read_text())  # they name wave 2
    text = re.sub(r'(?m)^personal = .*$', "", text)
    text = re.sub(r'(?m)^bootstrap = .*$', "bootstrap = 0", text)
    text = re.sub(r'\[\[sources\]\]\npath = "(non_)?customers_w2\.xlsx"\n(?:[a-z]+ = .*\n)+',
                  "", text)
    (folder / "study.toml").write_text(text)
    study = tx.read_study(folder / "study.toml")
    assert [s.name for s in study.sources] == ["customers_w1.xlsx", "non_customers_w1.xlsx"]
    assert study.columns.personal == ()
    return folder / "study.toml"


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_an_email_column_appears_in_no_output_and_inputs_are_untouched(
        wave1_copy, tmp_path, capsys, monkeypatch):
    inputs = sorted(wave1_copy.parent.iterdir())
    before = [(p.name, p.stat().st_mtime_ns, p.read_bytes()) for p in inputs]
    raw = pd.read_excel(wave1_copy.parent / "customers_w1.xlsx", sheet_name="Responses")
    emails = raw["email"].dropna().astype(str)
    assert emails.str.contains("@").all() and len(emails) > 1000  # the input has them

    terminal, files = [], {}
    assert main(["validate", str(wave1_copy), "-q"]) == 0
    terminal.append(capsys.readouterr())
    assert main(["score", str(wave1_copy), "--format", "json"]) == 0
    out = capsys.readouterr()
    terminal.append(out)
    assert set(json.loads(out.out)) >= {"scores", "exclusions", "drivers"}
    # json holds every table; csv prints one: the ledger, which has ids and details
    assert main(["score", str(wave1_copy), "--format", "csv", "--table", "exclusions"]) == 0
    terminal.append(capsys.readouterr())
    report = tmp_path / "report"
    assert main(["report", str(wave1_copy), "--out", str(report)]) == 0
    terminal.append(capsys.readouterr())
    monkeypatch.setenv("TXSCORE_SALT", SALT)
    assert main(["export", str(wave1_copy), "--out", str(tmp_path / "rows.csv")]) == 0
    terminal.append(capsys.readouterr())
    files["rows.csv"] = (tmp_path / "rows.csv").read_text()

    pngs = sorted(report.glob("*.png"))
    assert len(pngs) >= 5
    for png in pngs:
        files[png.name] = "\n".join(png_texts(png.read_bytes()))
    [book] = report.glob("*.xlsx")
    with zipfile.ZipFile(book) as zf:
        for name in zf.namelist():
            if not name.endswith(".png"):
                files[f"{book.name}/{name}"] = zf.read(name).decode("utf-8")
    assert any("Exclusions" in text for text in files.values())
    text_out = {f"terminal {i}": c.out + c.err for i, c in enumerate(terminal)}
    for where, text in {**files, **text_out}.items():
        assert not EMAIL.search(text), (where, EMAIL.search(text))
        assert "example.com" not in text, where
    # the workbook and the terminal name the column that was removed, not its values
    assert "email" not in files["rows.csv"].splitlines()[0]
    after = [(p.name, p.stat().st_mtime_ns, p.read_bytes()) for p in inputs]
    assert after == before  # inputs read only: same bytes, same modification time
    assert sorted(wave1_copy.parent.iterdir()) == inputs  # and nothing written next to them
