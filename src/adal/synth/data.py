"""Reference data the synthetic world draws from, shipped as JSON in ``adal/synth/data/``.

``territory``, ``classifier``, ``calibration``, ``law`` and ``names``: what each holds and where every figure
comes from is in docs/synthetic-world-data.md; ``classifier`` and ``calibration`` are regenerated from the real
goszakup lots by tools/calibrate_synth.py. :func:`load` returns the parsed JSON, cached, so callers must not
change it; the typed views below copy what they need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from adal.errors import SynthDataError

NAMES = ("calibration", "classifier", "law", "names", "territory")


@cache
def load(name: str) -> Any:
    """The parsed JSON file ``data/<name>.json`` (shared: do not mutate)."""
    if name not in NAMES:
        raise SynthDataError(f"no synthetic reference data named {name!r}; known: {', '.join(NAMES)}")
    resource = resources.files("adal.synth") / "data" / f"{name}.json"
    return json.loads(resource.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class District:
    kato: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    name_ru_genitive: str
    name_kk_genitive: str
    population: int


@dataclass(frozen=True)
class Region:
    kato: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    name_ru_genitive: str
    name_ru_dative: str
    name_kk_genitive: str
    center_kk: str
    center_ru: str
    center_en: str
    population: int
    districts: tuple[District, ...]


def regions() -> tuple[Region, ...]:
    """The 17 regions and 3 cities of republican significance, by KATO code."""
    out = []
    for item in load("territory")["regions"]:
        fields = {k: v for k, v in item.items() if k in Region.__dataclass_fields__ and k != "districts"}
        districts = tuple(
            District(**{k: v for k, v in d.items() if k in District.__dataclass_fields__})
            for d in item["districts"]
        )
        out.append(Region(**fields, districts=districts))
    return tuple(out)


@dataclass(frozen=True)
class Node:
    """One classifier node; leaves (level 3) carry a unit, a reference price and a weight."""

    code: str
    parent: str | None
    level: int
    name_ru: str
    name_kk: str | None
    category: str
    unit_ru: str | None = None
    reference_price: float | None = None
    weight: float | None = None
    calibrated: bool | None = None


def classifier() -> tuple[Node, ...]:
    """Every node of the ENS TRU-shaped classifier, sorted by code."""
    return tuple(
        Node(**{k: v for k, v in node.items() if k in Node.__dataclass_fields__})
        for node in load("classifier")["nodes"]
    )


def mrp(on: date) -> int:
    """The monthly calculation index (MRP, KZT) in force on a day; projected years count too."""
    entries = sorted(load("law")["mrp"], key=lambda e: e["valid_from"])
    value: int | None = None
    for entry in entries:
        if date.fromisoformat(entry["valid_from"]) <= on:
            value = int(entry["value"])
    if value is None:
        raise SynthDataError(f"no MRP in law.json is in force on {on.isoformat()}")
    return value
