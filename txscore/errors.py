"""Exceptions and warnings raised by txscore.

Every user-facing problem is a :class:`TxscoreError`; the CLI turns it into a message and
exit code 1 without a traceback.  A :class:`Problem` locates one fault (file, sheet, row,
column, value) and says how to fix it; errors collect all problems before raising.
"""

from __future__ import annotations

from dataclasses import dataclass


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


class TxscoreWarning(UserWarning):
    """Warnings about data or settings that do not stop the analysis."""
