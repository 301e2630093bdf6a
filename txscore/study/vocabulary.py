"""The study's vocabulary: the words every layer shares (the all-brands total, the two
populations, the measures and their default labels, the NPS classes)."""

from __future__ import annotations

__all__ = ["INDEX_MEASURES", "MEASURE_LABELS", "NPS_DETRACTORS", "NPS_PROMOTERS",
           "POPULATIONS", "TOTAL"]

TOTAL = "All brands"

MEASURE_LABELS = {
    "tx": "TX score",
    "customer_score": "Customer score (C)",
    "non_customer_score": "Non-customer score (N)",
    "cx": "CX index",
    "cx_classic_net": "CX classic net (comparator)",
    "bx_customers": "BX customers",
    "bx_non_customers": "BX non-customers",
    "bx_gap": "BX gap (customers - non-customers)",
    "loyalty": "Loyalty composite",
    "nps": "Net Promoter Score (NPS)",
}

#: NPS classes on a 0-10 item (fixed by definition, whatever the scale's boxes).
NPS_PROMOTERS = (9, 10)
NPS_DETRACTORS = tuple(range(0, 7))
INDEX_MEASURES = ("tx", "customer_score", "non_customer_score", "cx", "bx_customers",
                  "bx_non_customers")


POPULATIONS = ("customer", "non_customer")
