"""Planted schemes: which cases exist, who is in them, and how each of their processes departs from honesty.

Cases are planned for the whole world first (``plan``), changing the registers where a scheme needs it
(a cartel's shared phone, a head's relative who founds a company, a shell registered days before it
wins); then each body's generator shapes the processes of the cases it takes part in (``shape``);
finally the evidence is read back from the releases written (``evidence``), so that the ground truth
says what the data shows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from adal.synth.config import MIN_CASES, SCHEMES
from adal.synth.procurement import (
    METHODS,
    Buyer,
    Market,
    Spec,
    minimum_days,
    price_offers_mrp,
    threshold,
)
from adal.synth.rng import stream, weighted_index
from adal.synth.world import (
    AFFINITY,
    Body,
    Company,
    FamilyLink,
    Leaf,
    Post,
    Role,
    World,
    _cumulative,
    random_date,
)

# Bodies of these kinds buy competitively often enough to host a scheme.
_HOSTS = {
    "ministry",
    "committee",
    "territorial_department",
    "regional_akimat",
    "city_akimat",
    "district_akimat",
    "akimat_department",
    "hospital",
    "polyclinic",
    "utility",
    "roads_department",
    "college",
    "school",
}

UNJUSTIFIED_GROUNDS = ("Неотложная потребность", "Иное", None)


@dataclass
class Case:
    id: str
    scheme: str
    region: str | None  # KATO, or None for a republican body
    bodies: list[Body]
    count: int
    window: tuple[dt.date, dt.date]
    suppliers: list[Company] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    leaf: Leaf | None = None
    params: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)  # planted in the registers

    def body_for(self, k: int) -> Body:
        return self.bodies[k % len(self.bodies)]


class Planner:
    def __init__(self, world: World, expected_processes: float) -> None:
        self.world = world
        self.rng = stream(world.settings.seed, "schemes")
        self.expected = expected_processes
        self.hosts: dict[str | None, list[Body]] = {}
        for body in world.bodies:
            if body.kind in _HOSTS:
                self.hosts.setdefault(body.region_kato, []).append(body)
        # Regions weighted by population and integrity; central bodies as one more "region".
        self.places: list[str | None] = [r.kato for r in world.regions if world.integrity[r.kato] > 0] + [
            None
        ]
        population = sum(r.population for r in world.regions)
        weights = [world.region(k).population * world.integrity[k] for k in self.places if k]  # type: ignore[union-attr]
        weights.append(0.1 * population)
        self.cumulative = _cumulative(weights)
        self.market = Market(world)
        self.serial = 0

    def place(self) -> str | None:
        for _ in range(50):
            place = self.places[weighted_index(self.rng, self.cumulative)]
            if self.hosts.get(place):
                return place
        return None

    def window(self, days: int) -> tuple[dt.date, dt.date]:
        year = self.rng.choice(self.world.settings.years)
        start = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(0, max(1, 335 - min(days, 240))))
        return start, min(start + dt.timedelta(days=days), dt.date(year, 12, 31))

    def leaf_for(self, body: Body, category: str | None = None) -> Leaf:
        affinity = AFFINITY.get(body.kind, {})
        leaves = [leaf for leaf in self.world.leaves if category is None or leaf.category == category]
        weights = _cumulative([leaf.weight * affinity.get(leaf.division, 1.0) for leaf in leaves])
        return leaves[weighted_index(self.rng, weights)]

    def new_company(
        self, region: str | None, division: str, registered: dt.date, owner: str | None = None
    ) -> Company:
        """A company created for a scheme, founded and directed by ``owner`` (a new person if not given)."""
        world = self.world
        rng = self.rng
        kato = region or next(r.kato for r in world.regions if r.name_en == "Astana")
        district = rng.choice(world.region(kato).districts)  # type: ignore[union-attr]
        name_ru, name_kk, form = world.names.company(rng)
        company = Company(
            len(world.companies),
            world.ids.bin(registered),
            name_ru,
            name_kk,
            form,
            registered,
            kato,
            district.kato,
            world.names.address(rng, district.name_ru),
            world.names.phone(rng),
            world.names.email(rng, name_ru),
            (division,),
            1.0,
            pooled=False,
        )
        world.companies.append(company)
        owner = owner or world.person(rng, born=(1965, 1998)).iin
        world.roles.append(Role(company.bin, owner, "founder", 1.0, registered, None))
        world.roles.append(Role(company.bin, owner, "director", None, registered, None))
        return company

    def case(self, scheme: str, place: str | None, bodies: list[Body], count: int, days: int) -> Case:
        self.serial += 1
        return Case(f"{scheme}-{self.serial:04d}", scheme, place, bodies, count, self.window(days))

    # -- the schemes ----------------------------------------------------------------------------------

    def cartel(self) -> Case:
        rng = self.rng
        place = self.place()
        hosts = self.hosts[place]
        bodies = rng.sample(hosts, min(len(hosts), rng.randrange(2, 5)))
        leaf = self.leaf_for(bodies[0], rng.choice(("goods", "works")))
        size = rng.randrange(3, 6)
        members = self.market.draw(rng, leaf.division, place, size)
        while len(members) < size:
            members.append(
                self.new_company(
                    place, leaf.division, random_date(rng, dt.date(2010, 1, 1), dt.date(2020, 12, 31))
                )
            )
        case = self.case("cartel", place, bodies, rng.randrange(6, 13), 240)
        case.suppliers, case.leaf = members, leaf
        case.params["prices"] = rng.choice(("multiples", "identical"))
        case.params["step"] = rng.choice((0.02, 0.03, 0.05))
        link = rng.choice(("phone", "address", "owner"))
        if link == "phone":
            for m in members[1:]:
                m.phone = members[0].phone
            case.evidence.append(
                {"kind": "shared_phone", "phone": members[0].phone, "companies": [m.bin for m in members]}
            )
        elif link == "address":
            for m in members[1:]:
                m.address, m.kato, m.region_kato = members[0].address, members[0].kato, members[0].region_kato
            case.evidence.append(
                {
                    "kind": "shared_address",
                    "address": members[0].address,
                    "companies": [m.bin for m in members],
                }
            )
        else:
            owner = self.world.person(rng, born=(1960, 1990))
            for m in members:
                # The hidden owner takes half of each member; the founders of record keep the rest.
                for role in self.world.roles:
                    if role.company_bin == m.bin and role.role == "founder" and role.share is not None:
                        role.share = round(role.share / 2, 4)
                self.world.roles.append(Role(m.bin, owner.iin, "founder", 0.5, m.registered, None))
            case.people.append(owner.iin)
            case.evidence.append(
                {"kind": "shared_owner", "iin": owner.iin, "companies": [m.bin for m in members]}
            )
        return case

    def captured_buyer(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        leaf = self.leaf_for(body)
        favourite = self.market.draw(rng, leaf.division, place, 1)[0]
        case = self.case("captured_buyer", place, [body], rng.randrange(5, 11), 300)
        case.suppliers, case.leaf = [favourite], leaf
        return case

    def splitting(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        leaf = self.leaf_for(body, rng.choice(("goods", "services")))
        supplier = self.market.draw(rng, leaf.division, place, 1)[0]
        case = self.case("splitting", place, [body], rng.randrange(3, 7), 30)
        case.suppliers, case.leaf = [supplier], leaf
        case.params["limit_mrp"] = price_offers_mrp(case.window[0].year)
        return case

    def unjustified_single_source(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        leaf = self.leaf_for(body)
        while leaf.division in {"35", "36"}:
            leaf = self.leaf_for(body)
        supplier = self.market.draw(rng, leaf.division, place, 1)[0]
        case = self.case("unjustified_single_source", place, [body], rng.randrange(1, 4), 200)
        case.suppliers, case.leaf = [supplier], leaf
        case.params["ground"] = rng.choice(UNJUSTIFIED_GROUNDS)
        return case

    def conflict_of_interest(self) -> Case:
        rng = self.rng
        world = self.world
        place = self.place()
        body = rng.choice(self.hosts[place])
        year = min(world.settings.years)
        first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)

        def served(post: Post) -> int:
            return (min(post.end or last_day, last_day) - max(post.start, first_day)).days

        heads = [p for p in world.posts if p.body_bin == body.bin and p.post == "head" and _overlap(p, year)]
        head = max(heads, key=served)  # the head who served longest that year
        start = max(head.start, first_day)
        end = min(head.end or last_day, last_day)
        relatives = [f for f in world.family if f.iin == head.iin]
        if relatives:
            link = rng.choice(relatives)
        else:
            official = world.people[head.iin]
            relative = world.person(
                rng,
                born=(official.birth_date.year - 5, official.birth_date.year + 5),
                last=official.last_name,
            )
            link = FamilyLink(head.iin, relative.iin, "sibling")
            world.family += [link, FamilyLink(relative.iin, head.iin, "sibling")]
        leaf = self.leaf_for(body)
        company = self.new_company(
            place,
            leaf.division,
            random_date(rng, dt.date(2012, 1, 1), dt.date(year - 1, 6, 30)),
            owner=link.relative_iin,
        )
        company.pooled = True
        case = self.case("conflict_of_interest", place, [body], rng.randrange(2, 6), 200)
        # Plans made early enough in the term that the awards (at most ~80 days after the plan) fall in it.
        latest = max(start, end - dt.timedelta(days=80))
        first = start + dt.timedelta(days=rng.randrange(max(1, (latest - start).days - 60)))
        case.window = (first, min(latest, first + dt.timedelta(days=120)))
        case.suppliers, case.leaf, case.people = [company], leaf, [head.iin, link.relative_iin]
        case.evidence += [
            {
                "kind": "family_link",
                "official": head.iin,
                "relative": link.relative_iin,
                "relation": link.relation,
            },
            {"kind": "owned_by_relative", "company": company.bin, "iin": link.relative_iin},
            {
                "kind": "head_of_buyer",
                "body": body.bin,
                "iin": head.iin,
                "start": head.start.isoformat(),
                "end": head.end.isoformat() if head.end else None,
            },
        ]
        return case

    def shell_company(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        leaf = self.leaf_for(body, rng.choice(("goods", "works")))
        case = self.case("shell_company", place, [body], rng.randrange(1, 3), 5)
        registered = case.window[0] - dt.timedelta(days=rng.randrange(0, 10))
        director = self.world.person(rng, born=(1975, 2003))
        shell = self.new_company(place, leaf.division, registered, owner=director.iin)
        case.suppliers, case.leaf, case.people = [shell], leaf, [director.iin]
        return case

    def unit_price_inflation(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        leaf = self.leaf_for(body, "goods")
        supplier = self.market.draw(rng, leaf.division, place, 1)[0]
        case = self.case("unit_price_inflation", place, [body], rng.randrange(1, 5), 200)
        case.suppliers, case.leaf = [supplier], leaf
        return case

    def amendment_inflation(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        return self.case("amendment_inflation", place, [body], rng.randrange(1, 3), 200)

    def late_delivery_paid_in_full(self) -> Case:
        rng = self.rng
        place = self.place()
        body = rng.choice(self.hosts[place])
        return self.case("late_delivery_paid_in_full", place, [body], rng.randrange(1, 3), 200)


def _overlap(post: Post, year: int) -> bool:
    return post.start <= dt.date(year, 9, 30) and (post.end is None or post.end >= dt.date(year, 4, 1))


def plan(world: World, expected_processes: float) -> list[Case]:
    """Every planted case of the world, in a stable order."""
    planner = Planner(world, expected_processes)
    cases: list[Case] = []
    for scheme in SCHEMES:
        rate = world.settings.rates.get(scheme, 0.0)
        if rate <= 0:
            continue
        n = max(MIN_CASES, round(rate * expected_processes / 10_000))
        for _ in range(n):
            cases.append(getattr(planner, scheme)())
    return cases


# -- shaping processes ------------------------------------------------------------------------------------


def shape(case: Case, k: int, buyer: Buyer, world: World) -> Spec:
    """Process ``k`` of a case at ``buyer``: an honest draw, then bent the way the scheme bends it."""
    rng = stream(world.settings.seed, "case", case.id, k)
    spec = buyer.honest()
    spec.case = case.id
    spec.gaps = frozenset()
    spec.plan_date = random_date(rng, case.window[0], case.window[1])
    year = spec.plan_date.year
    if case.leaf is not None:
        spec.leaf = case.leaf
        spec.unit_price = round(case.leaf.reference_price * math.exp(rng.gauss(0.0, 0.1)), 2)
        budget = max(case.leaf.budget_median, case.leaf.reference_price) * rng.uniform(0.8, 3.0)
        spec.quantity = float(max(1, round(budget / spec.unit_price)))
    scheme = case.scheme
    supplier = case.suppliers[0] if case.suppliers else None
    if scheme == "cartel":
        spec.method = (
            "open_tender"
            if spec.leaf.category == "works" or spec.estimate > threshold(year, price_offers_mrp(year))
            else "price_offers"
        )
        spec.rationale = None
        buyer.competition(spec, bidders=1)
        members = case.suppliers
        winner = k % len(members)
        spec.bidders = list(members)
        win_price = round(spec.estimate * rng.uniform(0.97, 0.995), 2)
        step = case.params["step"]
        spec.prices = []
        for i, _ in enumerate(members):
            if case.params["prices"] == "identical":
                spec.prices.append(win_price)
            else:
                rank = (i - winner) % len(members)
                spec.prices.append(round(win_price * (1 + step * rank), 2))
        spec.statuses = ["valid"] * len(members)
        spec.reasons = [None] * len(members)
        spec.winner = winner
    elif scheme == "captured_buyer":
        small = spec.estimate <= threshold(year, price_offers_mrp(year)) and spec.leaf.category != "works"
        spec.method = "price_offers" if small and rng.random() < 0.4 else "open_tender"
        spec.rationale = None
        buyer.competition(spec, bidders=rng.choice((1, 1, 3)))
        # Below the lawful minimum: rivals cannot prepare in time.
        spec.tender_days = max(1, minimum_days(spec.method, year) // 2 - rng.randrange(0, 2))
        assert supplier is not None
        rivals = [c for c in spec.bidders if c.bin != supplier.bin][:2]
        spec.bidders = [supplier, *rivals]
        spec.prices = [round(spec.estimate * rng.uniform(0.98, 1.0), 2)] + [
            round(spec.estimate * rng.uniform(0.8, 0.95), 2) for _ in rivals
        ]
        spec.statuses = ["valid"] + ["disqualified"] * len(rivals)
        spec.reasons = [None] + [
            rng.choice(
                ("Несоответствие квалификационным требованиям", "Техническая спецификация не соответствует")
            )
            for _ in rivals
        ]
        spec.winner = 0
    elif scheme == "splitting":
        limit = threshold(year, case.params["limit_mrp"])
        target = limit * rng.uniform(0.85, 0.99)
        spec.quantity = float(max(1, math.floor(target / spec.unit_price)))
        if spec.estimate > limit:
            spec.unit_price = round(limit * 0.95 / spec.quantity, 2)
        spec.method, spec.rationale = "price_offers", None
        assert supplier is not None
        _sole(spec, buyer, supplier, rng)
    elif scheme == "unjustified_single_source":
        limit = threshold(year, price_offers_mrp(year))
        if spec.estimate <= limit:
            spec.quantity = float(math.ceil(limit * rng.uniform(1.2, 5.0) / spec.unit_price))
        spec.method, spec.rationale = "single_source", case.params["ground"]
        assert supplier is not None
        _sole(spec, buyer, supplier, rng)
    elif scheme == "conflict_of_interest":
        spec.method, spec.rationale = buyer.method_for(spec.leaf, spec.estimate)
        assert supplier is not None
        buyer.competition(spec)
        if supplier.bin not in {c.bin for c in spec.bidders}:
            spec.bidders = [supplier, *spec.bidders[:2]]
            spec.prices = [round(spec.estimate * rng.uniform(0.95, 0.99), 2)] + [
                round(spec.estimate * rng.uniform(0.96, 1.0), 2) for _ in spec.bidders[1:]
            ]
            spec.statuses = ["valid"] * len(spec.bidders)
            spec.reasons = [None] * len(spec.bidders)
        i = next(i for i, c in enumerate(spec.bidders) if c.bin == supplier.bin)
        spec.statuses[i], spec.reasons[i] = "valid", None
        best = min(spec.prices[j] for j, s in enumerate(spec.statuses) if s == "valid")
        spec.prices[i] = round(min(spec.prices[i], best * 0.995), 2)
        spec.winner = i
    elif scheme == "shell_company":
        spec.quantity = float(math.ceil(spec.quantity * rng.uniform(5, 12)))
        spec.method = "open_tender"
        spec.rationale = None
        assert supplier is not None
        buyer.competition(spec, bidders=rng.choice((1, 2, 3)))
        rivals = [c for c in spec.bidders if c.bin != supplier.bin][:2]
        spec.bidders = [supplier, *rivals]
        spec.prices = [round(spec.estimate * rng.uniform(0.97, 1.0), 2)] + [
            round(spec.estimate * rng.uniform(0.85, 0.95), 2) for _ in rivals
        ]
        spec.statuses = ["valid"] + ["disqualified"] * len(rivals)
        spec.reasons = [None] + ["Несоответствие квалификационным требованиям"] * len(rivals)
        spec.winner = 0
        spec.tender_days = 15
    elif scheme == "unit_price_inflation":
        spec.unit_price = round(spec.leaf.reference_price * rng.uniform(1.6, 3.0), 2)
        spec.method, spec.rationale = buyer.method_for(spec.leaf, spec.estimate)
        assert supplier is not None
        _sole(spec, buyer, supplier, rng)
        spec.prices = [spec.estimate]
    elif scheme == "amendment_inflation":
        spec.method, spec.rationale = buyer.method_for(spec.leaf, spec.estimate)
        buyer.competition(spec)
        if spec.winner is None:
            spec.statuses[0], spec.reasons[0], spec.winner = "valid", None, 0
        total = rng.uniform(1.25, 1.6)
        steps = rng.choice((1, 2, 3))
        factor = total ** (1 / steps)
        spec.amendments = [
            (
                int(spec.contract_days * (s + 1) / (steps + 1)),
                round(factor, 4),
                rng.choice((0, 15, 30)),
                "Увеличение объёма",
            )
            for s in range(steps)
        ]
    elif scheme == "late_delivery_paid_in_full":
        spec.method, spec.rationale = buyer.method_for(spec.leaf, spec.estimate)
        buyer.competition(spec)
        if spec.winner is None:
            spec.statuses[0], spec.reasons[0], spec.winner = "valid", None, 0
        spec.delay_days = None if rng.random() < 0.4 else rng.randrange(30, 121)
        spec.paid_share = 1.0
        spec.amendments = []
    if scheme not in {"amendment_inflation"}:
        spec.amendments = [a for a in spec.amendments if a[1] <= 1.0]
    if scheme not in {"late_delivery_paid_in_full"} and (spec.delay_days is None or spec.delay_days > 0):
        spec.delay_days, spec.paid_share = 0, 1.0
    return spec


def _sole(spec: Spec, buyer: Buyer, supplier: Company, rng: random.Random) -> None:
    """One bid (or a direct award) from ``supplier``."""
    spec.tender_days = rng.choice((1, 2, 3)) if spec.method == "single_source" else spec.tender_days
    spec.bidders = [supplier]
    spec.prices = [round(spec.estimate * rng.uniform(0.97, 1.0), 2)]
    spec.statuses, spec.reasons, spec.winner = ["valid"], [None], 0


# -- evidence, read back from the releases ------------------------------------------------------------------


def evidence(case: Case, processes: list[tuple[str, str, float, dict[str, Any]]]) -> dict[str, Any]:
    """The ground-truth line of a case, from the facts of the releases its processes were written as:
    ``(ocid, buyer BIN, the item's median budget, facts)`` per process."""
    ocids = [p[0] for p in processes]
    found: list[dict[str, Any]] = list(case.evidence)
    seen = [p[3] for p in processes]
    scheme = case.scheme
    if scheme == "cartel":
        found.append({"kind": "co_bidding", "companies": [c.bin for c in case.suppliers], "ocids": ocids})
        found.append({"kind": "bid_rotation", "winners": [f["winner"] for f in seen]})
        kind = "identical_prices" if case.params["prices"] == "identical" else "price_multiples"
        found.append(
            {
                "kind": kind,
                "step": case.params["step"] if kind == "price_multiples" else 0.0,
                "bids": [f["bids"] for f in seen],
            }
        )
    elif scheme == "captured_buyer":
        found.append({"kind": "favourite_supplier", "supplier": case.suppliers[0].bin, "ocids": ocids})
        found.append(
            {
                "kind": "short_tender_period",
                "days": [f["tender_days"] for f in seen],
                "lawful_minimum": [minimum_days(f["method"], int(f["date"][:4])) for f in seen],
            }
        )
        found.append({"kind": "no_real_competition", "valid_bids": [f["valid_bids"] for f in seen]})
    elif scheme == "splitting":
        limit = case.params["limit_mrp"]
        found.append(
            {
                "kind": "below_threshold",
                "threshold_mrp": limit,
                "thresholds_kzt": [threshold(int(f["date"][:4]), limit) for f in seen],
                "values": [f["estimate"] for f in seen],
                "combined": round(sum(f["estimate"] for f in seen), 2),
            }
        )
        found.append(
            {
                "kind": "same_item_same_supplier",
                "classification": case.leaf.code if case.leaf else None,
                "supplier": case.suppliers[0].bin,
            }
        )
        found.append({"kind": "short_window", "days": (case.window[1] - case.window[0]).days})
    elif scheme == "unjustified_single_source":
        found.append(
            {
                "kind": "single_source_above_threshold",
                "threshold_mrp": price_offers_mrp(case.window[0].year),
                "values": [f["estimate"] for f in seen],
                "rationale": case.params["ground"],
            }
        )
    elif scheme == "conflict_of_interest":
        found.append(
            {"kind": "awards_to_relative", "ocids": ocids, "award_dates": [f["award_date"] for f in seen]}
        )
    elif scheme == "shell_company":
        shell = case.suppliers[0]
        first = min(f["award_date"] for f in seen)
        days = (dt.date.fromisoformat(first[:10]) - shell.registered).days
        found.append(
            {
                "kind": "registered_shortly_before",
                "company": shell.bin,
                "registered": shell.registered.isoformat(),
                "first_award": first,
                "days": days,
            }
        )
        found.append({"kind": "no_history", "company": shell.bin})
        found.append(
            {
                "kind": "large_award",
                "values": [f["award_value"] for f in seen],
                "reference_medians": [p[2] for p in processes],
            }
        )
    elif scheme == "unit_price_inflation":
        ref = case.leaf.reference_price if case.leaf else 0.0
        found.append(
            {
                "kind": "unit_price_ratio",
                "classification": case.leaf.code if case.leaf else None,
                "reference_price": ref,
                "ratios": [round(f["unit_price"] / ref, 3) for f in seen],
            }
        )
    elif scheme == "amendment_inflation":
        found.append(
            {
                "kind": "amendment_value_increase",
                "original": [f["award_value"] for f in seen],
                "final": [f["contract_value"] for f in seen],
                "ratios": [round(f["contract_value"] / f["award_value"], 3) for f in seen],
            }
        )
    elif scheme == "late_delivery_paid_in_full":
        found.append({"kind": "late_or_no_delivery", "days_late": [f["days_late"] for f in seen]})
        found.append(
            {
                "kind": "paid_in_full",
                "paid": [f["paid"] for f in seen],
                "contract_value": [f["contract_value"] for f in seen],
            }
        )
    dates = [f["date"] for f in seen] + [f["last"] for f in seen]
    return {
        "case_id": case.id,
        "scheme": scheme,
        "region_kato": case.region,
        "period": {"start": min(dates)[:10], "end": max(dates)[:10]},
        "ocids": ocids,
        "buyers": sorted({p[1] for p in processes}),
        "suppliers": [c.bin for c in case.suppliers] or sorted({f["winner"] for f in seen if f["winner"]}),
        "people": case.people,
        "evidence": found,
    }


_METHOD_CODES = {name: code for code, (name, _, _) in METHODS.items()}


def facts(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """What a process's releases say, compiled by hand for the few fields the evidence needs."""
    out: dict[str, Any] = {
        "date": releases[0]["date"],
        "last": releases[-1]["date"],
        "bids": {},
        "valid_bids": 0,
        "winner": None,
        "award_value": None,
        "award_date": None,
        "contract_value": None,
        "paid": 0.0,
        "days_late": None,
        "tender_days": None,
        "estimate": None,
        "unit_price": None,
    }
    for release in releases:
        tender = release.get("tender", {})
        if "procurementMethodDetails" in tender:
            out["method"] = _METHOD_CODES[tender["procurementMethodDetails"]]
        if "value" in tender:
            out["estimate"] = tender["value"]["amount"]
            item = tender["items"][0]
            out["unit_price"] = item["unit"]["value"]["amount"]
            period = tender.get("tenderPeriod", {})
            if "endDate" in period:
                out["tender_days"] = (
                    dt.datetime.fromisoformat(period["endDate"]).date()
                    - dt.datetime.fromisoformat(period["startDate"]).date()
                ).days
        for bid in release.get("bids", {}).get("details", []):
            out["bids"][bid["tenderers"][0]["id"].removeprefix("KZ-BIN-")] = bid.get("value", {}).get(
                "amount"
            )
            out["valid_bids"] += bid["status"] == "valid"
        for award in release.get("awards", []):
            out["winner"] = award["suppliers"][0]["id"].removeprefix("KZ-BIN-")
            out["award_value"] = award["value"]["amount"]
            out["award_date"] = award["date"]
        for contract in release.get("contracts", []):
            if "value" in contract:
                out["contract_value"] = contract["value"]["amount"]
            implementation = contract.get("implementation")
            if implementation:
                out["paid"] = round(sum(t["value"]["amount"] for t in implementation["transactions"]), 2)
                milestone = implementation["milestones"][0]
                if milestone["status"] == "notMet":
                    out["days_late"] = None
                else:
                    due = dt.datetime.fromisoformat(milestone["dueDate"]).date()
                    out["days_late"] = (dt.datetime.fromisoformat(milestone["dateMet"]).date() - due).days
    return out
