"""CRI-PROCEDURE Procedure type: a non-open procurement method, scored by its risk."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from adal.errors import UsageError
from adal.indicators import _cri
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process
from adal.indicators.settings import Configuration

# Kazakh methods as goszakup and the synthetic world write them; a key also matches details it begins.
DETAILS = (
    ("Из одного источника", "1"),
    ("Запрос ценовых предложений", "0"),  # open: announced, anyone may offer; its window is CRI-ADVERT's
    ("Через электронный магазин", "0.5"),
)


@dataclass(frozen=True)
class CriProcedureSettings(Settings):
    method_scores: str = "open:0|selective:0.5|limited:1|direct:1"  # tender.procurementMethod -> score
    procurement_method_details: tuple[tuple[str, str], ...] = DETAILS  # details -> score, before the method


class CriProcedure(PerProcess):
    code = "CRI-PROCEDURE"
    title = "Procedure type risk"
    description = (
        "The procurement method is not open (selective, limited or direct, or a Kazakh method mapped to "
        "a risk), as the Corruption Risk Index scores procedure types."
    )
    phase = "tender"
    scheme = "avoiding competition: a method that keeps bidders out or picks the supplier directly"
    legal_basis = both(
        "art. 13 (methods); art. 39 (single source grounds)",
        "art. 10 (methods); art. 16 (single source grounds)",
        "An open tender is the rule; other methods are allowed only within their limits and grounds.",
    )
    levels = (Level.process,)
    fields = ("tender.procurementMethod", "tender.procurementMethodDetails")
    settings = CriProcedureSettings
    subsections = ("procurement_method_details",)

    def parse_settings(self, config: Configuration) -> CriProcedureSettings:
        where = f"{config.path}: [{self.code}]"
        table = _cri.details_table(config, self.code, DETAILS)
        base: CriProcedureSettings = CriProcedureSettings.parse(config.sections.get(self.code, {}), where)
        _cri.checked_scores(base.method_scores, f"{where} method_scores")
        for key, value in table:
            try:
                if float(value) < 0:
                    raise ValueError
            except ValueError:
                raise UsageError(
                    f"{config.path}: [{self.code}.procurement_method_details] {key} is {value!r}, expected a score of 0 or more"
                ) from None
        return dataclasses.replace(base, procurement_method_details=table)

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ([not_computable(Level.process, p.ocid, "no tender")], None) if full else None
        rule = _cri.match_details(p.details, settings.procurement_method_details)
        evidence: dict[str, Any] = {"procurement_method": p.method, "procurement_method_details": p.details}
        if rule is not None:
            score = float(rule[1])
            evidence["rule"] = f"procurementMethodDetails {rule[0]!r}"
        else:
            table = _cri.scores(settings.method_scores)
            if p.method is None:
                reason = "no procurement method (and no details in the settings)"
                return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
            if p.method not in table:
                reason = f"procurement method {p.method!r} is not in method_scores"
                return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
            score = table[p.method]
            evidence["rule"] = f"procurementMethod {p.method!r}"
        if score > 0:
            return [flagged(Level.process, p.ocid, score, **evidence)], None
        return ([not_flagged(Level.process, p.ocid, 0.0, **evidence)], None) if full else None
