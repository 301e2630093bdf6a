"""What a column, its answers or a file name say: the guesses behind ``txscore init``.

Each guess is a plain function of what was read: a column's answers and labels
(:class:`ColumnProfile`, :func:`profile_column`) give its scale (:func:`scale_for`: SPSS
value labels, known label sets in English and French, or plain 0-10 / 1-k codes), a column
name and question text give its construct (:func:`construct_of`), a file name gives its
population and wave, the column names give a brand loop (:func:`loop_columns`), and answers
that run against the other items of their scale mark a reverse-worded item
(:func:`mark_reversed`).  :mod:`txscore.ingest.draft` turns the guesses into a spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from txscore.ingest.codes import map_answers
from txscore.ingest.table import RawTable
from txscore.study import DIMENSIONS, Scale, normalise_label

__all__ = ["ROLE_OF", "VOCABULARIES", "ColumnProfile", "construct_of", "guess_population",
           "guess_wave", "loop_columns", "mark_reversed", "profile_column", "scale_for"]

VOCABULARIES = {
    "agree5": ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
               "Strongly agree"],
    "agree5s": ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree",
                "Somewhat agree", "Strongly agree"],
    "agree7": ["Strongly disagree", "Disagree", "Somewhat disagree",
               "Neither agree nor disagree", "Somewhat agree", "Agree", "Strongly agree"],
    "likely5": ["Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely",
                "Very likely"],
    "likely7": ["Very unlikely", "Unlikely", "Somewhat unlikely", "Neither likely nor unlikely",
                "Somewhat likely", "Likely", "Very likely"],
    "satisfied5": ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
                   "Satisfied", "Very satisfied"],
    "agree5_fr": ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
                  "Plutôt d'accord", "Tout à fait d'accord"],
    "satisfied5_fr": ["Pas du tout satisfait", "Plutôt pas satisfait",
                      "Ni satisfait ni insatisfait", "Plutôt satisfait", "Très satisfait"],
}
_MISSING_WORDS = {normalise_label(w) for w in (
    "Don't know", "Dont know", "Do not know", "Not applicable", "N/A", "Prefer not to say",
    "Ne sait pas", "Je ne sais pas", "NSP", "Sans opinion", "Non concerné", "Weiß nicht")}
_NAME_RULES = [  # column-name prefixes first: they are the questionnaire's own coding
    ("effectiveness", r"^eff(_|\d|ective)"), ("ease", r"^ease"), ("emotion", r"^emo"),
    ("retention", r"^ret(_|\d|ention)"), ("enrichment", r"^enr"), ("advocacy", r"^adv"),
    ("salience", r"^sal(_|\d|ience)"), ("fit", r"^fit(_|\d|$)"), ("trust", r"^trust"),
    ("preference", r"^pref"),
]
_TEXT_RULES = [  # then the question text, most specific first
    ("advocacy", r"recommend|recommander|weiterempfehl"),
    ("enrichment", r"buy more|more (products|services)|spend more|acheter (plus|davantage)"),
    ("retention", r"\bstay\b|continue (to|with|using)|renew|remain with|rester"),
    ("fit", r"people like me|personnes comme moi"),
    ("trust", r"trust|honest|confident|confiance|reliable|fiable"),
    ("salience", r"comes? to mind|favou?rable|top of mind|esprit"),
    ("preference", r"consider|prefer|purchase|buy from|premium|pay more|envisag"),
    ("ease", r"easy|effort|simple to|convenient|facile"),
    ("emotion", r"\bfeel|valued|enjoy|pleasant|happy|appreciat|plaisir"),
    ("effectiveness", r"meets? (my|your) needs|effective|delivers what|promises|besoins"),
]
ROLE_OF = {dim: role for role, dims in DIMENSIONS.items() for dim in dims}
ROLE_OF["preference"] = "preference"


@dataclass
class ColumnProfile:
    """What a column holds across the files it appears in."""

    numbers: dict[float, int] = field(default_factory=dict)  # code -> rows
    labels: dict[str, str] = field(default_factory=dict)  # normalised -> as written
    distinct: int = 0
    filled: float = 0.0
    files: list[int] = field(default_factory=list)
    text: str = ""
    value_labels: dict = field(default_factory=dict)
    user_missing: tuple = ()


def profile_column(series: pd.Series, col: ColumnProfile, cap: int = 400) -> None:
    """Add the distinct numbers and (normalised) labels of a column to its profile; nothing
    past ``cap`` distinct values (free text).

    >>> col = ColumnProfile()
    >>> profile_column(pd.Series(["Agree", "agree ", "4", None]), col)
    >>> col.numbers, col.labels, col.distinct, col.filled
    ({4.0: 1}, {'agree': 'Agree'}, 2, 0.75)
    """
    counts = series.value_counts(dropna=True)
    col.filled = max(col.filled, float(series.notna().mean()) if len(series) else 0.0)
    if len(counts) > cap:
        col.distinct = max(col.distinct, len(counts))
        return
    for u, k in counts.items():  # a loop over distinct answers only
        text = str(u).strip()
        try:
            number = float(text.replace(",", "."))
            col.numbers[number] = col.numbers.get(number, 0) + int(k)
        except ValueError:
            if text:
                col.labels.setdefault(normalise_label(text), text.strip())
    col.distinct = max(col.distinct, len(col.numbers) + len(col.labels))


def scale_for(col: ColumnProfile) -> tuple[str, Scale, str] | None:
    """A scale that explains the answers of the column, its key and a TODO (or "").

    Codes given by fewer than 1 in 200 numeric answers are typing errors (txscore reports
    them as out of range), not scale points.

    >>> col = ColumnProfile()
    >>> profile_column(pd.Series(["Agree", "Disagree", "Strongly agree", "Don't know"]), col)
    >>> key, scale, todo = scale_for(col)
    >>> key, scale.labels[4], dict(scale.missing), todo
    ('agree5', 'Agree', {99: "Don't know"}, '')
    """
    missing_codes = sorted(n for n in col.numbers if n >= 90 and n.is_integer())
    total = sum(col.numbers.values())
    valid = sorted(n for n, k in col.numbers.items() if n < 90 and k * 200 >= total)
    if valid and not all(n.is_integer() for n in valid):
        return None
    miss_labels = [t for k, t in col.labels.items() if k in _MISSING_WORDS]
    texts = {k for k in col.labels if k not in _MISSING_WORDS}
    top = max(valid, default=0)
    if col.value_labels:
        return _spss_scale(col)
    if texts:
        fits = [(len(v) < top, len(v) if len(v) >= top else -len(v), name)
                for name, v in VOCABULARIES.items()
                if texts <= {normalise_label(x) for x in v} and min(valid, default=1) >= 1]
        if not fits:
            return None
        *_, name = min(fits)  # the smallest label set covering the codes, else the largest
        labels = dict(enumerate(VOCABULARIES[name], 1))
        scale = Scale(name, len(labels), 1, len(labels), labels,
                      _missing(missing_codes, miss_labels))
        return name, scale, ""
    valid = sorted(n for n in col.numbers if n.is_integer() and 0 <= n <= 10)  # 0 is rare
    top = max(valid, default=0)
    if len(valid) < 3 or top < 4:
        return None
    # 1-5, 1-7, else 0-10 (likelihood to recommend and other 11-point questions)
    lo, hi = (1, 5) if top <= 5 and valid[0] >= 1 else (1, 7) if top <= 7 and valid[0] >= 1 \
        else (0, 10)
    key = f"scale_{lo}_{hi}"
    scale = Scale(key, hi - lo + 1, lo, hi, {lo: "TODO: label of the lowest code",
                                              hi: "TODO: label of the highest code"},
                  _missing(missing_codes, miss_labels))
    return key, scale, f"scale {key}: codes only in the data; name the end points"


def _missing(codes: list[float], labels: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    free = [c for c in range(99, 89, -1) if c not in codes]
    for code in sorted(codes, reverse=True):
        out[int(code)] = labels.pop(0) if labels else "Don't know"
    for label in labels:
        out[free.pop(0)] = label
    return out


def _spss_scale(col: ColumnProfile) -> tuple[str, Scale, str] | None:
    missing_values = {lo for lo, hi in col.user_missing if lo == hi}
    labelled = {float(k): str(v) for k, v in col.value_labels.items()
                if isinstance(k, int | float) and float(k) not in missing_values
                and not any(lo <= float(k) <= hi for lo, hi in col.user_missing)}
    codes = sorted(labelled)
    if len(codes) < 3 or not all(c.is_integer() for c in codes) or codes[-1] - codes[0] > 10:
        return None
    lo, hi = int(codes[0]), int(codes[-1])
    labels = {int(c): labelled[c] for c in codes}
    miss = {int(k): str(v) for k, v in col.value_labels.items()
            if isinstance(k, int | float) and float(k) in missing_values}
    texts = [normalise_label(t) for t in labels.values()]
    name = next((n for n, v in VOCABULARIES.items()
                 if sorted(texts) == sorted(normalise_label(x) for x in v)), "")
    todo = ""
    if name and texts != [normalise_label(x) for x in VOCABULARIES[name]]:
        todo = (f"codes run from '{labels[lo]}' ({lo}) to '{labels[hi]}' ({hi}): if the "
                "low codes are the favourable end, mark the items reversed = true")
    key = name or f"labels_{lo}_{hi}"
    return key, Scale(key, hi - lo + 1, lo, hi, labels, miss), todo


def construct_of(name: str, text: str) -> str | None:
    """The construct a question measures, from its column name, else its text; or None.

    >>> construct_of("eff_1", ""), construct_of("q7", "How likely are you to recommend us?")
    ('effectiveness', 'advocacy')
    """
    key = normalise_label(name)
    for construct, rx in _NAME_RULES:
        if re.search(rx, key):
            return construct
    body = normalise_label(f"{name} {text}")
    for construct, rx in _TEXT_RULES:
        if re.search(rx, body):
            return construct
    return None


def guess_population(name: str) -> tuple[str, bool]:
    """The population a file name says, and whether it says it (else "customer", False).

    >>> guess_population("non_customers_w1.xlsx"), guess_population("data.csv")
    (('non_customer', True), ('customer', False))
    """
    key = normalise_label(name)
    if re.search(r"non[ _-]?(cust|client)|prospect|noncust|nonclient", key):
        return "non_customer", True
    if re.search(r"cust|client|kunde", key):
        return "customer", True
    return "customer", False


def guess_wave(name: str) -> tuple[str, bool]:
    """The wave a file name says, and whether it says it (else "W1", False).

    >>> guess_wave("tracker_2026q2.csv"), guess_wave("wave3.xlsx"), guess_wave("x.csv")
    (('2026 Q2', True), ('W3', True), ('W1', False))
    """
    key = normalise_label(Path(name).stem)
    m = re.search(r"(20\d\d)[ _-]?(q[1-4]|h[12])", key)
    if m:
        return f"{m.group(1)} {m.group(2).upper()}", True
    m = re.search(r"(?:^|[^a-z])(?:w|wave|vague)[ _-]?(\d+)", key)
    if m:
        return f"W{int(m.group(1))}", True
    return "W1", False


def loop_columns(columns: list[str]) -> tuple[str, list[str], dict[str, str]] | None:
    """A brand loop: stems sharing the same non-numeric suffixes (``trust_1_Acme``).

    Returns the pattern, the brand parts and the stem of each loop column, or None.

    >>> loop_columns(["trust_1_Acme", "fit_1_Acme", "trust_1_Globex", "fit_1_Globex"])[:2]
    ('{item}_{brand}', ['Acme', 'Globex'])
    """
    split = [re.match(r"^(.+?)([_ .-])([^_ .-]+)$", c) for c in columns]
    by_suffix: dict[tuple[str, str], list[str]] = {}
    for m in split:
        if m and not m.group(3).isdigit():
            by_suffix.setdefault((m.group(2), m.group(3)), []).append(m.group(1))
    groups: dict[tuple, list[str]] = {}
    for (sep, suffix), stems in by_suffix.items():
        if len(stems) >= 2:
            groups.setdefault((sep, tuple(sorted(stems))), []).append(suffix)
    best = max(((k, v) for k, v in groups.items() if len(v) >= 2),
               key=lambda kv: (len(kv[0][1]) * len(kv[1]), kv[1]), default=None)
    if best is None:
        return None
    (sep, stems), suffixes = best
    column_of = {f"{stem}{sep}{s}": stem for stem in stems for s in suffixes}
    return "{item}" + sep + "{brand}", list(suffixes), column_of


def mark_reversed(tables: list[RawTable], items: dict, scales: dict, todos: list[str]) -> None:
    """Items whose answers run against the other items of their scale are reverse-worded.

    Each item is correlated with the mean of the other items on the same scale (at least
    three items, first 5,000 rows of the first file holding them): in a battery of
    positively worded statements, only a negatively worded one correlates negatively.
    ``items`` (item -> {"scale", "columns", ...}) gains ``reversed`` and a ``comment``.

    >>> frame = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [1, 2, 4, 4, 5], "c": [5, 4, 3, 2, 1]})
    >>> items = {i: {"scale": "s", "columns": [i]} for i in "abc"}
    >>> todos = []
    >>> mark_reversed([RawTable(frame, "f.csv", None, 2, "csv")], items,
    ...               {"s": Scale("s", 5, 1, 5)}, todos)
    >>> [i for i, spec in items.items() if spec.get("reversed")]
    ['c']
    """
    by_scale: dict[str, list[str]] = {}
    for item, spec in items.items():
        by_scale.setdefault(spec["scale"], []).append(item)
    for key, members in by_scale.items():
        for t in tables:
            cols = {i: items[i]["columns"][0] for i in members
                    if items[i]["columns"][0] in t.frame.columns}
            if len(cols) < 3:
                continue
            sample = t.frame.iloc[:5000]
            codes = pd.DataFrame({i: map_answers(sample[c], scales[key]).codes
                                  for i, c in cols.items()})
            for i in cols:
                r = codes[i].corr(codes.drop(columns=i).mean(axis=1))
                if np.isfinite(r) and r < -0.1:
                    items[i]["reversed"] = True
                    items[i]["comment"] = (f"TODO: answers run against the other {key} items "
                                           f"(r = {r:.2f}): reverse-worded?")
                    todos.append(f"item {i}: marked reversed (r = {r:.2f} with the other "
                                 f"{key} items)")
            break


