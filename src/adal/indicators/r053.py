"""R053 Co-bidding pairs have the same recurrent winner: two tenderers that bid together again and again,
and one of them nearly always wins."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from adal.indicators import _cobidding
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R053Settings(Settings):
    minimum_processes: int = 4  # a pair must have bid together in at least this many processes
    threshold: float = 0.8  # flag when one of the pair won at least this share of them
    significance: float = 0.05  # and a split at least as lopsided is this unlikely between equal rivals
    maximum_tenderers: int = 30  # processes with more tenderers are not paired (n² pairs)


def _tail(k: int, n: int) -> float:
    """P(X ≥ k) for X ~ Binomial(n, ½): how likely one of two equal rivals wins k or more of their n decided
    meetings (exact, with integers)."""
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2**n if n else 1.0


class R053(Indicator):
    code = "R053"
    title = "Co-bidding pairs have the same recurrent winner"
    description = (
        "Two tenderers bid together in many processes and the same one of them nearly always wins, "
        "as when one bids only to cover the other."
    )
    phase = "award"
    scheme = "bid rigging: a cover bidder that bids to lose beside its partner"
    legal_basis = both(
        "art. 12 (prohibited collusion)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Agreements between bidders that distort competition are prohibited.",
    )
    levels = (Level.process, Level.tenderer)
    fields = (
        "bids.details.status",
        "bids.details.tenderers",
        "awards.status",
        "awards.suppliers",
    )
    settings = R053Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return _cobidding.fold(ctx, p)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        minimum, share, cap = settings.minimum_processes, settings.threshold, settings.maximum_tenderers
        # pair (a, b), a < b -> [processes, wins of a, wins of b, ocids]
        pairs: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, 0, 0, []])
        usable: list[tuple[str, tuple[str, ...]]] = []
        seen: set[str] = set()
        for ocid, piece in pieces:
            if piece[0] != "ok":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            _, bidders, winners, _ = piece
            if len(bidders) > cap:
                if ctx.full:
                    out.results.append(
                        not_computable(
                            Level.process,
                            ocid,
                            f"{len(bidders)} tenderers, more than maximum_tenderers {cap}",
                        )
                    )
                continue
            usable.append((ocid, bidders))
            seen.update(bidders)
            won = set(winners)
            for a, b in combinations(bidders, 2):
                entry = pairs[(a, b)]
                entry[0] += 1
                entry[1] += a in won
                entry[2] += b in won
                entry[3].append(ocid)
        flagged_ocids: dict[str, list[dict[str, Any]]] = defaultdict(list)
        best: dict[
            str, tuple[float, dict[str, Any]]
        ] = {}  # tenderer -> its flagged pair with the highest share
        checked: set[str] = set()
        for (a, b), (n, wins_a, wins_b, ocids) in sorted(pairs.items()):
            if n < minimum:
                continue
            checked.update((a, b))
            winner, loser, wins = (a, b, wins_a) if wins_a >= wins_b else (b, a, wins_b)
            ratio = wins / n
            if ratio < share:
                continue
            chance = _tail(wins, wins_a + wins_b)
            if chance > settings.significance:
                continue
            pair = {
                "winner": winner,
                "partner": loser,
                "co_bids": n,
                "wins": wins,
                "partner_wins": wins_a + wins_b - wins,
                "chance": round(chance, 6),
                "threshold": share,
            }
            for ocid in ocids:
                flagged_ocids[ocid].append(pair)
            for who, role in ((winner, "winner"), (loser, "partner")):
                evidence = {**pair, "role": role, "ocids": sorted(ocids)}
                if who not in best or ratio > best[who][0]:
                    best[who] = (ratio, evidence)
        for ocid, bidders in usable:
            found = flagged_ocids.get(ocid)
            if found:
                top = max(p["wins"] / p["co_bids"] for p in found)
                out.results.append(flagged(Level.process, ocid, round(top, 6), pairs=found))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, None, tenderers=list(bidders)))
        for who, (ratio, evidence) in sorted(best.items()):
            out.results.append(flagged(Level.tenderer, who, round(ratio, 6), **evidence))
        if ctx.full:
            for who in sorted(checked - set(best)):
                out.results.append(not_flagged(Level.tenderer, who, None, minimum_processes=minimum))
            for who in sorted(seen - checked):
                out.results.append(
                    not_computable(
                        Level.tenderer, who, f"no other tenderer bid with it in {minimum} processes"
                    )
                )
        return out
