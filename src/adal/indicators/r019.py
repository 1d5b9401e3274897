"""R019 Low number of bidders for item category: a procedure drew fewer bidders than the same item category
usually draws (at or below the lower Tukey fence of the category's bidder counts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, objects, submitted, text
from adal.indicators.stats import lower_fence, quantile

CLOSED = frozenset({"complete", "unsuccessful"})
FINAL = frozenset({"active", "cancelled", "unsuccessful"})


@dataclass(frozen=True)
class R019Settings(Settings):
    digits: int = 0  # classification prefix that makes a category; 0: the whole code
    minimum_peers: int = 10  # closed procedures a category needs (this one included) for its fence
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # empty: every method


def _closed(p: Process) -> bool:
    """Bidding is over: the tender is complete or unsuccessful, or there are awards and all are final."""
    if p.tender_status in CLOSED:
        return True
    return bool(p.awards) and all(a.status is None or a.status in FINAL for a in p.awards or ())


def bidders(p: Process) -> int | None:
    """Distinct tenderers of the submitted bids (a bid naming none counts as one), else
    ``tender.numberOfTenderers``; None when neither is published."""
    if p.bids is not None:
        named: set[str] = set()
        anonymous = 0
        for b in submitted(p.bids):
            if b.tenderers:
                named.add("\x1f".join(sorted(b.tenderers)))
            else:
                anonymous += 1
        return len(named) + anonymous
    return p.number_of_tenderers


class R019(Indicator):
    code = "R019"
    title = "Low number of bidders for item category"
    description = (
        "A competitive procedure drew unusually few bidders for what its item category usually draws."
    )
    phase = "tender"
    scheme = "competition restricted: tailored specifications, poor advertising or bidders kept away"
    legal_basis = both(
        "art. 4 (principles: competition among potential suppliers)",
        "art. 7 (principles: fair competition)",
        "Public procurement is to give potential suppliers equal opportunity to compete.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.status",
        "tender.items.classification.id",
        "tender.numberOfTenderers",
        "bids.details.status",
        "bids.details.tenderers",
        "awards.status",
    )
    settings = R019Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        methods = settings.procurement_methods
        if not p.has_tender:
            return "no tender" if full else None
        if methods and (p.method is None or p.method not in methods):
            return f"procurement method {p.method!r} is not among {sorted(methods)}" if full else None
        if not _closed(p):
            return (
                f"bidding is not over (tender status {p.tender_status!r}, no final awards)" if full else None
            )
        code = next(
            (
                c
                for item in objects(p.release, "tender", "items")
                if (c := text(item, "classification", "id"))
            ),
            None,
        )
        if code is None:
            return "no tender item has a classification id" if full else None
        count = bidders(p)
        if count is None:
            return "no bids and no tender.numberOfTenderers" if full else None
        digits = settings.digits
        return code[:digits] if digits > 0 else code, count

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        counts: dict[str, list[float]] = defaultdict(list)
        for _, piece in pieces:
            if not isinstance(piece, str):
                counts[piece[0]].append(float(piece[1]))
        minimum = settings.minimum_peers
        fences: dict[str, tuple[float, float, float]] = {}
        for key, values in counts.items():
            if len(values) >= minimum:
                q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
                fences[key] = (q1, q3, lower_fence(q1, q3))
        for ocid, piece in pieces:
            if isinstance(piece, str):
                out.results.append(not_computable(Level.process, ocid, piece))
                continue
            key, count = piece
            found = fences.get(key)
            if found is None:
                if ctx.full:
                    n = len(counts[key])
                    reason = f"category {key!r} has {n} closed procedure(s), fewer than {minimum}"
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            q1, q3, fence = found
            evidence = {
                "category": key,
                "peers": len(counts[key]),
                "q1": round(q1, 4),
                "q3": round(q3, 4),
                "lower_fence": round(fence, 4),
            }
            if q3 > q1 and count <= fence:
                out.results.append(flagged(Level.process, ocid, float(count), **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, float(count), **evidence))
        return out
