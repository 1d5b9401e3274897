"""The state registers as the indicators consult them: companies, their owners, bodies and their heads,
family links, the unscrupulous-suppliers register, reference unit prices and the MRP.

Registers are national, not per dataset: they speak of organisations by BIN and of people by IIN. An
indicator that needs them looks an organisation up by the digits of its ``KZ-BIN`` identifier
(:func:`bin_of`); a process whose organisations carry no BIN is "not computable" for it, with that reason.

They come from the warehouse's ``register_*`` tables (what ``adal ingest`` loaded) or, in file mode, from
a directory of register files (``--registers DIR``: the CSVs and ``datapackage.json`` that ``adal synth``
writes), read and checked by the same reader ingest uses; a row the reader refuses is left out and counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from adal.errors import UsageError

_BIN_SCHEMES = ("KZ-BIN-", "KZ-IIN-", "KZ-BIN", "KZ-IIN")
_DIGITS = re.compile(r"\d{12}")


def bin_of(org: str | None) -> str | None:
    """The 12 digits of an organisation named ``KZ-BIN-…`` (or ``KZ-IIN-…``, a sole trader), else None."""
    if org is None:
        return None
    for prefix in _BIN_SCHEMES:
        if org.startswith(prefix):
            digits = org[len(prefix) :].lstrip("-")
            return digits if _DIGITS.fullmatch(digits) else None
    return None


@dataclass(frozen=True, slots=True)
class Span:
    """Something true from ``start`` to ``end`` (inclusive; None: open)."""

    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Company:
    bin: str
    name: str
    legal_form: str
    registered: dt.date | None
    region_kato: str | None
    address: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Link:
    """A person's role in a company or a body, over a span."""

    iin: str
    role: str  # founder | director | head | deputy_head | procurement_officer
    span: Span
    share: float | None = None


@dataclass(frozen=True, slots=True)
class Debarment:
    span: Span
    reason: str
    ocid: str | None


@dataclass
class Registers:
    companies: dict[str, Company] = field(default_factory=dict)
    owners: dict[str, list[Link]] = field(default_factory=lambda: defaultdict(list))  # company BIN -> links
    posts: dict[str, list[Link]] = field(default_factory=lambda: defaultdict(list))  # body BIN -> posts
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # body BIN -> its row
    territory: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # KATO -> its row (regions, cities, districts)
    family: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # IIN -> relatives' IINs
    # (IIN, relative's IIN) -> what the relative is to the person (spouse, parent, child, sibling), both ways.
    relations: dict[tuple[str, str], str] = field(default_factory=dict)
    debarments: dict[str, list[Debarment]] = field(default_factory=lambda: defaultdict(list))
    reference_prices: dict[str, tuple[str | None, float]] = field(default_factory=dict)  # code -> (unit, KZT)
    mrp: dict[int, float] = field(default_factory=dict)  # year -> tenge per MRP
    loaded: dict[str, int] = field(default_factory=dict)  # register -> rows read
    refused: int = 0  # rows the reader refused (file mode)

    def has(self, name: str) -> bool:
        """Whether the register ``name`` (companies, bodies, head_posts, ...) has any rows."""
        return self.loaded.get(name, 0) > 0

    def people_of(self, company: str, day: dt.date) -> list[Link]:
        """The founders and directors of a company on ``day``."""
        return [link for link in self.owners.get(company, ()) if link.span.covers(day)]

    def heads_of(self, body: str, day: dt.date) -> list[Link]:
        """Who held the body's head, deputy head and procurement officer posts on ``day``."""
        return [link for link in self.posts.get(body, ()) if link.span.covers(day)]

    def debarred(self, company: str, day: dt.date) -> Debarment | None:
        """The company's entry in the unscrupulous-suppliers register in force on ``day``, if any."""
        return next((d for d in self.debarments.get(company, ()) if d.span.covers(day)), None)

    @classmethod
    def from_rows(cls, rows: Mapping[str, Iterable[dict[str, Any]]]) -> Registers:
        """Registers from rows by register name, each row a mapping of column -> typed value."""
        out = cls()
        for name, items in rows.items():
            count = 0
            for row in items:
                count += 1
                _add(out, name, row)
            out.loaded[name] = out.loaded.get(name, 0) + count
        return out

    @classmethod
    def from_warehouse(cls, executor: Any) -> Registers:
        import duckdb

        """The registers in a warehouse's ``register_*`` tables (empty when none were loaded)."""
        from adal.sources.registers.spec import REGISTERS

        rows: dict[str, list[dict[str, Any]]] = {}
        for register in REGISTERS:
            try:
                relation = executor.connection.sql(f"SELECT * FROM {register.table}")
            except duckdb.CatalogException:  # an older warehouse without the table holds no rows
                continue
            names = relation.columns
            rows[register.name] = [dict(zip(names, values, strict=True)) for values in relation.fetchall()]
        return cls.from_rows(rows)

    @classmethod
    def from_directory(cls, path: str) -> Registers:
        """The register files in a directory (``companies.csv``, ``debarments.csv``, …), checked row by row."""
        from adal.sources.ocds.reader import InputFile, Problem
        from adal.sources.registers.reader import read_rows, register_for

        folder = Path(path)
        if not folder.is_dir():
            raise UsageError(
                f"{path}: --registers expects a directory of register files, and this is not one"
            )
        rows: dict[str, list[dict[str, Any]]] = {}
        refused = 0
        for file in sorted(folder.iterdir()):
            register = register_for(file.name)
            if register is None:
                continue
            source = InputFile(str(file), _opener(file), file.stat().st_size)
            for item in read_rows(source, register):
                if isinstance(item, Problem):
                    refused += 1
                else:
                    rows.setdefault(register.name, []).append(item.values)
        if not rows:
            raise UsageError(f"{path}: no register files found (expected companies.csv, bodies.csv, …)")
        out = cls.from_rows(rows)
        out.refused = refused
        return out


_CONVERSE = {"parent": "child", "child": "parent"}


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _span(row: dict[str, Any]) -> Span:
    return Span(row.get("start_date"), row.get("end_date"))


def _add(out: Registers, name: str, row: dict[str, Any]) -> None:
    if name == "companies":
        out.companies[row["bin"]] = Company(
            row["bin"],
            row["name_ru"],
            row["legal_form"],
            row.get("registered"),
            row.get("region_kato"),
            row.get("address"),
            row.get("phone"),
            row.get("email"),
        )
    elif name == "company_people":
        out.owners[row["company_bin"]].append(Link(row["iin"], row["role"], _span(row), row.get("share")))
    elif name == "bodies":
        out.bodies[row["bin"]] = row
    elif name == "territory":
        out.territory[row["kato"]] = row
    elif name == "head_posts":
        out.posts[row["body_bin"]].append(Link(row["iin"], row["post"], _span(row)))
    elif name == "family_links":
        out.family[row["iin"]].add(row["relative_iin"])
        out.family[row["relative_iin"]].add(row["iin"])
        relation = row.get("relation")
        if relation:
            out.relations[(row["iin"], row["relative_iin"])] = relation
            out.relations[(row["relative_iin"], row["iin"])] = _CONVERSE.get(relation, relation)
    elif name == "debarments":
        out.debarments[row["bin"]].append(Debarment(_span(row), row["reason"], row.get("ocid")))
    elif name == "classifier":
        price = row.get("reference_price")
        if price is not None:
            out.reference_prices[row["code"]] = (row.get("unit"), float(price))
    elif name == "mrp":
        out.mrp[int(row["year"])] = float(row["value"])
