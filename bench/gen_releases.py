"""Generate a deterministic, realistic stream of OCDS 1.1 releases as JSON Lines, for ingest benchmarks.

Why this exists: the real sample files are small (the Dominican Republic sample holds 10,000 *compiled*
releases, one per ocid), so they show neither how ingest scales to a national feed (about a million
releases for a couple of hundred thousand contracting processes) nor how much work merging does. This
generator emits several releases per ocid across the procurement stages (planning, tender, award, contract,
implementation), interleaved across ocids as real feeds are, and later releases repeat and update earlier
data (statuses change, tender periods are extended, awards and transactions are appended), so that a merge
has real work to do.

Determinism: every random choice comes from one seeded ``random.Random`` drawn in a fixed order, dates are
offsets from a fixed epoch (never the wall clock), and gzip output is written with ``mtime=0``, so the same
arguments always give byte-identical output.

Memory: the output is written as it is produced and only the contracting processes "in flight" are held
(``--window``, by default ``ocids // 16``, which spreads the dates over about five years), so memory does not
grow with ``--releases``; at the default 1M releases / 200k ocids the generator peaks around 230 MB.

Usage::

    python bench/gen_releases.py --releases 1000000 --ocids 200000 --seed 1 --out bench/out/gen.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import IO, Any

import orjson

Json = dict[str, Any]

OCID_PREFIX = "ocds-bench0-"
CURRENCY = "KZT"
# Kazakhstan is UTC+5. A fixed epoch keeps the output independent of when it is generated.
TZ = timezone(timedelta(hours=5))
EPOCH = datetime(2019, 1, 8, 9, 0, 0, tzinfo=TZ)
DAY = 86_400
DOC_BASE = "https://zakup.example.kz/docs"

DEFAULT_RELEASES = 1_000_000
DEFAULT_OCIDS = 200_000
DEFAULT_SEED = 1
# Processes in flight: ocids // 16 spreads the dates over about five years whatever --ocids is.
WINDOW_DIVISOR = 16

REGIONS: tuple[tuple[str, str], ...] = (
    ("г. Астана", "Астана"),
    ("г. Алматы", "Алматы"),
    ("г. Шымкент", "Шымкент"),
    ("Карагандинская область", "Караганда"),
    ("Актюбинская область", "Актобе"),
    ("Павлодарская область", "Павлодар"),
    ("Восточно-Казахстанская область", "Усть-Каменогорск"),
    ("Атырауская область", "Атырау"),
    ("Костанайская область", "Костанай"),
    ("Жамбылская область", "Тараз"),
    ("Туркестанская область", "Туркестан"),
    ("Мангистауская область", "Актау"),
    ("Западно-Казахстанская область", "Уральск"),
    ("Северо-Казахстанская область", "Петропавловск"),
    ("Кызылординская область", "Кызылорда"),
    ("Акмолинская область", "Кокшетау"),
    ("Алматинская область", "Конаев"),
)
STREETS = (
    "ул. Абая",
    "пр. Республики",
    "ул. Кенесары",
    "пр. Мангилик Ел",
    "ул. Сатпаева",
    "ул. Толе би",
    "ул. Жибек жолы",
    "ул. Бейбитшилик",
    "ул. Пушкина",
    "пр. Абылай хана",
    "ул. Кабанбай батыра",
    "мкр. Самал",
)
BUYER_KINDS = (
    "ГУ «Отдел образования {city}»",
    "КГУ «Средняя школа №{n} {city}»",
    "ГКП на ПХВ «Городская поликлиника №{n}» {city}",
    "ГУ «Управление здравоохранения {region}»",
    "ГУ «Аппарат акима {city}»",
    "РГУ «Департамент полиции {region}»",
    "ГУ «Отдел строительства {city}»",
    "ГУ «Отдел жилищно-коммунального хозяйства {city}»",
    "КГКП «Ясли-сад №{n}» {city}",
    "ГУ «Управление пассажирского транспорта и автомобильных дорог {region}»",
)
SUPPLIER_FORMS = ("ТОО", "ТОО", "ТОО", "ИП", "АО")
SUPPLIER_HEADS = (
    "Астана",
    "Алтын",
    "Сары",
    "Нур",
    "Степ",
    "Бай",
    "Жас",
    "Ак",
    "Кок",
    "Казах",
    "Евро",
    "Ирбис",
)
SUPPLIER_TAILS = ("Строй", "Снаб", "Трейд", "Сервис", "Мед", "Тех", "Инвест", "Логистик", "Энерго", "Пром")
SUPPLIER_SUFFIXES = ("", " Групп", " Плюс", " KZ", " Компани", "-2030")

# (description, ENSTRU code, UN/CEFACT unit id, unit name, category, typical unit price in KZT)
CATALOG: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("Бумага офисная формата А4", "171211.100.000001", "PK", "пачка", "goods", 2_100.0),
    ("Картридж для лазерного принтера", "262016.900.000003", "H87", "штука", "goods", 18_500.0),
    ("Компьютер персональный настольный", "262015.000.000001", "H87", "штука", "goods", 320_000.0),
    ("Ноутбук", "262011.100.000000", "H87", "штука", "goods", 410_000.0),
    ("Дизельное топливо летнее", "192621.300.000001", "LTR", "литр", "goods", 295.0),
    ("Бензин АИ-92", "192121.100.000001", "LTR", "литр", "goods", 205.0),
    ("Молоко питьевое пастеризованное 2,5%", "105111.100.000002", "LTR", "литр", "goods", 480.0),
    ("Говядина охлажденная", "101111.100.000001", "KGM", "килограмм", "goods", 3_400.0),
    ("Мука пшеничная высшего сорта", "106121.100.000003", "KGM", "килограмм", "goods", 260.0),
    ("Перчатки медицинские нитриловые", "221960.500.000004", "PR", "пара", "goods", 45.0),
    ("Шприц инъекционный однократного применения 5 мл", "325013.500.000012", "H87", "штука", "goods", 38.0),
    ("Парацетамол, таблетки 500 мг", "212013.110.000015", "H87", "упаковка", "goods", 310.0),
    ("Стол ученический двухместный", "310912.500.000002", "H87", "штука", "goods", 27_000.0),
    ("Уголь каменный", "051010.000.000001", "TNE", "тонна", "goods", 21_000.0),
    ("Трубы стальные электросварные", "242013.500.000010", "MTR", "метр", "goods", 3_900.0),
    ("Строительство средней общеобразовательной школы", "412040.000.000000", "E48", "услуга", "works", 0.0),
    ("Капитальный ремонт автомобильной дороги", "421110.300.000000", "E48", "услуга", "works", 0.0),
    ("Текущий ремонт здания", "433910.000.000001", "E48", "услуга", "works", 0.0),
    ("Реконструкция водопроводных сетей", "422111.000.000002", "E48", "услуга", "works", 0.0),
    ("Благоустройство территории", "811012.000.000000", "E48", "услуга", "works", 0.0),
    ("Услуги по охране объектов", "801010.000.000000", "E48", "услуга", "services", 0.0),
    ("Услуги по уборке помещений", "812110.000.000000", "E48", "услуга", "services", 0.0),
    ("Услуги по организации питания", "562910.000.000000", "E48", "услуга", "services", 0.0),
    ("Техническое обслуживание автомобилей", "452011.000.000000", "E48", "услуга", "services", 0.0),
    ("Услуги связи и доступа в Интернет", "611020.000.000001", "E48", "услуга", "services", 0.0),
    ("Услуги по перевозке пассажиров", "493111.000.000000", "E48", "услуга", "services", 0.0),
    ("Услуги по обучению и повышению квалификации", "855910.000.000000", "E48", "услуга", "services", 0.0),
)
CATALOG_BY_CATEGORY: dict[str, tuple[int, ...]] = {
    category: tuple(i for i, entry in enumerate(CATALOG) if entry[4] == category)
    for category in ("goods", "works", "services")
}
TITLE_VERBS = {"goods": "Приобретение", "works": "Выполнение работ:", "services": "Оказание услуг:"}

# (procurementMethod, procurementMethodDetails, relative weight)
METHODS: tuple[tuple[str, str, int], ...] = (
    ("open", "Запрос ценовых предложений", 40),
    ("open", "Открытый конкурс", 22),
    ("open", "Аукцион", 10),
    ("selective", "Конкурс с предварительным квалификационным отбором", 5),
    ("limited", "Конкурс с использованием рамочного соглашения", 5),
    ("direct", "Из одного источника путем прямого заключения договора", 18),
)
METHOD_WEIGHTS = tuple(m[2] for m in METHODS)
CATEGORIES = ("goods", "works", "services")
CATEGORY_WEIGHTS = (55, 15, 30)
AMENDMENT_RATIONALES = (
    "Продление срока приема заявок по запросу потенциальных поставщиков",
    "Изменение технической спецификации",
    "Уточнение условий оплаты",
)
CONTRACT_AMENDMENT_RATIONALES = (
    "Уменьшение объема закупки в связи с экономией бюджетных средств",
    "Продление срока исполнения договора",
    "Изменение цены договора в связи с изменением объема работ",
)

# Days between a stage and the previous release of the same ocid: (min, max).
STAGE_GAPS: dict[str, tuple[int, int]] = {
    "planning": (0, 0),
    "tender": (10, 45),
    "tenderAmendment": (2, 9),
    "tenderCancellation": (3, 20),
    "award": (14, 35),
    "awardUpdate": (3, 15),
    "contract": (5, 20),
    "contractAmendment": (20, 90),
    "implementation": (15, 60),
}


@dataclass(slots=True)
class Process:
    """The state of one contracting process (one ocid) between its releases.

    The OCDS fragments here are the publisher's current view; each stage mutates them and the release built
    from them is serialized immediately, so mutating after serialization is safe.
    """

    index: int
    ocid: str
    stages: list[str]
    buyer: int
    method: int
    category: str
    released: int = 0
    tender: Json | None = None
    lots: list[Json] = field(default_factory=list)
    tenderers: list[int] = field(default_factory=list)
    bids: list[Json] = field(default_factory=list)
    awards: list[Json] = field(default_factory=list)
    contracts: list[Json] = field(default_factory=list)
    winners: list[int] = field(default_factory=list)
    last_release_id: str = ""
    transactions: int = 0


def _mix(index: int, salt: int) -> int:
    """Cheap deterministic integer hash, so organization attributes need no RNG draws and no stored pool."""
    x = (index * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 12
    return x


@lru_cache(maxsize=16_384)
def buyer_org(index: int) -> Json:
    """The party entry (without roles) of buyer number ``index``; a pure function of the index."""
    h = _mix(index, 1)
    region, city = REGIONS[h % len(REGIONS)]
    name = BUYER_KINDS[(h >> 5) % len(BUYER_KINDS)].format(city=city, region=region, n=1 + (h >> 9) % 120)
    bin_ = f"{100_000_000_000 + index * 7:012d}"
    org: Json = {
        "id": f"KZ-BIN-{bin_}",
        "name": name,
        "identifier": {"scheme": "KZ-BIN", "id": bin_, "legalName": name},
        "address": {
            "streetAddress": f"{STREETS[(h >> 13) % len(STREETS)]}, {1 + (h >> 17) % 150}",
            "locality": city,
            "region": region,
            "postalCode": f"{10_000 + (h >> 3) % 90_000:06d}",
            "countryName": "Казахстан",
        },
    }
    if h & 1:
        org["contactPoint"] = {
            "email": f"zakup{index}@gov.example.kz",
            "telephone": f"+7 7{(h >> 7) % 100:02d} {(h >> 11) % 1000:03d} {(h >> 19) % 10_000:04d}",
        }
    return org


@lru_cache(maxsize=65_536)
def supplier_org(index: int) -> Json:
    """The party entry (without roles) of supplier number ``index``; a pure function of the index."""
    h = _mix(index, 2)
    region, city = REGIONS[h % len(REGIONS)]
    form = SUPPLIER_FORMS[(h >> 5) % len(SUPPLIER_FORMS)]
    words = (
        SUPPLIER_HEADS[(h >> 8) % len(SUPPLIER_HEADS)]
        + SUPPLIER_TAILS[(h >> 12) % len(SUPPLIER_TAILS)]
        + SUPPLIER_SUFFIXES[(h >> 16) % len(SUPPLIER_SUFFIXES)]
    )
    name = f"{form} «{words}»" if form != "ИП" else f"ИП «{words}»"
    scheme = "KZ-IIN" if form == "ИП" else "KZ-BIN"
    ident = f"{200_000_000_000 + index * 13:012d}"
    org: Json = {
        "id": f"{scheme}-{ident}",
        "name": name,
        "identifier": {"scheme": scheme, "id": ident, "legalName": name},
        "address": {
            "streetAddress": f"{STREETS[(h >> 19) % len(STREETS)]}, {1 + (h >> 23) % 200}",
            "locality": city,
            "region": region,
            "countryName": "Казахстан",
        },
    }
    if h & 1:
        org["details"] = {"scale": ("micro", "sme", "large")[(h >> 2) % 3]}
    return org


def org_ref(org: Json) -> Json:
    """An OrganizationReference to a party entry."""
    return {"id": org["id"], "name": org["name"]}


def party(org: Json, roles: list[str]) -> Json:
    """A party entry with roles; a shallow copy so the cached organization is never mutated."""
    entry = dict(org)
    entry["roles"] = roles
    return entry


def money(amount: float) -> Json:
    """A Value in tenge, rounded to tiyn."""
    return {"amount": round(amount, 2), "currency": CURRENCY}


def when(seconds: int) -> datetime:
    """A timezone-aware datetime ``seconds`` after the fixed epoch (orjson writes it as RFC 3339)."""
    return EPOCH + timedelta(seconds=seconds)


def document(doc_id: str, doc_type: str, title: str, seconds: int, key: str) -> Json:
    """A Document entry pointing at a fictitious publisher URL."""
    return {
        "id": doc_id,
        "documentType": doc_type,
        "title": title,
        "url": f"{DOC_BASE}/{key}/{doc_id}.pdf",
        "datePublished": when(seconds),
        "format": "application/pdf",
    }


def plan_stages(rng: Random, count: int, direct: bool) -> list[str]:
    """The ordered stage names of a process that will publish exactly ``count`` releases.

    Short processes are prefixes or cancellations; long ones add amendments, award updates and, mostly,
    further implementation releases (new transactions), which is where long real-world histories come from.
    """
    if count == 1:
        return ["award" if direct else "tender"]
    if count == 2:
        return rng.choice(
            (
                ["tender", "award"],
                ["tender", "award"],
                ["planning", "tender"],
                ["tender", "tenderCancellation"],
            )
        )
    if count == 3:
        return rng.choice(
            (
                ["tender", "award", "contract"],
                ["tender", "award", "contract"],
                ["planning", "tender", "award"],
                ["planning", "tender", "tenderCancellation"],
            )
        )
    if count == 4:
        return rng.choice(
            (
                ["tender", "award", "contract", "implementation"],
                ["planning", "tender", "award", "contract"],
                ["tender", "tenderAmendment", "award", "contract"],
            )
        )
    tender_amendments = award_updates = 0
    tail: list[str] = []
    for _ in range(count - 5):
        r = rng.random()
        if r < 0.12 and tender_amendments < 2 and not direct:
            tender_amendments += 1
        elif r < 0.24 and award_updates < 2:
            award_updates += 1
        elif r < 0.42:
            tail.append("contractAmendment")
        else:
            tail.append("implementation")
    return [
        "planning",
        "tender",
        *(["tenderAmendment"] * tender_amendments),
        "award",
        *(["awardUpdate"] * award_updates),
        "contract",
        "implementation",
        *tail,
    ]


class Generator:
    """Produces the interleaved release stream; all randomness flows through ``self.rng`` in a fixed order."""

    def __init__(self, releases: int, ocids: int, seed: int, window: int = 0) -> None:
        """Pools scale with ``ocids`` (1 buyer per 100 ocids, 1 supplier per 4) so markets keep their shape."""
        if ocids < 1 or releases < ocids:
            raise ValueError("need 1 <= --ocids <= --releases")
        self.rng = Random(seed)
        self.releases = releases
        self.ocids = ocids
        self.window = max(1, min(window or ocids // WINDOW_DIVISOR, ocids))
        self.max_per_ocid = max(40, 3 * math.ceil(releases / ocids))
        self.n_buyers = max(20, ocids // 100)
        self.n_suppliers = max(100, ocids // 4)
        self.spawned = 0
        self.assigned = 0
        self.seq = 0
        self.heap: list[tuple[int, int, Process]] = []

    # -- process lifecycle -------------------------------------------------------------------------------

    def _release_count(self) -> int:
        """Releases for the next ocid: random around the remaining average, always keeping the total exact."""
        remaining = self.releases - self.assigned
        left_after = self.ocids - self.spawned - 1
        lo = max(1, remaining - left_after * self.max_per_ocid)
        hi = min(self.max_per_ocid, remaining - left_after)
        average = remaining / (left_after + 1)
        if self.rng.random() < 0.05:
            want = self.rng.randint(int(2 * average), int(3 * average) + 1)
        else:
            want = self.rng.randint(1, max(1, round(2 * average - 1)))
        return min(hi, max(lo, want))

    def _spawn(self, start: int) -> None:
        """Start the next ocid at ``start``: its release count, method, category, buyer and stage plan."""
        rng = self.rng
        count = self._release_count()
        method = rng.choices(range(len(METHODS)), METHOD_WEIGHTS)[0]
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        process = Process(
            index=self.spawned,
            ocid=f"{OCID_PREFIX}{self.spawned + 1:07d}",
            stages=plan_stages(rng, count, METHODS[method][0] == "direct"),
            buyer=int(self.n_buyers * rng.random() ** 1.5),
            method=method,
            category=category,
        )
        self.spawned += 1
        self.assigned += count
        self._push(start, process)

    def _push(self, at: int, process: Process) -> None:
        """Schedule ``process``'s next release; the sequence number breaks ties deterministically."""
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, process))

    def __iter__(self) -> Iterator[Json]:
        """Yield releases in (roughly global) date order, interleaving the ocids in flight."""
        rng = self.rng
        for _ in range(self.window):
            self._spawn(rng.randint(0, 30 * DAY))
        while self.heap:
            now, _, process = heapq.heappop(self.heap)
            stage = process.stages[process.released]
            yield self._release(process, stage, now)
            process.released += 1
            if process.released < len(process.stages):
                low, high = STAGE_GAPS[process.stages[process.released]]
                self._push(now + rng.randint(low, high) * DAY + rng.randint(600, 9 * 3600), process)
            elif self.spawned < self.ocids:
                self._spawn(now + rng.randint(0, 2 * DAY))

    # -- building blocks ---------------------------------------------------------------------------------

    def _supplier(self) -> int:
        """A supplier index, skewed so a few suppliers win much more often (as in real markets)."""
        return int(self.n_suppliers * self.rng.random() ** 2.2)

    def _items(self, process: Process) -> tuple[list[Json], float]:
        """Line items from the catalog for the process's category, and their total estimated value."""
        rng = self.rng
        choices = CATALOG_BY_CATEGORY[process.category]
        if process.category == "goods":
            n = rng.choice((1, 1, 1, 2, 2, 3, 4))
        else:
            n = 1 if process.category == "works" or rng.random() < 0.8 else 2
        picked = rng.sample(choices, min(n, len(choices)))
        items: list[Json] = []
        total = 0.0
        for i, catalog_index in enumerate(picked, start=1):
            description, code, unit_id, unit_name, _, price = CATALOG[catalog_index]
            if price:
                quantity = rng.choice((1, 2, 5, 10, 20, 50, 100, 250, 500, 1000))
                unit_price = round(price * rng.uniform(0.8, 1.25), 2)
            else:
                quantity = 1
                unit_price = round(math.exp(rng.gauss(15.5, 1.4)), 2)
            total += quantity * unit_price
            items.append(
                {
                    "id": str(i),
                    "description": description,
                    "classification": {"scheme": "ENSTRU", "id": code, "description": description},
                    "quantity": quantity,
                    "unit": {
                        "scheme": "UNCEFACT",
                        "id": unit_id,
                        "name": unit_name,
                        "value": money(unit_price),
                    },
                }
            )
        return items, total

    def _new_tender(self, process: Process, now: int, status: str) -> Json:
        """The tender as first published (planned, or active); a third of multi-item tenders get lots."""
        rng = self.rng
        items, total = self._items(process)
        method, details, _ = METHODS[process.method]
        buyer = buyer_org(process.buyer)
        title = f"{TITLE_VERBS[process.category]} {items[0]['description'].lower()}"
        tender: Json = {
            "id": f"{process.index + 1}-1",
            "title": title,
            "status": status,
            "procuringEntity": org_ref(buyer),
            "items": items,
            "value": money(total),
            "procurementMethod": method,
            "procurementMethodDetails": details,
            "mainProcurementCategory": process.category,
        }
        if len(items) >= 2 and method != "direct" and rng.random() < 0.35:
            n_lots = min(len(items), rng.randint(2, 4))
            lot_values = [0.0] * n_lots
            for i, item in enumerate(items):
                item["relatedLot"] = f"{process.index + 1}-L{i % n_lots + 1}"
                lot_values[i % n_lots] += item["quantity"] * item["unit"]["value"]["amount"]
            process.lots = [
                {
                    "id": f"{process.index + 1}-L{i + 1}",
                    "title": f"Лот №{i + 1}: {items[i]['description']}",
                    "status": "active",
                    "value": money(lot_values[i]),
                }
                for i in range(n_lots)
            ]
        return tender

    def _open_tender(self, process: Process, now: int) -> None:
        """Move the (possibly planned) tender to active, with periods and notice documents."""
        rng = self.rng
        if process.tender is None:
            process.tender = self._new_tender(process, now, "active")
        tender = process.tender
        tender["status"] = "active"
        if rng.random() < 0.3:  # the estimate is often revised between plan and notice
            tender["value"] = money(tender["value"]["amount"] * rng.uniform(0.9, 1.1))
        end = now + rng.randint(7, 20) * DAY
        tender["tenderPeriod"] = {"startDate": when(now), "endDate": when(end)}
        tender["submissionMethod"] = ["electronicSubmission"]
        tender["awardCriteria"] = "priceOnly"
        key = process.ocid
        tender["documents"] = [
            document("tn-1", "tenderNotice", "Объявление о закупке", now, key),
            document("bd-1", "biddingDocuments", "Конкурсная документация", now, key),
        ]
        if process.lots:
            tender["lots"] = process.lots

    def _bidders(self, process: Process) -> list[int]:
        """Distinct suppliers who bid: one for direct awards, a long-tailed count for open procedures."""
        rng = self.rng
        method = METHODS[process.method][0]
        if method == "direct":
            n = 1
        elif method == "limited":
            n = rng.randint(1, 3)
        elif method == "selective":
            n = rng.randint(2, 5)
        else:
            n = min(12, 1 + int(rng.expovariate(0.45)))
        bidders: list[int] = []
        while len(bidders) < n:
            s = self._supplier()
            if s not in bidders:
                bidders.append(s)
        return bidders

    def _bid(
        self, process: Process, supplier: int, n: int, *, closes: datetime, value: float, lots: list[str]
    ) -> Json:
        """One bid, submitted in the last days before bidding ``closes``, at or below the estimate."""
        rng = self.rng
        org = supplier_org(supplier)
        bid: Json = {
            "id": f"{process.index + 1}-B{n}",
            "date": closes - timedelta(seconds=rng.randint(600, 4 * DAY)),
            "status": "disqualified" if rng.random() < 0.1 else "valid",
            "value": money(value * rng.uniform(0.72, 1.0)),
            "tenderers": [org_ref(org)],
        }
        if lots:
            bid["relatedLots"] = lots
        return bid

    def _award_one(self, process: Process, now: int, lot: Json | None, number: int) -> Json:
        """Award ``lot`` (or the whole tender) to the cheapest valid bid, else to the first bidder."""
        rng = self.rng
        assert process.tender is not None
        lot_id = lot["id"] if lot else None
        candidates = [
            b
            for b in process.bids
            if b["status"] == "valid" and (lot_id is None or lot_id in b["relatedLots"])
        ]
        if candidates:
            best = min(candidates, key=lambda b: b["value"]["amount"])
            supplier_ref = best["tenderers"][0]
            amount = best["value"]["amount"]
        else:
            supplier_ref = org_ref(supplier_org(process.tenderers[0]))
            amount = (lot or process.tender)["value"]["amount"] * rng.uniform(0.8, 1.0)
        winner = next(s for s in process.tenderers if supplier_org(s)["id"] == supplier_ref["id"])
        if winner not in process.winners:
            process.winners.append(winner)
        award: Json = {
            "id": f"{process.index + 1}-A{number}",
            "title": f"Итоги закупки {process.tender['id']}" + (f", {lot['title']}" if lot else ""),
            "status": "active",
            "date": when(now),
            "value": money(amount),
            "suppliers": [supplier_ref],
            "documents": [
                document(f"an-{number}", "awardNotice", "Протокол об итогах", now, process.ocid),
            ],
        }
        if lot_id:
            award["relatedLots"] = [lot_id]
        return award

    def _award(self, process: Process, now: int) -> None:
        """Close bidding: record bids and tenderers, complete the tender and award each lot (or the tender)."""
        rng = self.rng
        if process.tender is None:  # a direct award published without a prior tender release
            process.tender = self._new_tender(process, now, "complete")
            process.tender["tenderPeriod"] = {"startDate": when(now - 3 * DAY), "endDate": when(now - DAY)}
        tender = process.tender
        # Bidding closes before the award, even when an amendment pushed the announced end date later.
        closes = tender["tenderPeriod"]["endDate"] = min(tender["tenderPeriod"]["endDate"], when(now - DAY))
        process.tenderers = self._bidders(process)
        lot_ids = [lot["id"] for lot in process.lots]
        process.bids = []
        for n, supplier in enumerate(process.tenderers, start=1):
            related = rng.sample(lot_ids, rng.randint(1, len(lot_ids))) if lot_ids else []
            basis = (
                sum(lot["value"]["amount"] for lot in process.lots if lot["id"] in related)
                if related
                else tender["value"]["amount"]
            )
            process.bids.append(self._bid(process, supplier, n, closes=closes, value=basis, lots=related))
        tender["status"] = "complete"
        tender["tenderers"] = [org_ref(supplier_org(s)) for s in process.tenderers]
        tender["numberOfTenderers"] = len(process.tenderers)
        tender["awardPeriod"] = {"startDate": tender["tenderPeriod"]["endDate"], "endDate": when(now)}
        for lot in process.lots:
            lot["status"] = "complete"
        process.awards = []
        for lot in process.lots:
            if any(lot["id"] in b.get("relatedLots", ()) for b in process.bids):
                process.awards.append(self._award_one(process, now, lot, len(process.awards) + 1))
        if not process.awards:
            process.awards = [self._award_one(process, now, None, 1)]

    def _award_update(self, process: Process, now: int) -> None:
        """Cancel one award (e.g. after a complaint) and award it again to another bidder, appended."""
        rng = self.rng
        old = rng.choice([a for a in process.awards if a["status"] == "active"] or process.awards)
        old["status"] = "cancelled"
        supplier = self._supplier()
        if supplier not in process.tenderers:
            process.tenderers.append(supplier)
            assert process.tender is not None
            process.tender["tenderers"].append(org_ref(supplier_org(supplier)))
            process.tender["numberOfTenderers"] = len(process.tenderers)
        if supplier not in process.winners:
            process.winners.append(supplier)
        number = len(process.awards) + 1
        new = dict(old)
        new.update(
            id=f"{process.index + 1}-A{number}",
            status="active",
            date=when(now),
            value=money(old["value"]["amount"] * rng.uniform(1.0, 1.08)),
            suppliers=[org_ref(supplier_org(supplier))],
            documents=[
                document(f"an-{number}", "awardNotice", "Протокол об итогах (повторный)", now, process.ocid)
            ],
        )
        process.awards.append(new)

    def _contract(self, process: Process, now: int) -> None:
        """Sign a contract for every active award that has none yet."""
        rng = self.rng
        for award in process.awards:
            if award["status"] != "active":
                continue
            if any(c["awardID"] == award["id"] for c in process.contracts):
                continue
            number = len(process.contracts) + 1
            duration = rng.randint(30, 365)
            process.contracts.append(
                {
                    "id": f"{process.index + 1}-C{number}",
                    "awardID": award["id"],
                    "title": f"Договор о государственных закупках № {process.index + 1}-{number}",
                    "status": "active",
                    "period": {"startDate": when(now), "endDate": when(now + duration * DAY)},
                    "value": dict(award["value"]),
                    "dateSigned": when(now),
                    "documents": [
                        document(f"cs-{number}", "contractSigned", "Подписанный договор", now, process.ocid)
                    ],
                }
            )
        if not process.contracts:  # every award cancelled: nothing to sign; contract the last one anyway
            award = process.awards[-1]
            award["status"] = "active"
            self._contract(process, now)

    def _contract_amendment(self, process: Process, now: int, release_id: str) -> None:
        """Change one contract's value and end date, and record the amendment against the releases."""
        rng = self.rng
        contract = rng.choice(process.contracts)
        contract["value"] = money(contract["value"]["amount"] * rng.uniform(0.85, 1.1))
        period = contract["period"]
        period["endDate"] = period["endDate"] + timedelta(days=rng.randint(10, 90))
        amendments = contract.setdefault("amendments", [])
        amendments.append(
            {
                "id": f"{contract['id']}-M{len(amendments) + 1}",
                "date": when(now),
                "rationale": rng.choice(CONTRACT_AMENDMENT_RATIONALES),
                "description": "Дополнительное соглашение к договору",
                "amendsReleaseID": process.last_release_id,
                "releaseID": release_id,
            }
        )

    def _implementation(self, process: Process, now: int, last: bool) -> None:
        """Pay part of each active contract; only the new transactions are published (merge appends them)."""
        rng = self.rng
        buyer_ref = org_ref(buyer_org(process.buyer))
        award_supplier = {a["id"]: a["suppliers"][0] for a in process.awards}
        for contract in process.contracts:
            if contract["status"] != "active":
                contract.pop("implementation", None)
                continue
            new: list[Json] = []
            for _ in range(rng.randint(1, 3)):
                process.transactions += 1
                new.append(
                    {
                        "id": f"{contract['id']}-T{process.transactions}",
                        "source": "https://budget.example.kz/treasury",
                        "date": when(now - rng.randint(0, 10) * DAY),
                        "value": money(contract["value"]["amount"] * rng.uniform(0.05, 0.4)),
                        "payer": buyer_ref,
                        "payee": award_supplier[contract["awardID"]],
                    }
                )
            contract["implementation"] = {"transactions": new}
            if last and rng.random() < 0.8:
                contract["status"] = "terminated"

    # -- releases ----------------------------------------------------------------------------------------

    def _release(self, process: Process, stage: str, now: int) -> Json:
        """Apply ``stage`` to the process state and build the release that publishes it."""
        rng = self.rng
        release_id = f"{process.ocid}-{process.released + 1:02d}-{stage}"
        include_bids = False
        buyer = buyer_org(process.buyer)
        if stage == "planning":
            process.tender = self._new_tender(process, now, "planned")
        elif stage == "tender":
            self._open_tender(process, now)
        elif stage == "tenderAmendment":
            assert process.tender is not None
            tender = process.tender
            period = tender["tenderPeriod"]
            period["endDate"] = period["endDate"] + timedelta(days=rng.randint(3, 10))
            amendments = tender.setdefault("amendments", [])
            amendments.append(
                {
                    "id": f"{tender['id']}-M{len(amendments) + 1}",
                    "date": when(now),
                    "rationale": rng.choice(AMENDMENT_RATIONALES),
                    "amendsReleaseID": process.last_release_id,
                    "releaseID": release_id,
                }
            )
            tender["documents"].append(
                document(
                    f"cl-{len(amendments)}", "clarifications", "Разъяснения и изменения", now, process.ocid
                )
            )
        elif stage == "tenderCancellation":
            assert process.tender is not None
            process.tender["status"] = rng.choice(("cancelled", "unsuccessful"))
            for lot in process.lots:
                lot["status"] = process.tender["status"]
        elif stage == "award":
            self._award(process, now)
            include_bids = True
        elif stage == "awardUpdate":
            self._award_update(process, now)
            include_bids = True
        elif stage == "contract":
            self._contract(process, now)
        elif stage == "contractAmendment":
            self._contract_amendment(process, now, release_id)
            for contract in process.contracts:
                contract.pop("implementation", None)
        elif stage == "implementation":
            self._implementation(process, now, process.released + 1 == len(process.stages))

        buyer_roles = ["buyer", "procuringEntity"]
        if stage == "implementation":
            buyer_roles.append("payer")
        parties = [party(buyer, buyer_roles)]
        if stage in ("award", "awardUpdate"):
            parties.extend(
                party(supplier_org(s), ["tenderer", "supplier"] if s in process.winners else ["tenderer"])
                for s in process.tenderers
            )
        elif process.contracts:
            roles = ["supplier", "payee"] if stage == "implementation" else ["supplier"]
            parties.extend(party(supplier_org(s), roles) for s in process.winners)

        release: Json = {
            "ocid": process.ocid,
            "id": release_id,
            "date": when(now),
            "tag": [stage],
            "initiationType": "tender",
            "language": "ru",
            "parties": parties,
            "buyer": org_ref(buyer),
        }
        if stage == "planning":
            assert process.tender is not None
            release["planning"] = {
                "rationale": "План государственных закупок на текущий финансовый год",
                "budget": {
                    "id": f"{process.index + 1}-BUD",
                    "description": "Республиканский бюджет",
                    "amount": money(process.tender["value"]["amount"] * rng.uniform(1.0, 1.15)),
                },
            }
        # Like many publishers, repeat the whole tender and the awards until contracts are signed, then
        # publish only what the contract stages change (merge keeps the rest from earlier releases).
        if stage == "contract":
            assert process.tender is not None
            release["tender"] = {"id": process.tender["id"], "status": process.tender["status"]}
            release["awards"] = process.awards
            release["contracts"] = process.contracts
        elif stage == "contractAmendment":
            release["contracts"] = [
                {k: c[k] for k in ("id", "awardID", "status", "value", "period", "amendments") if k in c}
                for c in process.contracts
            ]
        elif stage == "implementation":
            release["contracts"] = [
                {k: c[k] for k in ("id", "awardID", "status", "implementation") if k in c}
                for c in process.contracts
            ]
        else:
            if process.tender is not None:
                release["tender"] = process.tender
            if include_bids:
                release["bids"] = {"details": process.bids}
            if process.awards:
                release["awards"] = process.awards
        process.last_release_id = release_id
        return release


def open_output(path: Path, compress: bool) -> IO[bytes]:
    """Open ``path`` for writing; compressed output is a reproducible gzip stream (no name, mtime 0)."""
    raw = path.open("wb")
    if compress:
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
    return raw


def generate(
    out: Path,
    *,
    releases: int = DEFAULT_RELEASES,
    ocids: int = DEFAULT_OCIDS,
    seed: int = DEFAULT_SEED,
    window: int = 0,
    progress: bool = False,
) -> tuple[int, int]:
    """Write the stream to ``out`` (via a temporary file, renamed at the end) and return (lines, bytes).

    Writing to a temporary name first means an interrupted run never leaves a file that looks complete,
    which matters because the benchmark harness caches generated files.
    """
    tmp = out.with_name(out.name + ".partial")
    dumps = orjson.dumps
    option = orjson.OPT_APPEND_NEWLINE
    lines = 0
    size = 0
    started = time.perf_counter()
    buffer: list[bytes] = []
    with open_output(tmp, out.suffix == ".gz") as handle:
        for release in Generator(releases, ocids, seed, window):
            line = dumps(release, option=option)
            buffer.append(line)
            size += len(line)
            lines += 1
            if len(buffer) >= 2048:
                handle.write(b"".join(buffer))
                buffer.clear()
                if progress and lines % 100_000 < 2048:
                    rate = lines / (time.perf_counter() - started)
                    print(
                        f"{lines:,} releases, {size / 1e6:,.0f} MB, {rate:,.0f}/s",
                        file=sys.stderr,
                        flush=True,
                    )
        handle.write(b"".join(buffer))
    tmp.replace(out)
    return lines, size


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; stdout stays empty unless --verbose, so it can be used in pipelines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=DEFAULT_RELEASES, help="number of releases (lines)")
    parser.add_argument("--ocids", type=int, default=DEFAULT_OCIDS, help="number of distinct ocids")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same bytes)")
    parser.add_argument(
        "--window",
        type=int,
        default=0,
        help=f"contracting processes in flight, i.e. interleaving width (default: ocids // {WINDOW_DIVISOR})",
    )
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl or .jsonl.gz")
    parser.add_argument("--verbose", action="store_true", help="progress on stderr and a summary on stdout")
    args = parser.parse_args(argv)
    if args.ocids < 1 or args.releases < args.ocids:
        parser.error("need 1 <= --ocids <= --releases")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    progress = args.verbose or sys.stderr.isatty()
    lines, size = generate(
        args.out,
        releases=args.releases,
        ocids=args.ocids,
        seed=args.seed,
        window=args.window,
        progress=progress,
    )
    elapsed = time.perf_counter() - started
    if args.verbose:
        print(
            f"wrote {lines:,} releases for {args.ocids:,} ocids to {args.out}: "
            f"{size / 1e6:,.1f} MB uncompressed ({size / lines:,.0f} B/release), "
            f"{args.out.stat().st_size / 1e6:,.1f} MB on disk, "
            f"{elapsed:,.1f} s ({lines / elapsed:,.0f} releases/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
