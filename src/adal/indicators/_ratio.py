"""The second-lowest-bid ratio that R024 and R058 share: how far the lowest losing bid is above the winner's.

Per process (Cardinal's ``SecondLowestBidRatio``): price comparisons only; every award final and exactly
one active award with one supplier; the valid bids with a value in the main currency and one tenderer;
the winner's lowest bid and the lowest bid of anyone else (the first of equal bids, in bid order). When the
lowest bid won, the ratio is ``(lowest other - winning) / winning``; when it did not, the process is left
out (a price-only award is assumed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators.engine import Context, Folding
from adal.indicators.facts import Process, final_awards, why_not_final


@dataclass(frozen=True, slots=True)
class Ratio:
    ratio: float
    winner: str  # raw id, as the release names it
    other: str
    winner_subject: str  # the subject id (scheme-identifier in adal's format)
    other_subject: str
    winning: float
    lowest_other: float


def fold(ctx: Folding, p: Process) -> Any:
    """``(supplier, supplier subject, [(tenderer, subject, amount, currency), ...])``, or a reason (str)."""
    if p.ratio is None:
        p.ratio = _fold(ctx, p)
    return p.ratio


def _fold(ctx: Folding, p: Process) -> Any:
    if not ctx.price_comparison(p):
        return f"procurement method details {p.details!r} do not compare prices"
    active = final_awards(p)
    if active is None:
        return why_not_final(p)
    if len(active) != 1:
        return f"{len(active)} active awards, not one"
    award = active[0]
    if award.suppliers is None or award.n_suppliers != 1 or len(award.suppliers) != 1:
        return "the active award does not have exactly one supplier"
    supplier = award.suppliers[0]
    bids = [
        (b.tenderers[0], ctx.org(p, b.tenderers[0]), b.amount, b.currency)
        for b in p.bids or ()
        if b.status == "valid"
        and b.amount is not None
        and b.currency is not None
        and b.tenderers is not None
        and b.n_tenderers == 1
        and len(b.tenderers) == 1
    ]
    return supplier, ctx.org(p, supplier), bids


def ratio(ctx: Context, piece: Any) -> Ratio | str:
    """The ratio of one process's piece in the main currency, or why there is none."""
    if isinstance(piece, str):
        return piece
    supplier, supplier_subject, bids = piece
    winning: float | None = None
    other: float | None = None
    other_id = other_subject = ""
    for tenderer, subject, amount, currency in bids:
        if not ctx.currency_ok(currency):
            continue
        if tenderer == supplier:
            if winning is None or amount < winning:
                winning = amount
        elif other is None or amount < other:
            other, other_id, other_subject = amount, tenderer, subject
    if winning is None or other is None:
        return "no valid winning bid and other valid bid with values in the main currency"
    if other < winning:
        return "the lowest bid did not win (not a price-only award)"
    try:
        value = (other - winning) / winning
    except ZeroDivisionError:
        value = float("nan") if other == 0 else float("inf")
    return Ratio(value, supplier, other_id, supplier_subject, other_subject, winning, other)
