"""Exceptions and warnings raised by txscore.

Every user-facing problem is a :class:`TxscoreError`; the CLI turns it into a message and
exit code 1 without a traceback.  A :class:`Problem` locates one fault (file, sheet, row,
column, value) and says how to fix it; errors collect all problems before raising.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One located problem in a study spec or an input file.

    Parameters
    ----------
    message : str
        What is wrong, in the user's words.
    where : str
        The location: ``"study.toml [items.eff_1]"`` or ``"customers.xlsx, sheet
        'Responses', row 17, column 'eff_1'"``.
    fix : str
        How to fix it.
    severity : {"error", "warning"}
        Warnings are reported but do not fail validation.
    """

    message: str
    where: str = ""
    fix: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


#: the longest value quoted in a message (a pasted essay must not flood the terminal)
SHOWN_CHARS = 60


def shorten(value: object, limit: int = SHOWN_CHARS) -> str:
    """A cell value as quoted in a message: at most ``limit`` characters, control
    characters shown escaped, the full length said when cut.

    Parameters
    ----------
    value : object
        The value as read.
    limit : int
        Characters kept.

    Returns
    -------
    str

    Examples
    --------
    >>> shorten("x" * 100_000, 10)
    'xxxxxxxxx… (100,000 characters)'
    >>> shorten("4\\x00")
    '4\\\\x00'
    """
    text = str(value)
    n = len(text)
    if n > limit:
        text = text[:limit - 1]
    # NUL, tabs, line breaks and other control characters would be invisible or break lines
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
    return text + f"… ({n:,} characters)" if n > limit else text


class TxscoreError(Exception):
    """Base class of every error txscore raises on purpose.

    Carries the list of :class:`Problem` it found, so that one run reports all of them.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class StudySpecError(TxscoreError):
    """The study spec (study.toml or a :class:`~txscore.Study`) is invalid."""


class InputDataError(TxscoreError):
    """An input file cannot be read or its contents do not fit the spec."""


class OutputError(TxscoreError):
    """An output cannot be written where asked (among the inputs, not writable, no salt)."""


class WeightingError(TxscoreError):
    """Weights are invalid or raking targets cannot be met."""


class ParameterError(TxscoreError, ValueError):
    """An argument of a Python function is not of the expected type, range or choice.

    Also a :class:`ValueError`, as scikit-learn's parameter errors are.
    """


class TxscoreWarning(UserWarning):
    """Warnings about data or settings that do not stop the analysis."""


# ---------------------------------------------------------------------- parameter checks
# One message template for every setting or argument (scikit-learn's check_scalar):
# "The '<name>' setting of <where> must be <expected>. Got <value>." and how to fix it.

Bounds = Literal["both", "neither", "left", "right"]


def _setting(name: str, where: str) -> str:
    return f"The '{name}' setting" + (f" of {where}" if where else "")


def scalar_problem(value: object, name: str, target_type: type | tuple[type, ...] = numbers.Real,
                   *, min_val: float | None = None, max_val: float | None = None,
                   include_boundaries: Bounds = "both", where: str = "",
                   fix: str = "") -> Problem | None:
    """The :class:`Problem` of a number out of its type or range, or None when it is fine.

    Booleans are not numbers here (``True`` is not a confidence level).  The message follows
    the one template of every setting: ``The '<name>' setting of <where> must be <what>.
    Got <value>.``

    Examples
    --------
    >>> p = scalar_problem(1.5, "confidence", min_val=0, max_val=1,
    ...                    include_boundaries="neither", where="[report]")
    >>> p.message.split(" must be ")
    ["The 'confidence' setting of [report]", 'a number greater than 0 and less than 1. Got 1.5.']
    >>> scalar_problem(0.95, "confidence", min_val=0, max_val=1) is None
    True
    """
    types = target_type if isinstance(target_type, tuple) else (target_type,)
    kind = "a whole number" if all(t in (int, numbers.Integral) for t in types) else "a number"
    low = include_boundaries in ("both", "left")
    high = include_boundaries in ("both", "right")
    parts = []
    if min_val is not None:
        parts.append(f"{'at least' if low else 'greater than'} {min_val:g}")
    if max_val is not None:
        parts.append(f"{'at most' if high else 'less than'} {max_val:g}")
    expected = kind + (" " + " and ".join(parts) if parts else "")
    bad = isinstance(value, bool) or not isinstance(value, types)
    if not bad and isinstance(value, numbers.Real):
        v = float(value)
        bad = v != v or (min_val is not None and (v < min_val if low else v <= min_val)) or (
            max_val is not None and (v > max_val if high else v >= max_val))
    if not bad:
        return None
    return Problem(f"{_setting(name, where)} must be {expected}. Got {shorten(repr(value))}.",
                   where, fix)


def choice_problem(value: object, name: str, choices: Iterable[object], *, where: str = "",
                   fix: str = "") -> Problem | None:
    """The :class:`Problem` of a value that is not one of ``choices``, or None.

    Examples
    --------
    >>> choice_problem("loyalty", "method", ("loyalty_weighted", "equal")).message
    "The 'method' setting must be one of 'loyalty_weighted', 'equal'. Got 'loyalty'."
    """
    choices = tuple(choices)
    if value in choices and not isinstance(value, bool):
        return None
    listed = ", ".join(repr(c) for c in choices)
    return Problem(f"{_setting(name, where)} must be one of {listed}. "
                   f"Got {shorten(repr(value))}.", where, fix)


def check_scalar(value: object, name: str, target_type: type | tuple[type, ...] = numbers.Real,
                 *, min_val: float | None = None, max_val: float | None = None,
                 include_boundaries: Bounds = "both", where: str = "", fix: str = "",
                 error: type[TxscoreError] = ParameterError) -> object:
    """Return ``value`` when it is a number of the expected type and range; raise otherwise.

    Parameters
    ----------
    value : object
        The argument or setting.
    name : str
        Its name, as the user wrote it.
    target_type : type or tuple of types
        Accepted types (default: any real number; booleans are refused).
    min_val, max_val : float, optional
        Bounds.
    include_boundaries : {"both", "neither", "left", "right"}
        Which bounds are allowed values.
    where : str
        Where the setting lives (``"[report]"``), or empty for a function argument.
    fix : str
        How to fix it (added to the message).
    error : type
        The exception raised: :class:`ParameterError` for a function argument,
        :class:`StudySpecError` for a study setting.

    Returns
    -------
    object
        ``value``, unchanged.

    Raises
    ------
    ParameterError
        (or ``error``) with one :class:`Problem`.

    Examples
    --------
    >>> check_scalar(0.9, "confidence", min_val=0, max_val=1, include_boundaries="neither")
    0.9
    >>> check_scalar(2, "level", min_val=0, max_val=1)
    Traceback (most recent call last):
    ...
    txscore.errors.ParameterError: The 'level' setting must be a number at least 0 and at most 1...
    """
    problem = scalar_problem(value, name, target_type, min_val=min_val, max_val=max_val,
                             include_boundaries=include_boundaries, where=where, fix=fix)
    if problem is not None:
        raise error(problem.message + (f" Fix: {fix}" if fix else ""), [problem] if where
                    else [])
    return value


def check_choice(value: object, name: str, choices: Iterable[object], *, where: str = "",
                 fix: str = "", error: type[TxscoreError] = ParameterError) -> object:
    """Return ``value`` when it is one of ``choices``; raise ``error`` otherwise.

    Examples
    --------
    >>> check_choice("pairwise", "nan_policy", ("pairwise", "listwise"))
    'pairwise'
    """
    problem = choice_problem(value, name, choices, where=where, fix=fix)
    if problem is not None:
        raise error(problem.message + (f" Fix: {fix}" if fix else ""), [problem] if where
                    else [])
    return value


#: the one range of a confidence level (open at both ends): every check uses it
CONFIDENCE_RANGE = (0.5, 1.0)
_CONFIDENCE_FIX = "give a level such as 0.90, 0.95 or 0.99."


def confidence_problem(confidence: object, *, where: str = "",
                       fix: str = _CONFIDENCE_FIX) -> Problem | None:
    """The :class:`Problem` of a confidence level outside :data:`CONFIDENCE_RANGE`, or None.

    Examples
    --------
    >>> confidence_problem(0.95) is None
    True
    >>> print(confidence_problem(95, where="[report]").message)
    The 'confidence' setting of [report] must be a number greater than 0.5 and less than 1. Got 95.
    """
    low, high = CONFIDENCE_RANGE
    return scalar_problem(confidence, "confidence", min_val=low, max_val=high,
                          include_boundaries="neither", where=where, fix=fix)


def check_confidence(confidence: object, *, where: str = "",
                     error: type[TxscoreError] = ParameterError) -> float:
    """The one check of a confidence level: a number strictly between 0.5 and 1.

    Examples
    --------
    >>> check_confidence(0.95)
    0.95
    """
    low, high = CONFIDENCE_RANGE
    check_scalar(confidence, "confidence", min_val=low, max_val=high,
                 include_boundaries="neither", where=where, fix=_CONFIDENCE_FIX, error=error)
    return float(confidence)


def did_you_mean(value: object, choices: Iterable[object]) -> str:
    """``"did you mean 'x'?"`` for the closest of ``choices`` to a misspelt ``value``, or "".

    Examples
    --------
    >>> did_you_mean("bootstrp", ["seed", "bootstrap"])
    "did you mean 'bootstrap'?"
    >>> did_you_mean("zzz", ["seed"])
    ''
    """
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
    return f"did you mean '{close[0]}'?" if close else ""
