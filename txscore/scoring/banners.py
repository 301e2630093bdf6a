"""Banner tables: an index or item by segment columns, with significance letters.

STUB: owned by the banner-tables helper (see /work/design19.md).
"""

from __future__ import annotations

import pandas as pd

from txscore.responses import Responses

__all__ = ["banner_tables"]


def banner_tables(responses: Responses) -> pd.DataFrame:
    """The banner tables of ``responses.study.tables`` as one tidy table (empty without)."""
    return pd.DataFrame()
