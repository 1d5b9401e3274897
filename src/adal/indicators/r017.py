"""R017 Unreasonably low or high line-item price: an awarded item's unit price lies outside the fences of
the same classification's awarded prices, or far from the reference price."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators._prices import Line, UnitPriceSettings, judge_lines, lines_of
from adal.indicators.base import Indicator, Level
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, objects, text
from adal.indicators.facts import text_id as _text_id


class R017(Indicator):
    code = "R017"
    title = "Unreasonably low or high line-item price"
    description = (
        "An awarded item's unit price is far above or below what other buyers pay for the same item, "
        "or than its reference price."
    )
    phase = "award"
    scheme = "overpricing paid to a favoured supplier, or an unbalanced bid with items priced to be dropped"
    legal_basis = both(
        "art. 4 (principles: optimal and efficient spending of money)",
        "art. 5 (principles: efficient spending of budget money)",
        "Budget money is to be spent optimally and efficiently: at market prices.",
    )
    levels = (Level.process,)
    fields = (
        "awards.status",
        "awards.id",
        "awards.date",
        "awards.value",
        "awards.items.classification.id",
        "awards.items.unit.value",
        "awards.items.quantity",
        "contracts.awardID",
        "contracts.dateSigned",
        "contracts.value",
        "contracts.items.classification.id",
        "contracts.items.unit.value",
        "contracts.items.quantity",
    )
    settings = UnitPriceSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        release = p.release
        awards = [a for a in objects(release, "awards") if a.get("status") == "active"]
        if not awards:
            return ([], "no active award") if ctx.full else None
        contracts = objects(release, "contracts")
        lines: list[Line] = []
        reason = None
        for award in awards:
            date = text(award, "date")
            found, why = lines_of(objects(award, "items"), award.get("value"), date)
            if not found:
                ident = _text_id(award.get("id"))
                for contract in contracts:
                    if ident is not None and _text_id(contract.get("awardID")) == ident:
                        more, why = lines_of(
                            objects(contract, "items"),
                            contract.get("value"),
                            text(contract, "dateSigned") or date,
                        )
                        found += more
            lines += found
            reason = reason or why
        if not lines and not ctx.full:
            return None
        return lines, (None if lines else f"awarded items and their contracts: {reason}")

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        out.results = judge_lines(ctx, pieces, settings, "awarded lines")
        return out
