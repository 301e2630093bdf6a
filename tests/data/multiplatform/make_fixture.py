"""Write the multi-platform fixture study: two files as two vendors deliver them.

* ``customers.xlsx``: a SurveyMonkey export (two header rows: the question, then the
  answer option or grid statement), no weight, Start/End Date instead of a duration,
  English text answers with synonyms ("Agree strongly") and "Don't know";
* ``non_customers.csv``: a French panel's export in cp1252 with ``;`` and decimal commas,
  CRLF line ends, ``id_resp``, weight ``poids``, duration ``duree_sec`` and a brand loop
  (``confiance_Alpha``, ``confiance_Bêta``, ...), French labels with their spelling
  variants and "Ne sait pas" / "NSP" as don't-know.

Both carry rows a data processor must exclude (README.md lists them). The files are a
pure function of ``SEED``: run ``python tests/data/multiplatform/make_fixture.py`` to
write them again, byte for byte (``--out DIR`` writes them elsewhere).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl

SEED = 20261215
HERE = Path(__file__).resolve().parent
BRANDS = ["Alpha", "Bêta", "Gamma", "Delta"]
QUALITY = {"Alpha": 0.7, "Bêta": 0.25, "Gamma": -0.05, "Delta": -0.45}
AWARE = {"Alpha": 0.92, "Bêta": 0.78, "Gamma": 0.7, "Delta": 0.62}  # non-customers
SHARE = [0.3, 0.27, 0.23, 0.2]  # customers' brand used most

AGREE_EN = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
            4: "Agree", 5: "Strongly agree"}
AGREE_EN_VARIANT = {1: "Disagree strongly", 5: "Agree strongly"}  # second collector
LIKELY_EN = {1: "Very unlikely", 2: "Unlikely", 3: "Neither likely nor unlikely",
             4: "Likely", 5: "Very likely"}
AGREE_FR = {1: "Pas du tout d'accord", 2: "Plutôt pas d'accord",
            3: "Ni d'accord ni pas d'accord", 4: "Plutôt d'accord", 5: "Tout à fait d'accord"}
AGREE_FR_VARIANTS = {5: ["Tout à fait d\u2019accord", "Tout a fait d accord"],
                     4: ["Plutot d'accord"]}
LIKELY_FR = {1: "Très improbable", 2: "Plutôt improbable", 3: "Ni probable ni improbable",
             4: "Plutôt probable", 5: "Très probable"}

Q_BRAND = "Which of these brands do you use most often?"
Q_CX = "How much do you agree with each of the following statements about the brand you use most?"
Q_BX = "And how much do you agree with these statements about that brand?"
Q_LOY = "How likely are you to do each of the following?"
Q_NPS = ("How likely is it that you would recommend the brand you use most to a friend or "
         "colleague?")
Q_COMMENT = "Any other comments?"

#: item key -> (grid question, statement) in the SurveyMonkey export
CUSTOMER_ITEMS = {
    "eff_1": (Q_CX, "It meets my needs"),
    "eff_2": (Q_CX, "It delivers what it promises"),
    "ease_1": (Q_CX, "It is easy to deal with"),
    "ease_2": (Q_CX, "Getting things done with it takes little effort"),
    "emo_1": (Q_CX, "It makes me feel valued"),
    "emo_2": (Q_CX, "I enjoy dealing with it"),
    "sal_1": (Q_BX, "It comes to mind first in its category"),
    "sal_2": (Q_BX, "I have a favourable view of it"),
    "fit_1": (Q_BX, "It is for people like me"),
    "fit_2": (Q_BX, "It meets the needs of people like me"),
    "trust_1": (Q_BX, "I trust it"),
    "trust_2": (Q_BX, "It is honest"),
    "ret_1": (Q_LOY, "Stay with this brand"),
    "enr_1": (Q_LOY, "Buy more from this brand"),
    "adv_1": (Q_LOY, "Recommend this brand to others"),
    "pref_1": (Q_LOY, "Consider this brand next time"),
    "pref_2": (Q_LOY, "Prefer this brand over the others"),
}
#: item key -> the item part of the non-customers' loop columns
NON_CUSTOMER_ITEMS = {"sal_1": "esprit", "sal_2": "image", "fit_1": "pourmoi",
                      "fit_2": "besoins", "trust_1": "confiance", "trust_2": "honnete",
                      "pref_1": "envisager", "pref_2": "preferer"}
LIKELY_ITEMS = {"ret_1", "enr_1", "adv_1", "pref_1", "pref_2"}
BX_ITEMS = ["sal_1", "sal_2", "fit_1", "fit_2", "trust_1", "trust_2"]
CUSTOMER_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                 "Email Address"]
FIXED_TIME = dt.datetime(2026, 12, 1, 9, 0, 0)


def _codes(rng: np.random.Generator, latent: np.ndarray) -> np.ndarray:
    """Five-point answers from a latent score."""
    return np.digitize(latent, [-1.5, -0.55, 0.3, 1.15]) + 1


def _customer_rows(rng: np.random.Generator, n: int) -> list[list[object]]:
    brands = rng.choice(BRANDS, size=n, p=SHARE)
    sat = np.array([QUALITY[b] for b in brands]) + rng.normal(0, 1, n)
    loyal = 0.75 * sat + rng.normal(0, 0.6, n)
    answers: dict[str, np.ndarray] = {}
    for item in CUSTOMER_ITEMS:
        base = loyal if item in LIKELY_ITEMS else sat
        answers[item] = _codes(rng, 0.9 * base + rng.normal(0, 0.65, n) + 0.25)
    nps = np.clip(np.rint(6.2 + 2.1 * loyal + rng.normal(0, 1.2, n)), 0, 10).astype(int)
    collector = rng.random(n) < 0.3  # the second collector words the ends differently
    start = FIXED_TIME - dt.timedelta(days=20)
    starts = np.sort(rng.uniform(0, 14 * 86400, n))
    durations = np.rint(np.exp(rng.normal(np.log(430), 0.35, n))).astype(int)
    rows = []
    for i in range(n):  # a generator, not txscore: plain loops are fine here
        t0 = start + dt.timedelta(seconds=float(np.rint(starts[i])))
        t1 = t0 + dt.timedelta(seconds=int(durations[i]))
        row: list[object] = [
            114235000000 + 1000 * i + int(rng.integers(0, 999)),
            412345690 if collector[i] else 412345678,
            t0.strftime("%m/%d/%Y %I:%M:%S %p"), t1.strftime("%m/%d/%Y %I:%M:%S %p"),
            f"203.0.113.{int(rng.integers(1, 255))}",
            f"resp{i}@example.com" if rng.random() < 0.2 else None,
            str(brands[i]),
        ]
        for item in CUSTOMER_ITEMS:
            code = int(answers[item][i])
            if rng.random() < 0.04:
                row.append("Don't know")
            elif item in LIKELY_ITEMS:
                row.append(LIKELY_EN[code])
            elif collector[i] and code in AGREE_EN_VARIANT:
                row.append(AGREE_EN_VARIANT[code])
            else:
                row.append(AGREE_EN[code])
        score = int(nps[i])
        row.append("0 - Not at all likely" if score == 0 else
                   "10 - Extremely likely" if score == 10 else score)
        row.append("Quick delivery, friendly staff." if rng.random() < 0.05 else None)
        rows.append(row)
    return rows


def _customer_header() -> tuple[list[object], list[object]]:
    first: list[object] = [*CUSTOMER_META, Q_BRAND]
    second: list[object] = [None] * len(CUSTOMER_META) + ["Response"]
    last_question = None
    for question, statement in CUSTOMER_ITEMS.values():
        first.append(question if question != last_question else None)
        second.append(statement)
        last_question = question
    first += [Q_NPS, Q_COMMENT]
    second += ["Response", "Open-Ended Response"]
    return first, second


def write_customers(rng: np.random.Generator, path: Path) -> None:
    """The SurveyMonkey workbook, with its rows to exclude (README.md)."""
    rows = _customer_rows(rng, 330)
    # a speeder: 38 seconds from start to end
    t0 = dt.datetime.strptime(str(rows[57][2]), "%m/%d/%Y %I:%M:%S %p")
    rows[57][3] = (t0 + dt.timedelta(seconds=38)).strftime("%m/%d/%Y %I:%M:%S %p")
    # a respondent who opened the survey and left: metadata only, no answer at all
    rows[140] = rows[140][:6] + [None] * (len(rows[140]) - 6)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    for r, row in enumerate([*_customer_header(), *rows], 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(r, c, value)
    wb.properties.creator = "SurveyMonkey"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The workbook with fixed zip times and document dates (the same bytes every run)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("dcterms:created", "dcterms:modified"):
                    head = text.index(f"<{tag}")
                    tail = text.index(f"</{tag}>", head)
                    open_end = text.index(">", head) + 1
                    text = text[:open_end] + "2026-12-01T09:00:00Z" + text[tail:]
                body = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 12, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def _fr_label(rng: np.random.Generator, item: str, code: int) -> str:
    if item in LIKELY_ITEMS:
        return LIKELY_FR[code]
    variants = AGREE_FR_VARIANTS.get(code, [])
    if variants and rng.random() < 0.2:
        return str(variants[int(rng.integers(0, len(variants)))])
    return AGREE_FR[code]


def _non_customer_rows(rng: np.random.Generator, n: int) -> tuple[list[str], list[list[str]]]:
    header = ["id_resp", "date_entretien", "region", "duree_sec", "poids"]
    header += [f"{part}_{b}" for part in NON_CUSTOMER_ITEMS.values() for b in BRANDS]
    regions = ["Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Hauts-de-France",
               "Provence-Alpes-Côte d'Azur", "Bretagne"]
    rows = []
    for i in range(n):
        aware = {b: rng.random() < AWARE[b] for b in BRANDS}
        if not any(aware.values()):
            aware["Alpha"] = True
        person = rng.normal(0, 0.8)
        cells: dict[str, str] = {}
        for b in BRANDS:
            view = QUALITY[b] - 0.45 + person + rng.normal(0, 0.6)
            for item, part in NON_CUSTOMER_ITEMS.items():
                if not aware[b]:
                    cells[f"{part}_{b}"] = ""
                    continue
                code = int(_codes(rng, np.array([0.9 * view + rng.normal(0, 0.65)]))[0])
                draw = rng.random()
                cells[f"{part}_{b}"] = ("Ne sait pas" if draw < 0.05 else "NSP"
                                        if draw < 0.06 else _fr_label(rng, item, code))
        weight = float(np.round(np.clip(np.exp(rng.normal(0, 0.4)), 0.3, 3.0), 2))
        day = 3 + int(rng.integers(0, 12))
        row = [f"FR{200100 + 7 * i:06d}", f"{day:02d}/11/2026",
               regions[int(rng.integers(0, len(regions)))],
               str(int(np.rint(np.exp(rng.normal(np.log(360), 0.3))))),
               f"{weight:.2f}".replace(".", ",")]
        rows.append(row + [cells[c] for c in header[5:]])
    return header, rows


def write_non_customers(rng: np.random.Generator, path: Path) -> None:
    """The French panel's csv, with its rows to exclude (README.md)."""
    header, rows = _non_customer_rows(rng, 186)
    width = len(header)
    # a speeder: 41 seconds
    rows[23][3] = "41"
    # a respondent who rated no brand at all (screened out, kept in the export)
    rows[64] = rows[64][:5] + [""] * (width - 5)
    # a brand rated with "Ne sait pas" on every item
    gamma = [k for k, c in enumerate(header) if c.endswith("_Gamma")]
    for k in gamma:
        rows[101][k] = "Ne sait pas"
    # the same respondent delivered twice (a panel re-send): same id, other answers
    duplicate = list(rows[37])
    for k in range(5, width):
        if duplicate[k] and duplicate[k] not in ("Ne sait pas", "NSP"):
            duplicate[k] = AGREE_FR[3] if not header[k].startswith(
                ("envisager", "preferer")) else LIKELY_FR[3]
    duplicate[3], duplicate[4] = "377", "0,85"
    rows.insert(150, duplicate)
    # a blank line (only separators), as a spreadsheet export leaves it
    rows.insert(90, [""] * width)
    lines = [";".join(header)] + [";".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(SEED)
    args.out.mkdir(parents=True, exist_ok=True)
    write_customers(rng, args.out / "customers.xlsx")
    write_non_customers(rng, args.out / "non_customers.csv")


if __name__ == "__main__":
    main()
