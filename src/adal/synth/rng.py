"""Named random streams: every part of the world draws from its own stream, derived from the seed.

A stream depends only on the seed and its name, never on how much another part drew, so a world is
the same whatever order (or process) its parts are generated in.
"""

from __future__ import annotations

import hashlib
import math
import random


def stream(seed: int, *names: object) -> random.Random:
    material = ":".join([str(seed), *(str(n) for n in names)]).encode()
    return random.Random(int.from_bytes(hashlib.blake2b(material, digest_size=8).digest(), "big"))


def lognormal_from(rng: random.Random, median: float, p90: float) -> float:
    """A draw from the log-normal with this median and 90th percentile."""
    sigma = math.log(max(p90, median * 1.0001) / median) / 1.2815515655446004 if median > 0 else 0.0
    return median * math.exp(rng.gauss(0.0, sigma))


def weighted_index(rng: random.Random, cumulative: list[float]) -> int:
    """Index drawn with the weights whose running sums are ``cumulative``."""
    import bisect

    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)
