"""Scales and scheme rates of a synthetic world: every number the generator is tuned by, in one place.

docs/synthetic-world.md explains each and the real-world figure behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

GENERATOR_VERSION = "1"
OCID_PREFIX = "ocds-adalkz"  # an OCDS-style prefix for the synthetic publisher


@dataclass(frozen=True)
class Scale:
    name: str
    bodies: int  # buying organisations
    companies: int  # registered suppliers
    processes: int  # contracting processes per year (target; the draw varies around it)


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("tiny", bodies=100, companies=180, processes=1_000),
        Scale("demo", bodies=2_500, companies=4_000, processes=50_000),
        Scale("bench", bodies=8_000, companies=15_000, processes=195_000),
        Scale("national", bodies=25_000, companies=60_000, processes=1_200_000),
    )
}

SCHEMES = (
    "cartel",
    "captured_buyer",
    "splitting",
    "unjustified_single_source",
    "conflict_of_interest",
    "shell_company",
    "unit_price_inflation",
    "amendment_inflation",
    "late_delivery_paid_in_full",
)

# Cases per 10,000 contracting processes of the whole world (at least MIN_CASES each). Cases are then
# placed in regions by population times the region's integrity multiplier; central bodies as one more
# place weighing a tenth of the population.
DEFAULT_RATES: dict[str, float] = {
    "cartel": 1.5,
    "captured_buyer": 3.0,
    "splitting": 6.0,
    "unjustified_single_source": 8.0,
    "conflict_of_interest": 3.0,
    "shell_company": 3.0,
    "unit_price_inflation": 8.0,
    "amendment_inflation": 8.0,
    "late_delivery_paid_in_full": 6.0,
}

# Every scheme with a rate above zero has at least this many cases, whatever the scale.
MIN_CASES = 3
CLEAN_REGIONS = 3  # regions (of 20) where nothing is planted, so that rankings can be tested


@dataclass(frozen=True)
class Settings:
    scale: Scale
    seed: int = 1
    years: tuple[int, ...] = (2025,)
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    formats: tuple[str, ...] = ("jsonl",)  # jsonl and/or packages
    workers: int = 1

    def with_rates(self, overrides: dict[str, float]) -> Settings:
        unknown = sorted(set(overrides) - set(SCHEMES))
        if unknown:
            raise ValueError(f"unknown scheme {unknown[0]!r}; the schemes are {', '.join(SCHEMES)}")
        return replace(self, rates={**self.rates, **overrides})
