"""Per-source column roles, item aliases and labels in the wild (issue 15).

Two files made by different platforms, scored together without editing them: a customer
workbook whose id is ``Respondent`` and duration ``Time taken (s)``, with no weight and an
item keyed by its question text; a non-customer export in French (cp1252, ``;``, decimal
commas) with ``id_resp``, a weight ``poids``, a duration ``duree_sec``, a brand loop
``confiance_Alpha`` / ``confiance_Bêta`` and "Ne sait pas" as don't-know.  Every expected
value below is written by hand from the cells of the two files.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import txscore as tx
from txscore.ingest.readers import read_table
from txscore.ingest.roles import apply_roles, numeric_columns, weight_source
from txscore.study import Columns, Item, Scale, Source, Study, validate_study

SAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "sample" / "study.toml"

SPEC = """
[study]
name = "Two platforms"
language = "{language}"

[[sources]]
path = "clients.xlsx"
population = "customer"
wave = "W1"
columns = {{ respondent_id = "Respondent", duration = "Time taken (s)" }}
items = {{ eff_1 = "Q1", trust_1 = "I trust [Brand]" }}

[[sources]]
path = "prospects.csv"
population = "non_customer"
wave = "W1"
brand_pattern = "{{item}}_{{brand}}"
columns = {{ respondent_id = "id_resp", weight = "poids", duration = "duree_sec" }}
items = {{ trust_1 = "confiance" }}

[columns]
brand = "Brand"

[scales.agree5]
points = 5
missing = {{ 99 = ["Don't know", "Ne sait pas", "NSP"] }}

[scales.agree5.labels]
1 = {{ en = "Strongly disagree", fr = "Pas du tout d'accord" }}
2 = {{ en = "Disagree", fr = "Pas d'accord" }}
3 = "Neutral"
4 = ["Agree", "Agree somewhat"]
5 = {{ en = "Strongly agree", fr = ["Tout à fait d'accord", "Tout a fait d accord"] }}

[constructs.effectiveness]
role = "cx_quality"
[constructs.ease]
role = "cx_quality"
[constructs.emotion]
role = "cx_quality"
[constructs.salience]
role = "bx_pillar"
[constructs.fit]
role = "bx_pillar"
[constructs.trust]
role = "bx_pillar"
label = {{ en = "Trust", fr = "Confiance" }}

[items]
eff_1 = {{ construct = "effectiveness", scale = "agree5" }}
ease_1 = {{ construct = "ease", scale = "agree5" }}
emo_1 = {{ construct = "emotion", scale = "agree5" }}
sal_1 = {{ construct = "salience", scale = "agree5" }}
fit_1 = {{ construct = "fit", scale = "agree5" }}

[items.trust_1]
construct = "trust"
scale = "agree5"
label = {{ en = "Trust", fr = "Confiance" }}
text = {{ en = "[Brand] is trustworthy", fr = "[Marque] est digne de confiance" }}

[index]
cx_method = "equal"

[quality]
speeders = {{ min_seconds = 60 }}

[report]
bootstrap = 0
suppress_below = 1
low_base_below = 1
caution_below = 1
peer_min_base = 1
"""

# the customer workbook (Excel rows 2-6): no weight, its own id and duration names
CLIENTS = pd.DataFrame({
    "Respondent": ["C1", "C2", "C3", "C4", "C5"],
    "Brand": ["Alpha", "Alpha", "Bêta", "Bêta", "Alpha"],
    "Time taken (s)": [300, 45, 200, 150, 90],
    "Q1": [5, 2, "Agree somewhat", "Tout a fait d accord", 1],
    "ease_1": [4, 2, 3, 5, 2],
    "emo_1": ["Agree", 2, "Neutral", 5, 3],
    "sal_1": [4, 2, 5, 3, 4],
    "fit_1": [3, 2, 4, "strongly  DISAGREE", 5],
    "I trust [Brand]": ["Strongly agree", "Disagree", "NSP", "Pas du tout d'accord",
                        "ne sait pas"],
})

# the non-customer export, as the panel wrote it (lines 2-5)
PROSPECTS = (
    "id_resp;poids;duree_sec;sal_1_Alpha;sal_1_Bêta;fit_1_Alpha;fit_1_Bêta;"
    "confiance_Alpha;confiance_Bêta\n"
    "P1;1,5;130,5;4;3;5;2;Tout à fait d'accord;Ne sait pas\n"
    "P2;0,5;59,9;1;1;1;1;Pas d'accord;Pas d'accord\n"
    "P3;2;200;5;;4;;Agree;\n"
    "P4;0,75;95,25;2;4;3;5;Neutral;Tout a fait d accord\n")

NA = pd.NA
#: the scored rows, from the cells above: (population, id, brand, weight, sal, fit, trust)
EXPECTED = [
    ("customer", "C1", "Alpha", 1.0, 4, 3, 5),
    ("customer", "C3", "Bêta", 1.0, 5, 4, NA),      # NSP: don't know
    ("customer", "C4", "Bêta", 1.0, 3, 1, 1),       # "strongly  DISAGREE", French label
    ("customer", "C5", "Alpha", 1.0, 4, 5, NA),     # "ne sait pas"
    ("non_customer", "P1", "Alpha", 1.5, 4, 5, 5),
    ("non_customer", "P1", "Bêta", 1.5, 3, 2, NA),  # Ne sait pas
    ("non_customer", "P3", "Alpha", 2.0, 5, 4, 4),
    ("non_customer", "P4", "Alpha", 0.75, 2, 3, 3),
    ("non_customer", "P4", "Bêta", 0.75, 4, 5, 5),  # "Tout a fait d accord"
]
#: customers' CX items (eff_1 from column Q1)
EXPECTED_CX = {"C1": (5, 4, 4), "C3": (4, 3, 3), "C4": (5, 5, 5), "C5": (1, 2, 3)}


def write_study(folder: Path, language: str = "en", spec: str | None = None,
                prospects: str = PROSPECTS, clients: pd.DataFrame = CLIENTS) -> Path:
    clients.to_excel(folder / "clients.xlsx", index=False)
    (folder / "prospects.csv").write_bytes(prospects.encode("cp1252"))
    path = folder / "study.toml"
    path.write_text(spec or SPEC.format(language=language), encoding="utf-8")
    return path


@pytest.fixture
def two_platforms(tmp_path: Path) -> Path:
    return write_study(tmp_path)


# ---------------------------------------------------------------------- scored together
def test_two_platforms_load_together_with_hand_computed_codes_and_weights(two_platforms):
    responses = tx.load(tx.read_study(two_platforms))
    data = responses.data.sort_values(["population", "respondent_id", "brand"])
    got = [(r.population, r.respondent_id, r.brand, r.weight, r.sal_1, r.fit_1, r.trust_1)
           for r in data.itertuples()]
    assert [g[:4] for g in got] == [e[:4] for e in EXPECTED]
    for g, e in zip(got, EXPECTED, strict=True):
        assert [None if x is NA else int(x) for x in g[4:]] == \
            [None if x is NA else x for x in e[4:]], g
    cust = data[data["population"] == "customer"].set_index("respondent_id")
    assert {i: tuple(int(v) for v in cust.loc[i, ["eff_1", "ease_1", "emo_1"]])
            for i in cust.index} == EXPECTED_CX


def test_exclusions_name_each_file_row_with_its_duration(two_platforms):
    responses = tx.load(tx.read_study(two_platforms))
    ledger = responses.exclusions.sort_values(["source_file", "brand"])
    got = list(ledger[["source_file", "source_row", "respondent_id", "brand", "reason",
                       "detail"]].itertuples(index=False, name=None))
    assert got == [
        ("clients.xlsx", 3, "C2", "Alpha", "speeder", "duration_below(45<60)"),
        ("prospects.csv", 3, "P2", "Alpha", "speeder", "duration_below(59.9<60)"),
        ("prospects.csv", 3, "P2", "Bêta", "speeder", "duration_below(59.9<60)"),
        ("prospects.csv", 4, "P3", "Bêta", "brand_not_rated", ""),
    ]


def test_the_file_table_says_where_each_source_weights_come_from(two_platforms):
    files = tx.load(tx.read_study(two_platforms)).files.set_index("source_file")
    assert files.loc["clients.xlsx", "weight_source"] == "none"  # weight 1: no weight
    assert files.loc["prospects.csv", "weight_source"] == "column:poids"
    assert files["reconciles"].all()


def test_roles_are_renamed_and_durations_read_with_decimal_commas(two_platforms):
    study = tx.read_study(two_platforms)
    clients, prospects = study.sources
    assert study.columns.respondent_id == "respondent_id"  # every source sets its own
    assert study.columns_for(prospects).weight == "poids"
    assert study.columns_for(clients).weight is None
    raw = read_table(prospects.path, numeric=numeric_columns(study, prospects))
    table = apply_roles(study, prospects, raw, problems := [])
    assert problems == []
    assert pd.to_numeric(table.frame["duration"]).tolist() == [130.5, 59.9, 200.0, 95.25]
    assert table.frame["respondent_id"].tolist() == ["P1", "P2", "P3", "P4"]
    assert table.where(column="weight") == "prospects.csv, column 'poids'"
    assert table.column_for("duration") == "duration"
    raw = read_table(clients.path)
    table = apply_roles(study, clients, raw, [])
    assert {"respondent_id", "duration", "eff_1", "trust_1"} <= set(table.frame.columns)
    assert table.shown("trust_1") == "I trust [Brand]"
    assert pd.to_numeric(table.frame["duration"]).tolist() == [300, 45, 200, 150, 90]


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")  # no loyalty items
def test_two_platforms_score_together(two_platforms):
    responses = tx.load(tx.read_study(two_platforms))
    result = tx.score(responses)
    items = result.items
    row = items[(items["item"] == "trust_1") & (items["population"] == "non_customer")
                & (items["brand"] == "Alpha")]
    # trust among non-customers, Alpha: codes 5 (w 1.5), 4 (w 2), 3 (w 0.75)
    assert float(row["top_box"].iloc[0]) == pytest.approx(100 * (1.5 + 2) / 4.25)
    assert float(row["mean"].iloc[0]) == pytest.approx((5 * 1.5 + 4 * 2 + 3 * 0.75) / 4.25)


def test_a_constant_weight_and_sources_without_one(tmp_path):
    spec = SPEC.format(language="en").replace(
        'weight = "poids", ', "weight = 2.5, ")
    responses = tx.load(tx.read_study(write_study(tmp_path, spec=spec)))
    weights = responses.data.groupby("population")["weight"].unique()
    assert weights["non_customer"].tolist() == [2.5]
    assert weights["customer"].tolist() == [1.0]
    assert responses.files.set_index("source_file")["weight_source"].to_dict() == {
        "clients.xlsx": "none", "prospects.csv": "constant:2.5"}


def test_start_end_times_and_a_status_column_declared_per_source(tmp_path):
    # customers: interview length from their own start and end times; prospects: a status
    # column marks P4 as a preview
    clients = CLIENTS.drop(columns="Time taken (s)").assign(
        Started=["2026-01-05 10:00:00"] * 5,
        Ended=["2026-01-05 10:05:00", "2026-01-05 10:00:50", "2026-01-05 10:01:00",
               "2026-01-05 10:00:59", "2026-01-05 11:00:00"])
    spec = GOOD.replace('duration = "Time taken (s)"', 'start = "Started", end = "Ended"')
    spec = spec.replace('duration = "duree_sec" }', 'duration = "duree_sec", status = "Etat" }')
    prospects = "\n".join(line + (";Etat" if i == 0 else ";Survey Preview" if line.startswith(
        "P4") else ";Complete") for i, line in enumerate(PROSPECTS.splitlines())) + "\n"
    responses = tx.load(tx.read_study(write_study(tmp_path, spec=spec, prospects=prospects,
                                                  clients=clients)))
    ledger = responses.exclusions
    got = sorted(zip(ledger["respondent_id"], ledger["brand"], ledger["reason"],
                     ledger["detail"], strict=True))
    assert got == [
        ("C2", "Alpha", "speeder", "duration_below(50<60)"),
        ("C4", "Bêta", "speeder", "duration_below(59<60)"),
        ("P2", "Alpha", "speeder", "duration_below(59.9<60)"),
        ("P2", "Bêta", "speeder", "duration_below(59.9<60)"),
        ("P3", "Bêta", "brand_not_rated", ""),
        ("P4", "Alpha", "test_response", "answer:Etat(Survey Preview)"),
        ("P4", "Bêta", "test_response", "answer:Etat(Survey Preview)"),
    ]


# ---------------------------------------------------------------------- labels
def test_labels_in_several_languages_and_synonyms(two_platforms, tmp_path):
    en = tx.read_study(two_platforms)
    agree = en.scales["agree5"]
    assert agree.labels == {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree",
                            5: "Strongly agree"}
    assert agree.accepted[5] == ("Strongly agree", "Tout à fait d'accord",
                                 "Tout a fait d accord")
    assert agree.missing == {99: "Don't know"}
    assert agree.missing_accepted[99] == ("Don't know", "Ne sait pas", "NSP")
    assert agree.label_in(1, "fr") == "Pas du tout d'accord"
    assert agree.label_in(3, "fr") == "Neutral"  # no French label: the shown one
    (tmp_path / "fr").mkdir()
    fr = tx.read_study(write_study(tmp_path / "fr", "fr"))  # the study in French
    assert fr.scales["agree5"].labels[5] == "Tout à fait d'accord"
    assert fr.scales["agree5"].labels[4] == "Agree"
    trust = fr.items["trust_1"]
    assert (trust.text, trust.label) == ("[Marque] est digne de confiance", "Confiance")
    assert trust.text_in("en") == "[Brand] is trustworthy"
    assert trust.label_in("en") == "Trust"
    assert fr.constructs["trust"].title_in("en") == "Trust"
    assert fr.constructs["trust"].title == "Confiance"
    assert fr.items["sal_1"].label_in("fr") == "sal_1"  # no label, no text: the key


def test_a_scale_built_in_python_accepts_its_labels():
    scale = Scale("s", 5, 1, 5, {5: "Agree"}, accepted={5: ("Oui",)})
    assert scale.accepted == {5: ("Agree", "Oui")}
    assert scale.missing_accepted == {}


# ---------------------------------------------------------------------- bad spec forms
def problems_of(tmp_path: Path, spec: str) -> list[tx.errors.Problem]:
    with pytest.raises(tx.StudySpecError) as err:
        tx.read_study(write_study(tmp_path, spec=spec))
    return err.value.problems


GOOD = SPEC.format(language="en")
BAD_FORMS = {
    "unknown role": (
        ('duration = "duree_sec" }', 'duraton = "duree_sec" }'),
        "[sources #2]", "unknown role 'duraton' in columns.", "did you mean 'duration'?"),
    "segments per source": (
        ('weight = "poids", ', 'weight = "poids", segments = ["region"], '),
        "[sources #2]", "unknown role 'segments' in columns.", "list them in [columns]"),
    "weight not positive": (
        ('weight = "poids", ', "weight = -1, "),
        "[sources #2]", "The 'columns.weight' setting of [sources #2] must be a column name "
        "or a positive number (a constant weight). Got -1.", "weight = 1"),
    "columns not a table": (  # with a default id, so that it is the only problem
        ('columns = { respondent_id = "id_resp", weight = "poids", duration = "duree_sec" }',
         'columns = "id_resp"', '[columns]\n', '[columns]\nrespondent_id = "id"\n'),
        "[sources #2]", "The 'columns' setting of [sources #2] must be a table role = "
        "\"column\". Got 'id_resp'.", "respondent_id = "),
    "alias of an unknown item": (
        ('items = { trust_1 = "confiance" }', 'items = { trust_9 = "confiance" }'),
        "[sources #2]", "items names 'trust_9', which is not an item.",
        "did you mean 'trust_1'?"),
    "alias not text": (
        ('items = { trust_1 = "confiance" }', "items = { trust_1 = 3 }"),
        "[sources #2]", "the column of item 'trust_1' in items must be a column name. Got 3.",
        'trust_1 = "Q3_1"'),
    "one column for two items": (
        ('items = { trust_1 = "confiance" }', 'items = { trust_1 = "fit_1" }'),
        "[sources #2]", "column 'fit_1' is given to items fit_1, trust_1.",
        "its own column"),
    "label a number": (
        ('3 = "Neutral"', "3 = 3"),
        "[scales.agree5.labels]", "the label of code 3 must be text, a list of texts "
        '(synonyms, the first shown) or a table of languages { en = "...", fr = ["...", '
        '"..."] }. Got 3.', '["Agree", "Agree somewhat"]'),
    "label an empty list": (
        ('3 = "Neutral"', "3 = []"),
        "[scales.agree5.labels]", "the label of code 3 must be text, a list of texts "
        '(synonyms, the first shown) or a table of languages { en = "...", fr = ["...", '
        '"..."] }. Got [].', "{ en ="),
    "label list of numbers": (
        ('missing = { 99 = ["Don', 'missing = { 98 = [1, 2], 99 = ["Don'),
        "[scales.agree5.missing]", "the label of code 98 must be text, a list of texts "
        '(synonyms, the first shown) or a table of languages { en = "...", fr = ["...", '
        '"..."] }. Got [1, 2].', "{ en ="),
    "unknown language": (
        ('en = "Strongly disagree"', 'english = "Strongly disagree"'),
        "[scales.agree5.labels]", "unknown language 'english' in the label of code 1.",
        "two-letter language code"),
    "language label not text": (
        ('fr = "Pas du tout d\'accord"', "fr = 1"),
        "[scales.agree5.labels]", "the label of code 1 in 'fr' must be text, a list of texts"
        ' (synonyms, the first shown) or a table of languages { en = "...", fr = ["...", '
        '"..."] }. Got 1.', 'fr = "..."'),
    "a synonym of two codes": (
        ('4 = ["Agree", "Agree somewhat"]', '4 = ["Agree", "Neutral"]'),
        "[scales.agree5]", "label 'Neutral' is used for codes 3 and 4.",
        "ignoring case, spaces and accents"),
    "text as a list": (
        ('text = { en = "[Brand] is trustworthy", fr = "[Marque] est digne de confiance" }',
         'text = ["a", "b"]'),
        "[items.trust_1]", "'text' must be text or a table of languages { en = \"...\", fr = "
        "\"...\" }. Got ['a', 'b'].", '{ en = "...", fr = "..." }'),
    "construct label in an unknown language": (
        ('role = "bx_pillar"\nlabel = { en = "Trust", fr = "Confiance" }',
         'role = "bx_pillar"\nlabel = { en = "Trust", xx = "T" }'),
        "[constructs.trust]", "unknown language 'xx' in 'label'.", "ISO 639-1"),
    "brand column with a brand loop": (
        ('duration = "duree_sec" }', 'duration = "duree_sec", brand = "marque" }'),
        "[sources #2]", "columns.brand cannot be set with brand or brand_pattern.",
        "brand_pattern for a brand loop"),
    "start without end": (
        ('duration = "Time taken (s)" }', 'start = "Start" }'),
        "[sources #1]", "start and end times go together: one of them is not set.",
        "set both"),
    "no id for one source": (
        ('columns = { respondent_id = "id_resp", ', "columns = { "),
        "[sources #2]", "no respondent id column: neither [columns] nor this source sets "
        "respondent_id.", 'add columns = { respondent_id = "<column>" } to this source'),
    "no brand for one source": (
        ('[columns]\nbrand = "Brand"\n',
         '[columns]\n[[sources]]\npath = "clients_w2.xlsx"\npopulation = "customer"\n'
         'wave = "W2"\ncolumns = { respondent_id = "Respondent", brand = "Brand", '
         'duration = "Time taken (s)" }\nitems = { eff_1 = "Q1", trust_1 = "I trust [Brand]" }'
         '\n'),
        "[sources #1]", "no brand column: neither [columns] nor this source sets brand.",
        'add columns = { brand = "<column>" } to this source'),
}


def _bad(case: str) -> str:
    """The good spec with the case's replacements (pairs old, new) made."""
    edits, spec = BAD_FORMS[case][0], GOOD
    for old, new in zip(edits[::2], edits[1::2], strict=True):
        assert spec.count(old) == 1, old
        spec = spec.replace(old, new)
    return spec


@pytest.mark.parametrize("case", list(BAD_FORMS))
def test_each_bad_form_is_one_located_problem_with_its_fix(tmp_path, case):
    _, where, message, fix = BAD_FORMS[case]
    [problem] = problems_of(tmp_path, _bad(case))
    assert problem.where == f"study.toml {where}"
    assert problem.message == message
    assert fix in problem.fix


def test_duration_and_speeder_column_must_agree():
    study = tx.read_study(SAMPLE)
    bad = replace(study, columns=replace(study.columns, duration="secs"))
    [problem] = validate_study(bad, "study.toml")
    assert problem.where == "study.toml [quality.speeders]"
    assert problem.message == "column 'duration_sec' differs from [columns] duration 'secs'."


def test_a_study_of_non_customers_only_is_valid(tmp_path):
    spec = GOOD.split("[[sources]]")
    only = spec[0] + "[[sources]]" + spec[2]
    study = tx.read_study(write_study(tmp_path, spec=only))
    assert [s.population for s in study.sources] == ["non_customer"]


def test_a_python_study_with_an_alias_of_an_unknown_item():
    src = Source(Path("a.csv"), "customer", "W1", brand="Acme", items={"q9": "Q9"},
                 spec_index=1)
    study = Study("s", (src,), Columns("id"), {"s": Scale("s", 5, 1, 5)}, {},
                  {"q1": Item("q1", "", "s")})
    problems = [p for p in validate_study(study) if "items names" in p.message]
    assert [(p.where, p.message) for p in problems] == [
        ("study [sources #1]", "items names 'q9', which is not an item.")]


# ---------------------------------------------------------------------- data messages
def _load_problems(path: Path) -> list[tx.errors.Problem]:
    return tx.check(tx.read_study(path)).errors


def test_a_declared_id_column_absent_names_the_source_key(tmp_path):
    spec = GOOD.replace('respondent_id = "id_resp"', 'respondent_id = "id_repondant"')
    [problem] = _load_problems(write_study(tmp_path, spec=spec))
    assert problem.where == "prospects.csv"
    assert problem.message == ("column 'id_repondant' (columns.respondent_id of [[sources]] "
                               "#2) is not in the file.")
    assert problem.fix.startswith("did you mean 'id_resp'? Correct columns.respondent_id of "
                                  "[[sources]] #2")


def test_a_default_id_absent_from_one_file_says_how_to_set_its_own(tmp_path):
    spec = GOOD.replace('columns = { respondent_id = "id_resp", ', "columns = { ").replace(
        '[columns]\n', '[columns]\nrespondent_id = "Respondent"\n')
    [problem] = _load_problems(write_study(tmp_path, spec=spec))
    assert problem.where == "prospects.csv"
    assert problem.message == ("column 'Respondent' ([columns] respondent_id) is not in the "
                               "file.")
    assert 'columns = { respondent_id = "<column>" } in [[sources]] #2' in problem.fix
    assert "column 'id_resp' is not in the file" not in str(problem)


def test_a_default_weight_absent_offers_a_constant(tmp_path):
    spec = GOOD.replace('[columns]\n', '[columns]\nweight = "poids"\n')
    [problem] = _load_problems(write_study(tmp_path, spec=spec))
    assert problem.where == "clients.xlsx, sheet 'Sheet1'"
    assert problem.message == "column 'poids' ([columns] weight) is not in the file."
    assert "columns = { weight = 1 } in [[sources]] #1" in problem.fix


def test_an_aliased_item_absent_names_the_alias(tmp_path):
    spec = GOOD.replace('eff_1 = "Q1"', 'eff_1 = "Q01"')
    [problem] = _load_problems(write_study(tmp_path, spec=spec))
    assert problem.message == "column 'Q01' (items.eff_1 of [[sources]] #1) is not in the file."
    assert problem.fix.startswith("did you mean 'Q1'?")


def test_answers_and_weights_are_located_in_the_files_own_columns(tmp_path):
    bad = PROSPECTS.replace("P3;2;", "P3;zero;").replace("P4;0,75;95,25;2;4;3;5;Neutral",
                                                          "P4;0,75;95,25;2;4;3;5;Peut-être")
    problems = _load_problems(write_study(tmp_path, prospects=bad))
    where = sorted(p.where for p in problems)
    assert where == ["prospects.csv, column 'confiance_Alpha'", "prospects.csv, column 'poids'"]
    unknown = next(p for p in problems if "confiance" in p.where)
    assert unknown.message == "'Peut-être' matches no label of scale 'agree5' (1 row: 5)."


def test_an_unknown_answer_in_an_aliased_column_names_that_column(tmp_path):
    spec = GOOD
    path = write_study(tmp_path, spec=spec)
    frame = CLIENTS.copy()
    frame.loc[0, "I trust [Brand]"] = "Maybe"
    frame.to_excel(tmp_path / "clients.xlsx", index=False)
    [problem] = _load_problems(path)
    assert problem.where == "clients.xlsx, sheet 'Sheet1', column 'I trust [Brand]'"
    assert problem.message.startswith("'Maybe' matches no label of scale 'agree5' (1 row: 2)")


def test_a_loop_alias_with_no_column_is_named_by_its_alias(tmp_path):
    spec = GOOD.replace('items = { trust_1 = "confiance" }', 'items = { trust_1 = "trust" }')
    problems = _load_problems(write_study(tmp_path, spec=spec))
    assert [p.message for p in problems] == [
        "no column matches brand_pattern '{item}_{brand}' for item 'trust_1' (named 'trust' "
        "by the source's items) (e.g. 'trust_Alpha')."]


# ---------------------------------------------------------------------- the sample study
def test_the_sample_study_reads_as_before():
    study = tx.read_study(SAMPLE)
    for source in study.sources:
        assert source.columns == {} and source.items == {}
        assert study.columns_for(source) == Columns(
            "resp_id", "brand", "weight", ("region", "age_group"), ("email",),
            duration="duration_sec")
        assert weight_source(study, source) == "column:weight"
    source = study.sources[0]
    raw = read_table(source.path, source.sheet)
    table = apply_roles(study, source, raw, [])
    assert table.frame is raw.frame and table.renamed == {}  # nothing renamed
    # each code's accepted answers: its label, then its translations (no synonym)
    assert all(set(s.accepted) == set(s.labels) and all(
        s.accepted[c][0] == t and len(s.accepted[c]) <= 2 for c, t in s.labels.items())
        for s in study.scales.values())


def test_numeric_columns_follow_the_aliases(two_platforms):
    study = tx.read_study(two_platforms)
    clients, prospects = study.sources
    numeric = numeric_columns(study, clients)
    assert [numeric(c) for c in ("Q1", "I trust [Brand]", "Time taken (s)", "Respondent",
                                 "eff_1")] == [True, True, True, False, False]
    numeric = numeric_columns(study, prospects)
    assert [numeric(c) for c in ("confiance_Bêta", "sal_1_Alpha", "poids", "duree_sec",
                                 "id_resp", "trust_1_Alpha")] == [
        True, True, True, True, False, False]
