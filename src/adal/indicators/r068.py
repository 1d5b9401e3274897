"""R068 Payments exceed the contract value: more was paid on a contract than it is worth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._performance import contracts, payments
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R068Settings(Settings):
    threshold: float = 1.01  # payments ÷ contract value from which a contract is flagged (inclusive)


class R068(PerProcess):
    code = "R068"
    title = "Payments exceed the contract value"
    description = "The payments made on a contract add up to more than the contract's value."
    phase = "implementation"
    scheme = "overpayment: money paid beyond what was contracted, or a value lowered on paper"
    legal_basis = both(
        "art. 45 (changes to a procurement contract; number not verified)",
        "changes to a procurement contract (article not verified)",
        "A procurement contract is paid at the value agreed; its value may change only by an amendment "
        "in the cases the law allows.",
    )
    levels = (Level.process,)
    fields = (
        "contracts.id",
        "contracts.value.amount",
        "contracts.value.currency",
        "contracts.implementation.transactions.value.amount",
        "contracts.implementation.transactions.value.currency",
    )
    settings = R068Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found = contracts(p.release)
        if not found:
            return ([not_computable(Level.process, p.ocid, "no contracts")], None) if ctx.full else None
        checked: list[tuple[float, dict[str, Any]]] = []
        over: list[tuple[float, dict[str, Any]]] = []
        problems: list[str] = []
        for cid, contract in found:
            pay = payments(contract)
            problem = pay.problem()
            if problem is not None:
                problems.append(problem)
                continue
            entry = {
                "contract": cid,
                "value": pay.value,
                "paid": pay.paid,
                "currency": pay.currency,
                "ratio": round(pay.share, 4),
            }
            ratio = round(pay.share, 4)
            checked.append((ratio, entry))
            if pay.share >= settings.threshold:
                over.append((ratio, entry))
        if over:
            return [
                flagged(
                    Level.process,
                    p.ocid,
                    max(r for r, _ in over),
                    threshold=settings.threshold,
                    contracts=[e for _, e in over],
                )
            ], None
        if not ctx.full:
            return None
        if problems:
            return [not_computable(Level.process, p.ocid, problems[0])], None
        return [
            not_flagged(
                Level.process,
                p.ocid,
                max(r for r, _ in checked),
                threshold=settings.threshold,
                contracts=[e for _, e in checked],
            )
        ], None
