"""The registers adal reads beside procurement: what each holds, column by column.

One definition serves three readers: ``adal synth`` writes the registers in this shape (and a
``datapackage.json`` describing them), ``adal ingest`` checks and loads them into ``register_*``
tables, and ``docs/registers.md`` documents them (a test keeps the page and this module in step).

Column types: ``string``; ``integer``; ``number``; ``date`` (``YYYY-MM-DD``); ``bin`` and ``iin``
(12 digits: a wrong check digit is loaded but recorded, see ``check_digit_ok``); ``enum`` (one of
the listed values). An empty cell is a missing value, allowed only where a column is not required.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | integer | number | date | bin | iin | enum
    description: str
    required: bool = False
    values: tuple[str, ...] = ()  # for enum


@dataclass(frozen=True)
class Register:
    name: str  # file stem and table suffix: companies -> companies.csv -> register_companies
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checked: tuple[str, ...] = field(default=())  # bin/iin columns whose check digit is recorded

    @property
    def table(self) -> str:
        return f"register_{self.name}"

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


_LEVELS = ("republican", "regional", "district")
BODY_KINDS = (
    "ministry",
    "committee",
    "territorial_department",
    "regional_akimat",
    "city_akimat",
    "district_akimat",
    "akimat_department",
    "school",
    "kindergarten",
    "college",
    "hospital",
    "polyclinic",
    "utility",
    "roads_department",
    "culture_centre",
    "sports_school",
)

REGISTERS: tuple[Register, ...] = (
    Register(
        "territory",
        "Territory",
        "Regions (oblys), cities of republican significance and their districts, with KATO-like codes.",
        (
            Column("kato", "string", "KATO-like administrative code (9 digits).", required=True),
            Column("kind", "enum", "What the unit is.", True, ("region", "city", "district")),
            Column("parent_kato", "string", "The region a district lies in; empty for regions and cities."),
            Column("name_kk", "string", "Name in Kazakh.", required=True),
            Column("name_ru", "string", "Name in Russian.", required=True),
            Column("name_en", "string", "Name in English.", required=True),
            Column("population", "integer", "Residents."),
        ),
        ("kato",),
    ),
    Register(
        "bodies",
        "Buying organisations",
        "State bodies and budget organisations that buy: ministries, akimats and their subordinate organisations, in a hierarchy.",
        (
            Column("bin", "bin", "Business identification number.", required=True),
            Column("name_ru", "string", "Name in Russian.", required=True),
            Column("name_kk", "string", "Name in Kazakh."),
            Column("kind", "enum", "What the body is.", True, BODY_KINDS),
            Column("level", "enum", "Budget level: central bodies are republican.", True, _LEVELS),
            Column("parent_bin", "bin", "The body it answers to; empty at the top."),
            Column(
                "region_kato",
                "string",
                "Region or city it is located in; empty for central (republican) bodies in the capital.",
            ),
            Column("kato", "string", "Most precise territorial unit (district where known)."),
            Column("address", "string", "Legal address."),
            Column("created", "date", "Registration date."),
        ),
        ("bin",),
        ("bin", "parent_bin"),
    ),
    Register(
        "head_posts",
        "Head posts",
        "Who held a body's posts and when: heads, deputies and procurement officers (the accountability chain).",
        (
            Column("body_bin", "bin", "The body.", required=True),
            Column("post", "enum", "The post.", True, ("head", "deputy_head", "procurement_officer")),
            Column("iin", "iin", "Who held it.", required=True),
            Column("start_date", "date", "First day in post.", required=True),
            Column("end_date", "date", "Last day in post; empty while in post."),
        ),
        ("body_bin", "post", "iin", "start_date"),
        ("body_bin", "iin"),
    ),
    Register(
        "people",
        "People",
        "Officials, owners and directors, with individual identification numbers.",
        (
            Column("iin", "iin", "Individual identification number.", required=True),
            Column("last_name", "string", "Surname.", required=True),
            Column("first_name", "string", "Given name.", required=True),
            Column("patronymic", "string", "Patronymic, where used."),
            Column("birth_date", "date", "Date of birth."),
            Column("sex", "enum", "Sex as registered.", False, ("male", "female")),
        ),
        ("iin",),
        ("iin",),
    ),
    Register(
        "companies",
        "Companies",
        "Registered legal entities that supply the state.",
        (
            Column("bin", "bin", "Business identification number.", required=True),
            Column("name_ru", "string", "Name in Russian.", required=True),
            Column("name_kk", "string", "Name in Kazakh."),
            Column("legal_form", "string", "ТОО, АО, ПК, ...", required=True),
            Column("registered", "date", "State registration date.", required=True),
            Column("region_kato", "string", "Region or city of the legal address."),
            Column("kato", "string", "Most precise territorial unit of the legal address."),
            Column("address", "string", "Legal address."),
            Column("phone", "string", "Contact telephone."),
            Column("email", "string", "Contact e-mail."),
            Column("activity", "string", "Main line of business: a classifier division code."),
        ),
        ("bin",),
        ("bin",),
    ),
    Register(
        "company_people",
        "Owners and directors",
        "Who founded (owns a share of) or directs a company, and when.",
        (
            Column("company_bin", "bin", "The company.", required=True),
            Column("iin", "iin", "The person.", required=True),
            Column("role", "enum", "Founder (owner) or director.", True, ("founder", "director")),
            Column("share", "number", "Founder's share of the capital, 0..1."),
            Column("start_date", "date", "Since when.", required=True),
            Column("end_date", "date", "Until when; empty while current."),
        ),
        ("company_bin", "iin", "role"),
        ("company_bin", "iin"),
    ),
    Register(
        "family_links",
        "Family links",
        "Close relatives of officials, as declared: what conflict-of-interest checks need.",
        (
            Column("iin", "iin", "The person.", required=True),
            Column("relative_iin", "iin", "The relative.", required=True),
            Column(
                "relation",
                "enum",
                "What the relative is to the person.",
                True,
                ("spouse", "parent", "child", "sibling"),
            ),
        ),
        ("iin", "relative_iin"),
        ("iin", "relative_iin"),
    ),
    Register(
        "debarments",
        "Unscrupulous suppliers",
        "The register of unscrupulous participants in public procurement: who may not take part, from when to when.",
        (
            Column("bin", "bin", "The supplier.", required=True),
            Column("start_date", "date", "Debarred from.", required=True),
            Column("end_date", "date", "Debarred until.", required=True),
            Column("reason", "string", "Why, as decided.", required=True),
            Column("initiator_bin", "bin", "The buyer that brought the case."),
            Column("ocid", "string", "The contracting process it arose from, when known."),
        ),
        ("bin", "start_date"),
        ("bin",),
    ),
    Register(
        "classifier",
        "Goods, works and services classifier",
        "A hierarchical classifier shaped like ENS TRU, with reference unit prices.",
        (
            Column("code", "string", "Code.", required=True),
            Column("parent_code", "string", "Parent code; empty at the top."),
            Column("level", "integer", "1 = division, 2 = group, 3 = item.", required=True),
            Column("name_ru", "string", "Name in Russian.", required=True),
            Column("name_kk", "string", "Name in Kazakh."),
            Column(
                "category", "enum", "OCDS main procurement category.", True, ("goods", "works", "services")
            ),
            Column("unit", "string", "Unit of measure (items)."),
            Column("reference_price", "number", "Reference unit price, KZT (items)."),
        ),
        ("code",),
    ),
    Register(
        "mrp",
        "Monthly calculation index",
        "The MRP in tenge by year: procurement thresholds are set in MRP.",
        (
            Column("year", "integer", "Budget year.", required=True),
            Column("value", "number", "Tenge per MRP.", required=True),
            Column("valid_from", "date", "In force from.", required=True),
        ),
        ("valid_from",),
    ),
)

BY_NAME: dict[str, Register] = {r.name: r for r in REGISTERS}

_SQL_TYPES = {
    "string": "VARCHAR",
    "enum": "VARCHAR",
    "bin": "VARCHAR",
    "iin": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
}


def ddl() -> str:
    """``CREATE TABLE`` statements for every register, with provenance and check-digit columns."""
    statements = []
    for register in REGISTERS:
        columns = [f"{c.name} {_SQL_TYPES[c.type]}" for c in register.columns]
        columns += [f"{name}_check_digit_ok BOOLEAN" for name in register.checked]
        columns += ["source_id INTEGER", "locator VARCHAR"]
        statements.append(f"CREATE TABLE IF NOT EXISTS {register.table} ({', '.join(columns)});")
    return "\n".join(statements)


def datapackage(resources: dict[str, str]) -> dict[str, object]:
    """A Frictionless Data Package describing register files (``name -> relative path``)."""
    types = {"bin": "string", "iin": "string", "enum": "string"}
    out = []
    for name, path in resources.items():
        register = BY_NAME[name]
        fields: list[dict[str, object]] = []
        for c in register.columns:
            entry: dict[str, object] = {
                "name": c.name,
                "type": types.get(c.type, c.type),
                "description": c.description,
            }
            constraints: dict[str, object] = {}
            if c.required:
                constraints["required"] = True
            if c.type in {"bin", "iin"}:
                constraints["pattern"] = "[0-9]{12}"
            if c.values:
                constraints["enum"] = list(c.values)
            if constraints:
                entry["constraints"] = constraints
            fields.append(entry)
        out.append(
            {
                "name": name,
                "path": path,
                "title": register.title,
                "description": register.description,
                "format": "csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": list(register.key)},
            }
        )
    return {"profile": "tabular-data-package", "name": "adal-registers", "resources": out}
