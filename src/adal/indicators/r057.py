"""R057 Bid rotation: a group of tenderers meets in process after process and its members take turns winning."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators import _cobidding
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R057Settings(Settings):
    minimum_processes: int = 6  # the group must have bid together in at least this many processes
    minimum_wins: int = 1  # every member must have won at least this many of them
    minimum_win_share: float = 0.8  # and the members together at least this share of them
    minimum_evenness: float = 0.5  # the fewest wins of a member at least this share of the most
    minimum_group_size: int = 3  # groups of fewer tenderers are not looked at (2: pairs too)
    maximum_group_size: int = 8  # larger groups of tenderers are not looked at


class R057(Indicator):
    code = "R057"
    title = "Bid rotation"
    description = (
        "The same group of tenderers bids together in process after process and each member wins in turn."
    )
    phase = "award"
    scheme = "bid rigging: a cartel that shares the contracts out by taking turns to win"
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
    settings = R057Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return _cobidding.fold(ctx, p)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        usable: list[tuple[str, frozenset[str], frozenset[str], str]] = []
        where: dict[str, set[int]] = defaultdict(set)  # tenderer -> the usable processes it bid in
        for ocid, piece in pieces:
            if piece[0] != "ok":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            _, bidders, winners, date = piece
            for b in bidders:
                where[b].add(len(usable))
            usable.append((ocid, frozenset(bidders), frozenset(winners), date))
        smallest, largest = settings.minimum_group_size, settings.maximum_group_size
        groups = {u[1] for u in usable if smallest <= len(u[1]) <= largest}
        rotating: list[tuple[frozenset[str], list[int], dict[str, int], float]] = []
        for group in groups:
            # The processes in which every member bid (others may have bid too).
            lists = sorted((where[m] for m in group), key=len)
            if len(lists[0]) < settings.minimum_processes:
                continue
            met = set.intersection(*lists)
            n = len(met)
            if n < settings.minimum_processes:
                continue
            wins = {m: sum(1 for i in met if m in usable[i][2]) for m in sorted(group)}
            if min(wins.values()) < settings.minimum_wins:
                continue
            won = sum(1 for i in met if usable[i][2] & group)
            if won < settings.minimum_win_share * n:
                continue
            most = max(wins.values())
            evenness = min(wins.values()) / most if most else 0.0
            if evenness < settings.minimum_evenness:
                continue
            order = sorted(met, key=lambda i: (usable[i][3], usable[i][0]))  # by date, then ocid
            rotating.append((group, order, wins, round(evenness, 6)))
        # A rotating group inside a larger rotating group is the same ring seen partly: keep the larger.
        rotating = [r for r in rotating if not any(r[0] < other[0] for other in rotating)]
        rotating.sort(key=lambda r: sorted(r[0]))
        by_process: dict[int, list[dict[str, Any]]] = defaultdict(list)
        by_tenderer: dict[str, tuple[int, dict[str, Any]]] = {}
        for group, indexes, wins, evenness in rotating:
            ocids = [usable[i][0] for i in indexes]
            sequence = [sorted(usable[i][2] & group) for i in indexes]
            summary = {
                "members": sorted(group),
                "processes": len(indexes),
                "wins": wins,
                "evenness": evenness,
            }
            for i in indexes:
                by_process[i].append(summary)
            for m in group:
                if m not in by_tenderer or len(indexes) > by_tenderer[m][0]:
                    by_tenderer[m] = (len(indexes), {**summary, "ocids": ocids, "winners": sequence})
        for i, (ocid, bidders, _, _) in enumerate(usable):
            found = by_process.get(i)
            if found:
                out.results.append(
                    flagged(Level.process, ocid, float(max(g["processes"] for g in found)), groups=found)
                )
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, None, tenderers=sorted(bidders)))
        for who, (n, evidence) in sorted(by_tenderer.items()):
            out.results.append(flagged(Level.tenderer, who, float(n), **evidence))
        if ctx.full:
            for who in sorted(set(where) - set(by_tenderer)):
                out.results.append(not_flagged(Level.tenderer, who, None, processes=len(where[who])))
        return out
