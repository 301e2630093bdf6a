"""Simulated brand-loop studies with a strong respondent effect (for the clustering tests).

Every respondent has a latent level ``u ~ N(0, sigma_u)`` added to each answer they give,
whatever the brand: a non-customer rates ``loop`` brands, a customer of one brand also rates
``loop - 1`` other brands as a non-customer. Answers are ``clip(round(centre + mu_brand + u
+ e), scale)`` with ``e ~ N(0, 1)``: the rows of one person are strongly correlated.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from conftest import SAMPLE_DIR

import txscore as tx
from txscore.responses import Responses

BRANDS = ("Adatum", "Contoso", "Fabrikam")
#: each brand's shift of every answer
MU = {"Adatum": -0.6, "Contoso": 0.4, "Fabrikam": 0.1}
_STUDY = None


def sample_study() -> tx.Study:
    global _STUDY
    if _STUDY is None:
        _STUDY = tx.read_study(SAMPLE_DIR / "study.toml")
    return _STUDY


def _skeleton(n_customers: int, n_non_customers: int, loop: int, wave: str,
              customers_rate_others: bool) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of one wave (without answers) and each row's respondent number."""
    nc, nn = n_customers, n_non_customers
    brands = np.array(BRANDS)
    ids = np.array([f"{wave}-c{i}" for i in range(nc)] + [f"{wave}-n{i}" for i in range(nn)])
    parts = [(np.arange(nc), "customer", brands[np.arange(nc) % len(brands)])]
    for k in range(1, loop if customers_rate_others else 1):
        parts.append((np.arange(nc), "non_customer", brands[(np.arange(nc) + k) % len(brands)]))
    for k in range(loop):
        parts.append((nc + np.arange(nn), "non_customer",
                      brands[(np.arange(nn) + k) % len(brands)]))
    who = np.concatenate([p[0] for p in parts])
    frame = pd.DataFrame({"respondent_id": ids[who],
                          "population": np.concatenate([np.full(len(p[0]), p[1], object)
                                                        for p in parts]),
                          "wave": wave, "brand": np.concatenate([p[2] for p in parts])})
    return frame, who


def brand_loop_data(rng: np.random.Generator, *, n_customers: int = 150,
                    n_non_customers: int = 150, loop: int = 3, sigma_u: float = 1.2,
                    waves: tuple[str, ...] = ("2026 Q1",), customers_rate_others: bool = True,
                    ) -> pd.DataFrame:
    """Rows of :attr:`Responses.data` for the sample study's items, one wave or more
    (answers as float codes, NaN where the item is not asked of the population)."""
    study = sample_study()
    items = list(study.items)
    scales = [study.scales[study.items[c].scale] for c in items]
    lo = np.array([s.min for s in scales], float)
    hi = np.array([s.max for s in scales], float)
    eleven = np.array([s.points == 11 for s in scales])
    centre = (lo + hi) / 2 + np.where(eleven, 1.0, 0.5)
    stretch = np.where(eleven, 1.6, 1.0)
    asked = {pop: np.isin(items, study.items_for(pop)) for pop in ("customer", "non_customer")}
    frames = []
    for wave in waves:
        frame, who = _skeleton(n_customers, n_non_customers, loop, wave,
                               customers_rate_others)
        u = sigma_u * rng.standard_normal(n_customers + n_non_customers)
        level = u[who] + frame["brand"].map(MU).to_numpy()
        e = rng.standard_normal((len(frame), len(items)))
        x = np.clip(np.rint(centre + stretch * (level[:, None] + e)), lo, hi)
        cust = (frame["population"] == "customer").to_numpy()
        x[cust] = np.where(asked["customer"], x[cust], np.nan)
        x[~cust] = np.where(asked["non_customer"], x[~cust], np.nan)
        frames.append(pd.concat([frame.assign(
            source_file="sim.csv", source_sheet="", source_row=np.arange(len(frame)) + 2,
            weight=1.0, region="North", age_group="18-34"),
            pd.DataFrame(x, columns=items)], axis=1))
    return pd.concat(frames, ignore_index=True)


def responses_of(data: pd.DataFrame, **settings: object) -> Responses:
    """The sample study's Responses holding ``data`` (``settings``: e.g. bootstrap=300)."""
    study = sample_study().with_settings(**settings) if settings else sample_study()
    study = dataclasses.replace(study, tables=(), scenarios=(), planning=None)
    return Responses(study=study, data=data, exclusions=pd.DataFrame(), files=pd.DataFrame())
