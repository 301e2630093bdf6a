"""``txscore init``: a drafted spec recovers what the files say, and validate never crashes.

The sample study is the worked example: its data files were generated from
surveys/sample/study.toml, so a draft made from the files alone can be compared with the
spec that produced them (items -> constructs, scales, the one reverse-worded item).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import txscore as tx
from txscore.cli import main
from txscore.ingest import check
from txscore.ingest.draft import draft_study

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "surveys" / "sample"
VALIDATION = Path(__file__).resolve().parent / "data" / "validation"
DATA = Path(__file__).resolve().parent / "data"


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
        c: (i.construct if c != "recommend" else "recommend") for c, i in truth.items.items()}
    assert [c for c, i in draft.items.items() if i.reversed] == ["ease_2"]
    for name in ("agree7", "likely7"):
        assert dict(draft.scales[name].labels) == dict(truth.scales[name].labels)
        assert dict(draft.scales[name].missing) == {99: "Don't know"}
    assert draft.scales["scale_0_10"].codes == tuple(range(11))
    roles = {c.name: (c.role, c.dimension) for c in draft.constructs.values()}
    assert roles == {c.name: (c.role, c.dimension) for c in truth.constructs.values()}
    cols = draft.columns
    assert (cols.respondent_id, cols.brand, cols.weight, cols.personal) == (
        "resp_id", "brand", "weight", ("email",))
    assert cols.segments == ("region", "age_group")
    assert [(s.name, s.population, s.wave, s.sheet) for s in draft.sources] == [
        ("customers_w1.xlsx", "customer", "W1", "Responses"),
        ("customers_w2.xlsx", "customer", "W2", "Responses"),
        ("non_customers_w1.xlsx", "non_customer", "W1", "Responses"),
        ("non_customers_w2.xlsx", "non_customer", "W2", "Responses")]
    assert (draft.quality.speeders, draft.quality.speeder_column,
            draft.quality.speeder_median_share) == (True, "duration_sec", 0.33)


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
    assert 'labels = { 0 = "TODO: label of the lowest code"' in text


def test_init_refuses_to_overwrite_without_force(sample_draft, capsys):
    before = sample_draft.read_text(encoding="utf-8")
    sample_draft.write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(SAMPLE / "customers_w1.xlsx"), "--out", str(sample_draft)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert sample_draft.read_text(encoding="utf-8") == "# mine\n"
    assert main(["init", *map(str, sorted(sample_draft.parent.glob("*.xlsx"))), "--out",
                 str(sample_draft), "--force"]) == 0
    assert sample_draft.read_text(encoding="utf-8") == before  # deterministic


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
    study_text = out.read_text(encoding="utf-8")
    assert 'format = "surveymonkey"' in study_text
    assert 'respondent_id = "Respondent ID"' in study_text
    assert 'brand = "Which brand do you use most?"' in study_text
    assert 'personal = ["IP Address", "Email Address", "First Name", "Last Name"]' in study_text
    assert 'missing = { 99 = "Don\'t know" }' in study_text
    # four CX/BX statements recognised from their text; validate names what is missing
    assert '[It meets my needs]" = { construct = "effectiveness"' in study_text
    assert '[I trust it]" = { construct = "trust"' in study_text
    assert code == 1 and "missing: fit, salience" in err


def test_google_forms_draft_uses_the_timestamp_and_finds_the_attention_check(tmp_path, capsys):
    out, *_ = _init_then_validate(tmp_path, capsys, DATA / "google_forms_export.csv")
    text = out.read_text(encoding="utf-8")
    assert 'respondent_id = "Timestamp"  # TODO' in text
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


def test_french_file_and_brand_loop_are_recognised(tmp_path):
    labels = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
              "Plutôt d'accord", "Tout à fait d'accord"]
    rows = []
    for r in range(30):
        row = {"id": f"r{r}", "poids": f"{0.5 + (r % 3) / 2:.1f}".replace(".", ",")}
        for brand in ("Acme", "Globex"):
            for item in ("confiance_1", "confiance_2", "facile_1"):
                row[f"{item}_{brand}"] = labels[(r + len(item) + len(brand)) % 5]
        rows.append(row)
    path = tmp_path / "clients_vague1.csv"
    path.write_bytes(pd.DataFrame(rows).to_csv(index=False, sep=";").encode("cp1252"))
    draft = draft_study([path], tmp_path / "study.toml")
    assert 'language = "fr"' in draft.text
    assert '[scales.agree5_fr]' in draft.text and 'weight = "poids"' in draft.text
    assert 'brand_pattern = "{item}_{brand}"' in draft.text
    assert 'brands = ["Acme", "Globex"]' in draft.text
    assert 'wave = "W1"' in draft.text and 'population = "customer"' in draft.text
    assert 'confiance_1 = { construct = "trust"' in draft.text
    assert 'facile_1 = { construct = "ease"' in draft.text
    # three of the nine CX / BX dimensions: validate asks for the rest; a user who only
    # wants plain scores removes the roles
    (tmp_path / "study.toml").write_text(draft.text, encoding="utf-8")
    with pytest.raises(tx.StudySpecError, match="missing: effectiveness, emotion"):
        tx.read_study(tmp_path / "study.toml")
    plain = "\n".join(line for line in draft.text.splitlines()
                      if not line.startswith(("role =", "dimension =")))
    (tmp_path / "study.toml").write_text(plain, encoding="utf-8")
    study = tx.read_study(tmp_path / "study.toml")
    responses = check(study).responses
    assert responses.files["rows_in"].tolist() == [60]  # 30 rows x 2 brands
    assert set(responses.data["brand"]) == {"Acme", "Globex"}
