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

from adal.indicators.base import Level
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, final_awards, why_not_final
from adal.indicators.stats import lower_fence, quantile, upper_fence


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
    """``(winner, winner subject, [(bidder, subject, amount, currency, won or None, date), ...])``, or a reason."""
    if p.ratio is None:
        p.ratio = _fold(ctx, p)
    return p.ratio


PRICE_ONLY = frozenset({"priceOnly", "lowestCost"})


def _fold(ctx: Folding, p: Process) -> Any:
    if not ctx.price_comparison(p):
        return f"procurement method details {p.details!r} do not compare prices"
    if not ctx.cardinal and p.award_criteria is not None and p.award_criteria not in PRICE_ONLY:
        return f"award criteria {p.award_criteria!r} are not price only"
    active = final_awards(p)
    if active is None:
        return why_not_final(p)
    if len(active) != 1 and (ctx.cardinal or not active):
        return f"{len(active)} active awards, not one"
    if ctx.cardinal:
        award = active[0]
        if award.suppliers is None or award.n_suppliers != 1 or len(award.suppliers) != 1:
            return "the active award does not have exactly one supplier"
        supplier = award.suppliers[0]
        single: list[tuple[str, str, float, str, bool | None, str | None]] = [
            (b.tenderers[0], ctx.org(p, b.tenderers[0]), b.amount, b.currency, None, b.date)
            for b in p.bids or ()
            if b.status == "valid"
            and b.amount is not None
            and b.currency is not None
            and b.tenderers is not None
            and b.n_tenderers == 1
            and len(b.tenderers) == 1
        ]
        return supplier, ctx.org(p, supplier), single
    if len(active) == 1:
        return _bidders(ctx, p, active[0], None)
    # adal's format: several awards, one per lot: the ratio of each lot, from the bids for that lot.
    lots = []
    for award in active:
        if not award.lots or len(award.lots) != 1:
            return f"{len(active)} active awards, and not each for one lot (relatedLots)"
        piece = _bidders(ctx, p, award, award.lots[0])
        if isinstance(piece, str):
            return piece
        lots.append((award.lots[0], *piece))
    return LOTS, lots


LOTS = "lots"


def _bidders(ctx: Folding, p: Process, award: Any, lot: str | None) -> Any:
    """adal's format: a consortium (several tenderers on one bid, several suppliers on the award) is one
    bidder; where the award names its bids (relatedBids), those are the winning bids; for a lot, the bids
    that name it (or name no lot)."""
    if not award.suppliers or len(award.suppliers) != award.n_suppliers:
        return "the active award has no supplier, or one without an id"
    winner = "+".join(sorted(award.suppliers))
    subject = "+".join(sorted(ctx.org(p, s) for s in award.suppliers))
    named = set(award.related_bids or ())
    bids: list[tuple[str, str, float, str, bool | None, str | None]] = []
    for b in p.bids or ():
        if b.status != "valid" or b.amount is None or b.currency is None or not b.tenderers:
            continue
        if len(b.tenderers) != b.n_tenderers:
            continue
        if lot is not None and b.lots and lot not in b.lots:
            continue
        key = "+".join(sorted(b.tenderers))
        won = (b.id in named) if named and b.id is not None else None
        bidder = "+".join(sorted(ctx.org(p, t) for t in b.tenderers))
        bids.append((key, bidder, b.amount, b.currency, won, b.date or award.date))
    return winner, subject, bids


def ratios(ctx: Context, piece: Any) -> list[tuple[str | None, Ratio | str]]:
    """``(lot or None, ratio or why not)`` for each lot of a process's piece (one entry without lots)."""
    if isinstance(piece, tuple) and piece and piece[0] == LOTS:
        return [(lot, ratio(ctx, rest)) for lot, *rest in piece[1]]
    return [(None, ratio(ctx, piece))]


def ratio(ctx: Context, piece: Any) -> Ratio | str:
    """The ratio of one process's piece in the main currency, or why there is none."""
    if isinstance(piece, str):
        return piece
    supplier, supplier_subject, bids = piece
    winning: float | None = None
    other: float | None = None
    other_id = other_subject = ""
    for tenderer, subject, bid_amount, currency, won, date in bids:
        amount = ctx.money(bid_amount, currency, date)
        if amount is None:
            continue
        if (tenderer == supplier) if won is None else won:
            if winning is None or amount < winning:
                winning = amount
        elif tenderer == supplier:
            continue  # the winner's other bids (adal: several bids per bidder) are not its competitors
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


def collect(
    ctx: Context, pieces: list[tuple[str, Any]]
) -> tuple[list[tuple[str, str | None, Ratio]], list[tuple[str, str | None, str]]]:
    """Every ratio of every process (one per lot where awards are per lot), and why the others have none:
    ``([(ocid, lot, ratio)], [(ocid, lot, reason)])``."""
    found: list[tuple[str, str | None, Ratio]] = []
    missing: list[tuple[str, str | None, str]] = []
    for ocid, piece in pieces:
        for lot, r in ratios(ctx, piece):
            if isinstance(r, str):
                missing.append((ocid, lot, r))
            else:
                found.append((ocid, lot, r))
    return found, missing


def lot_subject(ocid: str, lot: str) -> str:
    return f"{ocid}/lots/{lot}"


def finalize(
    ctx: Context, pieces: list[tuple[str, Any]], threshold: float | None, out: Outcome, *, low: bool
) -> Outcome:
    """R024 (``low``: the lowest other bid unusually close, at or under the lower fence) and R058 (the
    winner unusually far below, at or above the upper fence), from the same ratios."""
    found, missing = collect(ctx, pieces)
    if ctx.full:
        for ocid, lot, reason in missing:
            level, subject = (Level.process, ocid) if lot is None else (Level.lot, lot_subject(ocid, lot))
            out.results.append(not_computable(level, subject, reason))
    name = "lower_fence" if low else "upper_fence"
    if threshold is None:
        values = [r.ratio for _, _, r in found]
        q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
        out.meta |= {"q1": q1, "q3": q3}
        fence = lower_fence(q1, q3) if low else upper_fence(q1, q3)
    else:
        fence, q1 = threshold, 1.0  # Cardinal's dummy q1 with a set threshold
    out.meta[name] = fence
    # Zero-spread guards, as Cardinal's: a fence at or under zero flags nothing.
    active = q1 > 0.0 and fence > 0.0 if low else fence > 0.0
    key = "ocid_tenderer_r024" if low else "ocid_tenderer_r058"
    per_process: dict[str, list[tuple[str | None, Ratio, bool]]] = {}
    for ocid, lot, r in found:
        hit = active and (r.ratio <= fence if low else r.ratio >= fence)
        per_process.setdefault(ocid, []).append((lot, r, hit))
        evidence: dict[str, Any] = {"winning_bid": r.winning, "lowest_other_bid": r.lowest_other, name: fence}
        if lot is not None:
            subject = lot_subject(ocid, lot)
            if hit:
                out.results.append(flagged(Level.lot, subject, r.ratio, winner=r.winner_subject, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.lot, subject, r.ratio, **evidence))
        if hit:
            # Cardinal flags the winner (and, for R024, the second-lowest tenderer) with 0.0.
            involved = [(r.winner, r.winner_subject)] + ([(r.other, r.other_subject)] if low else [])
            for _, subject in involved:
                out.results.append(flagged(Level.tenderer, subject, 0.0, ocid=ocid))
            out.maps.setdefault(key, {})[ocid] = sorted(
                {*out.maps.get(key, {}).get(ocid, []), *(raw for raw, _ in involved)}
            )
    for ocid, entries in per_process.items():
        hits = [(lot, r) for lot, r, hit in entries if hit]
        if hits:
            lot, r = hits[0]
            evidence = {"winning_bid": r.winning, "lowest_other_bid": r.lowest_other, name: fence}
            if lot is not None:
                evidence["lots"] = sorted(str(x) for x, _ in hits)
            out.results.append(flagged(Level.process, ocid, r.ratio, winner=r.winner_subject, **evidence))
        elif ctx.full:
            why = {} if active else {"note": "the fence is not above zero: nothing is flagged"}
            value = entries[0][1].ratio if len(entries) == 1 else None
            out.results.append(not_flagged(Level.process, ocid, value, **{name: fence}, **why))
    return out
