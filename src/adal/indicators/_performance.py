"""What the implementation-phase indicators (R064, R068, R069) read from a contract: its delivery milestones,
its value and the payments made on it, with JSON types checked as everywhere else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from adal.indicators.common import rfc3339_ns
from adal.indicators.facts import get, number, objects, text

# OCDS milestoneStatus codes that say a milestone will not be met in full.
FAILED = frozenset({"notMet", "partiallyMet"})


def local_day(value: Any) -> dt.date | None:
    """The calendar date an RFC 3339 timestamp gives, as written (its own offset), else None."""
    if type(value) is not str or rfc3339_ns(value) is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One milestone read: ``state`` is on_time, late, failed, open (not yet reported) or undated."""

    contract: str
    milestone: str
    state: str
    status: str | None
    due: str | None
    met: str | None
    days_late: int | None

    def evidence(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "milestone": self.milestone,
            "status": self.status,
            "due": self.due,
            "met": self.met,
            "days_late": self.days_late,
        }


def _label(value: Any, index: int) -> str:
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    return f"#{index}"


def contracts(release: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The contracts of a compiled release, with their ids as text (``#n`` when a contract has none)."""
    return [(_label(c.get("id"), i), c) for i, c in enumerate(objects(release, "contracts"))]


def deliveries(cid: str, contract: dict[str, Any], types: frozenset[str], min_days: int) -> list[Delivery]:
    """The contract's implementation milestones of ``types`` (every type when empty), each judged late when
    met ``min_days`` or more calendar days after its due date."""
    out = []
    for i, m in enumerate(objects(contract, "implementation", "milestones")):
        kind = m.get("type")
        if types and (type(kind) is not str or kind not in types):
            continue
        status = text(m, "status")
        due_text, met_text = text(m, "dueDate"), text(m, "dateMet")
        due, met = local_day(due_text), local_day(met_text)
        days = None
        if status in FAILED:
            state = "failed"
        elif status == "met" or (status is None and met is not None):
            if due is None or met is None:
                state = "undated"
            else:
                days = (met - due).days
                state = "late" if days >= min_days else "on_time"
        else:
            state = "open"  # scheduled, no status, or a code outside the codelist
        out.append(Delivery(cid, _label(m.get("id"), i), state, status, due_text, met_text, days))
    return out


@dataclass(frozen=True, slots=True)
class Payments:
    """What a contract says it is worth and what was paid on it (``paid`` None: no transactions array)."""

    value: float | None
    currency: str | None
    paid: float | None
    currencies: frozenset[str]  # the currencies the payments are in
    count: int

    def problem(self) -> str | None:
        """Why the payments cannot be set against the value, or None."""
        if self.value is None or self.currency is None:
            return "contract has no value (amount and currency)"
        if self.value <= 0:
            return "contract value is not positive"
        if self.paid is None:
            return "no payments reported (contracts[].implementation.transactions)"
        other = sorted(self.currencies - {self.currency})
        if other:
            return f"payments in {', '.join(other)}, the contract in {self.currency}"
        return None

    @property
    def share(self) -> float:
        assert self.paid is not None and self.value
        return self.paid / self.value


def payments(contract: dict[str, Any]) -> Payments:
    """The contract's value and the sum of its transactions (``value``, or OCDS 1.0's ``amount``), to the cent."""
    raw = get(contract, "implementation", "transactions")
    total: float | None = None
    currencies: set[str] = set()
    count = 0
    if type(raw) is list:
        total = 0.0
        for t in objects(contract, "implementation", "transactions"):
            money = t.get("value") if type(t.get("value")) is dict else t.get("amount")
            amount, currency = number(money, "amount"), text(money, "currency")
            if amount is None:
                continue
            count += 1
            total += amount
            if currency is not None:
                currencies.add(currency)
        total = round(total, 2)
    return Payments(
        number(contract, "value", "amount"),
        text(contract, "value", "currency"),
        total,
        frozenset(currencies),
        count,
    )
