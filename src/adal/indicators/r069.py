"""R069 Paid in full despite unmet milestones: a contract whose delivery milestone was missed or met late was
paid its whole value, with nothing withheld."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._performance import contracts, deliveries, payments
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R069Settings(Settings):
    days_late: int = 1  # calendar days after the due date from which a delivery counts as late (inclusive)
    paid_share: float = (
        1.0  # payments ÷ contract value from which the contract counts as paid in full (inclusive)
    )
    milestone_types: frozenset[str] = frozenset({"delivery"})  # milestone types read; empty: every type


class R069(PerProcess):
    code = "R069"
    title = "Paid in full despite unmet milestones"
    description = (
        "A contract whose delivery milestone was not met, or was met late, was still paid its whole value."
    )
    phase = "implementation"
    scheme = "collusion in performance: the buyer accepts late or missing delivery and pays without penalty"
    legal_basis = both(
        "art. 12 (register of unscrupulous participants); contract performance (article not verified)",
        "register of unscrupulous participants; contract performance (article not verified)",
        "A supplier that does not perform a procurement contract, or performs it late, owes the penalty the "
        "contract sets, and the buyer is to claim it; a supplier that fails to perform enters the register of "
        "unscrupulous participants.",
    )
    levels = (Level.process,)
    fields = (
        "contracts.id",
        "contracts.value.amount",
        "contracts.value.currency",
        "contracts.implementation.milestones.type",
        "contracts.implementation.milestones.status",
        "contracts.implementation.milestones.dueDate",
        "contracts.implementation.milestones.dateMet",
        "contracts.implementation.transactions.value.amount",
        "contracts.implementation.transactions.value.currency",
    )
    settings = R069Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found = contracts(p.release)
        if not found:
            return ([not_computable(Level.process, p.ocid, "no contracts")], None) if ctx.full else None
        hits: list[tuple[float, dict[str, Any]]] = []
        checked: list[tuple[float, dict[str, Any]]] = []
        reasons: list[str] = []
        for cid, contract in found:
            read = deliveries(cid, contract, settings.milestone_types, settings.days_late)
            bad = [d for d in read if d.state in ("late", "failed")]
            if not bad:
                if not read:
                    reasons.append("no delivery milestones in the contracts")
                elif any(d.state == "open" for d in read):
                    reasons.append("a delivery milestone is not reported met or not met")
                elif any(d.state == "undated" for d in read):
                    reasons.append("a met delivery milestone has no dueDate or dateMet")
                continue
            pay = payments(contract)
            problem = pay.problem()
            if problem is not None:
                reasons.append(problem)
                continue
            share = round(pay.share, 4)
            entry = {
                "contract": cid,
                "milestones": [d.evidence() for d in bad],
                "value": pay.value,
                "paid": pay.paid,
                "currency": pay.currency,
                "paid_share": share,
            }
            (hits if pay.share >= settings.paid_share else checked).append((share, entry))
        if hits:
            return [
                flagged(
                    Level.process,
                    p.ocid,
                    max(s for s, _ in hits),
                    paid_share_threshold=settings.paid_share,
                    contracts=[e for _, e in hits],
                )
            ], None
        if not ctx.full:
            return None
        if reasons:
            return [not_computable(Level.process, p.ocid, reasons[0])], None
        return [
            not_flagged(
                Level.process,
                p.ocid,
                max((s for s, _ in checked), default=None),
                paid_share_threshold=settings.paid_share,
                contracts=[e for _, e in checked],
            )
        ], None
