"""Contracts and the awards they implement, as R054, R059 and R060 read them from the compiled release.

A compiled release keeps the last value each field was given: ``contracts[].value`` is the value after the
last amendment, ``awards[].value`` the value awarded. A contract names its award by ``awardID``; a
contract without one, in a process with exactly one award, implements that award.
"""

from __future__ import annotations

from dataclasses import dataclass

from adal.indicators.facts import Process, get, number, objects, text
from adal.indicators.facts import text_id as _ref


@dataclass(slots=True)
class Pair:
    """A contract and its award: the ids, the amounts (None: not a number) and currencies, the dates."""

    contract: str | None
    award: str | None
    award_amount: float | None
    award_currency: str | None
    award_date: str | None
    contract_amount: float | None
    contract_currency: str | None
    date_signed: str | None
    amendments: int  # entries of contracts[].amendments


def pairs(p: Process) -> tuple[list[Pair], str | None]:
    """The process's contracts (cancelled ones left out) with their awards, or ``([], reason)``."""
    contracts = [c for c in objects(p.release, "contracts") if text(c, "status") != "cancelled"]
    if not contracts:
        return [], "no contracts"
    awards = objects(p.release, "awards")
    by_id = {ref: a for a in awards if (ref := _ref(a.get("id"))) is not None}
    out = []
    for c in contracts:
        ref = _ref(c.get("awardID"))
        award = by_id.get(ref) if ref is not None else (awards[0] if len(awards) == 1 else None)
        if award is None:
            continue
        amendments = get(c, "amendments")
        out.append(
            Pair(
                _ref(c.get("id")),
                _ref(award.get("id")),
                number(award, "value", "amount"),
                text(award, "value", "currency"),
                text(award, "date"),
                number(c, "value", "amount"),
                text(c, "value", "currency"),
                text(c, "dateSigned"),
                len(amendments) if type(amendments) is list else 0,
            )
        )
    if not out:
        return [], "no contract names an award of the release (contracts[].awardID)"
    return out, None


def change(pair: Pair) -> tuple[float | None, str | None]:
    """The relative change from the awarded value to the contract's value, or ``(None, reason)``."""
    if pair.award_amount is None:
        return None, "the award has no value.amount"
    if pair.contract_amount is None:
        return None, "the contract has no value.amount"
    if pair.award_amount <= 0:
        return None, "the award's value is not above zero"
    if (
        pair.award_currency is not None
        and pair.contract_currency is not None
        and pair.award_currency != pair.contract_currency
    ):
        return None, f"the award is in {pair.award_currency} and the contract in {pair.contract_currency}"
    return (pair.contract_amount - pair.award_amount) / pair.award_amount, None
