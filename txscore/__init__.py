"""txscore: Total Experience scores from customer and non-customer survey exports.

CX-Index-style, BX-style and TX-style scores (open, documented methods with the structure
of the published indices; not Forrester's proprietary indices), with reliability checks,
intervals, an exclusions ledger, Excel workbooks and PNG charts.

Examples
--------
>>> import txscore as tx
>>> study = tx.read_study("surveys/sample/study.toml")
>>> result = tx.score(tx.load(study))
>>> result.summary().columns[:3].tolist()
['wave', 'brand', 'tx']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Light names are imported at once; the heavy stages load on first use so that
# `import txscore` and `txscore --help` stay fast (performance-notes.md).
from txscore.errors import (  # noqa: E402
    InputDataError,
    StudySpecError,
    TxscoreError,
    TxscoreWarning,
    WeightingError,
)
from txscore.study import Study, read_study, validate_study  # noqa: E402

_LAZY = {
    "load": "txscore.ingest",
    "Responses": "txscore.responses",
    "score": "txscore.scoring",
    "Result": "txscore.result",
    "report": "txscore.reporting",
}

if TYPE_CHECKING:
    from txscore.ingest import load
    from txscore.reporting import report
    from txscore.responses import Responses
    from txscore.result import Result
    from txscore.scoring import score

__all__ = ["InputDataError", "Responses", "Result", "Study", "StudySpecError", "TxscoreError",
           "TxscoreWarning", "WeightingError", "load", "read_study", "report", "score",
           "validate_study"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'txscore' has no attribute {name!r}")
