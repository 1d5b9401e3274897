"""KZ-DEBARRED-BIDDER Bid or award from a debarred supplier: a company on the register of unscrupulous
participants in public procurement bid or was awarded while its entry was in force."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Result
from adal.indicators.common import day, flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import BID_NOT_SUBMITTED, Process
from adal.indicators.registers import bin_of


@dataclass(frozen=True, slots=True)
class Take:
    """One organisation's part in a process: it bid, or was awarded, on a date."""

    raw: str
    subject: str
    bin: str | None
    role: str  # bid | award
    date: str | None


class KzDebarredBidder(Indicator):
    code = "KZ-DEBARRED-BIDDER"
    title = "Bid or award from a debarred supplier"
    description = (
        "A company on the register of unscrupulous suppliers bid or was awarded while its entry was in force."
    )
    phase = "award"
    scheme = "collusion with the buyer: a supplier barred for failing before is let back in"
    legal_basis = both(
        "art. 6 (restrictions on participation); art. 12 (register of unscrupulous participants)",
        "art. 7 (restrictions on participation); register of unscrupulous participants",
        "A supplier on the register of unscrupulous participants may not take part in public procurement while its entry is in force.",
    )
    levels = (Level.process, Level.tenderer)
    fields = (
        "bids.details.status",
        "bids.details.date",
        "bids.details.tenderers.id",
        "awards.status",
        "awards.date",
        "awards.suppliers.id",
        "parties.identifier",
    )

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        takes: list[Take] = []
        for b in p.bids or ():
            if b.status is None or b.status in BID_NOT_SUBMITTED:
                continue
            for t in b.tenderers or ():
                takes.append(Take(t, ctx.org(p, t), bin_of(p.scheme_id(t)), "bid", b.date))
        for a in p.awards or ():
            if a.status != "active":
                continue
            for s in a.suppliers or ():
                takes.append(Take(s, ctx.org(p, s), bin_of(p.scheme_id(s)), "award", a.date))
        if not takes:
            return "no submitted bid and no active award names an organisation" if ctx.full else None
        return takes

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        registers = ctx.registers
        for ocid, piece in pieces:
            if isinstance(piece, str):
                out.results.append(not_computable(Level.process, ocid, piece))
                continue
            if registers is None or not registers.has("debarments"):
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, "no debarments register given"))
                continue
            found: list[dict[str, Any]] = []
            missing: str | None = None
            for take in piece:
                who = f"{'bid by' if take.role == 'bid' else 'award to'} {take.raw!r}"
                if take.bin is None:
                    missing = missing or f"{who}: no KZ-BIN identifier"
                    continue
                when = day(take.date)
                if when is None:
                    missing = missing or f"{who}: no date"
                    continue
                entry = registers.debarred(take.bin, when)
                if entry is None:
                    continue
                hit = {
                    "tenderer": take.subject,
                    "bin": take.bin,
                    "role": take.role,
                    "date": when.isoformat(),
                    "debarred_from": entry.span.start.isoformat() if entry.span.start else None,
                    "debarred_until": entry.span.end.isoformat() if entry.span.end else None,
                    "reason": entry.reason,
                    "register_ocid": entry.ocid,
                }
                found.append(hit)
                out.results.append(
                    flagged(
                        Level.tenderer,
                        take.subject,
                        1.0,
                        ocid=ocid,
                        **{k: v for k, v in hit.items() if k != "tenderer"},
                    )
                )
            result: Result | None = None
            if found:
                result = flagged(Level.process, ocid, 1.0, debarred=found)
            elif ctx.full:
                if missing is not None:
                    result = not_computable(Level.process, ocid, missing)
                else:
                    result = not_flagged(Level.process, ocid, None, checked=len(piece))
            if result is not None:
                out.results.append(result)
        return out
