"""The standing world: territory, buying bodies and their heads, companies and their owners, people.

Everything here is built before any procurement is generated, from its own named random streams, and
is small beside the procurement (25,000 bodies at national scale): it is kept in memory. Procurement
is generated body by body and streamed (``procurement.py``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from adal.linkage.identifiers import check_digit
from adal.synth import data as reference
from adal.synth.config import Settings
from adal.synth.names import Names
from adal.synth.rng import stream, weighted_index


@dataclass(slots=True)
class District:
    kato: str
    region_kato: str
    name_kk: str
    name_ru: str
    name_en: str
    population: int
    genitive_ru: str
    genitive_kk: str


@dataclass(slots=True)
class Region:
    kato: str
    kind: str  # region | city
    name_kk: str
    name_ru: str
    name_en: str
    population: int
    genitive_ru: str
    genitive_kk: str
    dative_ru: str
    center_ru: str
    districts: list[District]


@dataclass(slots=True)
class Person:
    iin: str
    last_name: str
    first_name: str
    patronymic: str | None
    birth_date: dt.date
    sex: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


@dataclass(slots=True)
class Body:
    index: int
    bin: str
    name_ru: str
    name_kk: str
    kind: str
    level: str  # republican | regional | district
    parent_bin: str | None
    region_kato: str | None  # None for central bodies
    kato: str
    locality_ru: str
    address: str
    created: dt.date
    size: float  # relative purchasing volume
    group: str  # output group: a region's KATO, or "republican"


@dataclass(slots=True)
class Company:
    index: int
    bin: str
    name_ru: str
    name_kk: str
    legal_form: str
    registered: dt.date
    region_kato: str
    kato: str
    address: str
    phone: str
    email: str
    divisions: tuple[str, ...]  # classifier divisions it supplies
    weight: float  # how often it bids
    pooled: bool = True  # bids in honest procurement (shell companies do not, until their scheme)


@dataclass(slots=True)
class Post:
    body_bin: str
    post: str  # head | deputy_head | procurement_officer
    iin: str
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class Role:
    company_bin: str
    iin: str
    role: str  # founder | director
    share: float | None
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class FamilyLink:
    iin: str
    relative_iin: str
    relation: str  # spouse | parent | child | sibling


@dataclass(slots=True)
class Debarment:
    bin: str
    start: dt.date
    end: dt.date
    reason: str
    initiator_bin: str | None
    ocid: str | None


@dataclass(slots=True)
class Leaf:
    code: str
    division: str
    name_ru: str
    name_kk: str | None
    category: str
    unit: str
    reference_price: float
    weight: float
    budget_median: float
    budget_p90: float


class Ids:
    """Unique, valid BINs and IINs (check digits right), from counters: no two entities share one."""

    def __init__(self) -> None:
        self.serials: dict[str, int] = defaultdict(int)

    def _next(self, stem: str, width: int) -> str:
        while True:
            self.serials[stem] += 1
            first = f"{stem}{self.serials[stem]:0{width}d}"
            digit = check_digit(first)
            if digit is not None:
                return f"{first}{digit}"

    def bin(self, registered: dt.date) -> str:
        # YYMM of registration, 4 = resident legal entity, 0 = head office, serial, check digit.
        return self._next(f"{registered:%y%m}40", 5)

    def iin(self, birth: dt.date, sex: str) -> str:
        century = 3 if birth.year < 2000 else 5
        return self._next(f"{birth:%y%m%d}{century + (sex == 'female')}", 4)


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


# What each kind of body buys: classifier divisions (2 digits) and how much more than average.
AFFINITY: dict[str, dict[str, float]] = {
    "school": {
        "10": 6,
        "01": 4,
        "17": 3,
        "18": 3,
        "31": 3,
        "85": 2,
        "81": 4,
        "56": 5,
        "43": 3,
        "05": 3,
        "19": 2,
    },
    "kindergarten": {"10": 8, "01": 6, "13": 3, "14": 3, "31": 3, "56": 5, "81": 4, "20": 2},
    "college": {"10": 3, "17": 3, "26": 3, "31": 3, "43": 3, "85": 3, "56": 3},
    "hospital": {"21": 10, "32": 6, "26": 3, "20": 3, "10": 3, "86": 4, "81": 3, "33": 3},
    "polyclinic": {"21": 10, "32": 6, "26": 2, "86": 3, "81": 2},
    "utility": {"35": 8, "36": 8, "24": 4, "25": 4, "28": 3, "42": 4, "43": 4, "19": 5, "05": 5},
    "roads_department": {"42": 12, "23": 6, "08": 6, "19": 4, "71": 3, "43": 4},
    "district_akimat": {"42": 4, "43": 4, "81": 3, "71": 2, "19": 2, "62": 2, "29": 2},
    "regional_akimat": {"42": 4, "43": 4, "62": 3, "70": 3, "71": 2, "73": 3, "29": 2},
    "city_akimat": {"42": 4, "43": 4, "62": 3, "70": 3, "71": 2, "73": 3, "81": 3},
    "akimat_department": {"62": 3, "70": 3, "73": 3, "43": 3, "58": 2, "82": 2},
    "ministry": {"62": 6, "26": 4, "70": 4, "73": 3, "29": 3, "72": 3, "58": 2},
    "committee": {"62": 5, "26": 4, "70": 3, "29": 3, "80": 3},
    "territorial_department": {"26": 3, "17": 3, "29": 3, "19": 3, "81": 2, "80": 2},
    "culture_centre": {"90": 5, "93": 3, "26": 2, "14": 2, "32": 3},
    "sports_school": {"32": 6, "14": 4, "93": 4, "10": 2},
}

# Purchases per year of a body of each kind, before the scale's calibration.
BASE_RATE: dict[str, float] = {
    "ministry": 400,
    "committee": 150,
    "territorial_department": 60,
    "regional_akimat": 150,
    "city_akimat": 150,
    "district_akimat": 50,
    "akimat_department": 120,
    "school": 12,
    "kindergarten": 10,
    "college": 20,
    "hospital": 80,
    "polyclinic": 40,
    "utility": 40,
    "roads_department": 60,
    "culture_centre": 8,
    "sports_school": 8,
}

# Subordinate organisations by share, and the akimat department that is their parent.
SUBORDINATES: tuple[tuple[str, float, str], ...] = (
    ("school", 0.40, "education"),
    ("kindergarten", 0.25, "education"),
    ("college", 0.04, "education"),
    ("hospital", 0.05, "health"),
    ("polyclinic", 0.06, "health"),
    ("utility", 0.08, "energy_utilities"),
    ("roads_department", 0.03, "roads"),
    ("culture_centre", 0.05, "culture"),
    ("sports_school", 0.04, "sport"),
)
DEPARTMENTS = (
    "education",
    "health",
    "roads",
    "energy_utilities",
    "culture",
    "sport",
    "construction",
    "internal_policy",
)


@dataclass
class World:
    settings: Settings
    regions: list[Region]
    leaves: list[Leaf]
    names: Names
    bodies: list[Body] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    family: list[FamilyLink] = field(default_factory=list)
    debarments: list[Debarment] = field(default_factory=list)
    ids: Ids = field(default_factory=Ids)
    # Region multipliers of the planted schemes (0 for the clean regions), by KATO.
    integrity: dict[str, float] = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        return dt.date(min(self.settings.years), 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(max(self.settings.years), 12, 31)

    def region(self, kato: str | None) -> Region | None:
        return self._regions.get(kato) if kato else None

    def __post_init__(self) -> None:
        self._regions = {r.kato: r for r in self.regions}
        self.divisions: dict[str, list[int]] = defaultdict(list)
        for index, leaf in enumerate(self.leaves):
            self.divisions[leaf.division].append(index)

    # -- people ---------------------------------------------------------------------------------------

    def person(
        self, rng: random.Random, *, born: tuple[int, int], sex: str | None = None, last: str | None = None
    ) -> Person:
        sex = sex or rng.choice(("male", "female"))
        birth = random_date(rng, dt.date(born[0], 1, 1), dt.date(born[1], 12, 31))
        surname = self.names.surname(rng, sex, last)
        person = Person(
            self.ids.iin(birth, sex),
            surname,
            self.names.first_name(rng, sex),
            self.names.patronymic(rng, sex),
            birth,
            sex,
        )
        self.people[person.iin] = person
        return person

    def relatives(
        self, rng: random.Random, person: Person, *, siblings: int, children: int, spouse: bool
    ) -> None:
        year = person.birth_date.year
        if spouse:
            other = "female" if person.sex == "male" else "male"
            husband_name = person.last_name if person.sex == "male" else None
            partner = self.person(rng, born=(year - 4, year + 4), sex=other, last=husband_name)
            self.family.append(FamilyLink(person.iin, partner.iin, "spouse"))
            self.family.append(FamilyLink(partner.iin, person.iin, "spouse"))
        for _ in range(siblings):
            sibling = self.person(rng, born=(year - 6, year + 6), last=person.last_name)
            self.family.append(FamilyLink(person.iin, sibling.iin, "sibling"))
            self.family.append(FamilyLink(sibling.iin, person.iin, "sibling"))
        for _ in range(children):
            if year + 42 > self.start.year:
                break
            child = self.person(
                rng, born=(year + 20, min(year + 35, self.start.year - 20)), last=person.last_name
            )
            self.family.append(FamilyLink(person.iin, child.iin, "child"))
            self.family.append(FamilyLink(child.iin, person.iin, "parent"))


def _leaves() -> list[Leaf]:
    out = []
    for node in reference.load("classifier")["nodes"]:
        if node["level"] != 3 or not node.get("reference_price"):
            continue
        budget = node.get("budget") or {}
        median = float(budget.get("median") or node["reference_price"])
        out.append(
            Leaf(
                node["code"],
                node["code"][:2],
                node["name_ru"],
                node.get("name_kk"),
                node["category"],
                node.get("unit_ru") or "Штука",
                float(node["reference_price"]),
                float(node.get("weight") or 0.0) or 1e-4,
                median,
                float(budget.get("p90") or median * 4),
            )
        )
    return out


def _regions() -> list[Region]:
    regions = []
    for r in reference.load("territory")["regions"]:
        districts = [
            District(
                d["kato"],
                r["kato"],
                d["name_kk"],
                d["name_ru"],
                d["name_en"],
                int(d["population"]),
                d.get("name_ru_genitive") or d["name_ru"],
                d.get("name_kk_genitive") or d["name_kk"],
            )
            for d in r["districts"]
        ]
        regions.append(
            Region(
                r["kato"],
                r["kind"],
                r["name_kk"],
                r["name_ru"],
                r["name_en"],
                int(r["population"]),
                r.get("name_ru_genitive") or r["name_ru"],
                r.get("name_kk_genitive") or r["name_kk"],
                r.get("name_ru_dative") or r.get("name_ru_genitive") or r["name_ru"],
                r.get("center_ru") or r["name_ru"],
                districts,
            )
        )
    return regions


def build(settings: Settings) -> World:
    """The standing world for these settings: the same for the same seed and version."""
    world = World(settings, _regions(), _leaves(), Names(reference.load("names")))
    _integrity(world)
    _bodies(world)
    _officials(world)
    _companies(world)
    return world


def _integrity(world: World) -> None:
    rng = stream(world.settings.seed, "integrity")
    katos = [r.kato for r in world.regions]
    clean = set(rng.sample(katos, 3))
    raw = {k: (0.0 if k in clean else rng.lognormvariate(0.0, 0.6)) for k in katos}
    mean = sum(raw.values()) / (len(katos) - len(clean))
    world.integrity = {k: round(v / mean, 3) for k, v in raw.items()}


def _capital(world: World) -> Region:
    return next(r for r in world.regions if r.kind == "city" and r.name_en == "Astana")


def _bodies(world: World) -> None:
    rng = stream(world.settings.seed, "bodies")
    n = world.settings.scale.bodies
    names = world.names
    start = world.start
    capital = _capital(world)

    def add(
        kind: str,
        level: str,
        parent: Body | None,
        region: Region | None,
        district: District | None,
        **fmt: Any,
    ) -> Body:
        created = random_date(rng, dt.date(1996, 1, 1), dt.date(start.year - 3, 12, 31))
        where = region or capital
        place = district.name_ru if district else where.center_ru
        name_ru, name_kk = names.body(rng, kind, region=where, district=district, **fmt)
        body = Body(
            len(world.bodies),
            world.ids.bin(created),
            name_ru,
            name_kk,
            kind,
            level,
            parent.bin if parent else None,
            region.kato if region else None,
            district.kato if district else where.kato,
            place,
            names.address(rng, place),
            created,
            rng.lognormvariate(0.0, 0.5),
            region.kato if region else "republican",
        )
        world.bodies.append(body)
        return body

    ministries = min(len(names.data["ministries"]), max(3, n // 1200))
    committees_per = 2 if n >= 2000 else 0
    territorial = n >= 5000
    departments = DEPARTMENTS[: min(len(DEPARTMENTS), max(2, n // 2000))]
    with_districts = n >= 2000
    for m in range(ministries):
        ministry = add("ministry", "republican", None, None, None, n=m)
        for c in range(committees_per):
            committee = add("committee", "republican", ministry, None, None, n=m * committees_per + c)
            if territorial and c == 0:
                for region in world.regions:
                    add(
                        "territorial_department",
                        "republican",
                        committee,
                        region,
                        None,
                        committee=committee.name_ru,
                    )
    parents: dict[tuple[str, str], Body] = {}
    district_akimats: dict[str, Body] = {}
    for region in world.regions:
        akimat = add(
            "city_akimat" if region.kind == "city" else "regional_akimat", "regional", None, region, None
        )
        for sector in departments:
            parents[(region.kato, sector)] = add(
                "akimat_department", "regional", akimat, region, None, sector=sector
            )
        if with_districts:
            for district in region.districts:
                district_akimats[district.kato] = add("district_akimat", "district", akimat, region, district)
    remaining = max(0, n - len(world.bodies))
    kinds = [k for k, _, _ in SUBORDINATES]
    cumulative_kinds = _cumulative([w for _, w, _ in SUBORDINATES])
    districts = [(r, d) for r in world.regions for d in r.districts]
    cumulative_districts = _cumulative([d.population for _, d in districts])
    counters: dict[tuple[str, str], int] = defaultdict(int)
    for _ in range(remaining):
        k = weighted_index(rng, cumulative_kinds)
        kind, sector = kinds[k], SUBORDINATES[k][2]
        region, district = districts[weighted_index(rng, cumulative_districts)]
        parent = (
            parents.get((region.kato, sector))
            or district_akimats.get(district.kato)
            or parents[(region.kato, "education")]
        )
        counters[(district.kato, kind)] += 1
        level = (
            "district"
            if kind in {"school", "kindergarten", "utility", "culture_centre"} and with_districts
            else "regional"
        )
        add(kind, level, parent, region, district, n=counters[(district.kato, kind)])


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _officials(world: World) -> None:
    """Heads, deputies and procurement officers of every body, over the years before and during the world."""
    first = dt.date(world.start.year - 3, 1, 1)
    for body in world.bodies:
        rng = stream(world.settings.seed, "officials", body.bin)
        posts = ["head", "procurement_officer"]
        if body.kind in {
            "ministry",
            "committee",
            "regional_akimat",
            "city_akimat",
            "district_akimat",
            "akimat_department",
            "hospital",
        }:
            posts.insert(1, "deputy_head")
        for post in posts:
            # Terms of two to six years; the first began before the window opened.
            day = first - dt.timedelta(days=rng.randrange(0, 3 * 365))
            while day <= world.end:
                term = dt.timedelta(days=rng.randrange(2 * 365, 6 * 365))
                end = day + term
                person = world.person(rng, born=(1960, 1992))
                if post == "head":
                    world.relatives(
                        rng,
                        person,
                        siblings=rng.choice((0, 1, 1, 2)),
                        children=rng.choice((0, 1, 2)),
                        spouse=rng.random() < 0.85,
                    )
                elif rng.random() < 0.5:
                    world.relatives(
                        rng, person, siblings=rng.choice((0, 1)), children=0, spouse=rng.random() < 0.7
                    )
                world.posts.append(Post(body.bin, post, person.iin, day, end if end <= world.end else None))
                day = end + dt.timedelta(days=1)


def _companies(world: World) -> None:
    rng = stream(world.settings.seed, "companies")
    divisions = sorted(world.divisions)
    division_weights = _cumulative(
        [sum(world.leaves[i].weight for i in world.divisions[d]) + 0.02 for d in divisions]
    )
    regions = world.regions
    region_weights = _cumulative([r.population * (1.6 if r.kind == "city" else 1.0) for r in regions])
    owners: list[str] = []
    for index in range(world.settings.scale.companies):
        registered = random_date(rng, dt.date(1998, 1, 1), world.start - dt.timedelta(days=60))
        region = regions[weighted_index(rng, region_weights)]
        district = rng.choice(region.districts)
        specialities = {
            divisions[weighted_index(rng, division_weights)] for _ in range(rng.choice((1, 1, 2, 3)))
        }
        name_ru, name_kk, form = world.names.company(rng)
        company = Company(
            index,
            world.ids.bin(registered),
            name_ru,
            name_kk,
            form,
            registered,
            region.kato,
            district.kato,
            world.names.address(rng, district.name_ru),
            world.names.phone(rng),
            world.names.email(rng, name_ru),
            tuple(sorted(specialities)),
            rng.lognormvariate(0.0, 0.8),
        )
        world.companies.append(company)
        # Founders: one to three people; a few own several companies (family groups, honest noise).
        chosen: set[str] = set()
        for f in range(rng.choice((1, 1, 1, 2, 3))):
            if owners and rng.random() < 0.03 and (repeat := rng.choice(owners)) not in chosen:
                iin = repeat
            else:
                iin = world.person(rng, born=(1958, 1998)).iin
                owners.append(iin)
            chosen.add(iin)
            world.roles.append(Role(company.bin, iin, "founder", None, registered, None))
            if f == 0 and rng.random() < 0.7:
                world.roles.append(Role(company.bin, iin, "director", None, registered, None))
        founders = [r for r in world.roles[-4:] if r.company_bin == company.bin and r.role == "founder"]
        for role in founders:
            role.share = round(1.0 / len(founders), 4)
        if not any(r.company_bin == company.bin and r.role == "director" for r in world.roles[-4:]):
            director = world.person(rng, born=(1965, 1998))
            world.roles.append(Role(company.bin, director.iin, "director", None, registered, None))
        # Honest sharing of contact details: an accountancy firm's phone, a business centre's address.
        if index > 10 and rng.random() < 0.01:
            other = world.companies[rng.randrange(index)]
            company.phone = other.phone
