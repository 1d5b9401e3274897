"""R015 Long time between bid opening and bid evaluation: the award decision comes much later after the bids were
opened than in the buyer's peers' procedures of the same method."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns, whole_days
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, text
from adal.indicators.stats import quantile, upper_fence


@dataclass(frozen=True)
class R015Settings(Settings):
    threshold: int | None = None  # flag at least this many days; default: the upper Tukey fence of the peers
    minimum_processes: int = 20  # peer groups (one per method) with fewer processes are not compared
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # looked at; empty: all


class R015(Indicator):
    code = "R015"
    title = "Long time between bid opening and bid evaluation"
    description = (
        "The bids are evaluated and the award decided much later after the bids were opened than in other "
        "procedures of the same method."
    )
    phase = "award"
    scheme = "manipulating the evaluation: time to arrange bids or the outcome after the bids are known"
    legal_basis = both(
        "art. 25-27 (consideration of tender applications and the results)",
        "art. 10; Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024",
        "The commission reviews the applications and sums up the results within set periods.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "tender.tenderPeriod.endDate",
        "tender.bidOpening.date",
        "awards.date",
    )
    settings = R015Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ("x", "no tender") if full else None
        methods = settings.procurement_methods
        if methods and (p.method is None or p.method not in methods):
            return ("x", f"procurement method {p.method!r} is not among {sorted(methods)}") if full else None
        opening = text(p.release, "tender", "bidOpening", "date") or p.period_end
        start = rfc3339_ns(opening) if opening is not None else None
        if start is None:
            return ("x", "bid opening date missing or not RFC 3339") if full else None
        dates = [n for a in p.awards or () if a.date is not None and (n := rfc3339_ns(a.date)) is not None]
        if not dates:
            return ("x", "no award date") if full else None
        days = whole_days(start, min(dates))
        if days < 0:
            return ("x", "the first award is dated before the bid opening") if full else None
        return ("v", p.details if p.details is not None else p.method, days)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        groups: dict[str | None, list[float]] = defaultdict(list)
        for _, piece in pieces:
            if piece[0] == "v":
                groups[piece[1]].append(float(piece[2]))
        fences: dict[str | None, float | None] = {}
        minimum = settings.minimum_processes
        for peers, days in groups.items():
            if settings.threshold is not None:
                fences[peers] = float(settings.threshold)
            elif len(days) >= minimum:
                q1, q3 = quantile(days, 0.25), quantile(days, 0.75)
                fences[peers] = upper_fence(q1, q3) if q3 > q1 else None  # a zero spread flags nothing
            else:
                fences[peers] = None
        for ocid, piece in pieces:
            if piece[0] == "x":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            _, peers, days = piece
            fence = fences[peers]
            if fence is None:
                if ctx.full:
                    n = len(groups[peers])
                    reason = (
                        f"{n} process(es) of method {peers!r}, fewer than {minimum}"
                        if n < minimum
                        else f"the days of method {peers!r} have no spread"
                    )
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            evidence = {"days": days, "threshold": fence, "peers": peers}
            if days >= fence:
                out.results.append(flagged(Level.process, ocid, float(days), **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, float(days), **evidence))
        return out
