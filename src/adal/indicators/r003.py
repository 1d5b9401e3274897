"""R003 Short submission period: the tender period is shorter than the threshold for its method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.errors import UsageError
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns, whole_days
from adal.indicators.engine import Folding
from adal.indicators.facts import Process
from adal.indicators.settings import Configuration


@dataclass(frozen=True)
class R003Settings(Settings):
    threshold: int = 15  # days; a period of fewer whole days is flagged
    procurement_methods: frozenset[str] = frozenset()  # tender.procurementMethod values looked at; empty: all
    procurement_method_details: tuple[tuple[str, int], ...] = ()  # per procurementMethodDetails thresholds


class R003(PerProcess):
    code = "R003"
    title = "Short submission period"
    description = "The time allowed to submit bids is shorter than the threshold for the procurement method."
    phase = "tender"
    scheme = "restricting competition: too little time for bidders other than a favoured one"
    legal_basis = both(
        "art. 20 (tender announcement terms)",
        "art. 10; Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024",
        "Minimum periods between the announcement and the deadline for bids, by method.",
    )
    version = "1"
    levels = (Level.process,)
    fields = ("tender.procurementMethod", "tender.procurementMethodDetails", "tender.tenderPeriod")
    settings = R003Settings
    subsections = ("procurement_method_details",)
    cardinal = True

    def parse_settings(self, config: Configuration) -> R003Settings:
        keys = config.sections.get(self.code, {})
        if "procurement_method_details" in keys:
            raise UsageError(
                f"{config.path}: [R003]: unknown setting 'procurement_method_details' (it is a section)"
            )
        base: R003Settings = R003Settings.parse(keys, f"{config.path}: [R003]")
        details = []
        for key, value in config.subsections.get(self.code, {}).get("procurement_method_details", {}).items():
            try:
                details.append((key, int(value.strip())))
            except ValueError:
                raise UsageError(
                    f"{config.path}: [R003.procurement_method_details] {key} is {value!r}, expected a whole number of days"
                ) from None
        return R003Settings(base.threshold, base.procurement_methods, tuple(details))

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ([not_computable(Level.process, p.ocid, "no tender")], None) if full else None
        methods = settings.procurement_methods
        if methods and (p.method is None or p.method not in methods):
            reason = f"procurement method {p.method!r} is not among {sorted(methods)}"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        start = rfc3339_ns(p.period_start) if p.period_start is not None else None
        end = rfc3339_ns(p.period_end) if p.period_end is not None else None
        if start is None or end is None:
            missing = "start" if start is None else "end"
            reason = f"tender period {missing} date missing or not RFC 3339"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        days = whole_days(start, end)
        by_details = dict(settings.procurement_method_details)
        threshold = (
            by_details.get(p.details, settings.threshold) if p.details is not None else settings.threshold
        )
        if days < threshold:
            return [flagged(Level.process, p.ocid, 1.0, days=days, threshold=threshold)], None
        return (
            ([not_flagged(Level.process, p.ocid, None, days=days, threshold=threshold)], None)
            if full
            else None
        )
