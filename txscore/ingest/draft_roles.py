"""Which column of one file plays each role, for ``txscore init``: by name and by content.

Roles: respondent id, brand, weight, duration, start and end times, finished flag and
status, in English, French and German (``Respondent ID``, ``id_resp``, ``ResponseId``,
``Teilnehmer-ID``; ``weight``, ``wt``, ``poids``, ``Gewicht``; ``duree_sec``, ``Dauer``,
``Duration (in seconds)``; ``StartDate``, ``date_debut``, ``Beginn``...).  The platform's
own metadata (Qualtrics, SurveyMonkey, Google Forms) comes first; then a name must be
confirmed by the content (an id is filled, a weight is a positive number, a time parses as
a date, a finished flag is yes/no); a column recognised by its content alone (unique
values in every row, decimal numbers around 1, two date columns) is proposed with a TODO.
Personal data (:mod:`txscore.ingest.privacy`, by name and content), attention checks and
platform metadata that is not an answer (collector, progress, language) are found here too.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import pandas as pd

from txscore.ingest import privacy
from txscore.ingest.guess import ColumnProfile, guess_scale, profile_column
from txscore.ingest.table import RawTable
from txscore.study import normalise_label

__all__ = ["ROLE_NAMES", "FileRoles", "file_roles", "words"]

#: the roles, as written in ``[columns]``, and how the summary names them
ROLE_NAMES = {"respondent_id": "respondent id", "brand": "brand", "weight": "weight",
              "duration": "duration (seconds)", "start": "start time", "end": "end time",
              "finished": "finished flag", "status": "response status"}
_PLATFORM = {"id": "respondent_id", "duration": "duration", "start": "start", "end": "end",
             "finished": "finished", "status": "status"}
_ID_WORDS = {"id", "uuid", "identifiant", "identifier", "nr", "no", "num", "nummer",
             "numero", "number", "code", "key"}
_WHO = {"resp", "respondent", "response", "participant", "teilnehmer", "befragte",
        "befragter", "repondant", "interview", "case", "record", "panelist", "panelliste",
        "sys", "person", "interviewee", "fall", "rid"}
_ID_ALONE = {"id", "uuid", "respid", "respondent", "responseid", "teilnehmer", "identifiant",
             "serial", "sysrespnum", "caseid", "lfdn", "interviewid", "rid", "repondant"}
_WEIGHT = {"weight", "weights", "wgt", "wt", "wght", "poids", "ponderation", "pond",
           "gewicht", "gewichtung", "gewichtungsfaktor", "weighting", "coef", "coeff"}
_DURATION = re.compile(r"duration|duree|dauer|seconds|secondes|sekunden|time taken|"
                       r"interview length|length of interview|\bloi\b|bearbeitungszeit|"
                       r"temps de reponse|\bsecs?\b")
_START = re.compile(r"\b(start\w*|begin\w*|debut|beginn|anfang\w*|started)\b")
_END = re.compile(r"\b(end\w*|fin|ende|submit\w*|submitted|completed|completion)\b")
_FINISHED = {"finished", "complete", "completed", "termine", "terminee", "fini", "finie",
             "abgeschlossen", "beendet", "completion", "complet"}
_STATUS = {"status", "statut", "disposition", "responsestatus"}
_BRAND = {"brand", "marque", "marke", "marca", "enseigne", "anbieter", "fournisseur",
          "brands", "marques", "marken"}
_METADATA = re.compile(r"^(collector ?id|custom data ?\d*|response ?set|external ?(data ?)?"
                       r"reference|recorded ?date|progress|distribution ?channel|user ?"
                       r"language|location ?accuracy|q [a-z].*|survey ?id|panel ?id|"
                       r"source|langue|sprache|device|browser|user ?agent)$")
_PERSONAL_MORE = re.compile(r"^(telefon\w*|handy|vorname|nachname|strasse|adresse|address|"
                            r"plz|postleitzahl|code postal|date de naissance|geburtsdatum|"
                            r"date of birth|dob|birth ?date)$")
_ATTENTION = re.compile(r"attention|please (select|choose|tick)|to show (that )?you are "
                        r"reading|veuillez (choisir|selectionner|cocher)|bitte (wahlen|"
                        r"klicken) sie")
_YES_NO = {"true", "false", "1", "0", "1.0", "0.0", "yes", "no", "oui", "non", "ja", "nein",
           "vrai", "faux", "y", "n"}
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?"
                   r"( ?[ap]m)?)?$", re.IGNORECASE)


def words(name: str) -> list[str]:
    """A column name as lower-case words without accents (``ResponseId`` ->
    ``response id``, ``id_resp`` -> ``id resp``, ``Teilnehmer-ID`` -> ``teilnehmer id``).

    >>> words("ResponseId"), words("Teilnehmer-ID"), words("durée_sec")
    (['response', 'id'], ['teilnehmer', 'id'], ['duree', 'sec'])
    """
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(name))
    return re.sub(r"[^0-9a-z]+", " ", normalise_label(text)).split()


@dataclass
class FileRoles:
    """The roles found in one file.

    ``roles``: role -> column; ``how``: role -> "platform", "name", "content"; ``todo``:
    role -> why the guess needs a check; ``personal``: column -> why; ``attention``:
    column -> the expected answers; ``metadata``: column -> why it is not an answer.
    """

    roles: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    todo: dict[str, str] = field(default_factory=dict)
    personal: dict[str, str] = field(default_factory=dict)
    attention: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)

    def used(self) -> set[str]:
        """Every column given a role here."""
        return {*self.roles.values(), *self.personal, *self.attention, *self.metadata}


def _sample(values: pd.Series, n: int = 300) -> pd.Series:
    """The first ``n`` answered cells as stripped text."""
    head = values.iloc[:5000]
    head = head[head.notna()].iloc[:n]
    return head.astype(str).str.strip()


def _numbers(values: pd.Series) -> pd.Series:
    """The answered cells as numbers (decimal commas read), NaN where not a number."""
    head = _sample(values, 2000)
    return pd.to_numeric(head.str.replace(",", ".", regex=False), errors="coerce")


def _is_dates(values: pd.Series) -> bool:
    head = _sample(values)
    if head.empty:
        return False
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if not head.str.match(_DATE).mean() >= 0.9:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(head, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def _is_yes_no(values: pd.Series) -> bool:
    head = _sample(values)
    return not head.empty and set(head.map(normalise_label)) <= _YES_NO


def _is_id(values: pd.Series, strict: bool) -> bool:
    """Filled (almost) everywhere; with ``strict``, unique and neither a date nor a
    decimal number."""
    filled = values.notna().mean() if len(values) else 0.0
    if not strict:
        return filled >= 0.95
    if filled < 1 or len(values) < 5 or values.nunique() != len(values) or _is_dates(values):
        return False
    nums = _numbers(values)
    return bool(nums.isna().all() or (nums.dropna() % 1 == 0).all())


def _is_weight(values: pd.Series, strict: bool) -> bool:
    nums = _numbers(values)
    if nums.empty or nums.isna().mean() > 0.05 or not (nums.dropna() > 0).all():
        return False
    whole = bool((nums.dropna() % 1 == 0).all())
    if whole and nums.nunique() >= 3 and nums.max() <= 10:
        return False  # the codes of a rating scale ("wt_1" = 1..5), not a weight
    if not strict:
        return True
    decimals = (nums.dropna() % 1 != 0).mean()
    return bool(decimals >= 0.5 and 0.7 <= nums.mean() <= 1.4 and nums.nunique() >= 5)


def _is_duration(values: pd.Series) -> bool:
    nums = _numbers(values)
    return bool(not nums.empty and nums.notna().mean() >= 0.9 and (nums.dropna() >= 0).all()
                and nums.median() >= 10)


def _by_name(name: str) -> list[str]:
    """The roles a column name may announce, most likely first (the content decides)."""
    w = words(name)
    joined, ws = "".join(w), set(w)
    text = " ".join(w)
    out = []
    if joined in _ID_ALONE or (ws & _ID_WORDS and ws & _WHO):
        out.append("respondent_id")
    if ws & _WEIGHT:
        out.append("weight")
    if _DURATION.search(text):
        out.append("duration")
    if joined in _STATUS:
        out.append("status")
    if ws & _FINISHED:
        out.append("finished")
    if _START.search(text):
        out.append("start")
    if _END.search(text):
        out.append("end")
    if ws & _BRAND:
        out.append("brand")
    return out


_CONFIRM = {
    "respondent_id": lambda v: _is_id(v, strict=False),
    "weight": lambda v: _is_weight(v, strict=False),
    "duration": _is_duration,
    "start": _is_dates,
    "end": _is_dates,
    "finished": _is_yes_no,
    "status": lambda v: bool(v.notna().any()) and v.dropna().astype(str).str.len().max() < 40,
}


def _brand_like(values: pd.Series, known: set[str], fewest: int = 2) -> bool:
    """Text with ``fewest`` to 50 distinct values; with ``known`` brands, all of them
    among those."""
    head = _sample(values, 2000)
    distinct = set(head.map(normalise_label))
    if not fewest <= len(distinct) <= 50 or _numbers(values).notna().mean() > 0.5:
        return False
    profile = ColumnProfile()
    profile_column(head, profile)
    if guess_scale(profile)[0] is not None:  # a rating question
        return False
    return distinct <= known if known else True


def file_roles(table: RawTable, brands: set[str] = frozenset()) -> FileRoles:
    """The columns of one file that play a role (not answers to score).

    Parameters
    ----------
    table : RawTable
        The file as read.
    brands : set of str
        Normalised brand names seen elsewhere (a brand loop in another file): a column
        whose answers are all among them is this file's brand column.

    Examples
    --------
    >>> frame = pd.DataFrame({"id_resp": ["a", "b", "c"], "poids": ["0,8", "1,2", "1"],
    ...                       "duree_sec": ["300", "412", "95"], "q1": ["1", "2", "3"]})
    >>> found = file_roles(RawTable(frame, "f.csv", None, 2, "csv"))
    >>> found.roles
    {'respondent_id': 'id_resp', 'weight': 'poids', 'duration': 'duree_sec'}
    """
    found = FileRoles()
    frame = table.frame
    for col, role in table.roles.items():
        if role in _PLATFORM and _PLATFORM[role] not in found.roles:
            found.roles[_PLATFORM[role]] = col
            found.how[_PLATFORM[role]] = "platform"
    for col in frame.columns:
        for role in _by_name(col):
            if (role in found.roles or col in found.roles.values() or role == "brand"
                    or not _CONFIRM[role](frame[col])):
                continue
            found.roles[role] = col
            found.how[role] = "name"
    if "start" in found.roles and "end" not in found.roles:  # "date_debut" / "date_fin"
        del found.roles["start"]
    _brand(table, brands, found)
    _by_content(frame, found)
    _personal_and_more(table, found)
    return found


def _brand(table: RawTable, brands: set[str], found: FileRoles) -> None:
    """A brand column by name (text with a few values) or by its answers (known brands)."""
    frame = table.frame
    taken = set(found.roles.values())
    named = [c for c in frame.columns if c not in taken and "brand" in _by_name(c)
             and _brand_like(frame[c], set(), fewest=1)]  # a one-brand file too
    texts = [c for c in frame.columns if c not in taken and (
        set(words(c)) & _BRAND or re.search(r"brand|marque|marke", normalise_label(
            f"{c} {table.question_text.get(c, '')}")))]
    content = [c for c in frame.columns if c not in taken and brands
               and _brand_like(frame[c], brands)]
    pick = (named or content or [c for c in texts if _brand_like(frame[c], set())])[:1]
    if pick:
        found.roles["brand"] = pick[0]
        found.how["brand"] = "content" if pick[0] in content and pick[0] not in named else (
            "name")


def _by_content(frame: pd.DataFrame, found: FileRoles) -> None:
    """Roles no name announced: a unique column filled in every row (the id), decimal
    numbers around 1 (the weight), two date columns (start and end)."""
    taken = set(found.roles.values())
    free = [c for c in frame.columns if c not in taken]
    if "respondent_id" not in found.roles:
        pick = next((c for c in free[:5] if _is_id(frame[c], strict=True)), None)
        if pick:
            found.roles["respondent_id"] = pick
            found.how["respondent_id"] = "content"
            found.todo["respondent_id"] = (f"'{pick}' has a different value in every row: "
                                           "is it the respondent id?")
    if "weight" not in found.roles:
        pick = next((c for c in free if c not in found.roles.values()
                     and _is_weight(frame[c], strict=True)), None)
        if pick:
            found.roles["weight"] = pick
            found.how["weight"] = "content"
            found.todo["weight"] = (f"'{pick}' holds positive decimals around 1: is it a "
                                    "weight?")
    if "start" not in found.roles and "end" not in found.roles:
        dates = [c for c in free if c not in found.roles.values() and _is_dates(frame[c])]
        if len(dates) == 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = [pd.to_datetime(_sample(frame[c], 2000), errors="coerce", format="mixed")
                     for c in dates]
            first, second = (dates if (t[1] - t[0]).dt.total_seconds().median() >= 0
                             else dates[::-1])
            found.roles.update(start=first, end=second)
            found.how.update(start="content", end="content")


def _personal_and_more(table: RawTable, found: FileRoles) -> None:
    """Personal data, attention checks and platform metadata among the other columns."""
    frame = table.frame
    used = set(found.roles.values())
    dates = {c for c in frame.columns if c not in used and privacy.kind_by_name(c) is None
             and _is_dates(frame[c])}  # "03/11/2026" is a date, not a phone number
    scan = privacy.scan(frame, used=used | dates, roles=table.roles)
    found.personal = {c: why for c, why in scan.detected.items()}
    for col in frame.columns:
        if col in dates:
            found.metadata[col] = "dates (an interview date?), not answers"
        if col in used or col in found.personal or col in dates:
            continue
        key = " ".join(words(col))
        text = normalise_label(f"{col} {table.question_text.get(col, '')}")
        if _PERSONAL_MORE.match(key):
            found.personal[col] = f"its name '{col}' suggests personal data"
        elif _ATTENTION.search(text):
            wanted = re.findall(r"[\"\u201c\u00ab]\s*([^\"\u201d\u00bb]+?)\s*[\"\u201d\u00bb]",
                                f"{col} {table.question_text.get(col, '')}")
            found.attention[col] = wanted[:1] or ["TODO"]
        elif _METADATA.match(key) or (table.layout.startswith("qualtrics")
                                      and col in table.roles):
            found.metadata[col] = "survey platform metadata"
        elif frame[col].isna().all():
            found.metadata[col] = "no answers in the file"
