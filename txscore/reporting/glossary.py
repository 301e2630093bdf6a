"""The glossary of the Methodology sheet: every term a client meets in the workbook, defined
in plain words with the study's own settings (its bands, its thresholds, its confidence).

The terms are named as the workbook names them (the measures, the growth-grid quadrants,
the importance–performance priorities and the base flags of the text tables), so that the
word a reader looks up is the word on the sheet.
"""

from __future__ import annotations

import math
from typing import Any

from txscore.reporting.text import Words, words_for

__all__ = ["QUADRANTS", "TERMS", "glossary_rows"]

#: the growth-grid quadrants, in the order they are defined
QUADRANTS = ("Leading", "Plateauing", "Churning", "Lagging")
#: the importance–performance priorities (``"unclear"``: no clear priority)
PRIORITIES = ("concentrate", "keep", "low", "overkill", "unclear")
#: every entry of the glossary, in order: (kind, key); the kind says where the term's name
#: comes from (a measure, a quadrant, a priority, a base flag, or the glossary's own words)
TERMS: tuple[tuple[str, str], ...] = (
    ("measure", "tx"), ("measure", "customer_score"), ("measure", "non_customer_score"),
    ("measure", "cx"), ("measure", "bx_customers"), ("measure", "bx_non_customers"),
    ("measure", "nps"), ("own", "score"), ("term", "bands"), ("term", "grid"),
    *(("quadrant", q) for q in QUADRANTS), ("term", "ip"),
    *(("priority", p) for p in PRIORITIES), ("term", "peer"), ("term", "n"),
    ("term", "n_eff"), ("term", "interval"), ("term", "bootstrap"),
    ("term", "significance"), ("term", "p"), ("term", "multiple"),
    ("flag", "suppressed"), ("flag", "low_base"), ("flag", "caution"),
)


def _bands(study: Any, w: Words) -> str:
    """``Excellent 80 and above; Good 70 to under 80; ...; Very poor below 50``."""
    bands = study.index.bands
    parts = []
    for i, (name, lo) in enumerate(bands):
        hi = bands[i - 1][1] if i else math.inf
        if not math.isfinite(lo):
            span = w["band_low"].format(hi=w.num(hi))
        elif not math.isfinite(hi):
            span = w["band_top"].format(lo=w.num(lo))
        else:
            span = w["band_mid"].format(lo=w.num(lo), hi=w.num(hi))
        parts.append(f"{w.bands.get(name, name)} {span}")
    return w["list_sep"].join(parts)


def _term(kind: str, key: str, w: Words) -> str:
    g = w.table["glossary"]
    if kind == "measure":
        return w.measures[key]
    if kind == "quadrant":
        return w.quadrants[key]
    if kind == "priority":
        return w.ip_quadrants.get(key) or w.methodology[key]
    if kind == "flag":
        return w.flags[key]
    return g.get(f"{key}_term", key)


def glossary_rows(result: Any, words: Words | None = None) -> list[tuple[str, str]]:
    """(term, definition) of every entry of :data:`TERMS`, in the workbook's language.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> rows = dict(glossary_rows(tx.score(tx.load(study))))
    >>> rows["Low base"]
    'Effective base below 50: shown in grey italics; read with care.'
    """
    study = result.study
    w = words or words_for(study.report.language)
    g, ix, rep = w.table["glossary"], study.index, study.report
    fields = {
        "share": w.num(ix.share_non_customer), "lam": w.num(ix.lam),
        "bands": _bands(study, w), "peer": w.num(rep.peer_min_base),
        "conf": w.num(rep.confidence * 100), "boot": w.count(rep.bootstrap),
        "alpha": w.num(round(1 - rep.confidence, 4)), "suppress": w.num(rep.suppress_below),
        "low": w.num(rep.low_base_below), "caution": w.num(rep.caution_below),
    }
    rows = []
    for kind, key in TERMS:
        text = g["multiple_bh" if rep.multiple_testing == "bh" else "multiple_none"] if (
            key == "multiple") else g[key]
        rows.append((_term(kind, key, w).format(**fields), text.format(**fields)))
    return rows
