"""The study spec: the sample spec loads as written; bad specs list every problem at once.

Each bad spec below is the valid tiny spec of conftest.base_spec with one mistake, so the
error must hold exactly one Problem, located as "study.toml [table]" with a fix.
"""

from __future__ import annotations

import os
from dataclasses import FrozenInstanceError, replace
from pathlib import Path
from typing import get_args

import pytest
from conftest import base_spec, merge, to_toml, write_spec

import txscore as tx
import txscore.study as txstudy
from txscore.errors import ParameterError, check_confidence
from txscore.study import validate_study

SAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "sample"


# ---------------------------------------------------------------------- the sample spec
def test_sample_spec_loads_with_the_fields_it_states():
    study = tx.read_study(SAMPLE / "study.toml")
    assert study.name == "Sample TX Study"
    assert study.spec_path == (SAMPLE / "study.toml").resolve()

    assert [(s.name, s.population, s.wave, s.sheet) for s in study.sources] == [
        ("customers_w1.xlsx", "customer", "2026 Q1", "Responses"),
        ("customers_w2.xlsx", "customer", "2026 Q2", "Responses"),
        ("non_customers_w1.xlsx", "non_customer", "2026 Q1", "Responses"),
        ("non_customers_w2.xlsx", "non_customer", "2026 Q2", "Responses"),
    ]
    # source paths are relative to the study file's folder
    assert all(s.path.parent == SAMPLE.resolve() and s.path.is_file() for s in study.sources)
    assert study.waves == ["2026 Q1", "2026 Q2"]

    cols = study.columns
    assert (cols.respondent_id, cols.brand, cols.weight) == ("resp_id", "brand", "weight")
    assert cols.segments == ("region", "age_group")
    assert cols.personal == ("email",)

    agree = study.scales["agree7"]
    assert (agree.points, agree.min, agree.max) == (7, 1, 7)
    assert agree.labels[1] == "Strongly disagree" and agree.labels[7] == "Strongly agree"
    assert dict(agree.missing) == {99: "Don't know"}
    assert (agree.top_box, agree.bottom_box) == ((6, 7), (1, 2, 3))
    assert agree.codes == (1, 2, 3, 4, 5, 6, 7)
    assert set(study.scales) == {"agree7", "likely7", "nps11"}

    assert [c.name for c in study.constructs_with_role("cx_quality")] == [
        "effectiveness", "ease", "emotion"]
    assert [c.name for c in study.constructs_with_role("loyalty")] == [
        "retention", "enrichment", "advocacy"]
    assert [c.name for c in study.constructs_with_role("bx_pillar")] == [
        "salience", "fit", "trust"]
    assert [c.name for c in study.constructs_with_role("preference")] == ["preference"]
    # CX and loyalty are asked of customers only; pillars and preference of both
    assert study.constructs["ease"].populations == ("customer",)
    assert study.constructs["retention"].populations == ("customer",)
    assert study.constructs["trust"].populations == ("customer", "non_customer")
    assert study.constructs["preference"].title == "Purchase preference"

    assert len(study.items) == 21
    assert study.items["recommend"].scale == "nps11" and study.index.nps_item == "recommend"
    assert study.items_of("trust") == ["trust_1", "trust_2", "trust_3"]
    assert [c for c, i in study.items.items() if i.reversed] == ["ease_2"]
    assert study.items["ret_1"].scale == "likely7"
    assert study.items_for("non_customer") == [
        "sal_1", "sal_2", "fit_1", "fit_2", "trust_1", "trust_2", "trust_3",
        "pref_consider", "pref_prefer", "pref_intent", "pref_premium"]
    assert len(study.items_for("customer")) == 21

    ix, rep = study.index, study.report
    assert (ix.cx_method, ix.bx_method, ix.lam, ix.share_non_customer,
            ix.min_customers_for_weights) == ("loyalty_weighted", "equal", 0.5, 0.5, 200)
    assert (rep.confidence, rep.bootstrap, rep.seed) == (0.95, 2000, 20261124)
    assert (rep.suppress_below, rep.low_base_below, rep.caution_below, rep.peer_min_base) == (
        30, 50, 100, 100)
    assert rep.language == "en" and rep.multiple_testing == "none"
    assert study.has_cx and study.has_bx


def test_with_settings_changes_index_and_report_settings_only():
    study = tx.read_study(SAMPLE / "study.toml")
    changed = study.with_settings(cx_method="equal", lam=0.3, bootstrap=0)
    assert (changed.index.cx_method, changed.index.lam, changed.report.bootstrap) == (
        "equal", 0.3, 0)
    assert study.index.cx_method == "loyalty_weighted"  # the original is untouched
    with pytest.raises(tx.StudySpecError, match="lambda"):
        study.with_settings(**{"lambda": 0.3})


# ---------------------------------------------------------------------- bad specs
def spec_with(**overrides) -> dict:
    """The tiny valid spec (one customer source) with some changes."""
    spec = base_spec()
    spec["sources"] = [{"path": "customers.csv", "population": "customer", "wave": "W1"}]
    return merge(spec, overrides)


def problems_of(tmp_path: Path, spec: dict) -> list[tx.errors.Problem]:
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(write_spec(tmp_path, spec))
    return err.value.problems


def test_the_tiny_spec_itself_is_valid(tmp_path):
    study = tx.read_study(write_spec(tmp_path, spec_with()))
    assert validate_study(study) == []


BAD_SPECS = {
    # an item naming a scale that does not exist
    "unknown scale": (
        {"items": {"eff_1": {"scale": "agre5"}}},
        "[items.eff_1]", "unknown scale 'agre5'.", "did you mean 'agree5'?"),
    # a second ease item with a typo in its construct
    "unknown construct": (
        {"items": {"ease_2": {"construct": "eas", "scale": "agree5"}}},
        "[items.ease_2]", "unknown construct 'eas'.", "did you mean 'ease'?"),
    # a label for code 6 on a 1..5 scale
    "label outside the scale": (
        {"scales": {"agree5": {"labels": {6: "Totally agree"}}}},
        "[scales.agree5.labels]", "code 6 is outside the scale 1..5.", "missing"),
    # top box 4-6 on a 1..5 scale
    "top_box outside the scale": (
        {"scales": {"agree5": {"top_box": [4, 5, 6]}}},
        "[scales.agree5]", "top_box has codes outside 1..5: [6].", "between 1 and 5"),
    # a misspelt key
    "unknown key": (
        {"report": {"bootstrp": 100}},
        "[report]", "unknown key 'bootstrp'.", "did you mean 'bootstrap'?"),
    # a method that does not exist
    "invalid cx_method": (
        {"index": {"cx_method": "loyalty"}},
        "[index]", "The 'cx_method' setting of [index] must be one of 'loyalty_weighted', "
        "'equal', 'classic_net'. Got 'loyalty'.", 'cx_method = "loyalty_weighted"'),
    # no respondent id column
    "missing respondent_id": (
        {"columns": {"respondent_id": None}},
        "[columns]", "'respondent_id' is required.", "add respondent_id = ... to [columns]."),
}


@pytest.mark.parametrize("case", list(BAD_SPECS))
def test_one_mistake_gives_one_located_problem(tmp_path, case):
    overrides, where, message, fix = BAD_SPECS[case]
    [problem] = problems_of(tmp_path, spec_with(**overrides))
    assert problem.where == f"study.toml {where}"
    assert problem.message == message
    assert fix in problem.fix
    assert problem.severity == "error"


def test_every_problem_is_reported_at_once(tmp_path):
    overrides: dict = {}
    for case_overrides, *_ in BAD_SPECS.values():
        overrides = merge(overrides, case_overrides)
    spec = merge(spec_with(), overrides)
    # "respondent_id": None has to delete from the spec, not from the overrides
    spec["columns"].pop("respondent_id", None)
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(write_spec(tmp_path, spec))
    found = [(p.where, p.message) for p in err.value.problems]
    expected = [(f"study.toml {where}", message) for _, where, message, _ in BAD_SPECS.values()]
    assert sorted(found) == sorted(expected)
    assert str(err.value).startswith(f"study.toml: {len(expected)} problems in the study spec")


def test_toml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "study.toml"
    # line 5 has an unquoted string
    path.write_text('[study]\nname = "Tiny"\n\n[index]\ncx_method = equal\n', encoding="utf-8")
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(path)
    [problem] = err.value.problems
    assert problem.where == "study.toml"
    assert "line 5" in problem.message
    assert "TOML" in str(err.value)


def test_missing_study_file(tmp_path):
    path = tmp_path / "no_such_study.toml"
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(path)
    [problem] = err.value.problems
    assert problem.message == "file not found."
    assert problem.where == str(path)
    assert "no_such_study.toml" in str(err.value)


def test_an_invalid_scale_is_one_problem_not_one_per_item(tmp_path):
    # max = 7 on a 5-point scale: the only mistake
    problems = problems_of(tmp_path, spec_with(scales={"agree5": {"max": 7}}))
    assert [(p.where, p.message) for p in problems] == [
        ("study.toml [scales.agree5]", "min 1 to max 7 gives 7 codes, not points = 5.")]


def test_validate_study_checks_a_spec_built_in_python(tmp_path):
    study = tx.read_study(write_spec(tmp_path, spec_with()))
    bad = replace(study, index=replace(study.index, lam=1.5),
                  report=replace(study.report, bootstrap=-1))
    problems = validate_study(bad, "my spec")
    assert [(p.where, p.message) for p in problems] == [
        ("my spec [index]", "The 'lambda' setting of [index] must be a number at least 0 and "
         "at most 1. Got 1.5."),
        ("my spec [report]", "The 'bootstrap' setting of [report] must be 0 (no resampling) or "
         "a whole number from 10 to 100000. Got -1."),
    ]
    assert "number of resamples" in problems[1].fix


BAD_SETTINGS_IN_PYTHON = {
    # every method name is checked against its Literal type, every number against its range
    "cx method": ({"index": {"cx_method": "loyalty"}}, "index",
                  "The 'cx_method' setting of [index] must be one of 'loyalty_weighted', "
                  "'equal', 'classic_net'. Got 'loyalty'."),
    "bx method": ({"index": {"bx_method": "pref"}}, "index",
                  "The 'bx_method' setting of [index] must be one of 'equal', "
                  "'preference_weighted'. Got 'pref'."),
    "share": ({"index": {"share_non_customer": -0.1}}, "index",
              "The 'share_non_customer' setting of [index] must be a number at least 0 and at "
              "most 1. Got -0.1."),
    "confidence 1": ({"report": {"confidence": 1.0}}, "report",
                     "The 'confidence' setting of [report] must be a number greater than 0.5 "
                     "and less than 1. Got 1.0."),
    "confidence in percent": ({"report": {"confidence": 95}}, "report",
                              "The 'confidence' setting of [report] must be a number greater "
                              "than 0.5 and less than 1. Got 95."),
    "language": ({"report": {"language": "de"}}, "report",
                 "The 'language' setting of [report] must be one of 'en', 'fr'. Got 'de'."),
    "multiple testing": ({"report": {"multiple_testing": "bonferroni"}}, "report",
                         "The 'multiple_testing' setting of [report] must be one of 'none', "
                         "'bh'. Got 'bonferroni'."),
    "bootstrap as float": ({"report": {"bootstrap": 200.5}}, "report",
                           "The 'bootstrap' setting of [report] must be 0 (no resampling) or "
                           "a whole number from 10 to 100000. Got 200.5."),
    "negative threshold": ({"report": {"suppress_below": -1}}, "report",
                           "The 'suppress_below' setting of [report] must be a number at least "
                           "1. Got -1."),
}


@pytest.mark.parametrize("case", list(BAD_SETTINGS_IN_PYTHON))
def test_a_bad_setting_built_in_python_gives_one_templated_problem(tmp_path, case):
    changes, table, message = BAD_SETTINGS_IN_PYTHON[case]
    study = tx.read_study(write_spec(tmp_path, spec_with()))
    for part, values in changes.items():
        study = replace(study, **{part: replace(getattr(study, part), **values)})
    [problem] = validate_study(study, "my spec")
    assert (problem.where, problem.message) == (f"my spec [{table}]", message)
    assert problem.fix


@pytest.mark.parametrize("confidence", [0.5, 0.5000001, 0.95, 0.999, 1.0, 0.3, True])
def test_the_confidence_of_a_spec_is_checked_like_every_confidence(tmp_path, confidence):
    # one range for every confidence level: the spec's and txscore.errors.check_confidence's
    study = tx.read_study(write_spec(tmp_path, spec_with()))
    study = replace(study, report=replace(study.report, confidence=confidence))
    spec_ok = not validate_study(study)
    try:
        check_confidence(confidence)
        argument_ok = True
    except ParameterError:
        argument_ok = False
    assert spec_ok == argument_ok


def test_method_names_are_literal_types():
    assert txstudy.CX_METHODS == get_args(txstudy.CxMethod) == (
        "loyalty_weighted", "equal", "classic_net")
    assert txstudy.BX_METHODS == get_args(txstudy.BxMethod)
    assert txstudy.WEIGHTING_METHODS == get_args(txstudy.WeightingMethod) == (
        "column", "rake", "none")
    assert get_args(txstudy.Population) == txstudy.POPULATIONS
    assert get_args(txstudy.TargetScope) == (*txstudy.POPULATIONS, "all")


def test_weighting_is_a_typed_frozen_setting(tmp_path):
    spec = spec_with(columns={"segments": ["region"]}, weighting={
        "targets": {"all": {"region": {"North": 0.5, "South": 0.5}}}})
    study = tx.read_study(write_spec(tmp_path, spec))
    assert isinstance(study.weighting, txstudy.WeightingSettings)
    assert (study.weighting.method, study.weighting.cap) == ("rake", 5.0)
    with pytest.raises(FrozenInstanceError):
        study.weighting.cap = 3  # type: ignore[misc]
    assert tx.read_study(write_spec(tmp_path, spec_with())).weighting is None


# ---------------------------------------------------------------------- sources and quality
def test_source_layout_settings_and_brand_loops_parse(tmp_path):
    for name in ("w1_a.csv", "w1_b.csv", "other.csv", "other2.csv"):
        (tmp_path / name).write_text("id\n")
    spec = spec_with(sources=[
        {"path": "w1_*.csv", "population": "customer", "wave": "W1", "format": "qualtrics",
         "header_row": 3, "encoding": "cp1252", "delimiter": ";"},
        {"path": "other.csv", "population": "non_customer", "wave": "W1",
         "brand_pattern": "{item}_{brand}", "brands": {"b1": "Acme", "b2": "Globex"}},
        {"path": "other2.csv", "population": "non_customer", "wave": "W2",
         "brand_pattern": "{brand}: {item}", "brands": ["Acme"]}])
    spec["columns"].pop("brand")  # every source fixes its brands or loops over them
    spec["sources"][0]["brand"] = "Acme"
    study = tx.read_study(write_spec(tmp_path, spec))
    a, b, loop, loop2 = study.sources
    assert (a.name, b.name) == ("w1_a.csv", "w1_b.csv")  # the wildcard, in name order
    assert (a.format, a.header_row, a.encoding, a.delimiter, a.brand) == (
        "qualtrics", 3, "cp1252", ";", "Acme")
    assert (loop.brand_pattern, dict(loop.brands)) == ("{item}_{brand}", {"b1": "Acme",
                                                                           "b2": "Globex"})
    assert dict(loop2.brands) == {"Acme": "Acme"}
    assert tx.read_study(write_spec(tmp_path, spec_with())).sources[0].format == "auto"


def test_quality_settings_parse_with_defaults(tmp_path):
    default = tx.read_study(write_spec(tmp_path, spec_with())).quality
    assert (default.duplicates, default.speeders, default.straightliners,
            default.incomplete, default.test_responses, default.attention_checks) == (
        True, False, False, False, True, ())
    q = tx.read_study(write_spec(tmp_path, spec_with(quality={
        "speeders": {"column": "secs", "min_seconds": 90, "median_share": 0.4},
        "straightliners": {"min_items": 6, "grids": [["eff_1", "ease_1"]]},
        "incomplete": {"min_share": 0.8, "items": ["eff_1"], "finished": False},
        "attention_checks": [{"column": "attn", "expected": ["Agree", 4], "scale": "agree5"}],
        "test_responses": {"column": "status", "values": ["test"]},
        "no_answers": False}))).quality
    assert (q.speeders, q.speeder_column, q.speeder_seconds, q.speeder_median_share) == (
        True, "secs", 90.0, 0.4)
    assert (q.straightliners, q.straightline_min_items, q.grids) == (
        True, 6, (("eff_1", "ease_1"),))
    assert (q.incomplete, q.incomplete_min_share, q.incomplete_items,
            q.incomplete_finished) == (True, 0.8, ("eff_1",), False)
    assert q.attention_checks == (tx.study.AttentionCheck("attn", ("Agree", "4"), "agree5"),)
    assert (q.test_column, q.test_values, q.no_answers) == ("status", ("test",), False)
    off = tx.read_study(write_spec(tmp_path, spec_with(quality={
        "speeders": {"enabled": False, "min_seconds": 60}, "test_responses": False}))).quality
    assert (off.speeders, off.speeder_seconds, off.test_responses) == (False, 60.0, False)


BAD_SOURCES_AND_QUALITY = {
    "unknown format": (
        {"sources": [{"path": "c.csv", "population": "customer", "wave": "W1",
                      "format": "qualtrix"}]},
        "[sources #1]", "The 'format' setting of [sources #1] must be one of 'auto', 'plain', "
        "'qualtrics', 'qualtrics-legacy', 'surveymonkey', 'google-forms'. Got 'qualtrix'.",
        'format = "auto"'),
    "header row 0": (
        {"sources": [{"path": "c.csv", "population": "customer", "wave": "W1",
                      "header_row": 0}]},
        "[sources #1]", "The 'header_row' setting of [sources #1] must be a whole number at "
        "least 1. Got 0.", "as numbered in Excel"),
    "unknown encoding": (
        {"sources": [{"path": "c.csv", "population": "customer", "wave": "W1",
                      "encoding": "latin-9x"}]},
        "[sources #1]", "unknown encoding 'latin-9x'.", "cp1252"),
    "pattern without brand": (
        {"sources": [{"path": "c.csv", "population": "customer", "wave": "W1",
                      "brand_pattern": "{item}_x"}]},
        "[sources #1]", "brand_pattern must contain {item} and {brand} once each. Got "
        "'{item}_x'.", "{item}_{brand}"),
    "no file matches": (
        {"sources": [{"path": "nothing_*.csv", "population": "customer", "wave": "W1"}]},
        "[sources #1]", "no file matches 'nothing_*.csv'.", "pattern"),
    "speeders without a threshold": (
        {"quality": {"speeders": {"column": "secs"}}},
        "[quality.speeders]", "the speeder check is on but has no threshold.", "min_seconds"),
    "median share above 1": (
        {"quality": {"speeders": {"median_share": 1.5}}},
        "[quality.speeders]", "The 'median_share' setting of [quality.speeders] must be a "
        "number greater than 0 and at most 1. Got 1.5.", "share such as 0.5"),
    "one item is no grid": (
        {"quality": {"straightliners": {"min_items": 1}}},
        "[quality.straightliners]", "The 'min_items' setting of [quality.straightliners] must "
        "be a whole number at least 2. Got 1.", "answered items"),
    "a language nobody reads": (
        {"study": {"name": "Tiny", "language": "de"}},
        "[study]", "The 'language' setting of [study] must be one of 'en', 'fr'. Got 'de'.",
        'language = "en"'),
    "lambda as text": (
        {"index": {"lambda": "half"}},
        "[index]", "The 'lambda' setting of [index] must be a number. Got 'half'.", ""),
    "misspelt check key": (
        {"quality": {"straightliners": {"min_item": 6}}},
        "[quality.straightliners]", "unknown key 'min_item'.", "did you mean 'min_items'?"),
    "grid item unknown": (
        {"quality": {"straightliners": {"grids": [["eff_1", "eff_9"]]}}},
        "[quality.straightliners]", "'eff_9' in grids is not an item.", "did you mean"),
    "attention without expected": (
        {"quality": {"attention_checks": [{"column": "attn"}]}},
        "[quality.attention_checks #1]", "'expected' is required.", "expected = ["),
    "test column without values": (
        {"quality": {"test_responses": {"column": "status"}}},
        "[quality.test_responses]", "a test column needs the values that mark a test.",
        "values = ["),
    "empty respondent id": (
        {"columns": {"respondent_id": ""}},
        "[columns]", "'respondent_id' names no column.", "respondent_id = "),
}


@pytest.mark.parametrize("case", list(BAD_SOURCES_AND_QUALITY))
def test_bad_source_or_quality_setting_gives_one_located_problem(tmp_path, case):
    overrides, where, message, fix = BAD_SOURCES_AND_QUALITY[case]
    [problem] = problems_of(tmp_path, spec_with(**overrides))
    assert problem.where == f"study.toml {where}"
    assert problem.message == message
    assert fix in problem.fix


def test_labels_equal_after_normalising_are_a_spec_error(tmp_path):
    # "Agree" and " AGREE" compare equal (case and spaces ignored): which code is meant?
    labels = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: " AGREE"}
    [problem] = problems_of(tmp_path, spec_with(scales={"agree5": {"labels": labels}}))
    assert problem.where == "study.toml [scales.agree5]"
    assert problem.message == "label ' AGREE' is used for codes 4 and 5."
    # a scale built in Python cannot slip through: mapping refuses to pick one
    from txscore.ingest.codes import map_answers
    from txscore.study import Scale

    accents = Scale("s", 5, 1, 5, {4: "Très bien", 5: "Tres bien"})
    with pytest.raises(tx.StudySpecError, match="ambiguous labels"):
        map_answers(__import__("pandas").Series(["Très bien"]), accents)


# ---------------------------------------------------------------------- roles per source
def test_column_roles_study_wide_and_per_source(tmp_path):
    spec = spec_with(columns={"weight": 1.5, "duration": "secs", "start": "t0", "end": "t1",
                              "finished": "Finished", "status": "Status"})
    spec["sources"].append({"path": "other.csv", "population": "non_customer", "wave": "W1",
                            "columns": {"respondent_id": "id_resp", "weight": "poids",
                                        "start": "debut", "end": "fin",
                                        "personal": ["courriel"]},
                            "items": {"eff_1": "Q3_1"}})
    study = tx.read_study(write_spec(tmp_path, spec))
    cols = study.columns
    assert (cols.weight, cols.duration, cols.start, cols.end, cols.finished, cols.status) == (
        1.5, "secs", "t0", "t1", "Finished", "Status")
    first, other = study.sources
    assert (first.spec_index, other.spec_index) == (1, 2)
    assert study.columns_for(first) == cols
    own = study.columns_for(other)
    assert (own.respondent_id, own.weight, own.start, own.end, own.duration) == (
        "id_resp", "poids", "debut", "fin", None)  # its own times replace the duration
    assert (own.finished, own.brand, own.personal) == ("Finished", "brand", ("courriel",))
    assert other.items == {"eff_1": "Q3_1"} and first.items == {}


def test_respondent_id_may_be_left_to_every_source(tmp_path):
    spec = spec_with(sources=None)
    spec["sources"] = [{"path": "a.csv", "population": "customer", "wave": "W1",
                        "columns": {"respondent_id": "Respondent ID"}},
                       {"path": "b.csv", "population": "non_customer", "wave": "W1",
                        "columns": {"respondent_id": "id_resp"}}]
    spec["columns"].pop("respondent_id")
    study = tx.read_study(write_spec(tmp_path, spec))
    assert study.columns.respondent_id == "respondent_id"
    assert [study.columns_for(s).respondent_id for s in study.sources] == [
        "Respondent ID", "id_resp"]


def test_a_constant_study_weight_must_be_positive(tmp_path):
    [problem] = problems_of(tmp_path, spec_with(columns={"weight": 0}))
    assert problem.where == "study.toml [columns]"
    assert problem.message == ("The 'weight' setting of [columns] must be a column name or a "
                               "positive number (a constant weight). Got 0.")


# ---------------------------------------------------------------------- types and ranges
@pytest.mark.parametrize("table", ["study", "sources", "columns", "scales", "constructs",
                                   "items", "index", "quality", "report", "weighting"])
@pytest.mark.parametrize("value", ["5", '"x"', "true", "[1, 2]"])
def test_a_top_level_table_of_the_wrong_type_is_one_located_problem(tmp_path, table, value):
    spec = spec_with()
    if table == "sources" and value.startswith("["):
        value = "{ a = 1 }"  # an array is right for sources; a table is wrong
    text = to_toml({k: v for k, v in spec.items() if k != table})
    path = tmp_path / "study.toml"
    path.write_text(f"{table} = {value}\n" + text, encoding="utf-8")
    # what the table would have held is not reported as missing too
    [problem] = problems_of_file(path)
    assert problem.where == f"study.toml [{table}]"
    header = "[[sources]]" if table == "sources" else f"[{table}]"
    assert problem.message.startswith(f"{header} must be ")
    assert ", like " in problem.message and "header" in problem.fix


def problems_of_file(path: Path) -> list[tx.errors.Problem]:
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(path)
    return err.value.problems


@pytest.mark.parametrize(("edit", "where", "fragment"), [
    # a construct, a scale or an item given as a number: one problem, not one per item
    (lambda t: t.replace("[constructs]\n", "[constructs]\nease = 5\n", 1).replace(
        '[constructs.ease]\nrole = "cx_quality"\n', ""), "[constructs.ease]", "Got 5."),
    (lambda t: t.replace("[scales]\n", "[scales]\nagree5 = 5\n", 1).replace(
        t[t.index("[scales.agree5]"):t.index("[scales.agree7]")], ""), "[scales.agree5]",
     "Got 5."),
    (lambda t: t.replace('scale = "agree5"', 'scale = "agree5"\ntext = 5', 1),
     "[items.eff_1]", "'text' must be"),
])
def test_a_sub_table_or_key_of_the_wrong_type_is_one_located_problem(tmp_path, edit, where,
                                                                      fragment):
    path = write_spec(tmp_path, spec_with())
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    [problem] = problems_of_file(path)
    assert problem.where == f"study.toml {where}" and fragment in problem.message


#: (overrides, accepted?, where, fragment of the message when refused)
RANGES = {
    "bootstrap 0": ({"report": {"bootstrap": 0}}, True, "", ""),
    "bootstrap 10": ({"report": {"bootstrap": 10}}, True, "", ""),
    "bootstrap 100000": ({"report": {"bootstrap": 100_000}}, True, "", ""),
    "bootstrap 9": ({"report": {"bootstrap": 9}}, False, "report", "from 10 to 100000"),
    "bootstrap 1e6": ({"report": {"bootstrap": 10**6}}, False, "report",
                      "would need about 448 MB of memory per brand"),
    "bootstrap 1e9": ({"report": {"bootstrap": 10**9}}, False, "report", "448 GB"),
    "bootstrap negative": ({"report": {"bootstrap": -1}}, False, "report", "Got -1."),
    "seed 0": ({"report": {"seed": 0}}, True, "", ""),
    "seed 2**62": ({"report": {"seed": 2**62}}, True, "", ""),
    "seed negative": ({"report": {"seed": -1}}, False, "report", "'seed'"),
    "seed float": ({"report": {"seed": 1.5}}, False, "report", "'seed'"),
    "seed text": ({"report": {"seed": "abc"}}, False, "report", "'seed'"),
    "suppress 1": ({"report": {"suppress_below": 1}}, True, "", ""),
    "suppress 0": ({"report": {"suppress_below": 0}}, False, "report", "at least 1. Got 0"),
    "suppress 0.5": ({"report": {"suppress_below": 0.5}}, False, "report", "at least 1."),
    "low base below suppress": ({"report": {"suppress_below": 30, "low_base_below": 20,
                                            "caution_below": 100}}, False, "report",
                                "'low_base_below' setting of [report] must be at least "
                                "suppress_below (30). Got 20."),
    "caution below low base": ({"report": {"suppress_below": 30, "low_base_below": 50,
                                           "caution_below": 40}}, False, "report",
                               "'caution_below' setting of [report] must be at least "
                               "low_base_below (50). Got 40."),
    "threshold infinite": ({"report": {"caution_below": float("inf")}}, False, "report",
                           "finite"),
    "peer base 0": ({"report": {"peer_min_base": 0}}, True, "", ""),
    "peer base negative": ({"report": {"peer_min_base": -1}}, False, "report", "at least 0"),
    "exact max 0": ({"report": {"bootstrap_exact_max": 0}}, True, "", ""),
    "exact max negative": ({"report": {"bootstrap_exact_max": -3}}, False, "report",
                           "'bootstrap_exact_max'"),
    "confidence 0": ({"report": {"confidence": 0.0}}, False, "report", "'confidence'"),
    "lambda 0": ({"index": {"lambda": 0}}, True, "", ""),
    "lambda 1": ({"index": {"lambda": 1}}, True, "", ""),
    "lambda 1.01": ({"index": {"lambda": 1.01}}, False, "index", "at most 1"),
    "share negative": ({"index": {"share_non_customer": -0.01}}, False, "index", "at least 0"),
    "min customers 0": ({"index": {"min_customers_for_weights": 0}}, True, "", ""),
    "min customers negative": ({"index": {"min_customers_for_weights": -1}}, False, "index",
                               "whole number at least 0"),
    "scale of 2 points": ({"scales": {"agree5": {"points": 2, "max": 2, "labels": None,
                                                 "top_box": [2], "bottom_box": [1]}}},
                          True, "", ""),
    "scale of 101 points": ({"scales": {"agree5": {"points": 101, "min": 0, "max": 100,
                                                   "missing": None}}},
                            True, "", ""),
    "scale of 1 point": ({"scales": {"agree5": {"points": 1, "max": 1, "labels": None}}},
                         False, "scales.agree5", "at least 2 and at most 101. Got 1."),
    "scale of 102 points": ({"scales": {"agree5": {"points": 102, "max": 102}}}, False,
                            "scales.agree5", "Got 102."),
    "scale of 1e9 points": ({"scales": {"agree5": {"points": 10**9, "max": None}}}, False,
                            "scales.agree5", "at most 101. Got 1000000000."),
    "scale min huge": ({"scales": {"agree5": {"min": -(10**12), "max": None,
                                              "labels": None}}}, False, "scales.agree5",
                       "'min' setting of [scales.agree5] must be a whole number at least "
                       "-100000 and at most 100000. Got -1000000000000."),
    "label code huge": ({"scales": {"agree5": {"missing": {10**12: "Don't know"}}}}, False,
                        "scales.agree5.missing", "too large"),
    "cap just above 1": ({"weighting": {"method": "none", "cap": 1.01}}, True, "", ""),
    "cap false": ({"weighting": {"method": "none", "cap": False}}, True, "", ""),
    "cap 1": ({"weighting": {"method": "none", "cap": 1}}, False, "weighting", "'cap'"),
    "max_iter 0": ({"weighting": {"method": "none", "max_iter": 0}}, False, "weighting",
                   "'max_iter'"),
    "tol 0": ({"weighting": {"method": "none", "tol": 0}}, False, "weighting", "'tol'"),
    "min seconds 0": ({"quality": {"speeders": {"min_seconds": 0}}}, True, "", ""),
    "min seconds negative": ({"quality": {"speeders": {"min_seconds": -1}}}, False,
                             "quality.speeders", "at least 0"),
    "min seconds infinite": ({"quality": {"speeders": {"min_seconds": float("inf")}}},
                             False, "quality.speeders", "finite"),
    "median share 1": ({"quality": {"speeders": {"median_share": 1}}}, True, "", ""),
    "median share 0": ({"quality": {"speeders": {"median_share": 0}}}, False,
                       "quality.speeders", "greater than 0"),
    "incomplete share 0": ({"quality": {"incomplete": {"min_share": 0}}}, True, "", ""),
    "incomplete share 1": ({"quality": {"incomplete": {"min_share": 1}}}, True, "", ""),
    "incomplete share 1.1": ({"quality": {"incomplete": {"min_share": 1.1}}}, False,
                             "quality.incomplete", "at least 0 and at most 1"),
    "straightline 2 items": ({"quality": {"straightliners": {"min_items": 2}}}, True, "", ""),
    "constant weight 1e6": ({"columns": {"weight": 1_000_000}}, True, "", ""),
    "constant weight 1e7": ({"columns": {"weight": 10_000_000}}, False, "columns",
                            "up to 1,000,000"),
    "wave as a number": ({"sources": [{"path": "customers.csv", "population": "customer",
                                       "wave": 5}]}, False, "sources #1", "'wave'"),
    "segments of numbers": ({"columns": {"segments": [1, 2]}}, False, "columns",
                            "list of column names"),
    "segment twice": ({"columns": {"segments": ["region", "region"]}}, False, "columns",
                      "lists 'region' 2 times"),
    "segment is the respondent id": ({"columns": {"segments": ["resp_id"]}}, False,
                                     "columns", "segment 'resp_id' is the respondent id "
                                     "column: a score per respondent would be published."),
    "segment is a source's own id": ({"sources": [{
        "path": "customers.csv", "population": "customer", "wave": "W1",
        "columns": {"respondent_id": "id_resp"}}], "columns": {"segments": ["id_resp"]}},
        False, "columns", "segment 'id_resp' is the respondent id column"),
    "segment is an item": ({"columns": {"segments": ["eff_1"]}}, False, "columns",
                           "segment 'eff_1' is an item."),
    "max_iter 1e5": ({"weighting": {"method": "none", "max_iter": 100_000}}, True, "", ""),
    "max_iter 1e6": ({"weighting": {"method": "none", "max_iter": 10**6}}, False, "weighting",
                     "at most 100000"),
    "exact bootstrap in budget": ({"report": {"bootstrap": 100_000,
                                              "bootstrap_exact_max": 2500}}, True, "", ""),
    "exact bootstrap over budget": ({"report": {"bootstrap": 100_000,
                                                "bootstrap_exact_max": 2501}}, False,
                                    "report", "for one cell (100,000 resamples x 2,501 "
                                    "respondents x 16 bytes)"),
    "exact max huge without bootstrap": ({"report": {"bootstrap": 0,
                                                     "bootstrap_exact_max": 10**18}},
                                         True, "", ""),
    "blank brand column": ({"columns": {"brand": " "}}, False, "columns",
                           "The 'brand' setting of [columns] is empty."),
    "blank sheet": ({"sources": [{"path": "customers.csv", "population": "customer",
                                  "wave": "W1", "sheet": ""}]}, False, "sources #1",
                    "'sheet'"),
    "blank wave": ({"sources": [{"path": "customers.csv", "population": "customer",
                                 "wave": " "}]}, False, "sources #1", "'wave'"),
    "path with a control character": ({"sources": [{"path": "cust\u0000.csv",
                                                    "population": "customer", "wave": "W1"}]},
                                      False, "sources #1", "must name a file"),
    "item on a blank scale": ({"items": {"eff_1": {"scale": ""}}}, False, "items.eff_1",
                              "names no scale."),
    "item scale of the wrong type": ({"items": {"eff_1": {"scale": 5}}}, False, "items.eff_1",
                                     "must be text"),
    "attention check on a blank column": ({"quality": {"attention_checks": [
        {"column": "", "expected": ["Agree"]}]}}, False, "quality.attention_checks #1",
        "is empty"),
}


@pytest.mark.parametrize("case", list(RANGES))
def test_every_numeric_setting_is_range_checked(tmp_path, case):
    overrides, accepted, where, fragment = RANGES[case]
    spec = spec_with(**overrides)
    if accepted:
        tx.read_study(write_spec(tmp_path, spec))
        return
    [problem] = problems_of(tmp_path, spec)
    assert problem.where == f"study.toml [{where}]"
    assert fragment in problem.message and problem.fix


def test_a_scale_built_in_python_is_range_checked_too(tmp_path):
    study = tx.read_study(write_spec(tmp_path, spec_with()))
    wide = txstudy.Scale("agree5", 200, 1, 200)
    [problem] = validate_study(replace(study, scales={**study.scales, "agree5": wide}))
    assert (problem.where, problem.message) == (
        "study [scales.agree5]", "The 'points' setting of [scales.agree5] must be a whole "
        "number at least 2 and at most 101. Got 200.")
    odd = txstudy.Scale("agree5", 5, 1, 7)
    [problem] = validate_study(replace(study, scales={**study.scales, "agree5": odd}))
    assert problem.message == "min 1 to max 7 gives 7 codes, not points = 5."


def test_the_same_file_listed_twice_is_refused_at_the_later_table(tmp_path):
    spec = spec_with()
    spec["sources"].append({"path": "./customers.csv", "population": "customer", "wave": "W2"})
    spec["sources"].append({"path": "customers.csv", "population": "customer", "wave": "W3",
                            "sheet": "Other"})  # another sheet of the same file is fine
    [problem] = problems_of(tmp_path, spec)
    assert problem.where == "study.toml [sources #2]"
    assert problem.message == ("customers.csv is already read by [sources #1]: its "
                               "respondents would be counted twice.")


# ---------------------------------------------------------------------- the file itself
def _folder_with_spec(tmp_path: Path) -> Path:
    write_spec(tmp_path, spec_with())
    return tmp_path


def _empty_folder(tmp_path: Path) -> Path:
    (tmp_path / "study.toml").mkdir()
    return tmp_path / "study.toml"


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "study.toml")  # reading it would block: never opened
    return tmp_path / "study.toml"


def _long_name(tmp_path: Path) -> Path:
    return tmp_path / ("s" * 300 + ".toml")


def _latin1(tmp_path: Path) -> Path:
    (tmp_path / "study.toml").write_bytes('[study]\nname = "Études"\n'.encode("latin-1"))
    return tmp_path / "study.toml"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize(("make", "message", "fix"), [
    (_folder_with_spec, "is a folder, not a study file.", "give the study file inside it: "),
    (_empty_folder, "is a folder, not a study file.", "txscore init"),
    (_fifo, "is not a regular file (a pipe, device or socket)", ".toml file"),
    (_long_name, "the path is too long for this system.", "shorter"),
    (_latin1, "is not UTF-8 text", "save the file as UTF-8"),
])
def test_a_study_path_that_is_not_a_readable_file_says_what_it_is(tmp_path, make, message,
                                                                   fix):
    path = make(tmp_path)
    [problem] = problems_of_file(path)
    assert problem.where == str(path)
    assert problem.message.startswith(message) and fix in problem.fix
    assert "not found" not in problem.message


def test_an_unreadable_study_file_says_permission(tmp_path, monkeypatch):
    path = write_spec(tmp_path, spec_with())

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)  # root reads any file: simulate
    [problem] = problems_of_file(path)
    assert problem.message == "permission denied: the file cannot be read."
    assert "chmod" in problem.fix and problem.where == str(path)


def test_a_toml_syntax_error_quotes_the_line(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text('[study]\nname = "Tiny"\n[constructs]\n[constructs]\n', encoding="utf-8")
    [problem] = problems_of_file(path)
    assert "line 4" in problem.message and problem.message.endswith("Line 4: '[constructs]'.")
