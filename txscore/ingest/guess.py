"""What a column's answers or a file name say: the scale guesses behind ``txscore init``.

A column's distinct answers and their counts (:class:`ColumnProfile`,
:func:`profile_column`) give its scale (:func:`guess_scale`): SPSS value labels, known
label sets (agreement, likelihood, satisfaction, extent, quality in English, French and
German), numbered end labels (``"0 - Not at all likely"``, ``"10 - Extremely likely"``)
or plain codes.  A few answers that match no label of the set (one stray "Agree strongly"
among 425 rows) never reject the question: they are returned as *strays*, with the code
they most likely mean, for the draft to list and propose as synonyms.  A file name gives
the population and the wave.  :mod:`txscore.ingest.draft` turns the guesses into a spec.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from txscore.ingest.privacy import redact
from txscore.study import normalise_label

__all__ = ["FAMILIES", "ColumnProfile", "ScaleGuess", "guess_population", "guess_scale",
           "guess_wave", "is_missing_label", "loose", "profile_column", "quoted"]

_L = tuple[str, ...]
#: label sets: family -> language -> one entry per code from 1 (first form shown; the
#: others are variants the platforms write)
FAMILIES: Mapping[str, Mapping[str, tuple[_L, ...]]] = {
    "agree5": {
        "en": (("Strongly disagree",), ("Disagree",),
               ("Neither agree nor disagree", "Neither disagree nor agree",
                "Neither agree or disagree", "Neutral"), ("Agree",), ("Strongly agree",)),
        "fr": (("Pas du tout d'accord", "Tout à fait en désaccord"),
               ("Plutôt pas d'accord", "Plutôt en désaccord"),
               ("Ni d'accord ni pas d'accord", "Ni d'accord, ni pas d'accord", "Neutre"),
               ("Plutôt d'accord",), ("Tout à fait d'accord",)),
        "de": (("Stimme überhaupt nicht zu",), ("Stimme eher nicht zu",),
               ("Weder noch", "Teils/teils", "Teils, teils"), ("Stimme eher zu",),
               ("Stimme voll und ganz zu", "Stimme voll zu"))},
    "agree5s": {"en": (("Strongly disagree",), ("Somewhat disagree",),
                       ("Neither agree nor disagree",), ("Somewhat agree",),
                       ("Strongly agree",))},
    "agree4": {
        "en": (("Strongly disagree",), ("Disagree",), ("Agree",), ("Strongly agree",)),
        "fr": (("Pas du tout d'accord",), ("Plutôt pas d'accord",), ("Plutôt d'accord",),
               ("Tout à fait d'accord",)),
        "de": (("Stimme überhaupt nicht zu",), ("Stimme eher nicht zu",),
               ("Stimme eher zu",), ("Stimme voll und ganz zu",))},
    "agree7": {
        "en": (("Strongly disagree",), ("Disagree",), ("Somewhat disagree",),
               ("Neither agree nor disagree",), ("Somewhat agree",), ("Agree",),
               ("Strongly agree",)),
        "fr": (("Pas du tout d'accord",), ("Pas d'accord",), ("Plutôt pas d'accord",),
               ("Ni d'accord ni pas d'accord",), ("Plutôt d'accord",), ("D'accord",),
               ("Tout à fait d'accord",))},
    "likely5": {
        "en": (("Very unlikely",), ("Unlikely",), ("Neither likely nor unlikely",),
               ("Likely",), ("Very likely",)),
        "fr": (("Très improbable", "Très peu probable"),
               ("Plutôt improbable", "Peu probable", "Improbable"),
               ("Ni probable ni improbable",), ("Plutôt probable", "Probable"),
               ("Très probable",)),
        "de": (("Sehr unwahrscheinlich",), ("Eher unwahrscheinlich",), ("Weder noch",),
               ("Eher wahrscheinlich",), ("Sehr wahrscheinlich",))},
    "likely7": {"en": (("Very unlikely",), ("Unlikely",), ("Somewhat unlikely",),
                       ("Neither likely nor unlikely",), ("Somewhat likely",), ("Likely",),
                       ("Very likely",))},
    "satisfied5": {
        "en": (("Very dissatisfied",), ("Dissatisfied",),
               ("Neither satisfied nor dissatisfied",), ("Satisfied",), ("Very satisfied",)),
        "fr": (("Pas du tout satisfait", "Très insatisfait"),
               ("Plutôt pas satisfait", "Insatisfait"), ("Ni satisfait ni insatisfait",),
               ("Plutôt satisfait", "Satisfait"), ("Très satisfait",)),
        "de": (("Sehr unzufrieden",), ("Eher unzufrieden",),
               ("Weder zufrieden noch unzufrieden",), ("Eher zufrieden",),
               ("Sehr zufrieden",))},
    "extent5": {"en": (("Not at all",), ("Slightly", "A little"),
                       ("Moderately", "Somewhat"), ("Very", "Very much"), ("Extremely",)),
                "fr": (("Pas du tout",), ("Un peu",), ("Moyennement",), ("Beaucoup",),
                       ("Énormément",))},
    "quality5": {"en": (("Very poor",), ("Poor",), ("Fair",), ("Good",), ("Excellent",)),
                 "fr": (("Très mauvais",), ("Mauvais",), ("Moyen",), ("Bon",),
                        ("Excellent",))},
}
#: end labels of 0-10 scales (likelihood to recommend), low then high
_ENDS = {"en": (("Not at all likely", "Not likely at all", "Extremely unlikely"),
                ("Extremely likely", "Very likely")),
         "fr": (("Pas du tout probable", "Pas du tout susceptible"),
                ("Très probable", "Extrêmement probable", "Tout à fait probable")),
         "de": (("Überhaupt nicht wahrscheinlich", "Sehr unwahrscheinlich"),
                ("Äußerst wahrscheinlich", "Sehr wahrscheinlich", "Extrem wahrscheinlich"))}
_MISSING_BY_LANGUAGE = {
    "en": ("Don't know", "Dont know", "Do not know", "Not sure", "Don't know / not sure",
           "Not applicable", "N/A", "NA", "Prefer not to say", "Prefer not to answer",
           "Refused", "No opinion"),
    "fr": ("Ne sait pas", "Je ne sais pas", "NSP", "NSPP", "Sans opinion", "Non concerné",
           "Pas de réponse", "Ne se prononce pas"),
    "de": ("Weiß nicht", "Weiss nicht", "Keine Angabe", "k.A.", "Trifft nicht zu")}
_MISSING = tuple(w for words in _MISSING_BY_LANGUAGE.values() for w in words)
_NEGATIVE = re.compile(r"\b(not|never|un\w+|dis\w+|in\w+|poor|worst|pas|peu|jamais|mauvais"
                       r"|nicht|unwahrscheinlich|schlecht|gar|aucun\w*)\b")
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*(?:[-\u2013\u2014:=.)]|\s)\s*(\D.*?)\s*$")
_TOP = 10  # the highest code of a plain numeric rating scale


def loose(text: str) -> str:
    """A label with case, accents, punctuation and spacing ignored (stray matching only).

    >>> loose("Tout à fait d'accord") == loose("Tout a fait d accord")
    True
    """
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalise_label(text)).split())


_MISSING_LOOSE = {loose(w) for w in _MISSING}


def is_missing_label(text: str) -> bool:
    """True for a don't-know / not-applicable answer, in English, French or German.

    >>> is_missing_label("Ne sait pas"), is_missing_label("Don't know / Not sure")
    (True, True)
    """
    key = loose(text)
    return key in _MISSING_LOOSE or any(key.startswith(w + " ") for w in _MISSING_LOOSE
                                        if len(w) > 4)


@dataclass
class ColumnProfile:
    """What a column holds: distinct answers with their counts, its question text."""

    numbers: dict[float, int] = field(default_factory=dict)  # code -> rows
    labels: dict[str, str] = field(default_factory=dict)  # normalised -> as written
    counts: dict[str, int] = field(default_factory=dict)  # normalised -> rows
    distinct: int = 0
    rows: int = 0
    answered: int = 0
    text: str = ""
    value_labels: dict = field(default_factory=dict)
    user_missing: tuple = ()

    @property
    def filled(self) -> float:
        """The share of rows with an answer."""
        return self.answered / self.rows if self.rows else 0.0


def profile_column(series: pd.Series, col: ColumnProfile, cap: int = 400) -> None:
    """Add the distinct numbers and labels of a column, with counts, to its profile;
    nothing past ``cap`` distinct values (free text, ids).

    >>> col = ColumnProfile()
    >>> profile_column(pd.Series(["Agree", "agree ", "4", None]), col)
    >>> col.numbers, col.labels, col.counts, col.distinct, col.filled
    ({4.0: 1}, {'agree': 'Agree'}, {'agree': 2}, 2, 0.75)
    """
    counts = series.value_counts(dropna=True)
    col.rows += len(series)
    col.answered += int(series.notna().sum())
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
                key = normalise_label(text)
                col.labels.setdefault(key, text)
                col.counts[key] = col.counts.get(key, 0) + int(k)
    col.distinct = max(col.distinct, len(col.numbers) + len(col.labels))


@dataclass(frozen=True)
class ScaleGuess:
    """The scale a column's answers fit.

    ``family`` is the scale's key in the draft (``agree5``, ``scale_0_10``...);
    ``labels`` maps each code to {language: labels} (first shown), ``missing`` likewise;
    ``strays`` maps each answer that fits no label to (rows, proposed code or None);
    ``todo`` is a decision left to the user ("" when none).
    """

    family: str
    lo: int
    hi: int
    labels: Mapping[int, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    missing: Mapping[int, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    strays: Mapping[str, tuple[int, int | None]] = field(default_factory=dict)
    language: str = ""
    todo: str = ""
    also: tuple[str, ...] = ()  # other families the answers fit as well
    seen: tuple[int, ...] = ()  # the codes the answers used

    @property
    def points(self) -> int:
        """The number of valid codes."""
        return self.hi - self.lo + 1


def _lookup(family: str) -> dict[str, tuple[int, str]]:
    """normalised label -> (code, language) over every form of every language."""
    out: dict[str, tuple[int, str]] = {}
    for lang, codes in FAMILIES[family].items():
        for code, forms in enumerate(codes, 1):
            for form in forms:
                out.setdefault(normalise_label(form), (code, lang))
    return out


_LOOKUPS = {name: _lookup(name) for name in FAMILIES}


def _missing_codes(col: ColumnProfile, missing_labels: list[str],
                   language: str) -> dict[int, dict[str, tuple[str, ...]]]:
    """Codes from 90 up as missing codes; every don't-know answer a label of the highest
    one (99 when the data has none), in its own language."""
    codes = sorted((int(n) for n in col.numbers if n >= 90 and float(n).is_integer()),
                   reverse=True)
    out: dict[int, dict[str, tuple[str, ...]]] = {
        c: {"en": ("Don't know",)} for c in codes[1:]}
    top: dict[str, tuple[str, ...]] = {}
    for label in missing_labels:
        lang = next((g for g, words in _MISSING_BY_LANGUAGE.items()
                     if loose(label) in {loose(w) for w in words}), language or "en")
        top[lang] = (*top.get(lang, ()), label)
    if codes or top:
        out[codes[0] if codes else 99] = top or {"en": ("Don't know",)}
    return dict(sorted(out.items()))


def _propose(text: str, family: str) -> int | None:
    """The code a stray answer most likely means: the same words (in another order, with
    other punctuation) as a label, else a close spelling; None when nothing is close."""
    forms = {normalise_label(f): code for f, (code, _) in _LOOKUPS[family].items()}
    key = loose(text)
    for form, code in forms.items():
        if loose(form) == key or sorted(loose(form).split()) == sorted(key.split()):
            return code
    close = difflib.get_close_matches(key, [loose(f) for f in forms], n=1, cutoff=0.85)
    if close:
        return next(code for f, code in forms.items() if loose(f) == close[0])
    return None


def _family_fits(texts: dict[str, int], top: float) -> list[tuple[float, int, str]]:
    """(share of the answers matched, codes matched, family) for each family that
    explains at least 90% of the text answers (exactly, or as a close variant of a label)
    and the numbers given."""
    total = sum(texts.values())
    fits = []
    for name, lookup in _LOOKUPS.items():
        points = len(next(iter(FAMILIES[name].values())))
        if top > points:
            continue
        hit = [k for k in texts if k in lookup]
        near = [k for k in texts if k not in lookup and _propose(k, name) is not None]
        share = sum(texts[k] for k in hit + near) / total
        if len({lookup[k][0] for k in hit}) >= 2 and share >= 0.9:
            fits.append((share, len({lookup[k][0] for k in hit}) / points, name))
    return sorted(fits, reverse=True)


def _labelled(col: ColumnProfile, texts: dict[str, int], missing: list[str],
              valid: list[float], prefer: str | None) -> ScaleGuess | None:
    """A known label set that explains the text answers, with the strays listed."""
    fits = _family_fits(texts, max(valid, default=0))
    if not fits:
        return None
    name = prefer if prefer in {f for *_, f in fits} else fits[0][2]
    lookup = _LOOKUPS[name]
    labels: dict[int, dict[str, tuple[str, ...]]] = {}
    langs: dict[str, int] = {}
    for lang, codes in FAMILIES[name].items():
        if any(lookup.get(k, (0, ""))[1] == lang for k in texts):
            for code, forms in enumerate(codes, 1):
                labels.setdefault(code, {})[lang] = forms[:1]
            langs[lang] = sum(n for k, n in texts.items() if lookup.get(k, (0, ""))[1] == lang)
    for k in texts:  # variants as written ("Neutral"): accepted as synonyms
        if k in lookup:
            code, lang = lookup[k]
            if normalise_label(labels[code][lang][0]) != k:
                labels[code][lang] += (col.labels[k],)
    strays = {col.labels[k]: (n, _propose(col.labels[k], name))
              for k, n in texts.items() if k not in lookup}
    language = max(langs, key=lambda g: (langs[g], g == "en"))
    points = len(next(iter(FAMILIES[name].values())))
    seen = {lookup[k][0] for k in texts if k in lookup} | {int(v) for v in valid}
    return ScaleGuess(name, 1, points, labels, _missing_codes(col, missing, language), strays,
                      language, "", tuple(f for *_, f in fits if f != name), tuple(sorted(seen)))


def _end_language(text: str) -> str:
    """The language of an end label of a 0-10 scale ("en" when unknown)."""
    key = normalise_label(text)
    return next((g for g, (low, high) in _ENDS.items()
                 if key in {normalise_label(x) for x in low + high}), "en")


def _ends(texts: dict[str, str], lo: int, hi: int) -> dict[int, dict[str, tuple[str, ...]]]:
    """End labels written without their code ("Not at all likely" beside 1..9): the
    negative one is the lowest code, the other the highest."""
    out: dict[int, dict[str, tuple[str, ...]]] = {}
    for key, text in texts.items():
        lang = _end_language(text)
        low = any(key == normalise_label(x) for x in _ENDS.get(lang, ((), ()))[0]) or (
            bool(_NEGATIVE.search(key)) and not any(
                key == normalise_label(x) for x in _ENDS.get(lang, ((), ()))[1]))
        out.setdefault(lo if low else hi, {})[lang] = (text,)
    return out


def guess_scale(col: ColumnProfile, prefer: str | None = None
                ) -> tuple[ScaleGuess | None, str]:
    """The scale a column's answers fit, or None and why not.

    Among label sets that fit, ``prefer`` wins (the set the other columns of the study
    fit), else the one whose labels the answers use most completely; the others are in
    :attr:`ScaleGuess.also`.

    Codes given by fewer than 1 in 200 numeric answers are typing errors (txscore reports
    them as out of range), not scale points; codes from 90 up and "Don't know" answers
    are missing codes.

    >>> col = ColumnProfile()
    >>> profile_column(pd.Series(["Agree"] * 200 + ["Disagree", "Strongly agree", "Neutral",
    ...                           "Agree strongly", "Don't know"]), col)
    >>> guess, why = guess_scale(col)
    >>> guess.family, guess.labels[3], dict(guess.strays)
    ('agree5', {'en': ('Neither agree nor disagree', 'Neutral')}, {'Agree strongly': (1, 5)})
    >>> dict(guess.missing)
    {99: {'en': ("Don't know",)}}
    >>> col = ColumnProfile()
    >>> profile_column(pd.Series(["0 - Not at all likely", "3", "7", "9",
    ...                           "10 - Extremely likely"]), col)
    >>> guess, why = guess_scale(col)
    >>> guess.family, guess.lo, guess.hi, guess.labels[0]
    ('scale_0_10', 0, 10, {'en': ('Not at all likely', '0 - Not at all likely')})
    """
    if col.value_labels:
        return spss_scale(col)
    numbered: dict[int, dict[str, tuple[str, ...]]] = {}
    numbers = dict(col.numbers)
    texts: dict[str, int] = {}
    missing = []
    for key, text in col.labels.items():
        m = _NUMBERED.match(text)
        if is_missing_label(text):
            missing.append(text)
        elif m and int(m.group(1)) <= _TOP:
            code = int(m.group(1))
            numbered[code] = {_end_language(m.group(2)): (m.group(2), text)}
            numbers[float(code)] = numbers.get(float(code), 0) + col.counts[key]
        else:
            texts[key] = col.counts[key]
    total = sum(numbers.values())
    valid = sorted(n for n, k in numbers.items() if n < 90 and k * 200 >= total)
    if valid and not all(float(n).is_integer() for n in valid):
        return None, f"decimal numbers ({len(col.numbers)} distinct): not a rating scale"
    if valid and (valid[-1] > _TOP or valid[0] < 0):
        return None, (f"numbers from {valid[0]:g} to {valid[-1]:g} ({len(col.numbers)} "
                      "distinct): not a rating scale")
    if texts and not numbered:
        found = _labelled(col, texts, missing, valid, prefer)
        if found is not None or len(texts) > 2 or len(valid) < 3:
            return found, "" if found else _why_not(texts, col)
    if len(valid) < 3 and len(numbered) < 2:
        return None, _why_not(texts, col) if texts else (
            f"only {len(valid)} distinct number{'s' if len(valid) != 1 else ''}: not a "
            "rating scale")
    lo, hi = int(valid[0]), int(valid[-1])
    ends = _ends({k: col.labels[k] for k in texts}, lo - 1, hi + 1) if texts else {}
    lo, hi = _range(min([lo, *ends]), max([hi, *ends]))
    labels = {**ends, **numbered}
    language = next((g for v in labels.values() for g in v), "en")
    todo = "" if labels else "codes only in the data; name the end points"
    if lo == 0 and hi == _TOP and not labels:
        labels = {0: {"en": _ENDS["en"][0][:1]}, 10: {"en": _ENDS["en"][1][:1]}}
        todo = ("codes only in the data; the end labels shown are those of likelihood to "
                "recommend: check")
    return ScaleGuess(f"scale_{lo}_{hi}", lo, hi, labels, _missing_codes(
        col, missing, language), {}, language, todo, (), tuple(int(v) for v in valid)), ""


def _range(lo: int, top: int) -> tuple[int, int]:
    """1-5, 1-7, else 0-10."""
    if top <= 5 and lo >= 1:
        return 1, 5
    if top <= 7 and lo >= 1:
        return 1, 7
    return 0, _TOP


def quoted(text: str, limit: int = 40) -> str:
    """An answer as a message quotes it: one line, at most ``limit`` characters, personal
    data hidden.

    >>> quoted("Long wait.   They never called back, call me on +44 20 7946 0958")
    "'Long wait. They never called back, call ...'"
    >>> quoted("ann@example.com")
    "'<an e-mail address, hidden>'"
    """
    one = " ".join(redact(text).split())
    return f"'{one[:limit]}...'" if len(one) > limit else f"'{one}'"


def _why_not(texts: dict[str, int], col: ColumnProfile) -> str:
    shown = sorted(texts, key=lambda k: -texts[k])
    listed = ", ".join(f"{quoted(col.labels[k])} ({texts[k]})" for k in shown[:4])
    more = f" and {len(shown) - 4} more" if len(shown) > 4 else ""
    return f"{len(shown)} distinct answers that fit no known rating scale: {listed}{more}"


def spss_scale(col: ColumnProfile) -> tuple[ScaleGuess | None, str]:
    """The scale of SPSS value labels (user-missing values as missing codes).

    >>> col = ColumnProfile(value_labels={1: "Low", 2: "Mid", 3: "High", 9: "NA"},
    ...                     user_missing=((9, 9),))
    >>> guess, _ = spss_scale(col)
    >>> guess.family, guess.lo, guess.hi, dict(guess.missing)
    ('labels_1_3', 1, 3, {9: {'en': ('NA',)}})
    """
    missing_values = {lo for lo, hi in col.user_missing if lo == hi}
    labelled = {float(k): str(v) for k, v in col.value_labels.items()
                if isinstance(k, int | float) and float(k) not in missing_values
                and not any(lo <= float(k) <= hi for lo, hi in col.user_missing)}
    codes = sorted(labelled)
    if len(codes) < 3 or not all(c.is_integer() for c in codes) or codes[-1] - codes[0] > 10:
        return None, f"SPSS value labels on {len(codes)} codes: not a rating scale"
    lo, hi = int(codes[0]), int(codes[-1])
    labels = {int(c): {"en": (labelled[c],)} for c in codes}
    miss = {int(k): {"en": (str(v),)} for k, v in col.value_labels.items()
            if isinstance(k, int | float) and float(k) in missing_values}
    texts = [normalise_label(t) for t in labelled.values()]
    name = next((n for n, langs in FAMILIES.items() for forms in langs.values()
                 if sorted(texts) == sorted(normalise_label(f[0]) for f in forms)), "")
    todo = ""
    if name and texts != sorted(texts, key=lambda t: _LOOKUPS[name].get(t, (0, ""))[0]):
        todo = (f"codes run from '{labelled[codes[0]]}' ({lo}) to '{labelled[codes[-1]]}' "
                f"({hi}): if the low codes are the favourable end, mark the items "
                "reversed = true")
    key = name or f"labels_{lo}_{hi}"
    return ScaleGuess(key, lo, hi, labels, miss, {}, "en", todo), ""


def guess_population(name: str) -> tuple[str, bool]:
    """The population a file name says, and whether it says it (else "customer", False).

    >>> guess_population("non_customers_w1.xlsx"), guess_population("data.csv")
    (('non_customer', True), ('customer', False))
    >>> guess_population("nicht_kunden.csv"), guess_population("prospects_fr.csv")
    (('non_customer', True), ('non_customer', True))
    """
    key = normalise_label(name)
    if re.search(r"non[ _-]?(cust|client)|prospect|noncust|nonclient|nicht[ _-]?kunde"
                 r"|nichtkunde|panel[ _-]?(gen|nat)", key):
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
    m = re.search(r"(?:^|[^a-z])(?:w|wave|vague|welle)[ _-]?(\d+)", key)
    if m:
        return f"W{int(m.group(1))}", True
    return "W1", False
