"""Personal data: which input columns identify a person, so that they never leave ingest.

Columns declared in ``[columns] personal`` are removed as soon as a file is read.  So are
columns that *look* personal although the spec does not say so, each with a
:class:`~txscore.errors.TxscoreWarning` naming the column and the fix:

* by **name**: e-mail, phone, person name, IP address, geolocation (``Email``,
  ``E-mail address``, ``RecipientEmail``, ``Phone number``, ``Tel``, ``Mobile``,
  ``First name``, ``Last name``, ``Name``, ``IPAddress``, ``LocationLatitude``, ...);
* by **content**: a sample of the column's distinct values (at most
  :data:`SAMPLE_VALUES`) tested with vectorised regular expressions for e-mail addresses,
  IPv4/IPv6 addresses and phone-like digit strings; the column is personal when at least
  half of the sampled values match;
* by the **export's own metadata** (Qualtrics ``IPAddress``, SurveyMonkey ``Email
  Address``: :func:`txscore.ingest.layouts.roles_for`).

A column the spec *uses* (id, brand, weight, segment, item, quality check) is never removed
silently: when it looks personal, the warning says so (the respondent id, for one, is shown
in the Exclusions sheet) and the column is kept.

Detection is a safety net, not a guarantee: free-text answers can hold anything.  Declare
what you know in the spec.

The respondent-level export (``txscore export``, :func:`txscore.export`) is pseudonymised
here: :func:`export_frame` keeps the scored rows without personal or file columns and
replaces each respondent id by its keyed hash (:func:`hash_ids`, HMAC-SHA256 with a secret
salt), so respondents can be followed across brands and exports but not identified.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from txscore.errors import Problem
from txscore.study import normalise_label

if TYPE_CHECKING:
    from txscore.responses import Responses

__all__ = ["PersonalScan", "SAMPLE_VALUES", "export_frame", "hash_ids", "kind_by_content",
           "kind_by_name", "redact", "scan", "segment_problems"]

#: distinct values of a column tested by :func:`kind_by_content`
SAMPLE_VALUES = 200
#: rows looked at to find those distinct values (the start of the column)
_SAMPLE_ROWS = 5_000
#: share of the sampled distinct values that must match for the column to be personal
_MIN_SHARE = 0.5

_PREFIX = r"(?:(?:recipient|respondent|contact|customer|client|user|your|panelist) )?"
_SUFFIX = r"(?: \d+)?"  # a duplicated header read as "email.1", or "phone 2"
_NAMES = {
    "e-mail": r"e ?mail(?: address| addr)?|mail|email ?address|courriel|adresse e ?mail",
    "phone": r"(?:tele?)?phone(?: number| no)?|tel|telephone|mobile(?: phone| number)?"
             r"|cell(?: phone)?|phone ?number|numero de telephone",
    "person name": r"(?:first|last|full|given|family|middle|sur|fore|user) ?name|name"
                   r"|prenom|nom(?: de famille)?",
    "IP address": r"ip(?: ?address| addr)?|ipaddress",
    "geolocation": r"(?:location )?(?:latitude|longitude)",
}
_SUGGESTS = {"e-mail": "an e-mail address", "phone": "a phone number",
             "person name": "a person's name", "IP address": "an IP address",
             "geolocation": "a geolocation"}
_NAME_RX = {kind: re.compile(f"^{_PREFIX}(?:{rx}){_SUFFIX}$") for kind, rx in _NAMES.items()}

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_CONTENT = {
    "e-mail": r"[^@\s<>(),;:]+@[^@\s<>(),;:]+\.[A-Za-z]{2,}",
    "IP address": rf"{_OCTET}(?:\.{_OCTET}){{3}}|(?:[0-9A-Fa-f]{{1,4}}:){{3,7}}[0-9A-Fa-f]{{0,4}}"
                  r"|[0-9A-Fa-f:]*::[0-9A-Fa-f:]*[0-9A-Fa-f][0-9A-Fa-f:]*",
    # international (+44 / 0044 ...), national with a leading 0 (06 12 34 56 78, 020 7946
    # 0958), North-American with separators ((555) 123-4567); a plain decimal is not one
    # (no \s: the values are scanned one per line, a match must not cross a line break)
    "phone": r"(?:\+|00)[1-9][\d \t().\-/]{6,20}|0\d[\d \t().\-/]{7,16}"
             r"|\(?[2-9]\d{2}\)?[ .\-]\d{3}[ .\-]\d{4}",
}
_CONTENT_RX = {kind: re.compile(f"^(?:{rx})$", re.MULTILINE) for kind, rx in _CONTENT.items()}
_DECIMAL_RX = re.compile(r"[+-]?\d+[.,]\d+")
#: dates (05/12/2026, 2026-12-05, 5.12.26, with a time) are not phone numbers
_DATE_RX = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def _phone_like(hit: str) -> bool:
    """A phone-pattern match that is not a decimal or a date and has 8-15 digits."""
    return (not _DECIMAL_RX.fullmatch(hit) and not _DATE_RX.fullmatch(hit.strip())
            and 8 <= sum(ch.isdigit() for ch in hit) <= 15)


def _header_words(name: str) -> str:
    """``RecipientEmail`` -> ``recipient email``; ``IPAddress`` -> ``ip address``."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(name))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", normalise_label(text)).split())


def kind_by_name(name: str) -> str | None:
    """The kind of personal data a column name announces, or None.

    Parameters
    ----------
    name : str
        The column name as read.

    Returns
    -------
    str or None
        ``"e-mail"``, ``"phone"``, ``"person name"``, ``"IP address"`` or
        ``"geolocation"``.

    Examples
    --------
    >>> [kind_by_name(n) for n in ["E-mail address", "RecipientEmail", "IPAddress",
    ...                            "first_name", "Tel", "brand_name", "email.1", "q1"]]
    ['e-mail', 'e-mail', 'IP address', 'person name', 'phone', None, 'e-mail', None]
    """
    words = _header_words(name)
    return next((kind for kind, rx in _NAME_RX.items() if rx.match(words)), None)


def kind_by_content(values: pd.Series, sample: int = SAMPLE_VALUES) -> tuple[str, int, int] | None:
    """The kind of personal data a column's values look like, or None.

    Tests at most ``sample`` distinct non-blank values from the start of the column: they
    are joined one per line and each kind is one multiline regular-expression scan (no
    Python loop over values for the match); the column is personal when at least half of
    them match.

    Parameters
    ----------
    values : Series
        The column as read.
    sample : int
        How many distinct values to test.

    Returns
    -------
    (kind, matched, tested) or None
        ``kind`` is ``"e-mail"``, ``"IP address"`` or ``"phone"``.

    Examples
    --------
    >>> kind_by_content(pd.Series(["ann@example.com", "bob@example.org", None]))
    ('e-mail', 2, 2)
    >>> kind_by_content(pd.Series(["+44 20 7946 0958", "06 12 34 56 78"]))
    ('phone', 2, 2)
    >>> kind_by_content(pd.Series(["0.7516", "2026-01-05", "Agree", "12:30:00"])) is None
    True
    >>> kind_by_content(pd.Series(["05/12/2026", "06/12/2026 10:15"])) is None
    True
    """
    if pd.api.types.is_bool_dtype(values):
        return None
    head = values.iloc[:_SAMPLE_ROWS]
    if isinstance(head.dtype, pd.CategoricalDtype):  # the distinct values are at hand
        head = pd.Series(head.cat.categories[np.unique(head.cat.codes[head.notna()])])
    head = head[head.notna()]
    if pd.api.types.is_float_dtype(head):  # a phone read as a number: 447911123456.0
        head = head[head % 1 == 0].astype("int64")
    if pd.api.types.is_integer_dtype(head) and (not len(head) or head.abs().max() < 10**7):
        return None  # whole numbers of at most 7 digits: no e-mail, IP or phone number
    distinct = pd.unique(head.to_numpy(dtype=object)).astype(str)
    # one line per distinct value: each kind is then one C-level multiline regex scan
    lines = [v.strip().replace("\n", " ").replace("\r", " ") for v in distinct[:4 * sample]]
    lines = [v for v in lines if v][:sample]
    if not lines:
        return None
    text = "\n".join(lines)
    for kind, rx in _CONTENT_RX.items():
        hits = rx.findall(text)
        if kind == "phone":
            hits = [h for h in hits if _phone_like(h)]
        if len(hits) >= max(1.0, _MIN_SHARE * len(lines)):
            return kind, len(hits), len(lines)
    return None


def redact(value: object) -> str:
    """A value as a message may quote it: e-mail, IP and phone values are hidden.

    Messages quote answers that match no label; if a column holding personal data is
    used as an item by mistake, the value itself must still not reach the terminal.

    >>> redact("Agreed"), redact("ann@example.com"), redact("+44 20 7946 0958")
    ('Agreed', '<an e-mail address, hidden>', '<a phone number, hidden>')
    """
    text = str(value)
    found = kind_by_content(pd.Series([text], dtype=object), sample=1)
    return text if found is None else f"<{_SUGGESTS[found[0]]}, hidden>"


@dataclass(frozen=True)
class PersonalScan:
    """What :func:`scan` found in one file.

    Attributes
    ----------
    removed : list of str
        Columns to remove: declared ones (and their duplicates ``email.1``), then detected.
    detected : dict
        Column -> why it looks personal, for the columns not declared.
    suspect_used : dict
        Column the spec uses -> why it looks personal (kept, with a warning).
    """

    removed: list[str] = field(default_factory=list)
    detected: dict[str, str] = field(default_factory=dict)
    suspect_used: dict[str, str] = field(default_factory=dict)

    def problems(self, where: Callable[[str], str]) -> list[Problem]:
        """One warning per detected or suspect column; ``where(column)`` locates it."""
        out = [Problem(
            f"column '{col}' looks like personal data ({why}); it was removed and is never "
            "reported.", where(col),
            f"declare it in [columns] personal = [..., \"{col}\"] to remove it without this "
            "warning; if it is not personal data and you need it, use it in the spec (e.g. "
            "as a segment) or rename it.", "warning") for col, why in self.detected.items()]
        out += [Problem(
            f"column '{col}' is used by the study spec but looks like personal data ({why}); "
            "its values can appear in outputs (respondent ids are listed in the Exclusions "
            "sheet).", where(col),
            "use a column that does not identify people (e.g. an anonymous respondent "
            "number), or rename it if it is not personal data.", "warning")
            for col, why in self.suspect_used.items()]
        return out


def _content_reason(kind: str, matched: int, tested: int) -> str:
    what = "phone numbers" if kind == "phone" else f"{kind} addresses"
    return f"its values look like {what} ({matched} of {tested} sampled)"


def _declared_present(columns: list[str], declared: Iterable[str]) -> list[str]:
    """Declared personal columns in the file, with their duplicates (``email.1``)."""
    names = set(declared)
    base = [re.sub(r"\.\d+'*$", "", c) for c in columns]
    return [c for c, b in zip(columns, base, strict=True) if c in names or b in names]


def scan(frame: pd.DataFrame, *, declared: Iterable[str] = (), used: Iterable[str] = (),
         roles: Mapping[str, str] | None = None, check_used: Iterable[str] = ()) -> PersonalScan:
    """Find the personal columns of one file.

    Parameters
    ----------
    frame : DataFrame
        The file as read (one column per input column).
    declared : iterable of str
        ``[columns] personal`` of the spec.
    used : iterable of str
        Columns the spec uses: never removed by detection.
    roles : mapping, optional
        Column -> metadata role from the export's layout (``"personal"`` marks one).
    check_used : iterable of str
        Used columns whose content is still checked (id, brand, segments), to warn.

    Returns
    -------
    PersonalScan

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["r1", "r2"], "contact": ["a@b.com", "c@d.org"],
    ...                       "Phone": [None, None], "q1": [4, 5], "email": ["x", "y"]})
    >>> found = scan(frame, declared=["email"], used=["id", "q1"])
    >>> found.removed, found.detected
    (['email', 'contact', 'Phone'], {'contact': 'its values look like e-mail addresses (2 of 2 \
sampled)', 'Phone': "its name 'Phone' suggests a phone number"})
    """
    columns = [str(c) for c in frame.columns]
    removed = _declared_present(columns, declared)
    used_set = set(used)
    detected: dict[str, str] = {}
    suspect: dict[str, str] = {}
    roles = roles or {}
    for col in columns:  # a loop over columns, each tested on a bounded sample
        if col in removed:
            continue
        kind = kind_by_name(col)
        why = f"its name '{col}' suggests {_SUGGESTS[kind]}" if kind else None
        if why is None and roles.get(col) == "personal":
            why = "the survey platform marks it as respondent data"
        if col in used_set:
            if col in set(check_used):
                found = kind_by_content(frame[col])
                if found:
                    suspect[col] = _content_reason(*found)
            continue
        if why is None and frame[col].dtype != np.bool_:
            found = kind_by_content(frame[col])
            if found:
                why = _content_reason(*found)
        if why is not None:
            detected[col] = why
    return PersonalScan(removed + list(detected), detected, suspect)


#: a segment with at least this many distinct values, one per respondent or nearly, is an id
_ID_LIKE_MIN = 20
#: ... where the distinct values are at least this share of the answered rows (text; 0.9
#: for numbers, so that an age in years in a small study stays a segment)
_ID_LIKE_SHARE = 0.5
_EMBEDDED = {kind: re.compile(_CONTENT[kind]) for kind in ("e-mail", "phone")}


def segment_problems(frame: pd.DataFrame, segments: Iterable[str],
                     where: Callable[[str], str]) -> list[Problem]:
    """Errors for segment columns that would put personal data in the report.

    A segment's values are printed in every table it cuts, so a segment may not be a
    column whose name announces personal data, whose free text holds e-mail addresses or
    phone numbers (anywhere in the text, even in a few answers), or that identifies
    respondents (nearly one respondent per value: an id, a timestamp, a comment).

    Parameters
    ----------
    frame : DataFrame
        The file as read.
    segments : iterable of str
        The segment columns present in ``frame``.
    where : callable
        Column -> its location for messages.

    Returns
    -------
    list of Problem
        One error per refused column.

    Examples
    --------
    >>> frame = pd.DataFrame({"region": ["N", "S"] * 15,
    ...                       "comment": ["call me on +44 20 7946 0958"] + ["ok"] * 29,
    ...                       "ref": [f"R{i}" for i in range(30)]})
    >>> [p.where for p in segment_problems(frame, ["region", "comment", "ref"], str)]
    ['comment', 'ref']
    """
    out: list[Problem] = []
    for col in segments:  # a loop over the few segment columns
        values = frame[col]
        kind = kind_by_name(col)
        why = f"its name '{col}' suggests {_SUGGESTS[kind]}" if kind else None
        answered = values[values.notna()]
        distinct = np.asarray(answered.unique(), dtype=object).astype(str)  # on its storage
        if why is None and not (pd.api.types.is_numeric_dtype(values)
                                or pd.api.types.is_bool_dtype(values)):
            text = "\n".join(distinct[:20_000])
            for kind_, rx in _EMBEDDED.items():
                hits = [h for h in rx.findall(text) if kind_ != "phone" or _phone_like(h)]
                if hits:
                    what = "e-mail addresses" if kind_ == "e-mail" else "phone numbers"
                    why = f"{len(hits)} of its answers hold {what}"
                    break
        share = 0.9 if pd.api.types.is_numeric_dtype(values) else _ID_LIKE_SHARE  # ages...
        if why is None and len(distinct) >= max(_ID_LIKE_MIN, share * len(answered)):
            why = (f"it has {len(distinct):,} different values for {len(answered):,} "
                   "answered rows: it identifies respondents")
        if why is not None:
            out.append(Problem(
                f"column '{col}' cannot be a segment: {why}. Its values would be printed "
                "in every table it cuts.", where(col),
                "remove it from [columns] segments (and --by), or recode it into a few "
                "groups in the file."))
    return out


# ---------------------------------------------------------------------- the export
def hash_ids(ids: Iterable[object], salt: str) -> np.ndarray:
    """Keyed SHA-256 (HMAC-SHA256, the salt as key) of each id, as 64 hex characters.

    The same id and salt always give the same hash (respondents can be followed across
    brands and exports); without the salt the ids cannot be recovered or checked by
    hashing guesses.  Hashes each distinct id once (a loop over distinct ids: hashlib has
    no vectorised form).

    Parameters
    ----------
    ids : array-like of str
        Respondent ids.
    salt : str
        The secret key.

    Returns
    -------
    ndarray of str

    Examples
    --------
    >>> out = hash_ids(["r1", "r2", "r1"], "a long secret salt")
    >>> bool(out[0] == out[2] != out[1]), len(out[0])
    (True, 64)
    >>> out[1] == hmac.new(b"a long secret salt", b"r2", hashlib.sha256).hexdigest()
    True
    """
    codes, uniques = pd.factorize(pd.Series(ids, dtype=object).astype(str).to_numpy(object))
    key = salt.encode("utf-8")
    hashed = np.array([hmac.new(key, str(u).encode("utf-8"), hashlib.sha256).hexdigest()
                       for u in uniques], dtype=object)
    return hashed[codes]


def export_frame(responses: Responses, salt: str) -> pd.DataFrame:
    """The respondent-level rows of an export: the id hashed, no personal or file columns.

    One row per scored respondent x brand: ``respondent_hash``, ``population``, ``wave``,
    ``brand``, ``weight``, the segments and the item codes.  The file and row each answer
    came from are left out (they point back to the raw file, which holds the personal
    data), and so is every column declared or detected as personal.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> frame = export_frame(responses, "a long secret salt")
    >>> frame.columns[:5].tolist(), "email" in frame, "source_row" in frame
    (['respondent_hash', 'population', 'wave', 'brand', 'weight'], False, False)
    """
    study = responses.study
    data = responses.data
    personal = set(study.columns.personal)
    for removed in responses.files.get("personal_removed", []):
        personal |= {c.strip() for c in str(removed).split(",") if c.strip()}
    keep = ["population", "wave", "brand", "weight", *study.columns.segments, *study.items]
    keep = [c for c in dict.fromkeys(keep) if c in data and c not in personal]
    frame = data[keep].copy()
    frame.insert(0, "respondent_hash", hash_ids(data["respondent_id"].to_numpy(object), salt))
    return frame.reset_index(drop=True)
