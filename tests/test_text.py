"""The words of the reports (txscore.reporting.text): every code the statistics return has an
English and a French text, the two tables have the same keys and fields, and reporting
compares no base with a threshold (it reads the result's flags).

The code tuples are those of the modules that return the codes: the flags
(``stats.inference.FLAGS``), reliability verdicts, notes and item flags
(``stats.reliability``), driver warnings and analyses (``scoring.drivers``), the CX weights'
notes, the indices a partial study lacks and why (``scoring.composites``), exclusion reasons
and their details
(``ingest.quality.REASONS``, ``ingest.quality.DETAILS``).
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from txscore.reporting.text import CODE_TABLES, LANGUAGES, parse_code, parse_detail, words_for

REPORTING = Path(__file__).resolve().parents[1] / "txscore" / "reporting"


def _codes() -> dict[str, tuple[str, ...]]:
    """Table of the text -> the codes the statistics return for it."""
    from txscore.ingest.quality import DETAILS, REASONS
    from txscore.scoring.composites import INDICES, NOT_COMPUTED, WEIGHT_NOTES
    from txscore.scoring.drivers import ANALYSES, IP_QUADRANTS, WARNINGS
    from txscore.scoring.tables import QUADRANTS
    from txscore.stats.drivers import METHODS
    from txscore.stats.inference import FLAGS
    from txscore.stats.reliability import ITEM_FLAGS, NOTES, VERDICTS
    from txscore.study.vocabulary import INDEX_MEASURES, MEASURE_LABELS, POPULATIONS

    return {"flags": FLAGS, "verdicts": VERDICTS, "reliability_notes": NOTES,
            "reliability_notes_short": NOTES, "item_flags": ITEM_FLAGS,
            "driver_warnings": WARNINGS, "weight_notes": WEIGHT_NOTES,
            "reasons": REASONS, "reason_texts": REASONS, "details": DETAILS, "methods": METHODS,
            "analyses": ANALYSES, "ip_quadrants": IP_QUADRANTS,
            "measures": (*INDEX_MEASURES, *MEASURE_LABELS),
            "populations": (*POPULATIONS, "all"),
            "quadrants": QUADRANTS, "indices": INDICES, "not_computed": NOT_COMPUTED}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_code_of_the_statistics_has_a_text(language):
    table = LANGUAGES[language]
    missing = {name: sorted(set(codes) - set(table[name]))
               for name, codes in _codes().items() if set(codes) - set(table[name])}
    assert not missing, f"{language}: codes without words: {missing}"
    charts = table["charts"]
    assert {"caution", "low_base", "suppressed"} <= set(charts)  # the flags' legends
    assert set(_codes()["methods"]) <= set(charts)


def test_the_report_languages_are_the_study_s():
    from txscore.study.model import LANGUAGES as STUDY_LANGUAGES

    assert set(LANGUAGES) == set(STUDY_LANGUAGES)


def _keys(value, prefix=""):
    if isinstance(value, dict):
        return {k for key, v in value.items() for k in _keys(v, f"{prefix}{key}/")} | {prefix}
    return {prefix}


def _fields(text: str) -> set[str]:
    """The fields of a template; ``bare`` is ``value`` without its leading zero (.30)."""
    return {"value" if f == "bare" else f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_english_and_french_have_the_same_keys_and_fields():
    en, fr = LANGUAGES["en"], LANGUAGES["fr"]
    assert _keys(en) == _keys(fr)
    for part, table in en.items():
        for key, text in table.items():
            assert _fields(text) == _fields(fr[part][key]), (part, key)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_code_template_formats_with_its_fields(language):
    w = words_for(language)
    for table in CODE_TABLES:
        for code, template in LANGUAGES[language][table].items():
            assert _fields(template) <= {"item", "value", "bare", "a", "b"}, (table, code)
            text = w.code(table, f"{code}:x~y(0.25)")
            assert "{" not in text and text, (table, code)


def test_codes_with_arguments_in_both_languages():
    en, fr = words_for("en"), words_for("fr")
    notes = "low_item_rest:trust_3(0.30);raises_alpha:trust_3(+0.190);two_dimensional(1.42)"
    assert en.verdict("questionable", notes) == (
        "questionable; trust_3: low item-rest r (<.30); alpha rises if deleted (+0.190); "
        "looks two-dimensional (2nd eigenvalue 1.42 > 1)")
    assert fr.verdict("questionable", notes) == (
        "discutable\xa0; trust_3\xa0: r item-reste faible (<0,30)\xa0; l’alpha augmente sans "
        "elle (+0,190)\xa0; semble bidimensionnel (2e valeur propre 1,42 > 1)")
    assert en.verdict("ok", "", flag="suppressed") == "suppressed"
    assert fr.codes("driver_warnings", "near_duplicate:trust~fit(.97);singular(1234)") == (
        "facteurs quasi identiques trust et fit (r = 0,97)\xa0: leurs importances se partagent "
        "la variance commune\xa0; corrélations entre facteurs quasi singulières "
        "(conditionnement 1234)\xa0: importances instables")
    # a code from a newer txscore is shown as it is, never dropped
    assert en.codes("item_flags", "low_item_rest(0.30);new_flag(2)") == (
        "low item-rest r (<.30); new_flag(2)")
    assert parse_code("too_few_cases") == ("too_few_cases", {"item": "", "value": "", "a": "",
                                                             "b": ""})


# ---------------------------------------------------------------------- exclusion details
#: one detail of each code of ingest.quality.DETAILS, as the checks write it
DETAIL_EXAMPLES = {
    "answer": "answer:Status(Survey Preview)", "blank": "blank:attn",
    "expected": "expected:attn(Agree|4)", "same_id_as": "same_id_as:customers_w1.xlsx(17)",
    "duration_below": "duration_below(42<60)",
    "duration_below_median": "duration_below_median(80.5<0.5*1500)",
    "straightline": "straightline:agree5(4,9/9)", "outside_scale": "outside_scale:fit_2(77)",
    "answered_share": "answered_share(2/9<0.5)", "not_finished": "not_finished"}


def test_every_detail_code_has_an_example():
    from txscore.ingest.quality import DETAILS

    assert set(DETAIL_EXAMPLES) == set(DETAILS)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_detail_template_formats_with_its_arguments(language):
    w = words_for(language)
    for code, template in LANGUAGES[language]["details"].items():
        assert _fields(template) <= {"subject", "0", "1", "2"}, code
        text = w.detail(DETAIL_EXAMPLES[code])
        assert text and "{" not in text and text != DETAIL_EXAMPLES[code], (code, text)


def test_details_in_both_languages():
    en, fr = words_for("en"), words_for("fr")
    ledger = [DETAIL_EXAMPLES[c] for c in ("same_id_as", "duration_below", "answered_share")]
    ledger += ["blank:attn;expected:attn(Agree|4)", "answer:Status(Survey Preview)",
               "duration_below_median(80.5<0.5*1500)", "straightline:agree5(4,3/4)",
               "outside_scale:eff_1(8);outside_scale:ease_1(0)", "not_finished"]
    assert [en.detail(d) for d in ledger] == [
        "same id as customers_w1.xlsx row 17", "duration 42 s < 60 s",
        "answered 2 of 9 required items (minimum 50%)",
        "attn blank; expected 'Agree' or '4'", "Status = 'Survey Preview'",
        "duration 80.5 s < 0.5 x median 1,500 s",
        "same answer (4) on 3 of 4 items of grid agree5", "eff_1 = 8; ease_1 = 0",
        "not finished (Finished = false)"]
    nb, nnb = "\xa0", "\u202f"
    french = [fr.detail(d) for d in ledger]
    assert french == [
        "même identifiant que customers_w1.xlsx ligne 17", f"durée 42{nb}s < 60{nb}s",
        f"2 questions obligatoires renseignées sur 9 (minimum 50{nb}%)",
        f"attn vide{nb}; réponse attendue{nb}: «{nb}Agree{nb}» ou «{nb}4{nb}»",
        f"Status = «{nb}Survey Preview{nb}»",
        f"durée 80,5{nb}s < 0,5 × la médiane de 1{nnb}500{nb}s",
        "même réponse (4) à 3 des 4 questions de la grille agree5",
        f"eff_1 = 8{nb}; ease_1 = 0", "questionnaire non terminé (Finished = faux)"]
    english = ("same id", "duration", "blank", "expected", "answered", "items", "grid",
               "row", "median", "not finished", " or ")
    assert not [t for t in french for word in english if word in t]
    # an empty detail says nothing; a code from a newer txscore is shown as it is
    assert en.detail("") == fr.detail(None) == ""
    assert fr.detail("captcha_failed(3);blank:attn") == f"captcha_failed(3){nb}; attn vide"
    assert fr.detail("duration_below(42)") == "duration_below(42)"  # too few arguments


def test_details_of_any_name_or_answer_parse_back_exactly():
    """File names, columns and answers holding the notation's own characters (and a
    formula) are escaped by ingest and come back as written, as text."""
    import pandas as pd

    from txscore.ingest.quality import out_of_range_detail, quote_subject, value_in_detail

    column, answer = "Q1: (attn); a/b", "=HYPERLINK(\"x\"); 1<2, 3*4 | 50%\n"
    [detail] = value_in_detail(pd.Series([answer]), {"agree"}, column, flag_if_in=False,
                               expected=["Agree, fully", "4"]).tolist()
    assert detail.startswith("answer:") and detail.count(";") == 1
    (code, subject, args), (code2, subject2, args2) = map(parse_detail, detail.split(";"))
    assert (code, subject, args) == ("answer", column, ((answer.strip(),),))
    assert (code2, subject2, args2) == ("expected", column, (("Agree, fully", "4"),))
    assert words_for("en").detail(detail) == (
        f"{column} = '{answer.strip()}'; expected 'Agree, fully' or '4'")
    [oor] = out_of_range_detail("fit (2)", ["7;8"])
    assert parse_detail(oor) == ("outside_scale", "fit (2)", (("7;8",),))
    name = "w1 (copy); 100%.csv"
    assert parse_detail(f"same_id_as:{quote_subject(name)}(17)")[1] == name


def test_french_punctuation_has_no_break_spaces():
    def texts(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from texts(v)
        else:
            yield value

    bad = [t for t in texts(LANGUAGES["fr"]) if any(f" {p}" in t for p in ":;?!%")]
    assert not bad, bad[:3]


# ---------------------------------------------------------------------- decides nothing
THRESHOLDS = {"suppress_below", "low_base_below", "caution_below", "peer_min_base", "n_eff",
              "n_complete", "MIN_N_PER_DRIVER"}


def _names(node: ast.AST) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node)
            if isinstance(n, ast.Name | ast.Attribute)} | {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
        and isinstance(n.value, str)}


@pytest.mark.parametrize("path", sorted(REPORTING.glob("*.py")), ids=lambda p: p.name)
def test_reporting_compares_no_base_with_a_threshold(path):
    """A comparison (<, >=, ...) touching a base or a base rule would re-decide what the
    scoring flagged; reporting mentions the rules only in words."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare) and not all(
                isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn | ast.Is | ast.IsNot)
                for op in node.ops):
            if hit := _names(node) & THRESHOLDS:
                found.append(f"{path.name}:{node.lineno} {sorted(hit)}")
    assert not found, found
