"""R046 Bidder is debarred or on sanctions list: a contract was awarded to a supplier that the register of
unscrupulous participants excluded from public procurement on the day of the award."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators._supply import registration, unregistered_reason
from adal.indicators.base import Indicator, Level, Result
from adal.indicators.common import day, flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


class R046(Indicator):
    code = "R046"
    title = "Bidder is debarred or on sanctions list"
    description = (
        "A contract was awarded to a supplier that the register of unscrupulous participants excluded from "
        "public procurement on the day of the award."
    )
    phase = "award"
    scheme = "favouritism: an excluded company is awarded the contract all the same"
    legal_basis = both(
        "art. 6 (restrictions on participation); art. 12 (register of unscrupulous participants)",
        "restrictions on participation; register of unscrupulous participants (article numbers not checked)",
        "A supplier in the register of unscrupulous participants may not take part in public procurement "
        "while its entry is in force.",
    )
    levels = (Level.process, Level.tenderer)
    fields = ("awards.status", "awards.suppliers.id", "awards.date", "parties.identifier")

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        # (subject, scheme-identifier, digits, award date YYYY-MM-DD or None), one per supplier and award.
        found: list[tuple[str, str | None, str | None, str | None]] = []
        for award in p.awards or ():
            if award.status != "active":
                continue
            d = day(award.date)
            for supplier in dict.fromkeys(award.suppliers or ()):
                org, digits = registration(p, supplier)
                found.append((ctx.org(p, supplier), org, digits, d.isoformat() if d is not None else None))
        if not found and not ctx.full:
            return None
        return found

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        import datetime as dt

        out = Outcome(self.code)
        registers = ctx.registers
        missing = registers is None or not registers.has("debarments")
        for ocid, found in pieces:
            if not found:
                out.results.append(not_computable(Level.process, ocid, "no active award with a supplier"))
                continue
            if missing:
                if ctx.full:
                    why = "no debarments register given"
                    out.results.append(not_computable(Level.process, ocid, why))
                    out.results.extend(not_computable(Level.tenderer, f[0], why, ocid=ocid) for f in found)
                continue
            assert registers is not None
            results: list[Result] = []
            hits: dict[str, str] = {}
            reasons: list[str] = []
            checked = 0
            for subject, org, digits, awarded in found:
                reason = None
                if digits is None:
                    reason = unregistered_reason(org, "supplier")
                elif awarded is None:
                    reason = "no award date"
                if reason is not None:
                    reasons.append(reason)
                    if ctx.full:
                        results.append(not_computable(Level.tenderer, subject, reason, ocid=ocid))
                    continue
                assert digits is not None and awarded is not None
                checked += 1
                entry = registers.debarred(digits, dt.date.fromisoformat(awarded))
                if entry is None:
                    if ctx.full:
                        results.append(
                            not_flagged(Level.tenderer, subject, None, ocid=ocid, bin=digits, awarded=awarded)
                        )
                    continue
                debarred = {
                    "from": entry.span.start.isoformat() if entry.span.start else None,
                    "until": entry.span.end.isoformat() if entry.span.end else None,
                    "reason": entry.reason,
                    "ocid": entry.ocid,
                }
                hits[subject] = awarded
                results.append(
                    flagged(
                        Level.tenderer,
                        subject,
                        1.0,
                        ocid=ocid,
                        bin=digits,
                        awarded=awarded,
                        debarment=debarred,
                    )
                )
            if hits:
                results.insert(0, flagged(Level.process, ocid, 1.0, debarred_suppliers=hits))
            elif ctx.full:
                if checked:
                    results.insert(0, not_flagged(Level.process, ocid, None, checked=checked))
                else:
                    results.insert(0, not_computable(Level.process, ocid, reasons[0]))
            out.results.extend(results)
        return out
