"""Seeded generator for the sample TX study (surveys/sample/study.toml).

Writes customers_w1/w2.xlsx, non_customers_w1/w2.xlsx (sheet "Responses") and truth.json
next to this file. Fully deterministic: a fixed seed and byte-identical xlsx files.

Model (latents in standard-normal units, vectorised numpy):

* Each respondent has a latent vector z = mu + v, v ~ N(0, R) (R: .45 within a block of
  three, .30 across): CX quality (effectiveness, ease, emotion) and BX pillars (salience,
  fit, trust) for customers, pillars only for non-customers. mu depends on brand and
  population; in wave 2 Tailspin improves (+.30 on CX, +.10 on BX) and Contoso declines.
* Loyalty L = (b_cx . z_quality + e) / sd and preference P = (b_bx . z_pillars + e) / sd,
  unit variance within a brand. True importances: emotion > effectiveness > ease (b_cx) and
  trust > fit > salience (b_bx).
* Item latent y = c + lam * source + sqrt(1 - lam^2) * e (unit variance within a brand);
  lam = .85 (.80 for loyalty and preference items) except trust_3 (.20: the weak item).
  Code = 1 + #(y > t_k) for fixed thresholds t (skewed positive). ease_2 is negatively
  worded and written as 8 - code; recommend (0-10, not in the spec) loads .9 on L.
* Hence E[code] = 1 + sum_k Phi(m - t_k), m the latent mean, and truth.json holds exact
  noise-free score100 expectations: dimension/pillar = mean of its items, CX with EQUAL
  weights (1/3; the truth does not depend on estimated weights), BX = mean of pillars,
  C = .5 CX + .5 BX_customers, N = BX_non_customers, TX = .5 N + .5 C.
* Mess, missing completely at random (counts and ids in truth.json): ~5% text labels
  (some odd case/spaces), ~3% "Don't know" (half 99, half text), ~1% empty cells, 4
  duplicated ids, 5 rows with an out-of-range code, 8 speeders per file.

Run from the repo root: python surveys/sample/generate.py
"""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from scipy.special import ndtr

HERE = Path(__file__).resolve().parent
SEED = 20260401
BRANDS = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum")
WAVES = ("2026 Q1", "2026 Q2")
QUALITY = ("effectiveness", "ease", "emotion")
PILLARS = ("salience", "fit", "trust")
B_CX = np.array([0.35, 0.10, 0.60])  # loyalty on effectiveness, ease, emotion
B_BX = np.array([0.12, 0.30, 0.60])  # preference on salience, fit, trust
RESID_SD = 0.5  # unexplained part of loyalty / preference
THRESH = np.array([-2.0, -1.4, -0.8, -0.2, 0.5, 1.3])
THRESH10 = np.array([-2.6, -2.2, -1.8, -1.4, -1.0, -0.6, -0.2, 0.3, 0.8, 1.4])
# Brand latent means, wave 1: customers (eff, ease, emo, sal, fit, trust), non-customers
# (sal, fit, trust). Litware breaks the pattern (strong with customers, weak outside).
MU_CUST = {
    "Northwind": (1.25, 1.35, 1.25, 1.30, 1.25, 1.25),
    "Contoso": (0.99, 0.94, 0.89, 0.94, 0.94, 0.94),
    "Fabrikam": (0.06, 0.21, -0.04, 0.16, 0.06, 0.01),
    "Tailspin": (-0.03, 0.02, -0.18, -0.08, -0.08, -0.08),
    "Litware": (0.99, 1.24, 1.04, 1.04, 1.09, 1.04),
    "Adatum": (-0.25, -0.15, -0.35, -0.25, -0.25, -0.30),
}
MU_NONC = {
    "Northwind": (0.56, 0.51, 0.46),
    "Contoso": (0.16, 0.11, 0.06),
    "Fabrikam": (-0.22, -0.27, -0.32),
    "Tailspin": (-0.84, -0.89, -0.94),
    "Litware": (-0.64, -0.69, -0.74),
    "Adatum": (-1.24, -1.29, -1.34),
}
IMPROVES, DECLINES = "Tailspin", "Contoso"
W2_SHIFT = {IMPROVES: (0.30, 0.10), DECLINES: (-0.36, -0.10)}  # (CX dims, BX customers)
# item -> (source, loading, intercept); source indexes z, or "loyalty" / "preference"
# fmt: off
ITEMS = {
    "eff_1": ("effectiveness", 0.85, 0.0), "eff_2": ("effectiveness", 0.85, -0.1),
    "ease_1": ("ease", 0.85, 0.0), "ease_2": ("ease", 0.85, -0.1),
    "emo_1": ("emotion", 0.85, 0.0), "emo_2": ("emotion", 0.85, -0.1),
    "ret_1": ("loyalty", 0.8, 0.1), "enr_1": ("loyalty", 0.8, -0.2),
    "adv_1": ("loyalty", 0.8, 0.0),
    "sal_1": ("salience", 0.85, -0.1), "sal_2": ("salience", 0.85, 0.0),
    "fit_1": ("fit", 0.85, 0.0), "fit_2": ("fit", 0.85, -0.1),
    "trust_1": ("trust", 0.85, 0.0), "trust_2": ("trust", 0.85, -0.1),
    "trust_3": ("trust", 0.2, 0.3),
    "pref_consider": ("preference", 0.8, 0.2), "pref_prefer": ("preference", 0.8, -0.1),
    "pref_intent": ("preference", 0.8, 0.0), "pref_premium": ("preference", 0.8, -0.4),
}
# fmt: on
WEAK_ITEM = "trust_3"
CUST_ITEMS = list(ITEMS)
NONC_ITEMS = [i for i in ITEMS if ITEMS[i][0] in PILLARS or ITEMS[i][0] == "preference"]
FIXED_DT = datetime(2026, 1, 1)
Array = NDArray[np.float64]


def corr(k: int) -> Array:
    """Within-brand latent correlations: .45 inside a block of 3, .30 across blocks."""
    r = np.full((k, k), 0.30)
    for s in range(0, k, 3):
        r[s : s + 3, s : s + 3] = 0.45
    np.fill_diagonal(r, 1.0)
    return r


def latent_mean(pop: str, wave: int, brand: str) -> Array:
    """Mean latent vector of a brand in wave 0 or 1 (customers: quality + pillars)."""
    if pop != "customer":
        return np.array(MU_NONC[brand])
    return np.array(MU_CUST[brand]) + (wave == 1) * np.repeat(W2_SHIFT.get(brand, (0, 0)), 3)


def outcome_sd(b: Array) -> float:
    return float(np.sqrt(b @ corr(3) @ b + RESID_SD**2))


def dims(pop: str) -> tuple[str, ...]:
    return QUALITY + PILLARS if pop == "customer" else PILLARS


def source_means(pop: str, mu: Array) -> dict[str, float]:
    src = dict(zip(dims(pop), mu.tolist(), strict=True))
    if pop == "customer":
        src["loyalty"] = float(B_CX @ mu[:3]) / outcome_sd(B_CX)
    src["preference"] = float(B_BX @ mu[-3:]) / outcome_sd(B_BX)
    return src


def to_codes(y: Array, thresh: Array, base: int) -> NDArray[np.int64]:
    return base + (y[..., None] > thresh).sum(axis=-1)


def simulate(rng: np.random.Generator, pop: str, wave: int, sizes: NDArray[np.int64]) -> dict:
    """Clean responses: brand index, item codes (ease_2 as written) and recommend 0-10."""
    brand = np.repeat(np.arange(len(BRANDS)), sizes)[rng.permutation(sizes.sum())]
    k = len(dims(pop))
    z = np.array([latent_mean(pop, wave, b) for b in BRANDS])[brand]
    z += rng.standard_normal((len(brand), k)) @ np.linalg.cholesky(corr(k)).T
    src = dict(zip(dims(pop), z.T, strict=True))
    n = len(brand)
    if pop == "customer":
        src["loyalty"] = (z[:, :3] @ B_CX + RESID_SD * rng.standard_normal(n)) / outcome_sd(B_CX)
    src["preference"] = (z[:, -3:] @ B_BX + RESID_SD * rng.standard_normal(n)) / outcome_sd(B_BX)
    items = CUST_ITEMS if pop == "customer" else NONC_ITEMS
    spec = [ITEMS[i] for i in items]
    lam = np.array([s[1] for s in spec])
    y = np.column_stack([src[s[0]] for s in spec]) * lam + np.array([s[2] for s in spec])
    y += np.sqrt(1 - lam**2) * rng.standard_normal(y.shape)
    codes = to_codes(y, THRESH, 1)
    out = {"brand": brand, "items": items, "codes": codes}
    if pop == "customer":
        codes[:, items.index("ease_2")] = 8 - codes[:, items.index("ease_2")]
        rec = 0.9 * src["loyalty"] + np.sqrt(0.19) * rng.standard_normal(n)
        out["recommend"] = to_codes(rec, THRESH10, 0)
    return out


def add_mess(rng: np.random.Generator, data: dict, prefix: str, labels: dict) -> tuple[list, dict]:
    """Rows (header first) with ids, segments, weights and planted data-quality problems."""
    brand, codes, items = data["brand"], data["codes"], data["items"]
    n, k = codes.shape
    ids = np.char.add(f"{prefix}-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    email = np.char.add("user", rng.choice(900_000, n, replace=False).astype(str))
    email = np.char.add(email, "@example.com")
    dup_first = np.sort(rng.choice(n // 2, 4, replace=False))
    dup_later: list[int] = []
    for i in dup_first:  # a later row of the same brand repeats the id (and the email)
        ok = (brand == brand[i]) & (np.arange(n) > n // 2) & ~np.isin(np.arange(n), dup_later)
        dup_later.append(int(rng.choice(np.flatnonzero(ok))))
    ids[dup_later], email[dup_later] = ids[dup_first], email[dup_first]
    free = rng.permutation(np.setdiff1d(np.arange(n), np.r_[dup_first, dup_later]))
    oor_rows, speeders = np.sort(free[:5]), np.sort(free[5:13])
    u = rng.random((n, k))
    kind = np.select([u < 0.05, u < 0.065, u < 0.08, u < 0.09], [1, 2, 3, 4], 0)
    oor_cols = rng.integers(0, k, 5)
    oor_vals = rng.choice([0, 8, 9, 77], 5)
    kind[oor_rows, oor_cols] = 5
    table = np.array([[""] + [labels[(i, c)] for c in range(1, 8)] for i in items])
    lab = table[np.arange(k), np.clip(codes, 1, 7)]
    variant = rng.choice(5, (n, k), p=[0.6, 0.1, 0.1, 0.1, 0.1])
    lab = np.select(
        [variant == 1, variant == 2, variant == 3, variant == 4],
        [np.char.lower(lab), np.char.upper(lab), np.char.add("  ", lab), np.char.add(lab, " ")],
        lab,
    )
    cells = codes.astype(object)
    cells[kind == 1] = lab[kind == 1].astype(object)
    cells[kind == 2], cells[kind == 3], cells[kind == 4] = 99, "Don't know", None
    cells[oor_rows, oor_cols] = oor_vals.astype(object)
    region = np.array(["North", "South", "East", "West"])[rng.choice(4, n, p=[0.3, 0.3, 0.2, 0.2])]
    age_i = rng.choice(3, n, p=[0.3, 0.4, 0.3])
    w = np.array([1.3, 0.9, 0.85])[age_i] * rng.lognormal(0, 0.3, n)
    w = np.round(np.clip(w / w.mean(), 0.4, 2.5), 4)
    dur = rng.lognormal(np.log(480 if prefix[0] == "C" else 300), 0.45, n).round() + 30
    dur[speeders] = rng.integers(20, 60, len(speeders))
    cols = {
        "resp_id": ids,
        "brand": np.array(BRANDS)[brand],
        "region": region,
        "age_group": np.array(["18-34", "35-54", "55+"])[age_i],
        "weight": w,
        "email": email,
        "duration_sec": dur.astype(int),
    }
    if prefix[0] == "N":
        del cols["email"]
    cols.update(zip(items, cells.T, strict=True))
    if "recommend" in data:
        cols["recommend"] = data["recommend"]
    body = np.column_stack([np.asarray(c, dtype=object) for c in cols.values()]).tolist()
    info = {
        "rows": n,
        "duplicates": [
            {"resp_id": str(ids[i]), "rows": [int(i) + 2, j + 2]}  # Excel rows (header = 1)
            for i, j in zip(dup_first, dup_later, strict=True)
        ],
        "out_of_range": [
            {"resp_id": str(ids[r]), "row": int(r) + 2, "column": items[c], "value": int(v)}
            for r, c, v in zip(oor_rows, oor_cols, oor_vals, strict=True)
        ],
        "speeders": [str(ids[r]) for r in speeders],
        "item_cells": n * k,
        "text_label_cells": int((kind == 1).sum()),
        "text_label_cells_odd_format": int(((kind == 1) & (variant > 0)).sum()),
        "dont_know_cells": {"code_99": int((kind == 2).sum()), "text": int((kind == 3).sum())},
        "empty_cells": int((kind == 4).sum()),
    }
    return [list(cols), *body], info


def write_xlsx(path: Path, rows: list[list]) -> None:
    """Write one 'Responses' sheet with byte-for-byte reproducible output."""
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = FIXED_DT
    wb.properties.creator = "txscore sample generator"
    ws = wb.create_sheet("Responses")
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))


def expected_score100(m: float) -> float:
    return float(100 * ndtr(m - THRESH).sum() / 6)


def population_scores(pop: str, mu: Array) -> dict[str, float]:
    """Expected score100 of each construct (mean of its items) and BX (mean of pillars)."""
    out = {}
    for d, m in source_means(pop, mu).items():
        vals = [expected_score100(c + lam * m) for x, lam, c in ITEMS.values() if x == d]
        out[d] = float(np.mean(vals))
    out["bx"] = float(np.mean([out[p] for p in PILLARS]))
    return {k: round(v, 3) for k, v in out.items()}


def truth_scores(wave: int) -> dict[str, dict]:
    """Noise-free expected scores per brand (CX with equal weights) and growth quadrant."""
    out: dict[str, dict] = {}
    for b in BRANDS:
        cust = population_scores("customer", latent_mean("customer", wave, b))
        nonc = population_scores("non_customer", latent_mean("non_customer", wave, b))
        cx = float(np.mean([cust[q] for q in QUALITY]))
        c_score, n_score = 0.5 * cx + 0.5 * cust["bx"], nonc["bx"]
        out[b] = {
            "customers": cust,
            "non_customers": nonc,
            "cx": round(cx, 3),
            "bx_customers": cust["bx"],
            "bx_non_customers": nonc["bx"],
            "C": round(c_score, 3),
            "N": n_score,
            "tx": round(0.5 * (n_score + c_score), 3),
        }
    mean_c, mean_n = (np.mean([s[k] for s in out.values()]) for k in ("C", "N"))
    for s in out.values():
        hi_c, hi_n = s["C"] > mean_c, s["N"] > mean_n
        s["quadrant"] = ("Lagging", "Churning", "Plateauing", "Leading")[2 * hi_c + hi_n]
    return out


def main(out_dir: Path = HERE) -> dict:
    spec = tomllib.loads((HERE / "study.toml").read_text(encoding="utf-8"))
    scales = {i: spec["scales"][m["scale"]]["labels"] for i, m in spec["items"].items()}
    # a label may be given per language ({ en = "...", fr = "..." }): the files use English
    labels = {(i, int(c)): text if isinstance(text, str) else text["en"]
              for i, lab in scales.items() for c, text in lab.items()}
    rng = np.random.default_rng(SEED)
    files, waves = {}, {}
    for w, wave in enumerate(WAVES):
        for pop, stem in (("customer", "customers"), ("non_customer", "non_customers")):
            sizes = rng.integers(380, 621, len(BRANDS))
            data = simulate(rng, pop, w, sizes)
            rows, info = add_mess(rng, data, f"{stem[0].upper()}{w + 1}", labels)
            info["brand_sizes"] = dict(zip(BRANDS, sizes.tolist(), strict=True))
            write_xlsx(out_dir / f"{stem}_w{w + 1}.xlsx", rows)
            files[f"{stem}_w{w + 1}.xlsx"] = info
        scores = truth_scores(w)
        waves[wave] = {
            "scores": scores,
            "tx_rank_order": sorted(BRANDS, key=lambda b: -scores[b]["tx"]),
        }
    w1, w2 = (waves[w]["scores"] for w in WAVES)
    truth = {
        "seed": SEED,
        "brands": list(BRANDS),
        "files": files,
        "waves": waves,
        "improving_brand": IMPROVES,
        "declining_brand": DECLINES,
        "cx_change_w2": {b: round(w2[b]["cx"] - w1[b]["cx"], 3) for b in BRANDS},
        "loyalty_driver_order": ["emotion", "effectiveness", "ease"],
        "loyalty_coefficients": dict(zip(QUALITY, B_CX.tolist(), strict=True)),
        "preference_driver_order": ["trust", "fit", "salience"],
        "preference_coefficients": dict(zip(PILLARS, B_BX.tolist(), strict=True)),
        "weak_item": WEAK_ITEM,
        "reversed_items": ["ease_2"],
        "notes": "Noise-free expected score100 (see generate.py). CX: equal weights (1/3). "
        "C = .5 CX + .5 BX_customers, N = BX_non_customers, TX = .5 N + .5 C. Quadrants vs the "
        "mean of the six brands. All mess is missing completely at random.",
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
    return truth


if __name__ == "__main__":
    t = main()
    for wave, d in t["waves"].items():
        print(wave, " > ".join(f"{b} {d['scores'][b]['tx']:.1f}" for b in d["tx_rank_order"]))
