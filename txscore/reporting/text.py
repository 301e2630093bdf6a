"""Every word of the reports, in English and French: the one place reporting gets words from.

The result tables hold codes, never sentences: flags (``"low_base"``), verdicts
(``"questionable"``), notes with their argument (``"near_duplicate:trust~fit"``), exclusion
reasons (``"speeder"``) and their details (``"duration_below(42<60)"``, the notation of
:mod:`txscore.ingest.quality`), measure, population and band names. :func:`words_for`
returns the words of one language (a :class:`Words`), which translate those codes and hold
the fixed texts of the workbook and the charts. The tables themselves are two flat
dictionaries with the same keys, :data:`txscore.reporting._text_en.EN` and
:data:`txscore.reporting._text_fr.FR`.

Numbers stay numbers in workbook cells (Excel shows the reader's decimal mark); the numbers
inside sentences and on charts go through :func:`number`, :func:`count` and
:func:`percent`, which write ``0,5``, ``12 439`` and ``42 %`` in French.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from txscore.reporting import (
    _words_book,
    _words_brands,
    _words_charts,
    _words_cover,
    _words_deck,
    _words_headlines,
    _words_planning,
    _words_reliability,
    _words_scenarios,
    _words_scorecard,
    _words_tables,
)
from txscore.reporting._text_en import EN
from txscore.reporting._text_fr import FR

__all__ = ["CODE_TABLES", "LANGUAGES", "Words", "count", "number", "parse_code",
           "parse_detail", "percent", "words_for"]

_PARTS = (_words_headlines, _words_scorecard, _words_cover, _words_charts, _words_brands,
          _words_book, _words_deck, _words_reliability, _words_tables, _words_scenarios,
          _words_planning)


def _merged(base: Mapping[str, Any], parts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """``base`` with the parts' tables added: a new key is a new table, a key of a table of
    ``base`` adds entries to it; a key defined twice is a defect (ValueError)."""
    table = {k: dict(v) if isinstance(v, Mapping) else v for k, v in base.items()}
    for part in parts:
        for key, value in part.items():
            if key not in table:
                table[key] = dict(value) if isinstance(value, Mapping) else value
                continue
            twice = set(value) & set(table[key]) if isinstance(value, Mapping) else {key}
            if twice or not isinstance(table[key], dict):
                raise ValueError(f"text table {key!r}: {sorted(twice)} defined twice")
            table[key].update(value)
    return table


#: the languages of the reports and their tables
LANGUAGES: dict[str, Mapping[str, Any]] = {
    "en": _merged(EN, [p.EN for p in _PARTS]), "fr": _merged(FR, [p.FR for p in _PARTS])}
#: the tables translating ";"-joined codes of the result tables (see :meth:`Words.codes`)
CODE_TABLES = ("verdicts", "reliability_notes", "reliability_notes_short", "item_flags",
               "driver_warnings", "weight_notes")
_NNBSP = "\u202f"  # narrow no-break space: the French thousands separator
_NBSP = "\u00a0"


def number(value: float, language: str, decimals: int | None = None) -> str:
    """A number inside a sentence or on a chart, with the language's decimal mark.

    ``decimals=None`` writes the shortest form (``:g``), otherwise that many decimals.

    >>> number(61.63, "fr", 1), number(0.5, "en"), number(0.5, "fr")
    ('61,6', '0.5', '0,5')
    """
    text = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return text.replace(".", ",") if language == "fr" else text


def count(value: float, language: str) -> str:
    """A count with thousands separators: ``12,439`` / ``12 439`` (narrow no-break space).

    >>> count(12439, "en"), count(12439.4, "fr")
    ('12,439', '12\u202f439')
    """
    text = f"{round(float(value)):,}"
    return text.replace(",", _NNBSP) if language == "fr" else text


def percent(share: float, language: str) -> str:
    """A share as a whole percentage: ``0.423`` -> ``42%`` / ``42 %`` (no-break space).

    >>> percent(0.423, "en"), percent(0.423, "fr")
    ('42%', '42\xa0%')
    """
    return f"{round(100 * share)}{_NBSP if language == 'fr' else ''}%"


_CODE = re.compile(r"\s*(?P<code>[^:()]+?)\s*(?::(?P<item>[^()]*))?(?:\((?P<value>[^()]*)\))?\s*")


def parse_code(code: str) -> tuple[str, dict[str, str]]:
    """One code of a result table and its fields: ``code``, ``code(value)``, ``code:item`` or
    ``code:item(value)``; an ``item`` ``a~b`` (two names) also gives ``a`` and ``b``.

    Examples
    --------
    >>> parse_code("raises_alpha:trust_3(+0.190)")
    ('raises_alpha', {'item': 'trust_3', 'value': '+0.190', 'a': 'trust_3', 'b': ''})
    >>> parse_code("near_duplicate:trust~fit")[1]["b"]
    'fit'
    """
    m = _CODE.fullmatch(code)
    if m is None:  # not of the grammar: the whole text is the code
        return code.strip(), {"item": "", "value": "", "a": "", "b": ""}
    item, value = m["item"] or "", m["value"] or ""
    a, _, b = item.partition("~")
    return m["code"], {"item": item, "value": value, "a": a, "b": b}


_ARG_SEPARATORS = re.compile(r"[<*/,]")
_ESCAPED = re.compile(r"%([0-9A-Fa-f]{2})")


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)


def parse_detail(code: str) -> tuple[str, str, tuple[tuple[str, ...], ...]]:
    """One code of an exclusion detail (:mod:`txscore.ingest.quality`): its name, its
    subject and its arguments, each a tuple of alternatives, ``%XX`` escapes undone.

    Examples
    --------
    >>> parse_detail("duration_below_median(80<0.5*190)")
    ('duration_below_median', '', (('80',), ('0.5',), ('190',)))
    >>> parse_detail("expected:Q1%3A attn(Agree|4)")
    ('expected', 'Q1: attn', (('Agree', '4'),))
    >>> parse_detail("same_id_as:w1 %281%29.csv(17)")[1]
    'w1 (1).csv'
    """
    name, fields = parse_code(code)
    value = fields["value"]
    args = tuple(tuple(_unescape(a) for a in arg.split("|"))
                 for arg in _ARG_SEPARATORS.split(value)) if value else ()
    return name, _unescape(fields["item"]), args


def _detail_number(text: str, language: str) -> str:
    """A number of a detail (written with a "." by ingest) in the language: whole numbers
    with thousands separators (:func:`count`), others with the decimal mark."""
    value = float(text)  # not a number: ValueError, and the code is shown as it is
    if value.is_integer():
        return count(value, language)
    if "e" in text.lower():
        return number(value, language)
    return text.replace(".", ",") if language == "fr" else text


class _DetailFormatter(string.Formatter):
    """Fills a detail template: ``{subject}``, and the arguments ``{0}``, ``{1}``, ... as
    written, ``{0:n}`` a number, ``{0:%}`` a share as a percentage, ``{0:q}`` quoted
    text; the alternatives of one argument are joined by the language's "or"."""

    def __init__(self, words: Words) -> None:
        self.words = words

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, str):  # the subject
            return value
        w = self.words
        if format_spec == "n":
            texts = [_detail_number(v, w.language) for v in value]
        elif format_spec == "%":
            texts = [w.pct(float(v)) for v in value]
        elif format_spec == "q":
            texts = [w["detail_quote"].format(text=v) for v in value]
        else:
            texts = list(value)
        return w["detail_or"].join(texts)


@dataclass(frozen=True)
class Words:
    """The words of one language: fixed texts by key, and code translations by table.

    ``words["h_brand"]`` is a fixed text of the workbook; ``words.charts["tx_x"]`` one of
    the charts; ``words.measures["tx"]``, ``words.flags["low_base"]``,
    ``words.bands["good"]`` translate codes; :meth:`codes` translates a ";"-joined list of
    codes with arguments, :meth:`detail` an exclusion's detail.

    Examples
    --------
    >>> w = words_for("fr")
    >>> w.sheets["summary"], w.bands["very poor"], w["h_brand"], w.flags["low_base"]
    ('Synthèse', 'Très faible', 'Marque', 'Base faible')
    >>> w.num(0.5), w.count(12439)
    ('0,5', '12\u202f439')
    """

    language: str
    table: Mapping[str, Any]

    def __getitem__(self, key: str) -> str:
        return self.table["text"][key]

    # the code tables and the texts of one part of the reports
    sheets = property(lambda self: self.table["sheets"], doc="Sheet names by key.")
    measures = property(lambda self: self.table["measures"], doc="Measure names by code.")
    levels = property(lambda self: self.table["levels"], doc="Measure levels by code.")
    populations = property(lambda self: self.table["populations"], doc="Populations.")
    bands = property(lambda self: self.table["bands"], doc="Score bands by name.")
    flags = property(lambda self: self.table["flags"], doc="Base flags by code.")
    quadrants = property(lambda self: self.table["quadrants"], doc="Growth-grid quadrants.")
    ip_quadrants = property(lambda self: self.table["ip_quadrants"],
                            doc="Importance-performance quadrants by code.")
    analyses = property(lambda self: self.table["analyses"], doc="Driver analyses.")
    methods = property(lambda self: self.table["methods"], doc="Driver methods.")
    reasons = property(lambda self: self.table["reasons"],
                       doc="Exclusion reasons, short (column headers).")
    reason_texts = property(lambda self: self.table["reason_texts"],
                            doc="Exclusion reasons, long (the ledger).")
    verdicts = property(lambda self: self.table["verdicts"], doc="Reliability verdicts.")
    indices = property(lambda self: self.table["indices"],
                       doc="The indices a partial study may lack, by key.")
    not_computed = property(lambda self: self.table["not_computed"],
                            doc="Why an index is not computed, by reason code.")
    charts = property(lambda self: self.table["charts"], doc="The charts' texts.")
    methodology = property(lambda self: self.table["methodology"],
                           doc="The Methodology sheet's texts.")

    def num(self, value: float, decimals: int | None = None) -> str:
        """:func:`number` in this language."""
        return number(value, self.language, decimals)

    def count(self, value: float) -> str:
        """:func:`count` in this language."""
        return count(value, self.language)

    def pct(self, share: float) -> str:
        """:func:`percent` in this language."""
        return percent(share, self.language)

    def code(self, table: str, code: str) -> str:
        """One code with its fields (:func:`parse_code`) through the table's template; a
        code the table does not have is shown as it is (a newer txscore stays readable).

        Template fields: ``{item}``, ``{value}`` (with this language's decimal mark),
        ``{bare}`` (the value without its leading zero, ``.30``), ``{a}``, ``{b}``.

        >>> words_for("fr").code("item_flags", "raises_alpha(+0.190)")
        'l’alpha augmente sans elle (+0,190)'
        >>> words_for("en").code("driver_warnings", "near_duplicate:trust~fit(.97)")[:40]
        'near-duplicate drivers trust and fit (r '
        """
        name, fields = parse_code(code)
        template = self.table[table].get(name)
        if template is None:
            return code.strip()
        value = fields["value"]
        if self.language == "fr":  # ".97" is "0,97" in French
            value = re.sub(r"^([+-]?)\.", r"\g<1>0.", value).replace(".", ",")
        bare = re.sub(r"^([+-]?)0([.,])", r"\1\2", value)
        return template.format(**{**fields, "value": value, "bare": bare})

    def codes(self, table: str, value: object) -> str:
        """A ";"-joined list of codes as words, joined by this language's list separator;
        "" for an empty or missing value.

        >>> words_for("en").codes("item_flags", "low_item_rest(0.30);raises_alpha(+0.190)")
        'low item-rest r (<.30); alpha rises if deleted (+0.190)'
        >>> words_for("fr").codes("verdicts", "too_few_cases")
        'trop peu de cas'
        """
        if not isinstance(value, str) or not value.strip():
            return ""
        return self["list_sep"].join(self.code(table, c) for c in value.split(";")
                                     if c.strip())

    def detail(self, value: object) -> str:
        """An exclusion detail (";"-joined codes of :data:`txscore.ingest.quality.DETAILS`,
        see :func:`parse_detail`) as words, joined by the list separator; "" for an empty
        or missing value. A code the table does not have (or with arguments its template
        does not fit) is shown as it is.

        >>> words_for("en").detail("duration_below(42<60)")
        'duration 42 s < 60 s'
        >>> words_for("fr").detail("answer:attn(No);expected:attn(Agree|4)")
        'attn = «\xa0No\xa0»\xa0; réponse attendue\xa0: «\xa0Agree\xa0» ou «\xa04\xa0»'
        >>> words_for("fr").detail("duration_below_median(80.5<0.5*1500)")
        'durée 80,5\xa0s < 0,5 × la médiane de 1\u202f500\xa0s'
        """
        if not isinstance(value, str) or not value.strip():
            return ""
        return self["list_sep"].join(self._detail_code(c) for c in value.split(";")
                                     if c.strip())

    def _detail_code(self, code: str) -> str:
        name, subject, args = parse_detail(code)
        template = self.table["details"].get(name)
        if template is None:
            return code.strip()
        try:
            return _DetailFormatter(self).vformat(template, args, {"subject": subject})
        except (IndexError, ValueError):  # arguments the template does not fit
            return code.strip()

    def missing(self, not_computed: Mapping[str, str]) -> list[str]:
        """The indices not computed, one sentence per reason (``Result.not_computed``); a
        code the table does not have is shown as it is.

        >>> words_for("en").missing({"tx": "no_customer_source", "nps": "no_nps_item"})[1]
        'NPS: not computed – the study names no NPS item ([index] nps_item).'
        """
        by_reason: dict[str, list[str]] = {}
        for index, reason in not_computed.items():
            by_reason.setdefault(reason, []).append(self.indices.get(index, index))
        return [self["not_computed_line"].format(
            indices=", ".join(names), reason=self.not_computed.get(reason, reason))
            for reason, names in by_reason.items()]

    def verdict(self, verdict: object, notes: object = "", *, flag: object = "ok",
                table: str = "reliability_notes") -> str:
        """A construct's reliability verdict (None: left out) and its notes, the notes on
        one item together; ``table`` "reliability_notes_short" leaves out the numbers that
        differ between populations. A row flagged ``"suppressed"`` says only that.

        >>> words_for("en").verdict("questionable",
        ...                         "low_item_rest:trust_3(0.30);raises_alpha:trust_3(+0.190)")
        'questionable; trust_3: low item-rest r (<.30); alpha rises if deleted (+0.190)'
        """
        if flag == "suppressed":  # no statistic is shown, so no verdict either
            return self.verdicts["suppressed"]
        parts = [self.code("verdicts", str(verdict))] if isinstance(verdict, str) else []
        by_item: dict[str, list[str]] = {}
        for code in str(notes).split(";") if isinstance(notes, str) else []:
            if code.strip():
                by_item.setdefault(parse_code(code)[1]["item"], []).append(
                    self.code(table, code))
        sep = self["list_sep"]
        for item, texts in by_item.items():
            text = sep.join(texts)
            parts.append(self["item_note"].format(item=item, notes=text) if item else text)
        return sep.join(parts)


def words_for(language: str) -> Words:
    """The words of the reports in ``language`` ("en" or "fr"; anything else gives English).

    Examples
    --------
    >>> words_for("fr").quadrants["Leading"]
    'Leader'
    >>> words_for("en").sheets["trend"]
    'Trend'
    """
    lang = language if language in LANGUAGES else "en"
    return Words(language=lang, table=LANGUAGES[lang])
