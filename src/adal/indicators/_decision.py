"""The decision period of a process, as R061 and R062 read it: from the bid submission deadline
(``tender.tenderPeriod.endDate``) to the award (the earliest ``awards[].date`` of an active award)."""

from __future__ import annotations

from typing import Any, ClassVar

from adal.indicators import _periods
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


def fold(ctx: Folding, p: Process, settings: Any) -> Any:
    if p.awards is None:
        return ("no", "no awards") if ctx.full else None
    pending = next(
        (a.status for a in p.awards if a.status not in (None, "active", "cancelled", "unsuccessful")), None
    )
    if pending is not None:
        return ("no", f"an award is not final (status {pending!r})") if ctx.full else None
    if p.period_end is None:
        return ("no", "no tender.tenderPeriod.endDate") if ctx.full else None
    if _periods.days_between(p.period_end, p.period_end) is None:
        return ("no", "tender.tenderPeriod.endDate is not an RFC 3339 timestamp") if ctx.full else None
    best = None
    for a in p.awards:
        if a.status != "active" or a.date is None:
            continue
        days = _periods.days_between(p.period_end, a.date)
        if days is not None and (best is None or days < best[0]):
            best = (days, a.date)
    if best is None:
        return ("no", "no active award with an RFC 3339 date") if ctx.full else None
    days, date = best
    evidence = {"deadline": p.period_end, "award_date": date}
    return ("ok", _periods.peer_key(p, settings), days, evidence)


class DecisionPeriod(Indicator):
    """R061 and R062: the decision period against the peers of the same method, one fence each."""

    upper: ClassVar[bool]  # True: flag long periods (upper fence); False: short ones (lower fence)
    phase = "award"
    legal_basis = both(
        "art. 13 (methods); Rules of public procurement (reviewing bids and summing up the results)",
        "art. 10; Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024",
        "Bids are reviewed by the commission, in the order and time limits the Rules set, before the result.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethodDetails",
        "tender.procurementMethod",
        "tender.tenderPeriod.endDate",
        "awards.status",
        "awards.date",
    )

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return fold(ctx, p, settings)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        return _periods.finalize(self.code, pieces, settings, upper=self.upper, full=ctx.full)
