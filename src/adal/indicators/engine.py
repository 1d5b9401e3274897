"""Run indicators over processes: global rules first, then each indicator, in one order for both modes.

Global rules (Cardinal's, documented in docs/indicators/cardinal-semantics.md): a cancelled tender and a
procurement method listed in ``[exclusions]`` take a process out of every indicator; the main currency
is the ``currency`` setting, else the first currency a currency-aware indicator meets in input order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from adal.indicators.base import Indicator, Level, Result, State
from adal.indicators.facts import Process, final_awards, submitted
from adal.indicators.settings import Configuration


@dataclass
class Context:
    """What an indicator computes over: the processes after the global rules, and the shared settings."""

    processes: list[Process]
    config: Configuration
    currency: str | None  # the main currency
    full: bool = True  # also report not-flagged and not-computable subjects (adal's format)
    by_org: bool = False  # name organisations by scheme-identifier where the release says it

    def org(self, process: Process, raw: str) -> str:
        """The subject id of an organisation referenced as ``raw`` in ``process``."""
        if self.by_org:
            return process.orgs.get(raw, raw)
        return raw

    def price_comparison(self, process: Process) -> bool:
        """Cardinal's method filter for price comparisons (R024, R028, R036, R058)."""
        include = self.config.price_comparison
        details = process.details
        if details is not None:
            if include:
                return details in include
            return details not in self.config.no_price_comparison
        return not include

    def currency_ok(self, currency: str) -> bool:
        return self.currency is None or currency == self.currency


@dataclass
class Outcome:
    """What one indicator found: results for subjects, and Cardinal's Meta entries."""

    code: str
    results: list[Result] = field(default_factory=list)
    meta: dict[str, float] = field(default_factory=dict)
    maps: dict[str, dict[str, Any]] = field(default_factory=dict)


def main_currency(processes: Iterable[Process], config: Configuration, enabled: set[str]) -> str | None:
    """The main currency: the setting, else the first currency a currency-aware check meets, in input
    order, checks within a process in Cardinal's order (second-lowest-bid ratio, R036, R055)."""
    if config.currency is not None:
        return config.currency
    ratio = bool(enabled & {"R024", "R058"})
    r036 = "R036" in enabled
    r055 = "R055" in enabled
    if not (ratio or r036 or r055):
        return None
    ctx = Context([], config, None)
    for p in processes:
        if ratio and ctx.price_comparison(p):
            active = final_awards(p)
            if active is not None and len(active) == 1:
                suppliers = active[0].suppliers
                if suppliers is not None and active[0].n_suppliers == 1 and len(suppliers) == 1:
                    for b in p.bids or ():
                        if (
                            b.status == "valid"
                            and b.amount is not None
                            and b.currency is not None
                            and b.tenderers is not None
                            and b.n_tenderers == 1
                            and len(b.tenderers) == 1
                        ):
                            return b.currency
        if (
            r036
            and ctx.price_comparison(p)
            and p.awards is not None
            and any(a.status == "active" for a in p.awards)
        ):
            for b in submitted(p.bids or []):
                if b.amount is not None and b.currency is not None:
                    return b.currency
        if r055:
            from adal.indicators.r055 import currency_candidate

            found = currency_candidate(p, config)
            if found is not None:
                return found
    return None


def run(
    indicators: list[tuple[Indicator, Any]],
    processes: list[Process],
    config: Configuration,
    *,
    full: bool = True,
    by_org: bool = False,
) -> list[Outcome]:
    """Run ``(indicator, settings)`` pairs over ``processes`` (in input order)."""
    excluded: dict[str, str] = {}
    kept: list[Process] = []
    for p in processes:
        if p.cancelled:
            excluded[p.ocid] = "the tender was cancelled"
        elif p.details is not None and p.details in config.excluded_details:
            excluded[p.ocid] = f"procurement method details {p.details!r} are excluded by the settings"
        else:
            kept.append(p)
    enabled = {indicator.code for indicator, _ in indicators}
    ctx = Context(kept, config, main_currency(kept, config, enabled), full=full, by_org=by_org)
    outcomes = []
    for indicator, settings in indicators:
        outcome = indicator.compute(ctx, settings)
        if full and Level.process in indicator.levels:
            outcome.results.extend(
                Result(Level.process, ocid, State.not_computable, reason=reason)
                for ocid, reason in excluded.items()
            )
        outcomes.append(outcome)
    return outcomes
