"""R010 Unjustified use of non-competitive procedure: a direct award with no stated ground, or with a ground the
law does not know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, objects, text

# Rationales that name no ground of the law: "other", and an urgency that is not an emergency.
UNJUSTIFIED = frozenset(
    {"Иное", "Другое", "Прочее", "Басқа", "Other", "Неотложная потребность", "Срочная потребность"}
)


@dataclass(frozen=True)
class R010Settings(Settings):
    procurement_methods: frozenset[str] = frozenset({"direct"})  # non-competitive tender.procurementMethod
    unjustified_rationales: frozenset[str] = UNJUSTIFIED  # rationales that are no ground (trimmed, any case)


class R010(PerProcess):
    code = "R010"
    title = "Unjustified use of non-competitive procedure"
    description = (
        "A non-competitive procedure is used without a stated ground, or with a ground that is not one the "
        "law allows."
    )
    phase = "tender"
    scheme = "avoiding competition: a direct award to a chosen supplier without a lawful ground"
    legal_basis = both(
        "art. 39 p. 3 (single-source grounds by direct contract)",
        "art. 16 pp. 2-3 (single-source grounds)",
        "A single-source purchase is allowed only on the grounds the law lists, which the buyer must state.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.procurementMethodRationale",
        "tender.procurementMethodRationaleClassifications",
    )
    settings = R010Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ([not_computable(Level.process, p.ocid, "no tender")], None) if full else None
        methods = settings.procurement_methods
        if p.method is None:
            reason = "tender.procurementMethod missing or not a string"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        if methods and p.method not in methods:
            reason = f"procurement method {p.method!r} is not among the non-competitive {sorted(methods)}"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        rationale = text(p.release, "tender", "procurementMethodRationale")
        stated = rationale.strip() if rationale is not None else ""
        codes = [
            c
            for item in objects(p.release, "tender", "procurementMethodRationaleClassifications")
            if type(c := item.get("id")) in (str, int) and str(c).strip()
        ]
        if not stated and not codes:
            return [flagged(Level.process, p.ocid, 1.0, method=p.method, rationale=None)], None
        unjustified = {r.strip().casefold() for r in settings.unjustified_rationales}
        if stated and stated.casefold() in unjustified and not codes:
            return [flagged(Level.process, p.ocid, 1.0, method=p.method, rationale=stated)], None
        if not full:
            return None
        evidence: dict[str, Any] = {"method": p.method, "rationale": stated or None}
        if codes:
            evidence["rationale_classifications"] = [str(c) for c in codes]  # a ground given as a code
        return [not_flagged(Level.process, p.ocid, None, **evidence)], None
