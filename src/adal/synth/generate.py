"""Write a synthetic world to a directory: OCDS releases, registers, ground truth and a manifest.

Procurement is generated group by group (a region's bodies, or the central ones), each group in its
own process when there are several workers, and streamed to its own gzip file: memory does not grow
with the world's size. Output is byte-identical for the same settings and version: no clock is read,
gzip headers carry mtime 0, and every list is written in a fixed order.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from adal.sources.registers.spec import BY_NAME, datapackage
from adal.synth.config import GENERATOR_VERSION, SCHEMES, Settings
from adal.synth.procurement import Buyer, Market, Spec, Writer, ocid_for
from adal.synth.rng import stream
from adal.synth.schemes import Case, evidence, facts, plan, shape
from adal.synth.world import BASE_RATE, World, build

_WORLD: World | None = None  # shared with forked workers
_CASES: dict[str, list[tuple[Case, int]]] = {}


@dataclass
class GroupResult:
    group: str
    processes: int = 0
    releases: int = 0
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    cases: dict[str, list[tuple[int, str, str, float, dict[str, Any]]]] = field(default_factory=dict)
    debarments: list[Any] = field(default_factory=list)


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = self.data["counts"]
        return counts


class _Hashing(io.RawIOBase):
    """A binary sink that hashes what passes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.digest.update(view)
        self.target.write(view)
        return len(view)


def _gzip_writer(path: Path) -> tuple[gzip.GzipFile, _Hashing, IO[bytes]]:
    raw = open(path, "wb")  # noqa: SIM115 -- closed by the caller
    hashing = _Hashing(raw)
    return gzip.GzipFile(filename="", mode="wb", fileobj=hashing, mtime=0, compresslevel=6), hashing, raw


def calibration(world: World) -> float:
    """Scale factor on the base purchase rates so that the world has about the scale's processes a year."""
    expected = sum(BASE_RATE[b.kind] * b.size for b in world.bodies)
    return world.settings.scale.processes / expected


def _group(task: tuple[str, str, float]) -> GroupResult:
    group, out, calibration_factor = task
    world = _WORLD
    assert world is not None
    result = GroupResult(group)
    market = Market(world)
    writer = Writer(world)
    settings = world.settings
    outputs: list[tuple[str, gzip.GzipFile, _Hashing, IO[bytes]]] = []
    if "jsonl" in settings.formats:
        rel = f"ocds/releases-{group}.jsonl.gz"
        outputs.append((rel, *_gzip_writer(Path(out) / rel)))
    if "packages" in settings.formats:
        rel = f"ocds-packages/release-package-{group}.json.gz"
        gz, hashing, raw = _gzip_writer(Path(out) / rel)
        end = max(settings.years)
        header = {
            "uri": f"https://adal.example/synthetic/{settings.scale.name}/{settings.seed}/{group}.json",
            "version": "1.1",
            "publishedDate": f"{end}-12-31T23:59:59+05:00",
            "publisher": {"name": "adal synthetic world (not real data)"},
            "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        }
        gz.write(orjson.dumps(header)[:-1] + b',"releases":[\n')
        outputs.append((rel, gz, hashing, raw))
    first_in_package = True
    for body in (b for b in world.bodies if b.group == group):
        for year in settings.years:
            buyer = Buyer(world, market, body, year, calibration_factor)
            specs: list[Spec] = [buyer.honest() for _ in range(buyer.count)]
            tags: list[tuple[Case, int] | None] = [None] * len(specs)
            for case, k in _CASES.get(body.bin, []):
                if case.window[0].year == year:
                    specs.append(shape(case, k, buyer, world))
                    tags.append((case, k))
            order = sorted(range(len(specs)), key=lambda i: (specs[i].plan_date, i))
            rng = stream(settings.seed, "dates", body.bin, year)
            for number, i in enumerate(order, 1):
                spec = specs[i]
                ocid = ocid_for(year, body, number)
                releases = writer.releases(spec, ocid, rng)
                result.processes += 1
                result.releases += len(releases)
                lines = [orjson.dumps(r) for r in releases]
                for rel, gz, _, _ in outputs:
                    if rel.endswith(".jsonl.gz"):
                        gz.write(b"\n".join(lines) + b"\n")
                    else:
                        gz.write((b"" if first_in_package else b",\n") + b",\n".join(lines))
                first_in_package = False
                tag = tags[i]
                if tag is not None:
                    case, k = tag
                    result.cases.setdefault(case.id, []).append(
                        (k, ocid, body.bin, spec.leaf.budget_median, facts(releases))
                    )
    for rel, gz, hashing, raw in outputs:
        if not rel.endswith(".jsonl.gz"):
            gz.write(b"\n]}\n")
        gz.close()
        raw.close()
        result.files[rel] = hashing.digest.hexdigest()
    result.debarments = writer.debarments
    return result


def generate(
    settings: Settings, out: str, progress: Callable[[int, int, int], None] | None = None
) -> Manifest:
    """Build the world and write it under ``out``; return its manifest (also written as adal-world.json)."""
    global _WORLD, _CASES
    root = Path(out)
    folders = {"ocds": "jsonl", "ocds-packages": "packages"}
    for sub in ("ocds", "ocds-packages", "registers"):
        if sub not in folders or folders[sub] in settings.formats:
            (root / sub).mkdir(parents=True, exist_ok=True)
    world = build(settings)
    factor = calibration(world)
    cases = plan(world, settings.scale.processes * len(settings.years))
    by_body: dict[str, list[tuple[Case, int]]] = {}
    for case in cases:
        for k in range(case.count):
            by_body.setdefault(case.body_for(k).bin, []).append((case, k))
    _WORLD, _CASES = world, by_body
    groups = sorted({b.group for b in world.bodies}, key=lambda g: (g != "republican", g))
    tasks = [(g, out, factor) for g in groups]
    results: dict[str, GroupResult] = {}
    workers = max(1, min(settings.workers, len(tasks)))
    try:
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for result in pool.imap_unordered(_group, tasks):
                    results[result.group] = result
                    if progress:
                        progress(len(results), len(tasks), sum(r.releases for r in results.values()))
        else:
            for task in tasks:
                result = _group(task)
                results[result.group] = result
                if progress:
                    progress(len(results), len(tasks), sum(r.releases for r in results.values()))
    finally:
        _WORLD, _CASES = None, {}
    for result in results.values():
        world.debarments.extend(result.debarments)
    files: dict[str, str] = {}
    for g in groups:
        files.update(results[g].files)
    files.update(_registers(world, root))
    truth_lines = []
    fragments: dict[str, list[tuple[int, str, str, float, dict[str, Any]]]] = {}
    for g in groups:
        for case_id, items in results[g].cases.items():
            fragments.setdefault(case_id, []).extend(items)
    for case in cases:
        items = sorted(fragments.get(case.id, []))
        truth_lines.append(orjson.dumps(evidence(case, [(o, b, m, f) for _, o, b, m, f in items])))
    truth = b"".join(line + b"\n" for line in truth_lines)
    (root / "ground_truth.jsonl").write_bytes(truth)
    files["ground_truth.jsonl"] = hashlib.sha256(truth).hexdigest()
    counts = {
        "bodies": len(world.bodies),
        "companies": len(world.companies),
        "people": len(world.people),
        "processes": sum(r.processes for r in results.values()),
        "releases": sum(r.releases for r in results.values()),
        "cases": len(cases),
        **{f"cases_{s}": sum(c.scheme == s for c in cases) for s in SCHEMES},
    }
    manifest = {
        "generator": "adal synth",
        "generator_version": GENERATOR_VERSION,
        "scale": settings.scale.name,
        "seed": settings.seed,
        "years": list(settings.years),
        "formats": list(settings.formats),
        "rates_per_10000_processes": settings.rates,
        "region_integrity_multipliers": world.integrity,
        "clean_regions": sorted(k for k, v in world.integrity.items() if v == 0),
        "counts": counts,
        "files": dict(sorted(files.items())),
        "note": "Synthetic data: every body, company, person and purchase is invented.",
    }
    (root / "adal-world.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return Manifest(manifest)


# -- registers -------------------------------------------------------------------------------------------


def _csv_rows(name: str, rows: Iterator[dict[str, Any]]) -> bytes:
    register = BY_NAME[name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in register.columns])
    for row in rows:
        writer.writerow(["" if row.get(c.name) is None else _cell(row.get(c.name)) for c in register.columns])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _registers(world: World, root: Path) -> dict[str, str]:
    from adal.synth import data as reference

    tables: dict[str, Iterator[dict[str, Any]]] = {
        "territory": (
            row
            for r in world.regions
            for row in [
                {
                    "kato": r.kato,
                    "kind": r.kind,
                    "name_kk": r.name_kk,
                    "name_ru": r.name_ru,
                    "name_en": r.name_en,
                    "population": r.population,
                }
            ]
            + [
                {
                    "kato": d.kato,
                    "kind": "district",
                    "parent_kato": r.kato,
                    "name_kk": d.name_kk,
                    "name_ru": d.name_ru,
                    "name_en": d.name_en,
                    "population": d.population,
                }
                for d in r.districts
            ]
        ),
        "bodies": (
            {
                "bin": b.bin,
                "name_ru": b.name_ru,
                "name_kk": b.name_kk,
                "kind": b.kind,
                "level": b.level,
                "parent_bin": b.parent_bin,
                "region_kato": b.region_kato,
                "kato": b.kato,
                "address": b.address,
                "created": b.created,
            }
            for b in world.bodies
        ),
        "head_posts": (
            {"body_bin": p.body_bin, "post": p.post, "iin": p.iin, "start_date": p.start, "end_date": p.end}
            for p in world.posts
        ),
        "people": (
            {
                "iin": p.iin,
                "last_name": p.last_name,
                "first_name": p.first_name,
                "patronymic": p.patronymic,
                "birth_date": p.birth_date,
                "sex": p.sex,
            }
            for p in sorted(world.people.values(), key=lambda p: p.iin)
        ),
        "companies": (
            {
                "bin": c.bin,
                "name_ru": c.name_ru,
                "name_kk": c.name_kk,
                "legal_form": c.legal_form,
                "registered": c.registered,
                "region_kato": c.region_kato,
                "kato": c.kato,
                "address": c.address,
                "phone": c.phone,
                "email": c.email,
                "activity": c.divisions[0],
            }
            for c in world.companies
        ),
        "company_people": (
            {
                "company_bin": r.company_bin,
                "iin": r.iin,
                "role": r.role,
                "share": r.share,
                "start_date": r.start,
                "end_date": r.end,
            }
            for r in world.roles
        ),
        "family_links": (
            {"iin": f.iin, "relative_iin": f.relative_iin, "relation": f.relation} for f in world.family
        ),
        "debarments": (
            {
                "bin": d.bin,
                "start_date": d.start,
                "end_date": d.end,
                "reason": d.reason,
                "initiator_bin": d.initiator_bin,
                "ocid": d.ocid,
            }
            for d in sorted(world.debarments, key=lambda d: (d.bin, d.start, d.ocid or ""))
        ),
        "classifier": (
            {
                "code": n["code"],
                "parent_code": n.get("parent"),
                "level": n["level"],
                "name_ru": n["name_ru"],
                "name_kk": n.get("name_kk"),
                "category": n["category"],
                "unit": n.get("unit_ru"),
                "reference_price": n.get("reference_price"),
            }
            for n in reference.load("classifier")["nodes"]
        ),
        "mrp": (
            {"year": e["year"], "value": e["value"], "valid_from": dt.date.fromisoformat(e["valid_from"])}
            for e in reference.load("law")["mrp"]
        ),
    }
    files = {}
    for name, rows in tables.items():
        data = _csv_rows(name, rows)
        rel = f"registers/{name}.csv"
        (root / rel).write_bytes(data)
        files[rel] = hashlib.sha256(data).hexdigest()
    package = datapackage({name: f"{name}.csv" for name in tables})
    data = orjson.dumps(package, option=orjson.OPT_INDENT_2) + b"\n"
    (root / "registers" / "datapackage.json").write_bytes(data)
    files["registers/datapackage.json"] = hashlib.sha256(data).hexdigest()
    return files


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
