"""CRI-NO-CALL No call for tenders: the purchase was made without a published call for tenders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _cri
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, objects

_NOT_YET = frozenset({"planning", "planned"})


@dataclass(frozen=True)
class CriNoCallSettings(Settings):
    no_call_methods: frozenset[str] = frozenset(
        {"direct", "limited"}
    )  # tender.procurementMethod without a call
    no_call_method_details: frozenset[str] = frozenset(
        {"Из одного источника", "Через электронный магазин"}
    )  # details without a call (trimmed, case-insensitive, a key also matches details it begins)
    missing_call_is_risk: bool = True  # no notice and no tender period: flagged (GTI); false: not computable


class CriNoCall(PerProcess):
    code = "CRI-NO-CALL"
    title = "No call for tenders published"
    description = (
        "The purchase was made without a published call for tenders: a non-open method, or no tender "
        "notice and no tender period in the data."
    )
    phase = "tender"
    scheme = "avoiding competition: the contract goes to a chosen supplier without an announcement"
    legal_basis = both(
        "art. 13 (methods); art. 39 (single source grounds)",
        "art. 10 (methods); art. 16 (single source grounds)",
        "Competitive methods start with a public announcement; a purchase without one needs a ground of law.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "tender.tenderPeriod",
        "tender.documents.documentType",
        "awards",
        "contracts",
    )
    settings = CriNoCallSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            if p.awards or objects(p.release, "contracts"):
                found = "awards" if p.awards else "contracts"
                return [flagged(Level.process, p.ocid, 1.0, call=None, why=f"no tender, yet {found}")], None
            return (
                ([not_computable(Level.process, p.ocid, "no tender and no award or contract")], None)
                if full
                else None
            )
        if p.tender_status in _NOT_YET:
            reason = f"the tender is not announced yet (status {p.tender_status!r})"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        if p.method is not None and p.method in settings.no_call_methods:
            why = f"procurement method {p.method!r} has no call for tenders"
            return [flagged(Level.process, p.ocid, 1.0, call=None, why=why)], None
        key = _cri.matches_any(p.details, settings.no_call_method_details)
        if key is not None:
            why = f"procurement method details {p.details!r} have no call for tenders"
            return [flagged(Level.process, p.ocid, 1.0, call=None, why=why)], None
        call = _call(p)
        if call is not None:
            return ([not_flagged(Level.process, p.ocid, 0.0, call=call)], None) if full else None
        why = "no tender notice and no tender period"
        if settings.missing_call_is_risk:
            return [flagged(Level.process, p.ocid, 1.0, call=None, why=why)], None
        return ([not_computable(Level.process, p.ocid, why)], None) if full else None


def _call(p: Process) -> str | None:
    """What shows a call for tenders was published: a tender notice, else a date of the tender period."""
    for document in objects(p.release, "tender", "documents"):
        if document.get("documentType") == "tenderNotice":
            return "tender notice"
    for name, value in (("startDate", p.period_start), ("endDate", p.period_end)):
        if value is not None and rfc3339_ns(value) is not None:
            return f"tenderPeriod.{name}"
    return None
