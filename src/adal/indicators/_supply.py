"""What the supplier- and market-level indicators of OCP's guide share (R034, R040, R045, R046, R050, R051,
R052): dates of awards and bids, the date window setting, the markets of an award, and the economic operators
of a process as the registers name them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from adal.errors import UsageError
from adal.indicators.engine import Context
from adal.indicators.facts import Award, Process, objects, text
from adal.indicators.registers import bin_of


def check_window(settings: Any, where: str) -> None:
    for name in ("start_date", "end_date"):
        value = getattr(settings, name)
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise UsageError(f"{where} {name} is {value!r}, expected YYYY-MM-DD") from None


def markets(p: Process, award: Award, length: int) -> tuple[str, ...]:
    """The distinct item classifications of an award (``awards[].items``), else of the tender's items, cut to
    ``length`` characters when ``length`` > 0; sorted."""
    codes = award.classifications
    if not codes:
        codes = [
            c
            for item in objects(p.release, "tender", "items")
            if (c := text(item, "classification", "id")) is not None
        ]
    if length > 0:
        codes = [c[:length] for c in codes]
    return tuple(sorted({c for c in codes if c}))


def registration(p: Process, party: str) -> tuple[str | None, str | None]:
    """The scheme-identifier of a party and its 12 digits when it is a ``KZ-BIN`` (or a sole trader's
    ``KZ-IIN``), else None."""
    org = p.scheme_id(party)
    return org, bin_of(org)


def unregistered_reason(org: str | None, role: str) -> str:
    """Why an operator without a BIN cannot be looked up in the companies or debarment registers."""
    if org is not None and org.startswith("KZ-IIN"):
        return f"{role} is a sole trader (KZ-IIN), outside the companies register"
    return f"{role} has no KZ-BIN identifier"


def converter(ctx: Context, currencies: Iterable[str]) -> Callable[[float, str, str | None], float | None]:
    """Amounts in the main currency: the ``currency`` setting (other currencies through the rate table, where
    given), else the first currency met in input order (other currencies left out)."""
    main = ctx.currency or next(iter(currencies), None)

    def convert(amount: float, currency: str, date: str | None) -> float | None:
        if currency == main:
            return amount
        if ctx.currency is None:
            return None
        return ctx.money(amount, currency, date)

    return convert
