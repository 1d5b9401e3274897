"""The review queue: the processes auditors should look at first — risk × money at stake — with a share drawn
at random from the rest, because a published method that is followed to the letter gets gamed, and a random
audit keeps everyone honest. The draw is reproducible by its seed.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    position: int
    ocid: str
    chosen: str  # "risk" | "random"
    priority: float  # risk × amount at stake (amount: the process's, else the dataset's median)
    risk: float | None  # share of the process's computable red flags that it raised
    amount: float | None
    currency: str | None
    reason: str


def build(
    rows: list[dict[str, Any]], budget: int, *, random_share: float = 0.1, seed: int = 0
) -> list[Entry]:
    """``budget`` processes: the riskiest by priority, then ``random_share`` of the budget drawn uniformly
    (by ``seed``) from the processes not already chosen. ``rows`` are ``process_scores`` rows of one dataset
    (``ocid``, ``risk``, ``amount``, ``currency``, ``flags`` as a JSON list)."""
    if budget <= 0 or not rows:
        return []
    amounts = sorted(r["amount"] for r in rows if r["amount"] is not None and r["amount"] > 0)
    median = amounts[len(amounts) // 2] if amounts else 1.0
    drawn = min(round(budget * random_share), max(len(rows) - 1, 0)) if random_share > 0 else 0
    by_risk = budget - drawn

    def priority(r: dict[str, Any]) -> float:
        at_stake = r["amount"] if r["amount"] is not None and r["amount"] > 0 else median
        return (r["risk"] or 0.0) * at_stake

    ranked = sorted(rows, key=lambda r: (-priority(r), r["ocid"]))
    chosen = [r for r in ranked[:by_risk] if (r["risk"] or 0) > 0]
    taken = {r["ocid"] for r in chosen}
    rest = sorted((r for r in rows if r["ocid"] not in taken), key=lambda r: r["ocid"])
    lottery = random.Random(seed).sample(rest, min(drawn + (by_risk - len(chosen)), len(rest)))
    out: list[Entry] = []
    for r in chosen:
        signals = json.loads(r["flags"] or "[]")
        stake = "its value" if r["amount"] else "the median value (its own is unknown)"
        out.append(
            Entry(
                len(out) + 1,
                r["ocid"],
                "risk",
                priority(r),
                r["risk"],
                r["amount"],
                r["currency"],
                f"risk {r['risk']:.2f} × {stake}; red flags: {', '.join(signals)}",
            )
        )
    for r in sorted(lottery, key=lambda r: r["ocid"]):
        out.append(
            Entry(
                len(out) + 1,
                r["ocid"],
                "random",
                priority(r),
                r["risk"],
                r["amount"],
                r["currency"],
                f"random audit (seed {seed}): drawn among the processes the risk ranking did not choose",
            )
        )
    return out
