"""Run indicators: a fold over each process (in worker processes), then a finalize over what the folds kept.

Every indicator has two halves, as Cardinal's do. ``fold`` sees one process and keeps what the indicator
needs from it (a result for per-process indicators, a few numbers for the others); it runs where the
process was parsed, so only these small pieces travel between processes. ``finalize`` sees the pieces of
every process, in input order, and decides (quartiles, fences, the main currency). The same two halves
serve a file and the warehouse.

Global rules (Cardinal's, docs/indicators/cardinal-semantics.md): a cancelled tender and a procurement
method listed in ``[exclusions]`` take a process out of every indicator; the main currency is the
``currency`` setting, else the first currency a currency-aware check meets, in input order, the checks
within a process in Cardinal's order (second-lowest-bid ratio, R036, R055).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from adal.indicators.base import Indicator, Level, Result, State
from adal.indicators.facts import Process, final_awards, submitted
from adal.indicators.money import Rates
from adal.indicators.registers import Registers
from adal.indicators.settings import Configuration


@dataclass
class Folding:
    """What a fold may consult: the settings, and how organisations are named."""

    config: Configuration
    full: bool = True  # also keep what not-flagged and not-computable subjects need (adal's format)
    by_org: bool = False  # name organisations by scheme-identifier where the release says it
    cardinal: bool = (
        False  # Cardinal's methodology exactly; else adal's (award criteria, consortia, relatedBids)
    )

    def org(self, process: Process, raw: str) -> str:
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


@dataclass
class Context(Folding):
    """What a finalize consults: the folding context and the main currency."""

    currency: str | None = None
    rates: Rates | None = None  # adal's format: convert other currencies at the rate of their date
    registers: Registers | None = None  # the state registers, where given (adal's format)

    def currency_ok(self, currency: str) -> bool:
        return self.currency is None or currency == self.currency

    def money(self, amount: float, currency: str, date: str | None) -> float | None:
        """``amount`` in the main currency: as it is, converted (adal's format, with a rate table), or None."""
        if self.currency is None or currency == self.currency:
            return amount
        if self.rates is None or self.cardinal:
            return None
        return self.rates.convert(amount, currency, self.currency, date)


@dataclass
class Outcome:
    """What one indicator found: results for subjects, and Cardinal's Meta entries."""

    code: str
    results: list[Result] = field(default_factory=list)
    meta: dict[str, float] = field(default_factory=dict)
    maps: dict[str, dict[str, Any]] = field(default_factory=dict)


def currency_candidates(
    p: Process, folding: Folding, enabled: frozenset[str], r055: Any = None
) -> tuple[str | None, ...]:
    """The first currency each currency-aware check meets in this process: (ratio, R036, R055)."""
    ratio = r036 = None
    if enabled & {"R024", "R058"} and folding.price_comparison(p):
        active = final_awards(p)
        if active is not None and len(active) == 1:
            award = active[0]
            if award.suppliers is not None and award.n_suppliers == 1 and len(award.suppliers) == 1:
                for b in p.bids or ():
                    if (
                        b.status == "valid"
                        and b.amount is not None
                        and b.currency is not None
                        and b.tenderers is not None
                        and b.n_tenderers == 1
                        and len(b.tenderers) == 1
                    ):
                        ratio = b.currency
                        break
    if (
        "R036" in enabled
        and folding.price_comparison(p)
        and p.awards is not None
        and any(a.status == "active" for a in p.awards)
    ):
        for b in submitted(p.bids or []):
            if b.amount is not None and b.currency is not None:
                r036 = b.currency
                break
    found_r055 = None
    if r055 is not None:
        from adal.indicators.r055 import currency_candidate

        found_r055 = currency_candidate(p, r055)
    return ratio, r036, found_r055


def first_currency(p: Process) -> str | None:
    """The first currency of the process's amounts: the tender's value, then its awards', then its bids'."""
    if p.tender_currency is not None and p.tender_amount is not None:
        return p.tender_currency
    for a in p.awards or ():
        if a.currency is not None and a.amount is not None:
            return a.currency
    for b in p.bids or ():
        if b.currency is not None and b.amount is not None:
            return b.currency
    return None


def exclusion(p: Process, config: Configuration) -> str | None:
    """Why a process is left out of every indicator, or None."""
    if p.cancelled:
        return "the tender was cancelled"
    if p.details is not None and p.details in config.excluded_details:
        return f"procurement method details {p.details!r} are excluded by the settings"
    return None


@dataclass
class Folded:
    """The folds of a batch of processes: per indicator, ``(ocid, piece)`` in input order."""

    pieces: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    excluded: list[tuple[str, str]] = field(default_factory=list)
    currencies: list[tuple[str, tuple[str | None, ...]]] = field(
        default_factory=list
    )  # (ocid, found), if any

    def sort(self) -> None:
        """Put everything in ocid order (the warehouse is read in storage order, then sorted here)."""
        for pieces in self.pieces.values():
            pieces.sort(key=lambda piece: piece[0])
        self.excluded.sort()
        self.currencies.sort(key=lambda item: item[0])

    def extend(self, other: Folded) -> None:
        for code, pieces in other.pieces.items():
            self.pieces.setdefault(code, []).extend(pieces)
        self.excluded.extend(other.excluded)
        self.currencies.extend(other.currencies)


def fold(processes: Iterable[Process], indicators: list[tuple[Indicator, Any]], folding: Folding) -> Folded:
    out = Folded({indicator.code: [] for indicator, _ in indicators})
    enabled = frozenset(out.pieces)
    config = folding.config
    need_currency = config.currency is None
    r055 = next((settings for indicator, settings in indicators if indicator.code == "R055"), None)
    for p in processes:
        why = exclusion(p, config)
        if why is not None:
            out.excluded.append((p.ocid, why))
            continue
        if need_currency:
            found = (*currency_candidates(p, folding, enabled, r055), first_currency(p))
            if any(found):
                out.currencies.append((p.ocid, found))
        for indicator, settings in indicators:
            piece = indicator.fold(folding, p, settings)
            if piece is not None:
                out.pieces[indicator.code].append((p.ocid, piece))
    return out


def finish(
    indicators: list[tuple[Indicator, Any]],
    folded: Folded,
    folding: Folding,
    rates: Rates | None = None,
    registers: Registers | None = None,
    emit: Callable[[Outcome], None] | None = None,
    parallel: int = 1,
) -> list[Outcome]:
    """Finalize every indicator over the folds of all processes (in input order).

    With ``emit``, each indicator's outcome is handed to it as soon as it is final, and its results and its
    pieces are dropped from memory then (the outcomes returned keep their Meta and Maps only). With ``emit``
    and ``parallel`` > 1, indicators are finalized side by side in forked processes that share the folds
    (copy on write) and emit themselves; only Meta and Maps come back."""
    currency = folding.config.currency
    if currency is None:
        # Cardinal's rule first (the first currency its currency-aware checks meet); where they meet none,
        # the first currency of any amount, so that adal's own indicators never sum across currencies.
        currency = next((c for _, found in folded.currencies for c in found[:-1] if c is not None), None)
    if currency is None:
        currency = next((found[-1] for _, found in folded.currencies if found[-1] is not None), None)
    ctx = Context(folding.config, folding.full, folding.by_org, folding.cardinal, currency, rates, registers)
    if emit is not None and parallel > 1 and len(indicators) > 1 and _can_fork():
        return _finish_forked(indicators, folded, ctx, emit, parallel)
    outcomes = []
    for indicator, settings in indicators:
        pieces = (
            folded.pieces.pop(indicator.code, [])
            if emit is not None
            else folded.pieces.get(indicator.code, [])
        )
        outcome = _finalize(indicator, settings, ctx, pieces, folded.excluded)
        del pieces
        if emit is not None:
            emit(outcome)
            outcome.results = []
        outcomes.append(outcome)
    return outcomes


def _finalize(
    indicator: Indicator,
    settings: Any,
    ctx: Context,
    pieces: list[tuple[str, Any]],
    excluded: list[tuple[str, str]],
) -> Outcome:
    outcome = indicator.finalize(ctx, pieces, settings)
    outcome.results = merged(outcome.results)
    if ctx.full and Level.process in indicator.levels:
        outcome.results.extend(
            Result(Level.process, ocid, State.not_computable, reason=reason) for ocid, reason in excluded
        )
    return outcome


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


# What the forked finalizers read: set just before the fork, cleared after.
_FORKED: tuple[Any, ...] | None = None


def _finalize_forked(i: int) -> tuple[int, dict[str, float], dict[str, dict[str, Any]]]:
    assert _FORKED is not None
    indicators, folded, ctx, emit = _FORKED
    indicator, settings = indicators[i]
    outcome = _finalize(indicator, settings, ctx, folded.pieces.get(indicator.code, []), folded.excluded)
    emit(outcome)
    return i, outcome.meta, outcome.maps


def _finish_forked(
    indicators: list[tuple[Indicator, Any]],
    folded: Folded,
    ctx: Context,
    emit: Callable[[Outcome], None],
    parallel: int,
) -> list[Outcome]:
    """Finalize in ``parallel`` forked processes, the indicators with the most pieces first."""
    import multiprocessing

    global _FORKED
    order = sorted(range(len(indicators)), key=lambda i: -len(folded.pieces.get(indicators[i][0].code, [])))
    outcomes = [Outcome(indicator.code) for indicator, _ in indicators]
    _FORKED = (indicators, folded, ctx, emit)
    try:
        with multiprocessing.get_context("fork").Pool(parallel) as pool:
            for i, meta, maps in pool.imap_unordered(_finalize_forked, order):
                outcomes[i].meta, outcomes[i].maps = meta, maps
    finally:
        _FORKED = None
    folded.pieces.clear()
    return outcomes


_RANK = {State.flagged: 2, State.not_flagged: 1, State.not_computable: 0}


def merged(results: list[Result]) -> list[Result]:
    """One result per subject: an organisation flagged in several processes is one flag whose evidence lists
    the processes (the value is the last one set, as Cardinal's output keeps the last write)."""
    seen: dict[tuple[Level, str], int] = {}
    out: list[Result] = []
    for r in results:
        key = (r.level, r.subject)
        at = seen.get(key)
        if at is None:
            seen[key] = len(out)
            out.append(r)
            continue
        first = out[at]
        keep = r if _RANK[r.state] >= _RANK[first.state] else first
        ocids = sorted(
            {
                *first.evidence.get("ocids", [first.evidence.get("ocid")]),
                *r.evidence.get("ocids", [r.evidence.get("ocid")]),
            }
            - {None}
        )
        evidence = {k: v for k, v in keep.evidence.items() if k != "ocid"}
        if ocids:
            evidence["ocids"] = ocids
        out[at] = Result(keep.level, keep.subject, keep.state, keep.value, keep.reason, evidence)
    return out


def run(
    indicators: list[tuple[Indicator, Any]],
    processes: list[Process],
    config: Configuration,
    *,
    full: bool = True,
    by_org: bool = False,
    cardinal: bool = False,
    registers: Registers | None = None,
) -> list[Outcome]:
    """Fold and finalize ``(indicator, settings)`` pairs over ``processes`` in this process."""
    folding = Folding(config, full, by_org, cardinal)
    return finish(indicators, fold(processes, indicators, folding), folding, registers=registers)
