"""Question words for ``txscore init``: short item labels and the construct a question asks.

:func:`short_label` turns an export's question text into the label a chart can show:
piped text (``[Field-Brand]``, ``${e://Field/Brand}``, ``{{brand}}``, ``[Brand]``) and the
battery's common stem ("How much do you agree with the following statements:",
"Dans quelle mesure êtes-vous d'accord...", "Inwieweit stimmen Sie... zu?") are removed,
and a grid row (SurveyMonkey ``Question [Row]``, Qualtrics ``Question - Row``) keeps its
row.  :func:`construct_of` maps a question to a CX dimension, a loyalty outcome, a BX pillar
or purchase preference from its column name and words, in English, French and German; BX
words come before CX words (a trust question is never a CX dimension), and a question put
to non-customers is never a CX or loyalty one (their "meets my needs" is fit).
"""

from __future__ import annotations

import re

from txscore.study import DIMENSIONS, normalise_label

__all__ = ["ROLE_OF", "construct_of", "question_of", "short_label"]

ROLE_OF = {dim: role for role, dims in DIMENSIONS.items() for dim in dims}
ROLE_OF["preference"] = "preference"
_CUSTOMER_ONLY = {d for r in ("cx_quality", "loyalty") for d in DIMENSIONS[r]} | {"recommend"}

_PIPING = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|\[Field-[^\]]*\]|%[A-Za-z_]+%|<[^>]+>|"
                     r"\[(?:brand|marque|marke|company|entreprise|produit|product|"
                     r"enseigne|anbieter|unternehmen)[^\]]{0,20}\]|\{(?:brand|marque)\}",
                     re.IGNORECASE)
#: a battery's stem ends at ":" "?" or " - " and names agreement, rating or statements
_STEM = re.compile(
    r"^(?P<stem>.{3,}?(?:agree|disagree|rate|rating|following|statements?|describe|"
    r"suivante?s?|affirmations?|d'accord|evalue|notez|zustimm|stimmen|folgende|aussagen?|"
    r"bewerten|inwieweit|dans quelle mesure|to what extent|how much)[^:?]*?)"
    r"(?:\s*[:?]+\s*(?:-\s*)?|\s+-\s+|\.\.\.-)(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
_QUALTRICS_ROW = re.compile(r"^(?P<q>.{12,}?)(?:\s+-\s+|\.\.\.-|(?<=[a-z?:.])-(?=[A-Z]))"
                            r"(?P<row>[^-].*)$", re.DOTALL)
_NAME_RULES = [  # column-name abbreviations: the questionnaire's own coding
    ("effectiveness", r"^eff(_|\d|ective|icac)"), ("ease", r"^(ease|facil|einfach)"),
    ("emotion", r"^emo"), ("retention", r"^(ret(_|\d|ention)|fidel)"),
    ("enrichment", r"^enr"), ("advocacy", r"^(adv|reco|nps)"),
    ("salience", r"^(sal(_|\d|ience)|notor|esprit)"),
    ("fit", r"^(fit(_|\d|$)|proch|pour ?moi|comme ?moi)"),
    ("trust", r"^(trust|confian|vertrau)"), ("preference", r"^(pref|consid|envisag)"),
]
_TEXT_RULES = [  # then the words, BX before CX, most specific first
    ("advocacy", r"recommend|recommander|recommanderiez|empfehl"),
    ("trust", r"trust|honest|confident|confiance|honnete|fiable|reliable|keeps? (its|their) "
              r"promises?|tient ses promesses|vertrau|ehrlich|zuverlassig"),
    ("fit", r"people like me|personnes comme moi|gens comme moi|(for|pour) (me|moi)\b|"
            r"my values|mes valeurs|leute wie mich|passt zu mir|proche de moi"),
    ("salience", r"comes? to mind|top of mind|favou?rable|think of .* first|esprit|"
                 r"pense en premier|notoriete|\bimage\b|fallt mir .*ein|denke ich zuerst"),
    ("enrichment", r"buy more|more (products|services)|spend more|acheter (plus|davantage)|"
                   r"depenser plus|mehr kaufen"),
    ("retention", r"\bstay\b|continue (to|with|using)|renew|remain with|\brest(er|ez|iez|"
                  r"erez|eriez|erais)\b|continuer|renouveler|bleiben|weiterhin"),
    ("preference", r"consider|prefer|next time|buy from|pay more|premium|envisag|prefer|"
                   r"choisir|payer plus|in betracht|bevorzug"),
    ("ease", r"\beasy|\beasily|effort|simple to|convenient|facile|facilement|simple a|"
             r"einfach|muhelos"),
    ("emotion", r"\bfeel|valued|enjoy|pleasant|happy|appreciat|plaisir|agreable|valorise|"
                r"geschatzt|freude|wohl"),
    ("effectiveness", r"meets? (my|your) needs|effective|delivers what|promises|besoins|"
                      r"bedurfnisse|erfullt"),
]


def construct_of(name: str, text: str, non_customer: bool = False) -> str | None:
    """The construct a question measures, from its column name, else its words; or None.

    Parameters
    ----------
    name, text : str
        The column name (or a brand loop's item part) and the question text.
    non_customer : bool
        The question is put to non-customers: CX and loyalty constructs are ruled out.

    Examples
    --------
    >>> construct_of("eff_1", ""), construct_of("q7", "How likely are you to recommend us?")
    ('effectiveness', 'advocacy')
    >>> construct_of("q3", "I trust [Brand] to make things easy")  # BX before CX
    'trust'
    >>> construct_of("confiance", ""), construct_of("q9", "Je me sens valorisé")
    ('trust', 'emotion')
    >>> construct_of("q9", "Je me sens valorisé", non_customer=True) is None
    True
    >>> construct_of("besoins", "", non_customer=True)  # needs, asked of non-customers
    'fit'

    """
    allowed = [(c, rx) for c, rx in _NAME_RULES
               if not (non_customer and c in _CUSTOMER_ONLY)]
    key = normalise_label(name)
    for construct, rx in allowed:
        if re.search(rx, key):
            return construct
    body = normalise_label(f"{re.sub(r'[_.]+', ' ', name)} {_PIPING.sub(' ', text)}")
    body = re.sub(r"[\u2019']", "'", body)
    for construct, rx in _TEXT_RULES:
        if re.search(rx, body.replace("'", " ")) or re.search(rx, body):
            if non_customer and construct == "effectiveness":
                return "fit"  # a non-customer's "meets my needs": the brand fits them
            if non_customer and construct in _CUSTOMER_ONLY:
                continue
            return construct
    return None


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", _PIPING.sub(" ", text)).strip(" :-\u2013?.,;")
    text = re.sub(r"\s+([,.?!:;])", r"\1", text)
    return text[:1].upper() + text[1:]


def short_label(column: str, text: str) -> str:
    """A short label for a question: its grid row, without piped text or the battery stem.

    Parameters
    ----------
    column : str
        The column name (SurveyMonkey: ``Question [Row]``).
    text : str
        The question text of the export ("" when it has none).

    Returns
    -------
    str
        The label ("" when the text is only piping).

    Examples
    --------
    >>> short_label("Q5_1", "How much do you agree with the following statement: "
    ...             "[Field-Brand] meets my needs")
    'Meets my needs'
    >>> short_label("Q5_2", "To what extent do you agree? - ${e://Field/Brand} is easy to "
    ...             "deal with")
    'Is easy to deal with'
    >>> short_label("Q? [I trust {{brand}}]", "Q?")
    'I trust'
    >>> short_label("q1", "Dans quelle mesure êtes-vous d'accord : [Marque] est honnête")
    'Est honnête'
    """
    full = text or column
    if text and column.startswith(text) and column.endswith("]") and column != text:
        full = column[len(text):].strip()[1:-1]  # the grid row of a SurveyMonkey question
    else:
        m = _STEM.match(full) or _QUALTRICS_ROW.match(full)
        if m:
            full = m.group("rest") if "rest" in m.groupdict() else m.group("row")
    return _tidy(full)


def question_of(column: str, text: str) -> str:
    """The question a grid row belongs to (its text without the row), else the text.

    >>> question_of("Q [It is honest]", "Q")
    'Q'
    >>> question_of("Q1_2", "How do you rate Acme? - It is honest")
    'How do you rate Acme?'

    """
    if text and column.startswith(text) and column.endswith("]"):
        return text
    m = _QUALTRICS_ROW.match(text or "")
    return m.group("q") if m else (text or column)
