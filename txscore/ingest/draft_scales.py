"""The scales of a drafted spec: the guesses of every column merged, with their strays.

Columns whose answers fit the same label set share one scale (``agree5``), whatever the
language: English and French answers give one scale whose labels carry both languages
(``5 = { en = "Strongly agree", fr = "Tout à fait d'accord" }``), variants and stray
answers close to a label are synonyms (``5 = ["Strongly agree", "Agree strongly"]``),
don't-know answers are missing codes.  Each stray answer keeps its count and the columns
it was given in, for the TODO that asks the user to check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.ingest.guess import ScaleGuess
from txscore.study import normalise_label

__all__ = ["ScaleDraft", "add_guess", "label_value"]

_LANGS = ("en", "fr")  # languages a label table may name; others are synonyms


@dataclass
class ScaleDraft:
    """One scale of the draft: codes ``lo..hi``, labels and missing codes per language."""

    key: str
    lo: int
    hi: int
    labels: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    missing: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    #: stray answer -> [rows, proposed code or None, columns, language]
    strays: dict[str, list] = field(default_factory=dict)
    todos: list[str] = field(default_factory=list)
    also: set[str] | None = None  # label sets every column of the scale fits as well
    seen: set[int] = field(default_factory=set)  # the codes the answers used
    languages: dict[str, int] = field(default_factory=dict)  # language -> columns

    @property
    def points(self) -> int:
        """The number of valid codes."""
        return self.hi - self.lo + 1

    def ambiguous(self) -> list[str]:
        """Other label sets the answers fit, when some code of this one was never used."""
        unused = set(range(self.lo, self.hi + 1)) - self.seen
        return sorted(self.also or ()) if unused else []

    def lookup(self) -> dict[str, float]:
        """Normalised label -> code (NaN for a missing code)."""
        out = {normalise_label(t): float(c) for c, langs in self.labels.items()
               for ts in langs.values() for t in ts}
        out.update({normalise_label(t): np.nan for langs in self.missing.values()
                    for ts in langs.values() for t in ts})
        return out

    def codes(self, values: pd.Series) -> np.ndarray:
        """The valid code of every cell (NaN for missing, out of range or unknown),
        computed on the distinct answers.

        >>> s = ScaleDraft("agree5", 1, 5, {5: {"en": ["Strongly agree"]}},
        ...                {99: {"en": ["Don't know"]}})
        >>> s.codes(pd.Series(["strongly agree ", "4", "99", "Don't know", "8", None]))
        array([ 5.,  4., nan, nan, nan, nan])
        """
        lookup = self.lookup()
        keys, uniques = pd.factorize(values.astype("string").str.strip(), sort=False)
        mapped = np.full(len(uniques) + 1, np.nan)
        for i, u in enumerate(uniques):  # a loop over distinct answers only
            text = str(u)
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                mapped[i] = lookup.get(normalise_label(text), np.nan)
                continue
            if self.lo <= number <= self.hi and number.is_integer():
                mapped[i] = number
        return mapped[np.where(keys < 0, len(uniques), keys)]


def _merge(into: dict[int, dict[str, list[str]]],
           new: dict[int, dict[str, tuple[str, ...]]] | dict) -> None:
    for code, langs in new.items():
        for lang, texts in langs.items():
            have = into.setdefault(code, {}).setdefault(lang, [])
            seen = {normalise_label(t) for t in have}
            have += [t for t in texts if normalise_label(t) not in seen]


def add_guess(scales: dict[str, ScaleDraft], guess: ScaleGuess, column: str) -> str:
    """Add a column's scale guess to the draft's scales; return the scale's key.

    A guess with the key of a scale it does not match (other codes, other SPSS labels)
    gets a key of its own (``labels_1_5_2``).  Stray answers proposed as a code become
    synonyms of that code's label.

    >>> from txscore.ingest.guess import ScaleGuess
    >>> scales = {}
    >>> add_guess(scales, ScaleGuess("agree5", 1, 5, {5: {"en": ("Strongly agree",)}},
    ...                              strays={"Agree strongly": (1, 5)}, language="en"), "q1")
    'agree5'
    >>> scales["agree5"].labels[5], scales["agree5"].strays
    ({'en': ['Strongly agree', 'Agree strongly']}, {'Agree strongly': [1, 5, ['q1'], 'en']})
    """
    key = guess.family
    n = 1
    while key in scales and not _same(scales[key], guess):
        n += 1
        key = f"{guess.family}_{n}"
    scale = scales.setdefault(key, ScaleDraft(key, guess.lo, guess.hi))
    _merge(scale.labels, guess.labels)
    _merge(scale.missing, guess.missing)
    lang = guess.language or "en"
    scale.languages[lang] = scale.languages.get(lang, 0) + 1
    for text, (rows, code) in guess.strays.items():
        entry = scale.strays.setdefault(text, [0, code, [], lang])
        entry[0] += rows
        entry[2].append(column)
        if code is not None:
            _merge(scale.labels, {code: {lang: (text,)}})
    if guess.todo and guess.todo not in scale.todos:
        scale.todos.append(guess.todo)
    scale.also = set(guess.also) if scale.also is None else scale.also & set(guess.also)
    scale.seen |= set(guess.seen)
    return key


def _same(scale: ScaleDraft, guess: ScaleGuess) -> bool:
    if (scale.lo, scale.hi) != (guess.lo, guess.hi):
        return False
    if not guess.family.startswith("labels_"):
        return True
    shown = {c: [normalise_label(t) for ts in v.values() for t in ts[:1]]
             for c, v in scale.labels.items()}
    return all(shown.get(c) == [normalise_label(t) for ts in v.values() for t in ts[:1]]
               for c, v in guess.labels.items())


def label_value(langs: dict[str, list[str]]) -> str | list[str] | dict:
    """How one code's labels are written: a string, a list of synonyms, or a table of
    languages (English and French; labels in another language are synonyms).

    >>> label_value({"en": ["Agree"]}), label_value({"en": ["Agree", "Agree strongly"]})
    ('Agree', ['Agree', 'Agree strongly'])
    >>> label_value({"en": ["Agree"], "fr": ["D'accord"], "de": ["Stimme zu"]})
    {'en': ['Agree', 'Stimme zu'], 'fr': "D'accord"}
    """
    def one(texts: list[str]) -> str | list[str]:
        return texts[0] if len(texts) == 1 else list(texts)

    if len(langs) == 1:
        return one(next(iter(langs.values())))
    table = {g: list(t) for g, t in langs.items() if g in _LANGS}
    if not table:
        return one([t for ts in langs.values() for t in ts])
    first = next(iter(table))
    for g, texts in langs.items():
        if g not in _LANGS:
            table[first] += [t for t in texts if t not in table[first]]
    return {g: one(t) for g, t in table.items()}
