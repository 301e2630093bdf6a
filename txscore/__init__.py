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
    OutputError,
    ParameterError,
    StudySpecError,
    TxscoreError,
    TxscoreWarning,
    WeightingError,
)
from txscore.study import Study, read_study, validate_study  # noqa: E402

#: public name -> (module, attribute); attribute None: the module itself
_LAZY: dict[str, tuple[str, str | None]] = {
    "load": ("txscore.ingest", "load"),
    "check": ("txscore.ingest", "check"),
    "Responses": ("txscore.responses", "Responses"),
    "score": ("txscore.scoring", "score"),
    "Result": ("txscore.result", "Result"),
    "report": ("txscore.reporting", "report"),
    "to_pptx": ("txscore.reporting.deck", "write_deck"),
    "export": ("txscore.reporting.export", "export"),
    "reliability": ("txscore.stats.reliability", "reliability"),
    "item_statistics": ("txscore.stats.reliability", "item_statistics"),
    "drivers": ("txscore.stats.drivers", "driver_importance"),
    "rake": ("txscore.stats.weighting", "rake"),
    "charts": ("txscore.charts", None),
    "simulate": ("txscore.scoring.simulate", "simulate"),
    "plan": ("txscore.scoring.plan", "plan"),
    "banner_tables": ("txscore.scoring.banners", "banner_tables"),
}

if TYPE_CHECKING:
    from txscore import charts
    from txscore.ingest import check, load
    from txscore.reporting import report
    from txscore.reporting.deck import write_deck as to_pptx
    from txscore.reporting.export import export
    from txscore.responses import Responses
    from txscore.result import Result
    from txscore.scoring import score
    from txscore.scoring.banners import banner_tables
    from txscore.scoring.plan import plan
    from txscore.scoring.simulate import simulate
    from txscore.stats.drivers import driver_importance as drivers
    from txscore.stats.reliability import item_statistics, reliability
    from txscore.stats.weighting import rake

__all__ = ["InputDataError", "OutputError", "ParameterError", "Responses", "Result", "Study",
           "StudySpecError", "TxscoreError", "TxscoreWarning", "WeightingError",
           "banner_tables", "charts", "check", "drivers", "export", "item_statistics", "load",
           "plan", "rake", "read_study", "reliability", "report", "score", "simulate",
           "to_pptx", "validate_study"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = import_module(module) if attr is None else getattr(import_module(module), attr)
        globals()[name] = value  # cache: later lookups skip __getattr__
        return value
    raise AttributeError(f"module 'txscore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
