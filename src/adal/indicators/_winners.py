"""What several register and aggregate indicators share: the awarded suppliers of a process, calendar days of
OCDS dates, and the organisation a party reference names."""

from __future__ import annotations

from adal.indicators.facts import Award, Process

FINAL = frozenset({"active", "cancelled", "unsuccessful"})


def decided_awards(p: Process) -> tuple[list[Award] | None, str]:
    """The active awards once every award is decided (active, cancelled or unsuccessful), else None and why.

    Unlike :func:`~adal.indicators.facts.final_awards` this does not need ``bids``: direct awards publish none."""
    if p.awards is None:
        return None, "no awards"
    active = []
    for a in p.awards:
        if a.status is None or a.status in ("cancelled", "unsuccessful"):
            continue
        if a.status != "active":
            return None, f"an award is not final (status {a.status!r})"
        active.append(a)
    if not active:
        return None, "no active award"
    return active, ""


def winners(awards: list[Award]) -> list[tuple[str, Award]]:
    """(supplier id, award) for every supplier of the awards, each supplier once (its first award)."""
    seen: dict[str, Award] = {}
    for a in awards:
        for s in a.suppliers or ():
            seen.setdefault(s, a)
    return list(seen.items())
