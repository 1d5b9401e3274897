"""Contracting processes of one body, as OCDS releases: planning, tender, award, contract, implementation.

A process is first decided as a :class:`Spec` (what was bought, how, who bid what, who won, what
happened after), honestly drawn or shaped by a planted scheme (``schemes.py``), then written out as
the releases a publisher would send over time. Nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from adal.synth import data as reference
from adal.synth.config import OCID_PREFIX
from adal.synth.rng import lognormal_from, stream, weighted_index
from adal.synth.world import AFFINITY, BASE_RATE, Body, Company, Debarment, Leaf, World, _cumulative

CURRENCY = "KZT"
TZ = dt.timezone(dt.timedelta(hours=5))  # Kazakhstan: one time zone, UTC+5, since 1 March 2024


def _mrp_table() -> dict[int, int]:
    """The MRP (monthly calculation index) in force at the start of each year, tenge (data/law.json)."""
    table: dict[int, int] = {}
    for entry in reference.load("law")["mrp"]:
        if entry["valid_from"].endswith("-01-01"):
            table[int(entry["year"])] = int(entry["value"])
    return table


MRP = _mrp_table()

# Methods: code -> (Russian name, OCDS procurementMethod, competitive?)
METHODS: dict[str, tuple[str, str, bool]] = {
    "open_tender": ("Открытый конкурс", "open", True),
    "auction": ("Аукцион", "open", True),
    "price_offers": ("Запрос ценовых предложений", "open", True),
    "single_source": ("Из одного источника", "direct", False),
    "e_shop": ("Через электронный магазин", "limited", False),
}


def _method_limits() -> list[tuple[dt.date, dt.date, int]]:
    """The price-offers limit in MRP by period of the law in force (data/law.json): (from, to, MRP)."""
    method = next(m for m in reference.load("law")["methods"] if m["code"] == "price_offers")
    return [
        (
            dt.date.fromisoformat(p["valid_from"]),
            dt.date.fromisoformat(p["valid_to"] or "9999-12-31"),
            int(p["max_mrp"]),
        )
        for p in method["periods"]
    ]


_PRICE_OFFERS_LIMITS = _method_limits()


def price_offers_mrp(year: int) -> int:
    """Request for price offers is allowed up to this many MRP a year (4,000 under the 2015 law, 8,000 under
    the 2024 law, art. 10 p. 4, from 2025); above it, a tender or an auction."""
    day = dt.date(year, 7, 1)
    return next(limit for start, end, limit in _PRICE_OFFERS_LIMITS if start <= day <= end)


def minimum_days(method: str, year: int) -> int:
    """The shortest usual offer window, days. From 2025 as measured on the real lots (price offers close in
    2 days on 96 % of them, open tenders in 7 days on 87 %); before 2025, 5 and 15 days (assumed)."""
    if method in {"open_tender", "auction"}:
        return 7 if year >= 2025 else 15
    if method == "price_offers":
        return 2 if year >= 2025 else 5
    return 0


# Grounds for buying from one source (2024 law art. 16), as a buyer writes them.
LEGAL_SINGLE_SOURCE = (
    "Закупки способом запроса ценовых предложений признаны несостоявшимися",  # art. 16 p. 2
    "Приобретение услуг естественных монополий и энергоснабжения",  # art. 16 p. 3
    "Приобретение у обладателя исключительных прав",  # art. 16 p. 3
    "Предотвращение и ликвидация чрезвычайных ситуаций",  # art. 16 p. 3
)
DISQUALIFICATION = (
    "Несоответствие квалификационным требованиям",
    "Не представлено обеспечение заявки",
    "Документы не соответствуют требованиям конкурсной документации",
    "Техническая спецификация не соответствует",
)


def threshold(year: int, mrp: int) -> float:
    """``mrp`` MRP in tenge, at the MRP of ``year``."""
    return float(MRP.get(year, MRP[max(MRP)]) * mrp)


@dataclass
class Spec:
    """One contracting process, decided before it is written."""

    body: Body
    plan_date: dt.date
    leaf: Leaf
    quantity: float
    unit_price: float
    method: str
    rationale: str | None = None
    tender_days: int = 10
    bidders: list[Company] = field(default_factory=list)
    prices: list[float] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # valid | disqualified | withdrawn
    reasons: list[str | None] = field(default_factory=list)
    winner: int | None = None  # index into bidders
    contract_days: int = 60
    amendments: list[tuple[int, float, int, str]] = field(
        default_factory=list
    )  # (day, value factor, +days, why)
    delay_days: int | None = 0  # None: never delivered
    paid_share: float = 1.0
    gaps: frozenset[str] = frozenset()
    case: str | None = None  # planted case id

    @property
    def estimate(self) -> float:
        return round(self.quantity * self.unit_price, 2)


class Market:
    """Who can bid for what, where: companies by classifier division and region, weighted by activity."""

    def __init__(self, world: World) -> None:
        self.world = world
        by_division: dict[str, list[Company]] = {}
        for company in world.companies:
            if not company.pooled:
                continue
            for division in company.divisions:
                by_division.setdefault(division, []).append(company)
        self.pools: dict[tuple[str, str | None], tuple[list[Company], list[float]]] = {}
        for division, companies in by_division.items():
            self.pools[(division, None)] = (companies, _cumulative([c.weight for c in companies]))
            by_region: dict[str, list[Company]] = {}
            for c in companies:
                by_region.setdefault(c.region_kato, []).append(c)
            for region, local in by_region.items():
                self.pools[(division, region)] = (local, _cumulative([c.weight for c in local]))
        everyone = [c for c in world.companies if c.pooled]
        self.anyone = (everyone, _cumulative([c.weight for c in everyone]))

    def draw(self, rng: random.Random, division: str, region: str | None, k: int) -> list[Company]:
        chosen: dict[int, Company] = {}
        attempts = 0
        while len(chosen) < k and attempts < 8 * k:
            attempts += 1
            pool = None
            if region is not None and rng.random() < 0.7:
                pool = self.pools.get((division, region))
            pool = pool or self.pools.get((division, None)) or self.anyone
            companies, cumulative = pool
            company = companies[weighted_index(rng, cumulative)]
            chosen.setdefault(company.index, company)
        return list(chosen.values())


class Buyer:
    """Draws the honest purchases of one body."""

    def __init__(self, world: World, market: Market, body: Body, year: int, calibration: float) -> None:
        self.world = world
        self.market = market
        self.body = body
        self.year = year
        self.rng = stream(world.settings.seed, "buyer", body.bin, year)
        affinity = AFFINITY.get(body.kind, {})
        self.cumulative = _cumulative(
            [leaf.weight * affinity.get(leaf.division, 1.0) for leaf in world.leaves]
        )
        self.count = max(
            1, round(BASE_RATE[body.kind] * body.size * calibration * self.rng.lognormvariate(0, 0.2))
        )

    def leaf(self) -> Leaf:
        return self.world.leaves[weighted_index(self.rng, self.cumulative)]

    def date(self) -> dt.date:
        # More purchases early in the year (annual plans) and in its last quarter.
        rng = self.rng
        month = weighted_index(rng, _MONTHS) + 1
        day = rng.randrange(1, 29)
        return dt.date(self.year, month, day)

    def method_for(self, leaf: Leaf, estimate: float) -> tuple[str, str | None]:
        rng = self.rng
        # Shares calibrated on the real goszakup lots: price offers 74 %, single source 18 %, tender 5 %.
        if leaf.division in {"35", "36"} and rng.random() < 0.8:
            return "single_source", LEGAL_SINGLE_SOURCE[1]
        roll = rng.random()
        if estimate <= threshold(self.year, price_offers_mrp(self.year)):
            if roll < 0.15:
                return "single_source", LEGAL_SINGLE_SOURCE[0]
            if roll < 0.18:
                return "open_tender", None
            if roll < 0.21 and leaf.category == "goods":
                return "e_shop", None
            return "price_offers", None
        if roll < 0.03:
            return "single_source", LEGAL_SINGLE_SOURCE[2 + (roll < 0.01)]
        if leaf.category == "goods" and roll < 0.35:
            return "auction", None
        return "open_tender", None

    def honest(self) -> Spec:
        rng = self.rng
        leaf = self.leaf()
        budget = lognormal_from(rng, leaf.budget_median, leaf.budget_p90)
        unit_price = round(leaf.reference_price * math.exp(rng.gauss(0.0, 0.15)), 2)
        quantity = float(max(1, round(budget / max(unit_price, 0.01))))
        spec = Spec(self.body, self.date(), leaf, quantity, unit_price, "open_tender")
        spec.method, spec.rationale = self.method_for(leaf, spec.estimate)
        self.competition(spec)
        self.aftermath(spec)
        if rng.random() < 0.04:
            spec.gaps = frozenset({rng.choice(("tender_end", "classification", "address", "bid_values"))})
        return spec

    def competition(self, spec: Spec, bidders: int | None = None) -> None:
        rng = self.rng
        competitive = METHODS[spec.method][2]
        # Offer windows: the lawful minimum mostly (2 days for 90% of real price offers in 2026), some longer.
        minimum = minimum_days(spec.method, self.year)
        spec.tender_days = minimum + _draw_count(rng, _EXTRA_DAYS) if minimum else rng.choice((1, 2, 3))
        if bidders is None:
            bidders = _draw_count(rng, _BIDDERS[spec.method]) if competitive else 1
        region = self.body.region_kato
        spec.bidders = self.market.draw(rng, spec.leaf.division, region, bidders)
        spec.prices = [round(spec.estimate * rng.uniform(0.8, 1.0), 2) for _ in spec.bidders]
        if len(spec.bidders) == 1:
            spec.prices = [round(spec.estimate * rng.uniform(0.9, 1.0), 2)]
        spec.statuses, spec.reasons = [], []
        for _ in spec.bidders:
            roll = rng.random()
            if competitive and roll < 0.12:
                spec.statuses.append("disqualified")
                spec.reasons.append(rng.choice(DISQUALIFICATION))
            elif competitive and roll < 0.15:
                spec.statuses.append("withdrawn")
                spec.reasons.append(None)
            else:
                spec.statuses.append("valid")
                spec.reasons.append(None)
        valid = [i for i, s in enumerate(spec.statuses) if s == "valid"]
        spec.winner = min(valid, key=lambda i: (spec.prices[i], i)) if valid else None

    def aftermath(self, spec: Spec) -> None:
        rng = self.rng
        category = spec.leaf.category
        spec.contract_days = rng.randrange(60, 240) if category == "works" else rng.randrange(15, 90)
        if rng.random() < 0.12:
            if rng.random() < 0.5:
                spec.amendments = [
                    (
                        rng.randrange(5, max(6, spec.contract_days)),
                        round(rng.uniform(0.9, 1.1), 3),
                        0,
                        "Изменение объёма",
                    )
                ]
            else:
                spec.amendments = [
                    (
                        rng.randrange(5, max(6, spec.contract_days)),
                        1.0,
                        rng.randrange(10, 60),
                        "Продление срока",
                    )
                ]
        roll = rng.random()
        if roll < 0.02:
            spec.delay_days, spec.paid_share = None, round(rng.choice((0.0, 0.1, 0.3)), 2)
        elif roll < 0.10:
            spec.delay_days = rng.randrange(1, 21)
            spec.paid_share = round(1.0 - 0.001 * spec.delay_days * rng.uniform(0.5, 1.5), 4)  # penalty
        else:
            spec.delay_days, spec.paid_share = rng.randrange(-10, 1), 1.0


_EXTRA_DAYS = [(0, 0.9), (1, 0.03), (5, 0.045), (13, 0.025)]
_MONTHS = _cumulative([14, 12, 11, 9, 8, 7, 6, 6, 7, 8, 9, 10])
_BIDDERS: dict[str, list[tuple[int, float]]] = {
    "price_offers": [(1, 0.35), (2, 0.25), (3, 0.2), (4, 0.1), (5, 0.06), (6, 0.04)],
    "open_tender": [(1, 0.3), (2, 0.25), (3, 0.2), (4, 0.12), (5, 0.08), (7, 0.05)],
    "auction": [(1, 0.2), (2, 0.3), (3, 0.25), (4, 0.15), (6, 0.1)],
}


def _draw_count(rng: random.Random, table: list[tuple[int, float]]) -> int:
    roll, total = rng.random(), 0.0
    for value, share in table:
        total += share
        if roll < total:
            return value
    return table[-1][0]


# -- writing OCDS ---------------------------------------------------------------------------------------


def _ts(day: dt.date, hour: int = 9, minute: int = 0) -> str:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).isoformat()


def _money(amount: float) -> dict[str, Any]:
    return {"amount": round(amount, 2), "currency": CURRENCY}


def party_id(bin_: str) -> str:
    return f"KZ-BIN-{bin_}"


class Writer:
    """Turns specs into releases (dicts), and records what honest failures added to registers."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.debarments: list[Debarment] = []

    def body_party(self, body: Body, gaps: frozenset[str]) -> dict[str, Any]:
        region = self.world.region(body.region_kato)
        party: dict[str, Any] = {
            "id": party_id(body.bin),
            "name": body.name_ru,
            "name_kk": body.name_kk,
            "identifier": {"scheme": "KZ-BIN", "id": body.bin, "legalName": body.name_ru},
            "roles": ["buyer", "procuringEntity"],
            "details": {"level": body.level, "kind": body.kind, "regionKATO": body.region_kato},
        }
        if "address" not in gaps:
            party["address"] = {
                "streetAddress": body.address,
                "locality": body.locality_ru,
                "region": region.name_ru if region else "Республиканский уровень",
                "countryName": "Казахстан",
                "kato": body.kato,
            }
        if body.parent_bin:
            party["details"]["parentBIN"] = body.parent_bin
        return party

    def company_party(self, company: Company, roles: list[str]) -> dict[str, Any]:
        return {
            "id": party_id(company.bin),
            "name": company.name_ru,
            "name_kk": company.name_kk,
            "identifier": {"scheme": "KZ-BIN", "id": company.bin, "legalName": company.name_ru},
            "roles": roles,
            "address": {"streetAddress": company.address, "countryName": "Казахстан", "kato": company.kato},
            "contactPoint": {"telephone": company.phone, "email": company.email},
        }

    def releases(self, spec: Spec, ocid: str, rng: random.Random) -> list[dict[str, Any]]:
        body, leaf = spec.body, spec.leaf
        gaps = spec.gaps
        buyer = {"id": party_id(body.bin), "name": body.name_ru}
        base = {"ocid": ocid, "initiationType": "tender", "language": "ru"}
        item: dict[str, Any] = {
            "id": "1",
            "description": leaf.name_ru,
            "quantity": spec.quantity,
            "unit": {"name": leaf.unit, "value": _money(spec.unit_price)},
            "relatedLot": "1",
        }
        if leaf.name_kk:
            item["description_kk"] = leaf.name_kk
        if "classification" not in gaps:
            item["classification"] = {"scheme": "ENS-TRU", "id": leaf.code, "description": leaf.name_ru}
        out: list[dict[str, Any]] = []
        # Every release carries the parties it names, as OCDS 1.1 publishers do (and tools expect).
        buyer_party = self.body_party(body, gaps)
        plan_day = spec.plan_date
        out.append(
            {
                **base,
                "id": f"{ocid}-planning",
                "date": _ts(plan_day, 10),
                "tag": ["planning"],
                "buyer": buyer,
                "parties": [buyer_party],
                "planning": {
                    "budget": {"amount": _money(spec.estimate), "description": "Годовой план закупок"}
                },
                "tender": {"id": ocid, "status": "planning", "items": [item]},
            }
        )
        start = plan_day + dt.timedelta(days=rng.randrange(5, 40))
        end = start + dt.timedelta(days=spec.tender_days)
        name, ocds_method, competitive = METHODS[spec.method]
        tender: dict[str, Any] = {
            "id": ocid,
            "title": leaf.name_ru,
            "status": "active",
            "procurementMethod": ocds_method,
            "procurementMethodDetails": name,
            "mainProcurementCategory": leaf.category,
            "value": _money(spec.estimate),
            "procuringEntity": buyer,
            "items": [item],
            "lots": [{"id": "1", "title": leaf.name_ru, "value": _money(spec.estimate), "status": "active"}],
            "tenderPeriod": {"startDate": _ts(start, 9)},
        }
        if leaf.name_kk:
            tender["title_kk"] = leaf.name_kk
        if "tender_end" not in gaps:
            tender["tenderPeriod"]["endDate"] = _ts(end, 18)
        if spec.rationale:
            tender["procurementMethodRationale"] = spec.rationale
        out.append(
            {
                **base,
                "id": f"{ocid}-tender",
                "date": _ts(start, 9),
                "tag": ["tender"],
                "buyer": buyer,
                "parties": [buyer_party],
                "tender": tender,
            }
        )

        award_day = end + dt.timedelta(days=rng.randrange(1, 6))
        parties = [buyer_party]
        details = []
        for i, company in enumerate(spec.bidders):
            bid: dict[str, Any] = {
                "id": str(i + 1),
                "date": _ts(
                    start + dt.timedelta(days=rng.randrange(0, max(1, spec.tender_days))), 11, i % 60
                ),
                "status": spec.statuses[i],
                "tenderers": [{"id": party_id(company.bin), "name": company.name_ru}],
                "relatedLots": ["1"],
            }
            if "bid_values" not in gaps:
                bid["value"] = _money(spec.prices[i])
            if spec.reasons[i]:
                bid["statusDetails"] = spec.reasons[i]
            details.append(bid)
            roles = ["tenderer"] + (["supplier"] if i == spec.winner else [])
            parties.append(self.company_party(company, roles))
        award_tender: dict[str, Any] = {
            "id": ocid,
            "status": "complete" if spec.winner is not None else "unsuccessful",
            "numberOfTenderers": len(spec.bidders),
            "tenderers": [{"id": party_id(c.bin), "name": c.name_ru} for c in spec.bidders],
            "lots": [{"id": "1", "status": "complete" if spec.winner is not None else "unsuccessful"}],
        }
        award_release: dict[str, Any] = {
            **base,
            "id": f"{ocid}-award",
            "date": _ts(award_day, 15),
            "tag": ["award"] if spec.winner is not None else ["tenderUpdate"],
            "buyer": buyer,
            "parties": parties,
            "tender": award_tender,
        }
        if competitive:
            award_release["bids"] = {"details": details}
        if spec.winner is None:
            out.append(award_release)
            return out
        winner = spec.bidders[spec.winner]
        winner_party = parties[1 + spec.winner]
        value = spec.prices[spec.winner]
        award_release["awards"] = [
            {
                "id": "1",
                "status": "active",
                "date": _ts(award_day, 15),
                "value": _money(value),
                "suppliers": [{"id": party_id(winner.bin), "name": winner.name_ru}],
                "relatedLots": ["1"],
                **({"relatedBids": [str(spec.winner + 1)]} if competitive else {}),
            }
        ]
        out.append(award_release)

        signed = award_day + dt.timedelta(days=rng.randrange(2, 11))
        period_end = signed + dt.timedelta(days=spec.contract_days)
        contract_items = [
            {**item, "unit": {"name": leaf.unit, "value": _money(round(value / spec.quantity, 2))}}
        ]
        contract: dict[str, Any] = {
            "id": "1",
            "awardID": "1",
            "title": leaf.name_ru,
            "status": "active",
            "value": _money(value),
            "dateSigned": _ts(signed, 12),
            "period": {"startDate": _ts(signed, 0), "endDate": _ts(period_end, 23, 59)},
            "items": contract_items,
        }
        if leaf.name_kk:
            contract["title_kk"] = leaf.name_kk
        out.append(
            {
                **base,
                "id": f"{ocid}-contract",
                "date": _ts(signed, 12),
                "tag": ["contract"],
                "buyer": buyer,
                "parties": [buyer_party, winner_party],
                "contracts": [contract],
            }
        )

        current_value, current_end = value, period_end
        amendments: list[dict[str, Any]] = []
        for n, (day, factor, extra, why) in enumerate(spec.amendments, 1):
            when = signed + dt.timedelta(days=day)
            current_value = round(current_value * factor, 2)
            current_end = current_end + dt.timedelta(days=extra)
            amendments.append(
                {
                    "id": str(n),
                    "date": _ts(when, 16),
                    "rationale": why,
                    "description": f"Дополнительное соглашение №{n}",
                }
            )
            out.append(
                {
                    **base,
                    "id": f"{ocid}-amendment-{n}",
                    "date": _ts(when, 16),
                    "tag": ["contractAmendment"],
                    "buyer": buyer,
                    "parties": [buyer_party, winner_party],
                    "contracts": [
                        {
                            "id": "1",
                            "awardID": "1",
                            "value": _money(current_value),
                            "period": {"endDate": _ts(current_end, 23, 59)},
                            "amendments": list(amendments),
                        }
                    ],
                }
            )

        due = current_end
        delivered = None if spec.delay_days is None else due + dt.timedelta(days=spec.delay_days)
        milestone: dict[str, Any] = {
            "id": "1",
            "title": "Поставка / выполнение",
            "type": "delivery",
            "dueDate": _ts(due, 18),
        }
        if delivered is None:
            milestone["status"] = "notMet"
        else:
            milestone["status"] = "met"
            milestone["dateMet"] = _ts(delivered, 17)
        paid = round(current_value * spec.paid_share, 2)
        pay_day = (delivered or due) + dt.timedelta(days=rng.randrange(3, 20))
        parts = 1 if paid <= 0 else rng.choice((1, 1, 2, 3))
        transactions = []
        remaining = paid
        for n in range(parts):
            amount = round(paid / parts, 2) if n < parts - 1 else round(remaining, 2)
            remaining -= amount
            if amount <= 0:
                continue
            transactions.append(
                {
                    "id": str(n + 1),
                    "date": _ts(pay_day + dt.timedelta(days=7 * n), 11),
                    "value": _money(amount),
                    "payer": {"id": party_id(body.bin), "name": body.name_ru},
                    "payee": {"id": party_id(winner.bin), "name": winner.name_ru},
                }
            )
        last_day = max(pay_day + dt.timedelta(days=7 * max(0, parts - 1)), delivered or due)
        status = "terminated"
        out.append(
            {
                **base,
                "id": f"{ocid}-implementation",
                "date": _ts(last_day, 18),
                "tag": ["implementation", "contractTermination"],
                "buyer": buyer,
                "parties": [buyer_party, winner_party],
                "contracts": [
                    {
                        "id": "1",
                        "awardID": "1",
                        "status": status,
                        "implementation": {"transactions": transactions, "milestones": [milestone]},
                    }
                ],
            }
        )
        if delivered is None and spec.case is None:
            # A supplier that failed to deliver is put on the register of unscrupulous suppliers.
            start_day = due + dt.timedelta(days=rng.randrange(30, 90))
            self.debarments.append(
                Debarment(
                    winner.bin,
                    start_day,
                    start_day + dt.timedelta(days=730),
                    "Неисполнение договора о государственных закупках",
                    body.bin,
                    ocid,
                )
            )
        return out


def ocid_for(year: int, body: Body, number: int) -> str:
    return f"{OCID_PREFIX}-{year}-{body.index:05d}-{number:05d}"
