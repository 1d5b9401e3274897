"""The second-lowest-bid ratio that R024 and R058 share: how far the lowest losing bid is above the winner's.

Per process (Cardinal's ``SecondLowestBidRatio``): price comparisons only; every award final and exactly
one active award with one supplier; the valid bids with a value in the main currency and one tenderer;
the winner's lowest bid and the lowest bid of anyone else. When the lowest bid won, the ratio is
``(lowest other - winning) / winning``; when it did not, the process is left out (a price-only award is
assumed).
"""

from __future__ import annotations

from dataclasses import dataclass

from adal.indicators.engine import Context
from adal.indicators.facts import final_awards, why_not_final


@dataclass(frozen=True, slots=True)
class Ratio:
    ratio: float
    winner: str  # raw ids, as the releases name them
    other: str
    winning: float
    lowest_other: float


def ratios(ctx: Context) -> tuple[dict[str, Ratio], dict[str, str]]:
    """``(ratios by ocid, not-computable reasons by ocid)``, computed once per context."""
    cached = getattr(ctx, "_ratios", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: dict[str, Ratio] = {}
    reasons: dict[str, str] = {}
    for p in ctx.processes:
        if not ctx.price_comparison(p):
            reasons[p.ocid] = f"procurement method details {p.details!r} do not compare prices"
            continue
        active = final_awards(p)
        if active is None:
            reasons[p.ocid] = why_not_final(p)
            continue
        if len(active) != 1:
            reasons[p.ocid] = f"{len(active)} active awards, not one"
            continue
        award = active[0]
        if award.suppliers is None or award.n_suppliers != 1 or len(award.suppliers) != 1:
            reasons[p.ocid] = "the active award does not have exactly one supplier"
            continue
        supplier = award.suppliers[0]
        winning: float | None = None
        other: float | None = None
        other_id = ""
        for b in p.bids or ():
            if (
                b.status != "valid"
                or b.amount is None
                or b.currency is None
                or b.tenderers is None
                or b.n_tenderers != 1
                or len(b.tenderers) != 1
            ):
                continue
            if not ctx.currency_ok(b.currency):
                continue
            tenderer = b.tenderers[0]
            if tenderer == supplier:
                if winning is None or b.amount < winning:
                    winning = b.amount
            elif other is None or b.amount < other:
                other, other_id = b.amount, tenderer
        if winning is None or other is None:
            reasons[p.ocid] = "no valid winning bid and other valid bid with values in the main currency"
            continue
        if other < winning:
            reasons[p.ocid] = "the lowest bid did not win (not a price-only award)"
            continue
        try:
            ratio = (other - winning) / winning
        except ZeroDivisionError:
            ratio = float("nan") if other == 0 else float("inf")
        found[p.ocid] = Ratio(ratio, supplier, other_id, winning, other)
    result = (found, reasons)
    ctx._ratios = result  # type: ignore[attr-defined]
    return result
