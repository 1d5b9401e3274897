"""What R053 and R057 keep from a process: who bid (submitted bids) and who won (active awards).

Both look at tenderers that meet again and again in the same processes; they differ in what they ask of
the winners (always the same one of a pair: R053; each member in turn: R057).
"""

from __future__ import annotations

from typing import Any

from adal.indicators.engine import Folding
from adal.indicators.facts import Process, submitted


def fold(ctx: Folding, p: Process) -> tuple[Any, ...] | None:
    """``("ok", bidders, winners, date)``: sorted distinct organisations and the earliest active award's date
    (else the tender period's start, else ""); or ``("no", reason)`` (full mode only).

    A process counts once every award is decided: an award with another status than active, cancelled or
    unsuccessful makes it wait. Bids are the submitted ones (pending, valid, disqualified); a bid of several
    tenderers counts each of them. Winners are the suppliers of the active awards."""
    if p.bids is None:
        return ("no", "no bids") if ctx.full else None
    if p.awards is None:
        return ("no", "no awards") if ctx.full else None
    pending = next(
        (a.status for a in p.awards if a.status not in (None, "active", "cancelled", "unsuccessful")), None
    )
    if pending is not None:
        return ("no", f"an award is not final (status {pending!r})") if ctx.full else None
    bidders = sorted({ctx.org(p, t) for b in submitted(p.bids) for t in b.tenderers or ()})
    if len(bidders) < 2:
        return ("no", f"{len(bidders)} tenderer(s) with a submitted bid, fewer than 2") if ctx.full else None
    winners = sorted({ctx.org(p, s) for a in p.awards if a.status == "active" for s in a.suppliers or ()})
    if not winners:
        return ("no", "no active award with a supplier") if ctx.full else None
    dates = sorted(a.date for a in p.awards if a.status == "active" and a.date is not None)
    return ("ok", tuple(bidders), tuple(winners), dates[0] if dates else p.period_start or "")
