"""``txscore init``: a drafted spec recovers what the files say, and validate never crashes.

The sample study is the worked example: its data files were generated from
surveys/sample/study.toml, so a draft made from the files alone can be compared with the
spec that produced them (items -> constructs, scales, the one reverse-worded item).  The
other tests build their files here (no network): roles named in English, French and
German or recognised by their content, stray answers, NPS end labels, brand loops,
reverse wording, short labels, CX and BX words; and the multi-platform fixture of
tests/data/multiplatform drafts a spec that validates after only the TODO edits.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import txscore as tx
from txscore.cli import main
from txscore.ingest import check
from txscore.ingest.draft import USES, draft_study
from txscore.ingest.draft_labels import construct_of, short_label
from txscore.ingest.draft_roles import file_roles
from txscore.ingest.table import RawTable

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "surveys" / "sample"
VALIDATION = Path(__file__).resolve().parent / "data" / "validation"
DATA = Path(__file__).resolve().parent / "data"
MULTI = DATA / "multiplatform"
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
         "Strongly agree"]
ACCORD = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
          "Plutôt d'accord", "Tout à fait d'accord"]


def _answers(n: int, items: int, seed: int = 1, reversed_: tuple[int, ...] = ()) -> np.ndarray:
    """Codes 1-5 of ``items`` correlated items (one latent score), some reverse-worded."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(0, 1, n)
    out = np.empty((n, items), dtype=int)
    for k in range(items):
        x = latent + rng.normal(0, 0.7, n)
        codes = np.digitize(x, [-1.2, -0.4, 0.4, 1.2]) + 1
        out[:, k] = 6 - codes if k in reversed_ else codes
    return out


def _labelled(codes: np.ndarray, labels: list[str] = AGREE) -> np.ndarray:
    return np.asarray(labels, dtype=object)[codes - 1]


def _draft(tmp_path: Path, *frames: tuple[str, pd.DataFrame], sep: str = ",",
           encoding: str = "utf-8"):
    """Write each frame as a csv in tmp_path and draft a spec from them."""
    paths = []
    for name, frame in frames:
        path = tmp_path / name
        path.write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))
        paths.append(path)
    out = tmp_path / "study.toml"
    draft = draft_study(paths, out)
    out.write_text(draft.text, encoding="utf-8")
    return draft, out


# ---------------------------------------------------------------- the sample study
@pytest.fixture(scope="module")
def sample_draft(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init")
    for f in SAMPLE.glob("*.xlsx"):
        shutil.copy(f, folder / f.name)
    out = folder / "study.toml"
    code = main(["init", *map(str, sorted(folder.glob("*.xlsx"))), "--out", str(out)])
    assert code == 0
    return out


def test_draft_of_the_sample_recovers_its_spec(sample_draft):
    draft = tx.read_study(sample_draft)
    truth = tx.read_study(SAMPLE / "study.toml")
    assert {c: i.construct for c, i in draft.items.items()} == {
        c: i.construct for c, i in truth.items.items()}
    assert [c for c, i in draft.items.items() if i.reversed] == ["ease_2"]
    for name in ("agree7", "likely7"):
        assert dict(draft.scales[name].labels) == dict(truth.scales[name].labels)
        assert dict(draft.scales[name].missing) == {99: "Don't know"}
    assert draft.scales["scale_0_10"].codes == tuple(range(11))
    assert dict(draft.scales["scale_0_10"].labels) == dict(truth.scales["nps11"].labels)
    roles = {c.name: (c.role, c.dimension) for c in draft.constructs.values()}
    assert roles == {c.name: (c.role, c.dimension) for c in truth.constructs.values()}
    cols = draft.columns
    assert (cols.respondent_id, cols.brand, cols.weight, cols.duration, cols.personal) == (
        "resp_id", "brand", "weight", "duration_sec", ("email",))
    assert cols.segments == ("region", "age_group")
    assert [(s.name, s.population, s.wave, s.sheet) for s in draft.sources] == [
        ("customers_w1.xlsx", "customer", "W1", "Responses"),
        ("customers_w2.xlsx", "customer", "W2", "Responses"),
        ("non_customers_w1.xlsx", "non_customer", "W1", "Responses"),
        ("non_customers_w2.xlsx", "non_customer", "W2", "Responses")]
    assert (draft.quality.speeders, draft.quality.speeder_median_share) == (True, 0.33)
    assert draft.index.nps_item == "recommend"


def test_draft_of_the_sample_validates_and_reconciles(sample_draft):
    checked = check(tx.read_study(sample_draft))
    assert checked.errors == []
    files = checked.responses.files
    assert files["reconciles"].all()
    assert files["rows_in"].sum() == 12439


def test_draft_marks_every_decision_with_a_todo(sample_draft):
    text = sample_draft.read_text(encoding="utf-8")
    assert text.count("# TODO:") >= 4
    assert "ease_2 = " in text and "reverse-worded?" in text
    # the header lists every TODO of the file, once, in lines of at most 88 characters
    header = text.split("\n[study]")[0].splitlines()
    assert all(len(line) <= 88 for line in header)
    listed = re.findall(r"^#   - (.*)$", text, flags=re.M)
    assert len(listed) == len(set(listed)) >= 4
    assert "the end labels shown are those of likelihood to recommend" in text


def test_init_refuses_to_overwrite_without_force(sample_draft, capsys):
    before = sample_draft.read_text(encoding="utf-8")
    sample_draft.write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(SAMPLE / "customers_w1.xlsx"), "--out", str(sample_draft)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert sample_draft.read_text(encoding="utf-8") == "# mine\n"
    assert main(["init", *map(str, sorted(sample_draft.parent.glob("*.xlsx"))), "--out",
                 str(sample_draft), "--force"]) == 0
    assert sample_draft.read_text(encoding="utf-8") == before  # deterministic


# ---------------------------------------------------------------- platform exports
def _init_then_validate(tmp_path, capsys, *files: Path) -> tuple[Path, int, str]:
    """Run ``txscore init FILES`` then ``txscore validate`` as a user would (in-process)."""
    for f in files:
        shutil.copy(f, tmp_path / f.name)
    out = tmp_path / "study.toml"
    assert main(["init", *[str(tmp_path / f.name) for f in files], "--out", str(out)]) == 0
    capsys.readouterr()
    code = main(["validate", str(out), "-q"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert code in (0, 1)
    if code == 1:  # actionable: each problem says how to fix it
        assert "Fix:" in captured.err
    return out, code, captured.err


def test_init_and_validate_as_commands(tmp_path):
    shutil.copy(DATA / "surveymonkey_export.csv", tmp_path / "sm.csv")
    proc = subprocess.run([sys.executable, "-m", "txscore.cli", "init", "sm.csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Wrote study.toml: 1 file, 5 items on 2 scales" in proc.stdout
    assert "Then run: txscore validate study.toml" in proc.stdout
    assert (tmp_path / "study.toml").is_file()


def test_surveymonkey_draft_finds_metadata_brand_and_scales(tmp_path, capsys):
    out, code, err = _init_then_validate(tmp_path, capsys, DATA / "surveymonkey_export.csv")
    text = out.read_text(encoding="utf-8")
    assert 'format = "surveymonkey"' in text
    assert 'respondent_id = "Respondent ID"' in text
    assert 'brand = "Which brand do you use most?"' in text
    assert ('personal = ["IP Address", "Email Address", "First Name", "Last Name"]'
            in text)
    assert 'missing = { 99 = "Don\'t know" }' in text
    # the grid rows are items keyed by construct, the export's column an alias, the row
    # the short label and the full question the text
    assert ('effectiveness = "How much do you agree with each statement about the brand '
            'you use most? [It meets my needs]"') in text
    assert ('effectiveness = { construct = "effectiveness", scale = "agree5", label = "It '
            'meets my needs", text = "How much do you agree') in text
    assert 'trust = { construct = "trust"' in text
    # trust alone is not the BX pillars: its role waits, so the draft validates
    assert '# role = "bx_pillar"' in text
    assert code == 0, err


def test_google_forms_draft_uses_the_timestamp_and_finds_the_attention_check(tmp_path, capsys):
    out, *_ = _init_then_validate(tmp_path, capsys, DATA / "google_forms_export.csv")
    text = out.read_text(encoding="utf-8")
    assert 'respondent_id = "Timestamp"' in text
    assert "# TODO: google_forms_export.csv: no id column: the submission time" in text
    assert ('attention_checks = [{ column = "To show you are reading, please select '
            '\\"Agree\\"", expected = ["Agree"] }]') in text


def test_spss_draft_takes_scales_from_value_labels_and_user_missing(tmp_path, capsys):
    out, *_ = _init_then_validate(tmp_path, capsys, VALIDATION / "spss" / "SAQ.sav")
    text = out.read_text(encoding="utf-8")
    assert ('labels = { 1 = "Strongly agree", 2 = "Agree", 3 = "Neither", 4 = "Disagree", '
            '5 = "Strongly disagree" }') in text
    assert 'missing = { 9 = "Not answered" }' in text
    assert 'Question_01 = {' in text and 'text = "Statistics makes me cry"' in text


@pytest.mark.parametrize("name", ["qualtrics_insights_matrix.csv", "qualtrics_legacy.csv",
                                  "qualtrics_modern_de.csv", "qualtrics_choice_text.csv"])
def test_qualtrics_drafts_never_crash_validate(tmp_path, capsys, name):
    out, *_ = _init_then_validate(tmp_path, capsys, VALIDATION / "qualtrics" / name)
    text = out.read_text(encoding="utf-8")
    assert 'format = "qualtrics' in text
    assert 'respondent_id = "Response' in text


# ---------------------------------------------------------------- every column, once
def test_every_column_is_accounted_for_in_the_summary(tmp_path):
    n = 60
    codes = _answers(n, 3)
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)], "brand": ["Acme", "Globex"] * (n // 2),
        "eff_1": _labelled(codes[:, 0]), "ease_1": _labelled(codes[:, 1]),
        "trust_1": _labelled(codes[:, 2]), "region": ["N", "S", "E"] * (n // 3),
        "comment": [f"free text answer number {i}" for i in range(n)],
        "empty": [None] * n, "constant": ["x"] * n, "email": ["a@b.com"] * n})
    draft, _ = _draft(tmp_path, ("customers_w1.csv", frame))
    uses = {u.column: u for u in draft.uses}
    assert set(uses) == set(frame.columns)  # every column, never dropped silently
    assert {u.use for u in uses.values()} <= set(USES)
    assert [uses[c].use for c in ("id", "brand", "eff_1", "region", "email")] == [
        "role", "role", "item", "segment", "personal"]
    assert uses["comment"].use == uses["empty"].use == uses["constant"].use == "ignored"
    assert uses["comment"].detail == "free text (60 distinct answers)"
    assert uses["empty"].detail == "no answers in the file"
    assert uses["constant"].answered == n
    lines = draft.summary_lines
    assert all(len(line) <= 80 for line in lines)
    table = " ".join(" ".join(lines).split())
    assert "Ignored, and why:" in table
    assert "free text (60 distinct answers) [60 answers]" in table
    assert "no answers in the file [0 answers]" in table
    assert "items read under their own name: eff_1, ease_1, trust_1" in table


def test_summary_wraps_long_column_names_within_80_columns():
    draft = draft_study([MULTI / "customers.xlsx"], MULTI / "draft.toml")
    lines = draft.summary_lines
    assert all(len(line) <= 80 for line in lines)
    # a grid's question once, then its rows; a long row wraps in its own column
    table = " ".join(" ".join(lines).split())
    assert table.count("How much do you agree with each of the following statements about "
                       "the brand you use most?") == 1
    start = next(k for k, line in enumerate(lines) if "item ease_2 " in line)
    assert [line[:36].rstrip() for line in lines[start:start + 2]] == [
        "    [Getting things done with it", "    takes little effort]"]
    assert "Collector ID survey platform metadata [330 answers]" in table


# ---------------------------------------------------------------- stray answers
def test_a_stray_answer_is_listed_and_proposed_as_a_synonym_not_a_segment(tmp_path):
    n = 425
    codes = _answers(n, 4, seed=3)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)],
                          "brand": ["Acme", "Globex", "Initech"] * 141 + ["Acme", "Acme"],
                          "region": ["North", "South"] * 212 + ["North"]})
    for k, name in enumerate(["eff_1", "ease_1", "emo_1", "trust_1"]):
        frame[name] = _labelled(codes[:, k])
    frame.loc[17, "ease_1"] = "Agree strongly"  # one stray answer among 425
    draft, out = _draft(tmp_path, ("customers.csv", frame))
    uses = {u.column: u.use for u in draft.uses}
    assert uses["ease_1"] == "item"
    spec = tomllib.loads(draft.text)
    assert spec["columns"]["segments"] == ["region"]
    assert spec["scales"]["agree5"]["labels"]["5"] == ["Strongly agree", "Agree strongly"]
    todo = next(t for t in draft.todos if "Agree strongly" in t)
    assert "(1 answer, in ease_1) is read as 5 'Strongly agree'" in todo
    assert f"# TODO: {todo}" in draft.text
    checked = check(tx.read_study(out))
    assert checked.errors == []
    assert checked.responses.data.loc[checked.responses.data["respondent_id"] == "r17",
                                      "ease_1"].tolist() == [5]


def test_a_stray_answer_with_no_close_label_is_a_todo_the_user_acts_on(tmp_path):
    n = 200
    codes = _answers(n, 3, seed=4)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "brand": ["Acme"] * n})
    for k, name in enumerate(["eff_1", "ease_1", "emo_1"]):
        frame[name] = _labelled(codes[:, k])
    frame.loc[[3, 9], "emo_1"] = "Maybe"
    frame.loc[5, "eff_1"] = "Don't know"
    draft, out = _draft(tmp_path, ("customers.csv", frame))
    todo = next(t for t in draft.todos if "Maybe" in t)
    assert todo == ("scale agree5: the answer 'Maybe' (2 answers, in emo_1) fits no label: "
                    "add it to the labels of the code it means, or to missing")
    assert {u.column: u.use for u in draft.uses}["emo_1"] == "item"
    errors = check(tx.read_study(out)).errors
    assert any("'Maybe' matches no label" in p.message for p in errors)
    # the edit the TODO asks for, and nothing else: the spec validates
    edited = draft.text.replace('missing = { 99 = "Don\'t know" }',
                                'missing = { 99 = ["Don\'t know", "Maybe"] }')
    assert edited != draft.text
    out.write_text(edited, encoding="utf-8")
    assert check(tx.read_study(out)).errors == []


# ---------------------------------------------------------------- NPS
@pytest.mark.parametrize(("low", "high"), [("0 - Not at all likely", "10 - Extremely likely"),
                                           ("0 = Pas du tout probable", "10 = Très probable")])
def test_nps_with_end_labels_is_an_item_and_the_nps_index(tmp_path, low, high):
    n = 120
    rng = np.random.default_rng(5)
    scores = rng.integers(0, 11, n)
    answers = np.where(scores == 0, low, np.where(scores == 10, high, scores.astype(str)))
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "brand": ["Acme"] * n,
                          "recommend": answers})
    draft, out = _draft(tmp_path, ("customers.csv", frame))
    spec = tomllib.loads(draft.text)
    scale = spec["scales"][spec["items"]["recommend"]["scale"]]
    assert (scale["min"], scale["max"], scale["points"]) == (0, 10, 11)
    assert low in scale["labels"]["0"] and high in scale["labels"]["10"]
    assert spec["index"]["nps_item"] == "recommend"
    study = tx.read_study(out)
    data = check(study).responses.data
    assert data["recommend"].tolist() == scores.tolist()  # every answer read as its code


# ---------------------------------------------------------------- roles
def _table(frame: pd.DataFrame) -> RawTable:
    return RawTable(frame.astype(object), "f.csv", None, 2, "csv")


@pytest.mark.parametrize(("name", "role"), [
    ("Respondent ID", "respondent_id"), ("Respondent", "respondent_id"),
    ("id_resp", "respondent_id"), ("ResponseId", "respondent_id"),
    ("Teilnehmer-ID", "respondent_id"), ("resp_id", "respondent_id"),
    ("poids", "weight"), ("Gewicht", "weight"), ("weight", "weight"), ("wt", "weight"),
    ("duree_sec", "duration"), ("Dauer", "duration"), ("Duration (in seconds)", "duration"),
    ("Finished", "finished"), ("Terminé", "finished"), ("Abgeschlossen", "finished"),
    ("Status", "status"), ("Statut", "status"),
])
def test_roles_by_name_in_english_french_and_german(name, role):
    n = 40
    content = {"respondent_id": [f"R{i:03d}" for i in range(n)],
               "weight": [f"{0.5 + (i % 7) / 5:.2f}".replace(".", ",") for i in range(n)],
               "duration": [str(120 + 7 * i) for i in range(n)],
               "finished": ["True", "False"] * (n // 2),
               "status": ["IP Address", "Survey Preview"] * (n // 2)}[role]
    frame = pd.DataFrame({"q1": [str(1 + i % 5) for i in range(n)], name: content})
    assert file_roles(_table(frame)).roles == {role: name}


@pytest.mark.parametrize(("start", "end"), [("StartDate", "EndDate"),
                                            ("date_debut", "date_fin"),
                                            ("Beginn", "Ende")])
def test_start_and_end_times_by_name(start, end):
    times = pd.date_range("2026-11-02 09:00", periods=30, freq="37min")
    frame = pd.DataFrame({start: times.strftime("%d/%m/%Y %H:%M"),
                          end: (times + pd.Timedelta(minutes=9)).strftime("%d/%m/%Y %H:%M")})
    assert file_roles(_table(frame)).roles == {"start": start, "end": end}


def test_roles_by_content_are_proposed_with_a_todo():
    n = 50
    times = pd.date_range("2026-11-02 09:00", periods=n, freq="17min")
    frame = pd.DataFrame({
        "v1": [f"K{7 * i:05d}" for i in range(n)],  # unique in every row: the id
        "q1": [str(1 + i % 5) for i in range(n)],
        "f": [f"{0.6 + (i % 9) / 10:.3f}" for i in range(n)],  # decimals around 1
        "t_a": times.strftime("%Y-%m-%d %H:%M:%S"),
        "t_b": (times + pd.Timedelta(seconds=400)).strftime("%Y-%m-%d %H:%M:%S")})
    found = file_roles(_table(frame))
    assert found.roles == {"respondent_id": "v1", "weight": "f", "start": "t_a",
                           "end": "t_b"}
    assert set(found.todo) == {"respondent_id", "weight"}
    # a name is not enough: a "weight" column of text is not the weight
    frame = pd.DataFrame({"weight": ["light", "heavy"] * 10, "id": [str(i) for i in range(20)]})
    assert file_roles(_table(frame)).roles == {"respondent_id": "id"}


def test_names_that_only_look_like_roles_are_not_roles():
    n = 30
    frame = pd.DataFrame({"resp_no": [f"R{i}" for i in range(n)],
                          "marital_status": ["married", "single", "widowed"] * 10,
                          "wt_1": [str(1 + i % 5) for i in range(n)],  # a rating, not a weight
                          "duration_of_contract": ["1 year", "2 years"] * 15})
    assert file_roles(_table(frame)).roles == {"respondent_id": "resp_no"}


def test_a_german_file_is_drafted_and_validates(tmp_path):
    n = 90
    labels = ["Stimme überhaupt nicht zu", "Stimme eher nicht zu", "Weder noch",
              "Stimme eher zu", "Stimme voll und ganz zu"]
    codes = _answers(n, 3, seed=11)
    frame = pd.DataFrame({"Teilnehmer-ID": [f"T{i}" for i in range(n)],
                          "Marke": ["Alpha", "Beta", "Gamma"] * (n // 3),
                          "Gewicht": [f"{0.8 + (i % 4) / 10:.1f}".replace(".", ",")
                                      for i in range(n)],
                          "Dauer": [str(250 + i) for i in range(n)],
                          "vertrauen_1": _labelled(codes[:, 0], labels),
                          "vertrauen_2": _labelled(codes[:, 1], labels),
                          "einfach_1": _labelled(codes[:, 2], labels)})
    frame.loc[4, "einfach_1"] = "Weiß nicht"
    draft, out = _draft(tmp_path, ("kunden_welle2.csv", frame), sep=";")
    spec = tomllib.loads(draft.text)
    assert spec["columns"] == {"respondent_id": "Teilnehmer-ID", "brand": "Marke",
                               "weight": "Gewicht", "duration": "Dauer"}
    assert spec["sources"][0]["wave"] == "W2"
    assert spec["scales"]["agree5"]["labels"]["5"] == "Stimme voll und ganz zu"
    assert spec["scales"]["agree5"]["missing"] == {"99": "Weiß nicht"}
    assert [spec["items"][k]["construct"] for k in ("vertrauen_1", "einfach_1")] == [
        "trust", "ease"]
    checked = check(tx.read_study(out))
    assert checked.errors == []
    assert checked.responses.data["einfach_1"].isna().sum() == 1  # "Weiß nicht": missing


def test_roles_per_source_and_item_aliases(tmp_path):
    n = 80
    a, b = _answers(n, 3, seed=6), _answers(n, 3, seed=7)
    first = pd.DataFrame({"Respondent": [f"a{i}" for i in range(n)], "brand": ["Acme"] * n,
                          "wt": [f"{0.5 + (i % 5) / 4:.2f}" for i in range(n)],
                          "Dauer": [str(200 + i) for i in range(n)],
                          "trust_1": _labelled(a[:, 0]), "trust_2": _labelled(a[:, 1]),
                          "fit_1": _labelled(a[:, 2])})
    second = pd.DataFrame({"Teilnehmer-ID": [f"b{i}" for i in range(n)],
                           "brand": ["Acme"] * n,
                           "Gewicht": [f"{0.7 + (i % 3) / 4:.2f}" for i in range(n)],
                           "Duration (in seconds)": [str(300 + i) for i in range(n)],
                           "confiance_1": _labelled(b[:, 0]),
                           "confiance_2": _labelled(b[:, 1]), "fit_1": _labelled(b[:, 2])})
    draft, out = _draft(tmp_path, ("customers_a.csv", first), ("customers_b.csv", second))
    spec = tomllib.loads(draft.text)
    assert [s.get("columns") for s in spec["sources"]] == [
        {"respondent_id": "Respondent", "weight": "wt", "duration": "Dauer"},
        {"respondent_id": "Teilnehmer-ID", "weight": "Gewicht",
         "duration": "Duration (in seconds)"}]
    assert spec["columns"]["brand"] == "brand"
    assert "items" not in spec["sources"][0]
    assert spec["sources"][1]["items"] == {"trust_1": "confiance_1", "trust_2": "confiance_2"}
    assert any("matched with the questions of another file" in t for t in draft.todos)
    study = tx.read_study(out)
    assert [study.columns_for(s).weight for s in study.sources] == ["wt", "Gewicht"]
    checked = check(study)
    assert checked.errors == []
    data = checked.responses.data.set_index("respondent_id")
    assert data.loc["b3", "trust_2"] == b[3, 1] and data.loc["a3", "trust_2"] == a[3, 1]


# ---------------------------------------------------------------- brand loops
def test_a_brand_loop_of_one_stem_and_the_brand_column_it_names(tmp_path):
    n = 40
    codes = _answers(n, 3, seed=8)
    brands = ["Alpha", "Bêta", "Gamma"]
    loop = pd.DataFrame({"id_resp": [f"FR{i}" for i in range(n)],
                         **{f"confiance_{b}": _labelled(codes[:, k], ACCORD)
                            for k, b in enumerate(brands)}})
    customers = pd.DataFrame({"Respondent": [f"C{i}" for i in range(n)],
                              "Q1": [brands[i % 3] for i in range(n)],
                              "trust": _labelled(codes[:, 0])})
    draft, out = _draft(tmp_path, ("clients.csv", customers), ("non_clients.csv", loop),
                        sep=";", encoding="cp1252")
    spec = tomllib.loads(draft.text)
    _, panel = spec["sources"]
    assert (panel["brand_pattern"], panel["brands"]) == ("{item}_{brand}", brands)
    assert panel["items"] == {"trust": "confiance"}
    assert spec["columns"]["brand"] == "Q1"  # its answers are the loop's brands
    assert "Q1 role: brand (by content)" in " ".join(" ".join(draft.summary_lines).split())
    assert spec["scales"]["agree5"]["labels"]["5"] == {"en": "Strongly agree",
                                                       "fr": "Tout à fait d'accord"}
    responses = check(tx.read_study(out)).responses
    assert responses.files["rows_in"].tolist() == [n, 3 * n]


def test_french_file_and_brand_loop_are_recognised(tmp_path):
    rows = []
    for r in range(30):
        row = {"id": f"r{r}", "poids": f"{0.5 + (r % 3) / 2:.1f}".replace(".", ",")}
        for brand in ("Acme", "Globex"):
            for item in ("confiance_1", "confiance_2", "facile_1"):
                row[f"{item}_{brand}"] = ACCORD[(r + len(item) + len(brand)) % 5]
        rows.append(row)
    path = tmp_path / "clients_vague1.csv"
    path.write_bytes(pd.DataFrame(rows).to_csv(index=False, sep=";").encode("cp1252"))
    draft = draft_study([path], tmp_path / "study.toml")
    assert 'language = "fr"' in draft.text
    assert '[scales.agree5]' in draft.text and 'weight = "poids"' in draft.text
    assert 'brand_pattern = "{item}_{brand}"' in draft.text
    assert 'brands = ["Acme", "Globex"]' in draft.text
    assert 'wave = "W1"' in draft.text and 'population = "customer"' in draft.text
    assert 'confiance_1 = { construct = "trust"' in draft.text
    assert 'facile_1 = { construct = "ease"' in draft.text
    # two of the six CX / BX dimensions: the roles wait (commented) and the draft
    # validates as plain scores
    assert '# role = "bx_pillar"' in draft.text and '# role = "cx_quality"' in draft.text
    (tmp_path / "study.toml").write_text(draft.text, encoding="utf-8")
    study = tx.read_study(tmp_path / "study.toml")
    assert study.constructs["trust"].role is None
    responses = check(study).responses
    assert responses.files["rows_in"].tolist() == [60]  # 30 rows x 2 brands
    assert set(responses.data["brand"]) == {"Acme", "Globex"}


# ---------------------------------------------------------------- reverse wording
def _reversal(tmp_path: Path, n: int, reversed_: tuple[int, ...], seed: int = 9):
    codes = _answers(n, 6, seed=seed, reversed_=reversed_)
    names = ["eff_1", "eff_2", "ease_1", "ease_2", "emo_1", "emo_2"]
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "brand": ["Acme"] * n,
                          **{c: _labelled(codes[:, k]) for k, c in enumerate(names)}})
    draft, _ = _draft(tmp_path, ("customers.csv", frame))
    spec = tomllib.loads(draft.text)
    return codes, names, draft, [k for k, v in spec["items"].items() if v.get("reversed")]


def test_a_reverse_worded_item_is_proposed_with_its_evidence(tmp_path):
    codes, names, draft, marked = _reversal(tmp_path, 200, (3,))
    assert marked == ["ease_2"]
    # the evidence: the item's correlation with the mean of the other five, on the
    # complete answers (independent arithmetic with numpy)
    rest = np.delete(codes, 3, axis=1).mean(axis=1)
    r = np.corrcoef(codes[:, 3], rest)[0, 1]
    assert f"(r = {r:.2f}, 200 complete answers in customers.csv): reverse-worded?" in (
        draft.text)
    assert any(t.startswith(f"item ease_2: marked reversed (r = {r:.2f}") for t in draft.todos)


def test_reversal_needs_30_complete_answers(tmp_path):
    *_, marked = _reversal(tmp_path, 7, (0, 1, 2, 4, 5))  # 5 of 6 run against, 7 answers
    assert marked == []


def test_reversal_is_never_proposed_for_a_majority(tmp_path):
    # half the battery runs each way: every item runs against the rest, none is proposed
    *_, marked = _reversal(tmp_path, 300, (0, 2, 4))
    assert marked == []
    # both ease items run against the rest: all of a construct, not proposed
    *_, marked = _reversal(tmp_path, 300, (2, 3))
    assert marked == []
    # four of six "reversed": the two others are the minority that runs against the rest
    *_, marked = _reversal(tmp_path, 300, (0, 1, 2, 4))
    assert marked == ["ease_2", "emo_2"]


# ---------------------------------------------------------------- labels and constructs
@pytest.mark.parametrize(("column", "text", "label"), [
    ("Q5_1", "How much do you agree with the following statement: [Field-Brand] meets my "
             "needs", "Meets my needs"),
    ("Q5_2", "To what extent do you agree or disagree with each of the following? - "
             "${e://Field/Brand} is easy to deal with", "Is easy to deal with"),
    ("Q5_3", "Please rate {{brand}}: I trust {{brand}}", "I trust"),
    ("Q5_4", "How much do you agree with these statements? - [Brand] is honest",
     "Is honest"),
    ("q1", "Dans quelle mesure êtes-vous d'accord avec les affirmations suivantes : "
           "[Marque] répond à mes besoins", "Répond à mes besoins"),
    ("q2", "Inwieweit stimmen Sie den folgenden Aussagen zu? - [Marke] ist ehrlich",
     "Ist ehrlich"),
    ("Q [It is for people like me]", "Q", "It is for people like me"),
])
def test_short_labels_drop_piping_and_the_common_stem(column, text, label):
    assert short_label(column, text) == label


def test_drafted_items_keep_the_full_text_and_a_distinct_short_label(tmp_path):
    draft = draft_study([MULTI / "customers.xlsx"], MULTI / "draft.toml")
    spec = tomllib.loads(draft.text)
    labels = [i["label"] for i in spec["items"].values() if "label" in i]
    assert len(labels) == len(set(labels)) == 17  # five identical cut-off labels no more
    item = spec["items"]["trust_1"]
    assert item["label"] == "I trust it"
    assert item["text"] == ("And how much do you agree with these statements about that "
                            "brand? [I trust it]")


def test_qualtrics_matrix_items_get_short_distinct_labels(tmp_path):
    stem = "How much do you agree with the following statements about [Field-Brand]? - "
    rows = ["I trust [Field-Brand]", "[Field-Brand] is honest",
            "[Field-Brand] comes to mind first", "[Field-Brand] is for people like me",
            "[Field-Brand] meets the needs of people like me"]
    tags = ["StartDate", "EndDate", "Status", "Duration (in seconds)", "Finished",
            "ResponseId", "Brand"] + [f"Q1_{k}" for k in range(1, 6)]
    texts = ["Start Date", "End Date", "Response Type", "Duration (in seconds)", "Finished",
             "Response ID", "Brand"] + [stem + r for r in rows]
    imports = [f'{{"ImportId":"{t}"}}' for t in tags]
    n = 60
    codes = _answers(n, 5, seed=12)
    lines = [tags, texts, imports]
    for i in range(n):
        lines.append([f"2026-11-0{1 + i % 9} 10:00:00", f"2026-11-0{1 + i % 9} 10:07:00",
                      "IP Address", str(420 + i), "1", f"R_{i:05d}x", ["Alpha", "Beta"][i % 2],
                      *(str(c) for c in codes[i])])
    frame = pd.DataFrame(lines[1:], columns=lines[0])
    draft, out = _draft(tmp_path, ("tracker_2026q4.csv", frame))
    spec = tomllib.loads(draft.text)
    assert spec["columns"].items() >= {"respondent_id": "ResponseId", "brand": "Brand",
                                       "duration": "Duration (in seconds)",
                                       "finished": "Finished", "status": "Status"}.items()
    items = spec["items"]
    assert [items[f"Q1_{k}"]["label"] for k in range(1, 6)] == [
        "I trust", "Is honest", "Comes to mind first", "Is for people like me",
        "Meets the needs of people like me"]
    assert items["Q1_2"]["text"] == stem + rows[1]  # the full text, piping included
    assert [items[f"Q1_{k}"]["construct"] for k in range(1, 6)] == [
        "trust", "trust", "salience", "fit", "fit"]
    assert spec["sources"][0]["wave"] == "2026 Q4"
    assert check(tx.read_study(out)).errors == []


@pytest.mark.parametrize(("text", "construct"), [
    ("[Brand] meets my needs", "effectiveness"), ("[Marque] répond à mes besoins",
                                                   "effectiveness"),
    ("[Brand] is easy to deal with", "ease"), ("C'est facile de traiter avec [Marque]", "ease"),
    ("[Brand] makes me feel valued", "emotion"), ("Je me sens valorisé par [Marque]",
                                                  "emotion"),
    ("How likely are you to stay with [Brand]?", "retention"),
    ("Quelle est la probabilité que vous restiez chez [Marque] ?", "retention"),
    ("How likely are you to buy more from [Brand]?", "enrichment"),
    ("How likely are you to recommend [Brand]?", "advocacy"),
    ("Recommanderiez-vous [Marque] ?", "advocacy"),
    ("[Brand] comes to mind first", "salience"), ("[Marque] me vient à l'esprit en premier",
                                                  "salience"),
    ("[Brand] is for people like me", "fit"), ("[Marque] est pour des gens comme moi", "fit"),
    ("I trust [Brand]", "trust"), ("J'ai confiance en [Marque]", "trust"),
    ("[Marque] est honnête", "trust"),
    ("I would consider [Brand] next time", "preference"),
    ("J'envisagerais [Marque] la prochaine fois", "preference"),
])
def test_constructs_from_question_words_in_english_and_french(text, construct):
    assert construct_of("q1", text) == construct


def test_a_bx_item_is_never_mapped_to_a_cx_construct():
    assert construct_of("q1", "I trust [Brand] to make things easy for me") == "trust"
    assert construct_of("q1", "J'ai confiance : [Marque] rend les choses faciles") == "trust"
    assert construct_of("q1", "[Brand] meets the needs of people like me") == "fit"
    # asked of non-customers: never a CX or loyalty construct
    assert construct_of("q1", "[Brand] is easy to deal with", non_customer=True) is None
    assert construct_of("besoins", "", non_customer=True) == "fit"
    assert construct_of("q1", "Would you recommend [Brand]?", non_customer=True) is None


# ---------------------------------------------------------------- the fixture study
def test_multiplatform_fixture_drafts_a_spec_that_validates_after_the_todo_edits(tmp_path):
    for f in ("customers.xlsx", "non_customers.csv"):
        shutil.copy(MULTI / f, tmp_path / f)
    out = tmp_path / "study.toml"
    draft = draft_study([tmp_path / "customers.xlsx", tmp_path / "non_customers.csv"], out)
    text = draft.text
    # the decisions listed as TODO, and only those: the study's name and the wave
    assert sum("wave not in the file name" in t for t in draft.todos) == 2
    text = text.replace('name = "', 'name = "Multi-platform ', 1)
    text = text.replace('wave = "W1"', 'wave = "2026 Q4"')
    out.write_text(text, encoding="utf-8")
    study = tx.read_study(out)
    checked = check(study)
    assert checked.errors == []
    assert checked.responses.files["reconciles"].all()
    # the draft reads the files as the fixture's own spec does: the same roles per file,
    # the same questions per construct, paired across the files in the same way
    truth = tx.read_study(MULTI / "study.toml")
    for mine, theirs in zip(study.sources, truth.sources, strict=True):
        ours, ref = study.columns_for(mine), truth.columns_for(theirs)
        assert (ours.respondent_id, ours.weight, ours.duration, ours.start, ours.end) == (
            ref.respondent_id, ref.weight, ref.duration, ref.start, ref.end)
        assert mine.brand_pattern == theirs.brand_pattern
    assert study.columns.brand == "Which of these brands do you use most often?"

    def columns(s: tx.Study) -> set[tuple[str, tuple[str, ...]]]:
        """(construct, the item's column in each file asked it) of every item."""
        return {(i.construct, tuple(
            src.items.get(k, k) if src.population in s.constructs[i.construct].populations
            else "" for src in s.sources)) for k, i in s.items.items()}

    assert columns(study) == columns(truth)
    assert study.index.nps_item is not None
    scale = study.scales[study.items[study.index.nps_item].scale]
    assert (scale.min, scale.max) == (0, 10)
    assert {c.name: c.role for c in study.constructs.values()} == {
        c.name: c.role for c in truth.constructs.values()}
