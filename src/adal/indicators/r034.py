"""R034 Bids submitted in same order: two tenderers who meet in many processes submit their bids in the same
order each time, more regularly than chance allows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from math import comb
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, submitted


@dataclass(frozen=True)
class R034Settings(Settings):
    min_processes: int = 5  # a pair is judged once it met in this many processes with bids at different times
    max_probability: float = 0.01  # flag when an order this regular has at most this chance, inclusive


def chance(n: int, k: int) -> float:
    """The probability that ``n`` fair coin tosses give a split at least as lopsided as ``k`` of ``n``
    (two-sided binomial test)."""
    k = max(k, n - k)
    tail = sum(comb(n, i) for i in range(k, n + 1)) / 2**n
    return min(1.0, 2 * tail) if 2 * k != n else 1.0


class R034(Indicator):
    code = "R034"
    title = "Bids submitted in same order"
    description = (
        "Two tenderers who meet in many processes submit their bids in the same order each time, more "
        "regularly than chance allows."
    )
    phase = "tender"
    scheme = "bid rigging: cover bids prepared to a script, the designated winner submitting in its turn"
    legal_basis = both(
        "prohibited collusion among potential suppliers (article number not checked)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Potential suppliers may not agree among themselves on their participation or their bids.",
    )
    levels = (Level.tenderer,)
    fields = ("bids.details.status", "bids.details.tenderers.id", "bids.details.date")
    settings = R034Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if not p.bids:
            return None
        first: dict[str, int] = {}
        for bid in submitted(p.bids):
            if bid.tenderers is None or bid.n_tenderers != 1 or len(bid.tenderers) != 1 or bid.date is None:
                continue
            moment = rfc3339_ns(bid.date)
            if moment is None:
                continue
            org = ctx.org(p, bid.tenderers[0])
            if org not in first or moment < first[org]:
                first[org] = moment
        return sorted(first.items()) if len(first) > 1 else None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        met: Counter[tuple[str, str]] = Counter()
        ahead: Counter[tuple[str, str]] = Counter()  # (a, b): processes where a submitted before b
        seen: set[str] = set()
        for _, timed in pieces:
            seen.update(org for org, _ in timed)
            for i, (a, ta) in enumerate(timed):
                for b, tb in timed[i + 1 :]:
                    if ta == tb:
                        continue
                    met[(a, b)] += 1
                    if ta < tb:
                        ahead[(a, b)] += 1
        best: dict[str, tuple[float, int, str, dict[str, Any]]] = {}
        for (a, b), n in sorted(met.items()):
            if n < settings.min_processes:
                continue
            k = ahead[(a, b)]
            leader, same = (a, k) if 2 * k >= n else (b, n - k)
            p = chance(n, same)
            evidence: dict[str, Any] = {
                "first": leader,
                "processes": n,
                "same_order": same,
                "probability": round(p, 6),
            }
            for org, partner in ((a, b), (b, a)):
                held = best.get(org)
                if held is None or (p, -n, partner) < (held[0], -held[1], held[2]):
                    best[org] = (p, n, partner, {"partner": partner, **evidence})
        flagged_pairs = {
            tuple(sorted((org, partner)))
            for org, (p, _, partner, _) in best.items()
            if p <= settings.max_probability
        }
        ocids: dict[tuple[str, ...], list[str]] = {pair: [] for pair in flagged_pairs}
        if flagged_pairs:
            for ocid, timed in pieces:
                times = dict(timed)
                for pair, found in ocids.items():
                    if pair[0] in times and pair[1] in times and times[pair[0]] != times[pair[1]]:
                        found.append(ocid)
        for org in sorted(best):
            p, n, partner, evidence = best[org]
            value = evidence["same_order"] / n
            if p <= settings.max_probability:
                pair = tuple(sorted((org, partner)))
                out.results.append(
                    flagged(
                        Level.tenderer,
                        org,
                        value,
                        **evidence,
                        max_probability=settings.max_probability,
                        processes_met=sorted(ocids[pair]),
                    )
                )
            elif ctx.full:
                out.results.append(
                    not_flagged(
                        Level.tenderer, org, value, **evidence, max_probability=settings.max_probability
                    )
                )
        if ctx.full:
            why = f"no other tenderer met in at least {settings.min_processes} processes with dated bids"
            for org in sorted(seen - set(best)):
                out.results.append(not_computable(Level.tenderer, org, why))
        return out
