"""Durations judged against peers: R060 (award to signature), R061 and R062 (deadline to award).

A process's duration is compared with those of its peers, the processes with the same procurement method
(``tender.procurementMethodDetails``, else ``tender.procurementMethod``), through a Tukey fence over their
quartiles (type 8), unless a fixed threshold in days is set. Too few peers, or no spread among them,
decide nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators.base import Level, Result, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns, whole_days
from adal.indicators.engine import Outcome
from adal.indicators.facts import Process
from adal.indicators.stats import lower_fence, quantile, upper_fence


@dataclass(frozen=True)
class PeriodSettings(Settings):
    threshold: int | None = None  # days; default: the Tukey fence of the peers
    minimum_peers: int = 20  # fewer processes of a method with a duration: not judged by a fence
    by_method: bool = True  # peers are the processes of the same method (false: all processes)


def peer_key(p: Process, settings: Any) -> str:
    if not settings.by_method:
        return "all"
    return p.details or p.method or "no method"


def days_between(start: str | None, end: str | None) -> int | None:
    if start is None or end is None:
        return None
    a, b = rfc3339_ns(start), rfc3339_ns(end)
    if a is None or b is None:
        return None
    return whole_days(a, b)


def finalize(code: str, pieces: list[tuple[str, Any]], settings: Any, *, upper: bool, full: bool) -> Outcome:
    """Pieces are ``("ok", peer key, days, evidence)`` or ``("no", reason)``. ``upper``: flag long durations
    (at or above the upper fence), else short ones (at or below the lower fence)."""
    out = Outcome(code)
    groups: dict[str, list[float]] = defaultdict(list)
    for _, piece in pieces:
        if piece[0] == "ok":
            groups[piece[1]].append(float(piece[2]))
    fences: dict[str, tuple[float | None, dict[str, Any], str | None]] = {}
    for key, values in groups.items():
        if settings.threshold is not None:
            fences[key] = (float(settings.threshold), {"threshold": settings.threshold}, None)
            continue
        if len(values) < settings.minimum_peers:
            why = f"{len(values)} processes of method {key!r}, fewer than minimum_peers {settings.minimum_peers}"
            fences[key] = (None, {}, why)
            continue
        q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
        fence = upper_fence(q1, q3) if upper else lower_fence(q1, q3)
        name = "upper_fence" if upper else "lower_fence"
        facts = {"method": key, "peers": len(values), "q1": q1, "q3": q3, name: fence}
        fences[key] = (None if q1 == q3 else fence, facts, None)
    results: list[Result] = []
    for ocid, piece in pieces:
        if piece[0] == "no":
            results.append(not_computable(Level.process, ocid, piece[1]))
            continue
        _, key, days, evidence = piece
        limit, facts, unjudged = fences[key]
        if unjudged is not None:
            if full:
                results.append(not_computable(Level.process, ocid, unjudged, days=days))
            continue
        hit = limit is not None and (days >= limit if upper else days <= limit)
        if hit:
            results.append(flagged(Level.process, ocid, float(days), **evidence, **facts))
        elif full:
            results.append(not_flagged(Level.process, ocid, float(days), **evidence, **facts))
    out.results = results
    return out
