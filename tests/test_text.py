"""The words of the reports (txscore.reporting.text): every code the statistics return has an
English and a French text, the two tables have the same keys and fields, and reporting
compares no base with a threshold (it reads the result's flags).

The code tuples are those of the modules that return the codes: the flags
(``stats.inference.FLAGS``), reliability verdicts, notes and item flags
(``stats.reliability``), driver warnings and analyses (``scoring.drivers``), the CX weights'
notes (``scoring.composites``), exclusion reasons (``ingest.quality.REASONS``).
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from txscore.reporting.text import CODE_TABLES, LANGUAGES, parse_code, words_for

REPORTING = Path(__file__).resolve().parents[1] / "txscore" / "reporting"


def _codes() -> dict[str, tuple[str, ...]]:
    """Table of the text -> the codes the statistics return for it."""
    from txscore.ingest.quality import REASONS
    from txscore.scoring.composites import WEIGHT_NOTES
    from txscore.scoring.drivers import ANALYSES, WARNINGS
    from txscore.scoring.tables import QUADRANTS
    from txscore.stats.drivers import METHODS
    from txscore.stats.inference import FLAGS
    from txscore.stats.reliability import ITEM_FLAGS, NOTES, VERDICTS
    from txscore.study.vocabulary import INDEX_MEASURES, MEASURE_LABELS, POPULATIONS

    return {"flags": FLAGS, "verdicts": VERDICTS, "reliability_notes": NOTES,
            "reliability_notes_short": NOTES, "item_flags": ITEM_FLAGS,
            "driver_warnings": WARNINGS, "weight_notes": WEIGHT_NOTES,
            "reasons": tuple(REASONS), "reason_texts": tuple(REASONS), "methods": METHODS,
            "analyses": ANALYSES, "measures": (*INDEX_MEASURES, *MEASURE_LABELS),
            "populations": (*POPULATIONS, "all"),
            "quadrants": QUADRANTS}


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
