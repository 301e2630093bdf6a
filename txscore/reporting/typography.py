"""French typography for the text tables: no-break spaces where French puts them.

The word parts (``_words_*.py``) write their French with ordinary spaces and pass the table
through :func:`french_spaces`, so that a colon, a percent sign or a guillemet never starts
or ends a line alone.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["NB", "french_spaces"]

#: the no-break space
NB = "\u00a0"
_BEFORE = re.compile(r" ([:;?!%»])")


def french_spaces(value: Any) -> Any:
    r"""A no-break space before ``: ; ? ! %`` and ``»`` and after ``«``, in a text or in
    every text of a (nested) table.

    >>> french_spaces({"a": "Base : 42 % « oui »"})["a"]
    'Base\xa0: 42\xa0% «\xa0oui\xa0»'
    """
    if isinstance(value, str):
        return _BEFORE.sub(NB + r"\1", value).replace("« ", "«" + NB)
    return {k: french_spaces(v) for k, v in value.items()}
