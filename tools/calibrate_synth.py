"""Measure the synthetic world's calibration from real goszakup lots.

Reads the flat lot file that goszakup's public pages give (``goszakup-lots-2026-02.json``: one object per
lot with lot_id, category_code, budget, unit, quantity, unit_price, deadline_days, publish_date, customer
and dumping status) and writes two files of ``src/adal/synth/data``:

- ``classifier.json``: an ENS TRU-shaped tree (KPVED division -> 6-digit KPVED group -> ENS TRU leaf) with a
  reference price, a weight and budget/quantity spreads for every leaf seen in the real lots, plus the
  hand-written, uncalibrated leaves of ``tools/classifier_extra.json`` and the Kazakh names of
  ``tools/classifier_kk.json`` (adal's translations, filling ``name_kk`` where a node has none);
- ``calibration.json``: the shares and spreads the generator draws from (methods, deadlines, budgets,
  categories, advance payments, publication hours and weekdays, units, lots per customer ...).

Determinism: no clock, no randomness, numbers rounded before they are written, lists sorted by code, so the
same input gives byte-identical output (a test regenerates both files and compares bytes).

Lots marked ``"is_synthetic": true`` in the input are planted examples, not real procurement: they are
counted and left out of every figure.

Usage::

    python tools/calibrate_synth.py ../shared/data/kz/goszakup-lots-2026-02.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "src" / "adal" / "synth" / "data"
DEFAULT_EXTRA = HERE / "classifier_extra.json"
DEFAULT_KK = HERE / "classifier_kk.json"
SOURCE_NAME = "goszakup-lots-2026-02.json"

# Procurement method by the suffix of the lot number ("85655739-ГЗПОП1" -> "ГЗПОП"). The first three are
# the portal's everyday abbreviations; the others are read from who buys what under them in the file and
# from the special regimes the Rules name, so their expansion is marked unverified.
METHODS: dict[str, dict[str, Any]] = {
    "ЗЦП": {
        "code": "price_offers",
        "name_ru": "Запрос ценовых предложений",
        "name_en": "Request for price offers",
        "meaning_verified": True,
    },
    "ОИ": {
        "code": "single_source",
        "name_ru": "Из одного источника",
        "name_en": "Single source",
        "meaning_verified": True,
    },
    "ОК": {
        "code": "open_tender",
        "name_ru": "Открытый конкурс",
        "name_en": "Open tender",
        "meaning_verified": True,
    },
    "ГЗПОП": {
        "code": "special_procedure",
        "name_ru": "Государственные закупки с применением особого порядка",
        "name_en": "Procurement under the special procedure (state secrets, security bodies)",
        "meaning_verified": False,
        "evidence": "every lot is bought by a Border Service department of the National Security Committee, "
        "none carries an ENS TRU code",
    },
    "КППТСОПО": {
        "code": "children_food_tender",
        "name_ru": "Конкурс по приобретению продуктов питания для организаций образования",
        "name_en": "Tender for food products of kindergartens and colleges",
        "meaning_verified": False,
        "evidence": "food (beef, flour, sugar ...) bought by kindergartens (ясли-сад) and a vocational college",
    },
    "КпОПО": {
        "code": "school_meals_tender",
        "name_ru": "Конкурс по организации питания обучающихся",
        "name_en": "Tender for school meal services",
        "meaning_verified": False,
        "evidence": "'Услуги по организации обеспечения питания детей' bought by a secondary school",
    },
    "ГСЗ": {
        "code": "state_social_order",
        "name_ru": "Государственный социальный заказ",
        "name_en": "State social order (grants and services of non-governmental organisations)",
        "meaning_verified": False,
        "evidence": "events of internal-policy departments and special social services of an employment "
        "department",
    },
    "ЗЖ": {
        "code": "housing_purchase",
        "name_ru": "Приобретение жилища у физических лиц",
        "name_en": "Purchase of housing from natural persons",
        "meaning_verified": False,
        "evidence": "'Квартира' bought by a district construction department",
    },
    "ЗЦПнеГЗ": {
        "code": "price_offers_quasi_public",
        "name_ru": "Запрос ценовых предложений вне государственных закупок (квазигосударственный сектор)",
        "name_en": "Request for price offers outside public procurement (quasi-public sector)",
        "meaning_verified": False,
        "evidence": "bought by a social-entrepreneurial corporation (АО «СПК»)",
    },
}

# Pseudo-codes for lots published without an ENS TRU code (category_code "0"): one per category.
NO_CODE_DIVISION = "00"
NO_CODE_GROUP = "000000"
NO_CODE_LEAF = {"goods": "000000.000.000001", "services": "000000.000.000002", "works": "000000.000.000003"}
NO_CODE_NAMES = {
    NO_CODE_GROUP: "Лоты без кода ЕНС ТРУ",
    NO_CODE_LEAF["goods"]: "Товары без кода ЕНС ТРУ",
    NO_CODE_LEAF["services"]: "Услуги без кода ЕНС ТРУ",
    NO_CODE_LEAF["works"]: "Работы без кода ЕНС ТРУ",
}

# KPVED (КПВЭД, the Kazakh edition of the EU CPA 2008) divisions, Russian names written from the public
# classifier; Kazakh names only where we are sure of them.
DIVISIONS: dict[str, tuple[str, str | None]] = {
    "00": ("Без кода ЕНС ТРУ (псевдокод adal для лотов с кодом «0»)", None),
    "01": ("Продукция растениеводства и животноводства, охоты и услуги в этих областях", None),
    "02": ("Продукция лесоводства, лесозаготовок и связанные с ними услуги", None),
    "03": ("Рыба и прочая продукция рыболовства и рыбоводства", None),
    "05": ("Уголь каменный и бурый", "Тас көмір және қоңыр көмір"),
    "06": ("Нефть сырая и газ природный", None),
    "07": ("Руды металлические", None),
    "08": ("Продукция горнодобывающих производств прочая", None),
    "10": ("Продукты пищевые", "Тамақ өнімдері"),
    "11": ("Напитки", "Сусындар"),
    "13": ("Текстиль и изделия текстильные", None),
    "14": ("Одежда", "Киім"),
    "15": ("Кожа и изделия из кожи; обувь", None),
    "16": ("Древесина и изделия из дерева и пробки, кроме мебели; изделия из соломки", None),
    "17": ("Бумага и изделия из бумаги", None),
    "18": ("Услуги печатные и услуги по копированию записанных носителей", None),
    "19": ("Кокс и продукты нефтепереработки", None),
    "20": ("Вещества химические и продукты химические", None),
    "21": ("Продукты фармацевтические основные и препараты фармацевтические", None),
    "22": ("Изделия резиновые и пластмассовые", None),
    "23": ("Продукты минеральные неметаллические прочие", None),
    "24": ("Металлы основные", None),
    "25": ("Изделия металлические готовые, кроме машин и оборудования", None),
    "26": ("Компьютеры, изделия электронные и оптические", None),
    "27": ("Оборудование электрическое", None),
    "28": ("Машины и оборудование, не включенные в другие группировки", None),
    "29": ("Автотранспортные средства, прицепы и полуприцепы", None),
    "30": ("Средства транспортные прочие", None),
    "31": ("Мебель", "Жиһаз"),
    "32": ("Изделия готовые прочие", None),
    "33": ("Услуги по ремонту и монтажу машин и оборудования", None),
    "35": ("Электроэнергия, газ, пар и кондиционирование воздуха", None),
    "36": ("Вода природная; услуги по очистке воды и водоснабжению", None),
    "37": ("Услуги по водоотведению; шлам сточных вод", None),
    "38": ("Услуги по сбору, обработке и удалению отходов; услуги по утилизации", None),
    "39": ("Услуги по рекультивации и прочие услуги по обращению с отходами", None),
    "41": ("Здания и работы по возведению зданий", None),
    "42": ("Сооружения и строительные работы в области гражданского строительства", None),
    "43": ("Работы строительные специализированные", None),
    "45": ("Услуги по торговле автотранспортными средствами и мотоциклами и их ремонту", None),
    "46": ("Услуги по оптовой торговле, кроме автотранспортных средств и мотоциклов", None),
    "47": ("Услуги по розничной торговле, кроме автотранспортных средств и мотоциклов", None),
    "49": ("Услуги сухопутного и трубопроводного транспорта", None),
    "52": ("Услуги по складированию и вспомогательные транспортные услуги", None),
    "53": ("Услуги почтовые и курьерские", None),
    "55": ("Услуги по предоставлению мест для временного проживания", None),
    "56": ("Услуги по предоставлению продуктов питания и напитков", None),
    "58": ("Услуги издательские", None),
    "59": ("Услуги по производству кино- и видеофильмов, телепрограмм, звукозаписи", None),
    "60": ("Услуги по составлению программ и теле- и радиовещанию", None),
    "61": ("Услуги телекоммуникационные", None),
    "62": ("Продукты программные и услуги по программированию и консультированию в области ИТ", None),
    "63": ("Услуги в области информационных технологий", None),
    "64": ("Услуги финансовые, кроме страхования и пенсионного обеспечения", None),
    "65": ("Услуги по страхованию, перестрахованию и пенсионному обеспечению", None),
    "68": ("Услуги по операциям с недвижимым имуществом", None),
    "69": ("Услуги юридические и бухгалтерские", None),
    "70": ("Услуги головных офисов; консультационные услуги по вопросам управления", None),
    "71": ("Услуги в области архитектуры и инженерных изысканий; технических испытаний и анализа", None),
    "72": ("Услуги в области научных исследований и разработок", None),
    "73": ("Услуги рекламные и услуги по исследованию конъюнктуры рынка", None),
    "74": ("Услуги профессиональные, научные и технические прочие", None),
    "75": ("Услуги ветеринарные", None),
    "77": ("Услуги по аренде и лизингу", None),
    "78": ("Услуги в области трудоустройства", None),
    "79": ("Услуги туристических агентств, туроператоров и прочие услуги по бронированию", None),
    "80": ("Услуги по обеспечению безопасности и проведению расследований", None),
    "81": ("Услуги по обслуживанию зданий и территорий", None),
    "82": ("Услуги административные, офисные и прочие вспомогательные услуги для бизнеса", None),
    "84": (
        "Услуги в области государственного управления и обороны; обязательного социального обеспечения",
        None,
    ),
    "85": ("Услуги в области образования", None),
    "86": ("Услуги в области здравоохранения", None),
    "87": ("Услуги по уходу с обеспечением проживания", None),
    "88": ("Услуги социальные без обеспечения проживания", None),
    "90": ("Услуги в области творчества, искусства и развлечений", None),
    "91": ("Услуги библиотек, архивов, музеев и прочих учреждений культуры", None),
    "93": ("Услуги в области спорта, организации развлечений и отдыха", None),
    "94": ("Услуги общественных организаций", None),
    "95": ("Услуги по ремонту компьютеров, предметов личного потребления и бытовых товаров", None),
    "96": ("Услуги персональные прочие", None),
}

CATEGORIES = ("goods", "works", "services")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SUFFIX = re.compile(r"-(\D+?)\d*$")
SHARE_DIGITS = 6
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class CalibrationError(Exception):
    """The input cannot be calibrated from; the message names the file and the lot."""


@dataclass(frozen=True)
class Lot:
    lot_id: str
    method: str
    code: str
    name: str
    category: str
    budget: float
    unit: str
    quantity: float
    unit_price: float
    deadline_days: int
    published: datetime
    deadline: datetime | None
    customer_bin: str
    customer_name: str
    advance_payment_pct: float
    announcement: str
    dumping_status: str
    lot_status: str
    contact_email: str
    contact_phone: str


def category_of(dumping_status: str) -> str:
    """The portal states works and services in the dumping status; every other lot is goods."""
    if dumping_status.startswith("Работа"):
        return "works"
    if dumping_status.startswith("Услуга"):
        return "services"
    return "goods"


def read_lots(path: Path) -> tuple[list[Lot], int, int]:
    """The real lots, the number of lots in the file and the number of synthetic ones left out."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise CalibrationError(f"{path}: expected a JSON array of lots")
    lots: list[Lot] = []
    synthetic = 0
    for index, item in enumerate(raw):
        if item.get("is_synthetic"):
            synthetic += 1
            continue
        lot_id = str(item["lot_id"])
        match = SUFFIX.search(lot_id)
        if match is None or match.group(1) not in METHODS:
            raise CalibrationError(f"{path}: lot {index} ({lot_id}): unknown method suffix")
        status = str(item["dumping_status"])
        lots.append(
            Lot(
                lot_id=lot_id,
                method=match.group(1),
                code=str(item["category_code"]),
                name=str(item["category_name"]).strip(),
                category=category_of(status),
                budget=float(item["budget"]),
                unit=str(item["unit"]),
                quantity=float(item["quantity"]),
                unit_price=float(item["unit_price"]),
                deadline_days=int(item["deadline_days"]),
                published=datetime.strptime(str(item["publish_date"]), DATE_FORMAT),
                deadline=datetime.strptime(str(item["deadline_date"]), DATE_FORMAT)
                if item["deadline_date"]
                else None,
                customer_bin=str(item["customer_bin"]),
                customer_name=str(item["customer_name"]),
                advance_payment_pct=float(item["advance_payment_pct"]),
                announcement=str(item["url"]).rstrip("/").split("/")[-2],
                dumping_status=status,
                lot_status=str(item["lot_status"]),
                contact_email=str(item["contact_email"]).strip().lower(),
                contact_phone=str(item["contact_phone"]).strip(),
            )
        )
    return lots, len(raw), synthetic


# ---- numbers ---------------------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (the default of numpy and R type 7)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("quantile of nothing")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def money(value: float) -> int | float:
    """KZT rounded: whole tenge from 100 up, tiyn below (cheap units such as a sheet or a gram)."""
    return round(value) if abs(value) >= 100 else round(value, 2)


def amount(value: float) -> int | float:
    """A quantity: whole when it is whole, else three decimals."""
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def spread(
    values: Sequence[float], qs: Iterable[tuple[str, float]], fmt: Callable[[float], Any]
) -> dict[str, Any]:
    return {name: fmt(quantile(values, q)) for name, q in qs}


BUDGET_QS = (("p10", 0.10), ("median", 0.50), ("p90", 0.90))
METHOD_BUDGET_QS = (
    ("p10", 0.10),
    ("p25", 0.25),
    ("median", 0.50),
    ("p75", 0.75),
    ("p90", 0.90),
    ("p99", 0.99),
)
QUANTITY_QS = (("median", 0.50), ("p90", 0.90))


def shares(counter: Counter[Any], total: int, order: Iterable[Any] | None = None) -> dict[str, float]:
    keys = list(order) if order is not None else sorted(counter)
    return {str(k): round(counter[k] / total, SHARE_DIGITS) for k in keys if counter[k]}


def top_shares(counter: Counter[str], total: int, n: int) -> dict[str, float]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return {k: round(v / total, SHARE_DIGITS) for k, v in ranked}


def most_common(values: Iterable[str]) -> str:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


# ---- classifier ------------------------------------------------------------------------------------------


def leaf_code(lot: Lot) -> str:
    return NO_CODE_LEAF[lot.category] if lot.code == "0" else lot.code


def reference_price(lots: Sequence[Lot], group: Sequence[Lot]) -> tuple[int | float, str]:
    """Median positive unit price of the code, else of its group, else budget per unit of the code.

    A few special-procedure lots have neither unit price nor quantity: the whole lot is then one unit.
    """
    own = [lot.unit_price for lot in lots if lot.unit_price > 0]
    if own:
        return money(quantile(own, 0.5)), "code_median_unit_price"
    grouped = [lot.unit_price for lot in group if lot.unit_price > 0]
    if grouped:
        return money(quantile(grouped, 0.5)), "group_median_unit_price"
    per_unit = [lot.budget / (lot.quantity if lot.quantity > 0 else 1) for lot in lots]
    return money(quantile(per_unit, 0.5)), "code_median_budget_per_unit"


def kazakh_names(kk: dict[str, Any]) -> dict[str, str]:
    """Code -> Kazakh name from ``classifier_kk.json``; every uncertain code must be named."""
    names = kk["names"]
    if not isinstance(names, dict) or not all(isinstance(v, str) and v.strip() for v in names.values()):
        raise CalibrationError("classifier_kk.json: names must map codes to non-empty strings")
    unnamed = sorted(set(kk.get("uncertain", [])) - set(names))
    if unnamed:
        raise CalibrationError(f"classifier_kk.json: uncertain codes without a name: {', '.join(unnamed)}")
    return {str(code): str(name) for code, name in names.items()}


def fill_kazakh(nodes: dict[str, dict[str, Any]], names: dict[str, str]) -> None:
    """A name from ``classifier_kk.json`` fills ``name_kk`` where the node has none; others are kept."""
    stale = sorted(set(names) - set(nodes))
    if stale:
        raise CalibrationError(f"classifier_kk.json: codes not in the classifier: {', '.join(stale[:10])}")
    for code, node in nodes.items():
        if node["name_kk"] is None and code in names:
            node["name_kk"] = names[code]


def classifier(
    lots: Sequence[Lot], extra: dict[str, Any], source: str, kazakh: dict[str, str] | None = None
) -> dict[str, Any]:
    extra_share = float(extra["share"])
    by_leaf: dict[str, list[Lot]] = defaultdict(list)
    for lot in lots:
        by_leaf[leaf_code(lot)].append(lot)
    by_group: dict[str, list[Lot]] = defaultdict(list)
    by_division: dict[str, list[Lot]] = defaultdict(list)
    for code, members in by_leaf.items():
        by_group[code[:6]].extend(members)
        by_division[code[:2]].extend(members)

    nodes: dict[str, dict[str, Any]] = {}
    total = len(lots)
    for division, members in by_division.items():
        name_ru, name_kk = DIVISIONS[division]
        nodes[division] = {
            "code": division,
            "parent": None,
            "level": 1,
            "name_ru": name_ru,
            "name_kk": name_kk,
            "category": most_common(lot.category for lot in members),
            "lots": len(members),
            "budget": spread([lot.budget for lot in members], BUDGET_QS, money),
        }
    for group, members in by_group.items():
        nodes[group] = {
            "code": group,
            "parent": group[:2],
            "level": 2,
            # KPVED group names are not in the file: the group is named by its commonest leaf name.
            "name_ru": NO_CODE_NAMES.get(group) or most_common(lot.name for lot in members),
            "name_kk": None,
            "category": most_common(lot.category for lot in members),
            "lots": len(members),
            "budget": spread([lot.budget for lot in members], BUDGET_QS, money),
        }
    for code, members in by_leaf.items():
        price, basis = reference_price(members, by_group[code[:6]])
        node: dict[str, Any] = {
            "code": code,
            "parent": code[:6],
            "level": 3,
            "name_ru": NO_CODE_NAMES.get(code) or most_common(lot.name for lot in members),
            "name_kk": None,
            "category": most_common(lot.category for lot in members),
            "unit_ru": most_common(lot.unit for lot in members),
            "reference_price": price,
            "price_basis": basis,
            "lots": len(members),
            "weight": len(members) / total * (1 - extra_share),
            "budget": spread([lot.budget for lot in members], BUDGET_QS, money),
            "quantity": spread([lot.quantity for lot in members], QUANTITY_QS, amount),
            "calibrated": True,
        }
        if code.startswith(NO_CODE_GROUP):
            node["pseudo"] = True
        nodes[code] = node

    extra_total = sum(float(leaf["relative_weight"]) for leaf in extra["leaves"])
    for leaf in extra["leaves"]:
        code = str(leaf["code"])
        if code in nodes:
            raise CalibrationError(f"classifier_extra.json: {code} is already a real code")
        division, group = code[:2], code[:6]
        if division not in nodes:
            name_ru, name_kk = DIVISIONS[division]
            nodes[division] = {
                "code": division,
                "parent": None,
                "level": 1,
                "name_ru": name_ru,
                "name_kk": name_kk,
                "category": leaf["category"],
                "lots": 0,
            }
        if group not in nodes:
            nodes[group] = {
                "code": group,
                "parent": division,
                "level": 2,
                "name_ru": leaf["group_name_ru"],
                "name_kk": None,
                "category": leaf["category"],
                "lots": 0,
            }
        nodes[code] = {
            "code": code,
            "parent": group,
            "level": 3,
            "name_ru": leaf["name_ru"],
            "name_kk": leaf.get("name_kk"),
            "category": leaf["category"],
            "unit_ru": leaf["unit_ru"],
            "reference_price": leaf["reference_price"],
            "price_basis": "assumed",
            "lots": 0,
            "weight": extra_share * float(leaf["relative_weight"]) / extra_total,
            "budget": leaf["budget"],
            "quantity": leaf["quantity"],
            "calibrated": False,
            "justification": leaf["justification"],
        }
    fill_kazakh(nodes, kazakh or {})

    return {
        "version": 1,
        "sources": [
            {
                "what": "real leaves, groups and divisions: codes, names, units, reference prices, weights, "
                "budget and quantity spreads",
                "source": f"measured from {source} by tools/calibrate_synth.py",
                "lots": total,
            },
            {
                "what": "KPVED division names (level 1)",
                "source": "written from the public KPVED classifier (Kazakh edition of CPA 2008); "
                "division 00 is adal's pseudo-division for lots published with category_code '0'",
            },
            {
                "what": "group names (level 2)",
                "source": "the commonest leaf name of the group in the real lots, not the official KPVED "
                "group title",
            },
            {
                "what": "leaves with calibrated=false",
                "source": "tools/classifier_extra.json: hand-written leaves for purchases the real file lacks; "
                "codes are real KPVED groups with an invented ENS suffix (999.9999NN); prices are "
                "assumptions stated in each leaf's justification",
                "share": extra_share,
            },
        ],
        "weights": "a real leaf weighs its share of real lots times (1 - share of the extra leaves); "
        "extra leaves share the rest by relative_weight; weights over all leaves sum to 1",
        "nodes": [nodes[code] for code in sorted(nodes)],
    }


# ---- calibration -----------------------------------------------------------------------------------------


def offer_window_days(lots: Sequence[Lot]) -> dict[str, float]:
    """Whole days from publication to the deadline for offers (deadline_date - publish_date, floored)."""
    windows = Counter(
        (lot.deadline - lot.published).days
        for lot in lots
        if lot.deadline is not None and lot.deadline >= lot.published
    )
    return shares(windows, sum(windows.values())) if windows else {}


def method_block(lots: Sequence[Lot], total: int) -> dict[str, Any]:
    deadlines = Counter(lot.deadline_days for lot in lots)
    categories = Counter(lot.category for lot in lots)
    return {
        "lots": len(lots),
        "share": round(len(lots) / total, SHARE_DIGITS),
        "category_shares": shares(categories, len(lots), CATEGORIES),
        "deadline_days": shares(deadlines, len(lots)),
        "offer_window_days": offer_window_days(lots),
        "budget": spread([lot.budget for lot in lots], METHOD_BUDGET_QS, money),
    }


def customer_form(name: str) -> str:
    """The organisational form a customer's name starts with (КГУ, ГККП, РГУ ...), normalised."""
    words = re.split(r"[\s\"«»“”]+", name.strip())
    first = words[0] if words else ""
    long_forms = {
        "коммунальное": "КГУ/КГП (written out)",
        "государственное": "ГУ/ГКП (written out)",
        "республиканское": "РГУ/РГП (written out)",
        "акционерное": "АО (written out)",
        "товарищество": "ТОО (written out)",
        "некоммерческое": "НАО (written out)",
        "некомерческое": "НАО (written out)",
        "филиал": "Филиал",
    }
    return long_forms.get(first.lower(), first if first.isupper() else "other")


def calibration(lots: Sequence[Lot], in_file: int, synthetic: int, source: str) -> dict[str, Any]:
    total = len(lots)
    by_method: dict[str, list[Lot]] = defaultdict(list)
    for lot in lots:
        by_method[lot.method].append(lot)
    methods: dict[str, Any] = {}
    for suffix in sorted(by_method, key=lambda s: (-len(by_method[s]), s)):
        info = METHODS[suffix]
        methods[info["code"]] = {
            "suffix": suffix,
            "name_ru": info["name_ru"],
            "name_en": info["name_en"],
            "meaning_verified": info["meaning_verified"],
            **({"evidence": info["evidence"]} if "evidence" in info else {}),
            **method_block(by_method[suffix], total),
        }

    per_customer = Counter(lot.customer_bin for lot in lots)
    per_announcement = Counter(lot.announcement for lot in lots)
    customer_counts = list(per_customer.values())
    announcement_counts = list(per_announcement.values())
    by_category: dict[str, list[float]] = defaultdict(list)
    for lot in lots:
        by_category[lot.category].append(lot.budget)
    dates = sorted(lot.published for lot in lots)
    # Budgets are published net of VAT: a budget that is a round thousand once 16 % VAT is added back,
    # but not before, is one a customer planned gross and the portal divided by 1.16.
    net_of_vat = sum(
        1 for lot in lots if round(lot.budget * 1.16) % 1000 == 0 and round(lot.budget) % 1000 != 0
    )
    round_thousand = sum(1 for lot in lots if round(lot.budget, 2) % 1000 == 0)

    return {
        "version": 1,
        "source": f"measured from {source} by tools/calibrate_synth.py",
        "lots_in_file": in_file,
        "lots_synthetic_excluded": synthetic,
        "lots": total,
        "published_from": dates[0].strftime("%Y-%m-%d"),
        "published_to": dates[-1].strftime("%Y-%m-%d"),
        "method_by": "suffix of lot_id (the letters after the hyphen, before the lot number)",
        "methods": methods,
        "category_by": "dumping_status: 'Работа…' = works, 'Услуга…' = services, empty = goods",
        "category_shares": shares(Counter(lot.category for lot in lots), total, CATEGORIES),
        "budget": spread([lot.budget for lot in lots], METHOD_BUDGET_QS, money),
        "budget_by_category": {
            category: spread(by_category[category], METHOD_BUDGET_QS, money)
            for category in CATEGORIES
            if by_category[category]
        },
        "budget_round_thousand_share": round(round_thousand / total, SHARE_DIGITS),
        "budget_net_of_vat16_share": round(net_of_vat / total, SHARE_DIGITS),
        "unit_price_zero_share": round(sum(1 for lot in lots if lot.unit_price <= 0) / total, SHARE_DIGITS),
        "advance_payment_pct": shares(Counter(amount(lot.advance_payment_pct) for lot in lots), total),
        "dumping_status": top_shares(
            Counter(lot.dumping_status or "(empty)" for lot in lots), total, len(lots)
        ),
        "lot_status": top_shares(Counter(lot.lot_status for lot in lots), total, len(lots)),
        "publish_hour": shares(Counter(lot.published.hour for lot in lots), total, range(24)),
        "publish_weekday": {
            WEEKDAYS[day]: share
            for day, share in (
                (d, round(sum(1 for lot in lots if lot.published.weekday() == d) / total, SHARE_DIGITS))
                for d in range(7)
            )
        },
        "customers": len(per_customer),
        "lots_per_customer": {
            "median": amount(quantile(customer_counts, 0.5)),
            "p90": amount(quantile(customer_counts, 0.9)),
            "max": max(customer_counts),
        },
        "announcements": len(per_announcement),
        "lots_per_announcement": {
            "median": amount(quantile(announcement_counts, 0.5)),
            "p90": amount(quantile(announcement_counts, 0.9)),
            "max": max(announcement_counts),
        },
        "unit_shares": top_shares(Counter(lot.unit for lot in lots), total, 20),
        "customer_form_shares": top_shares(
            Counter(customer_form(lot.customer_name) for lot in lots), total, 15
        ),
        "deadline_days_note": "the file's deadline_days is not the offer window (a lot with deadline_days 15 "
        "closes two days after publication): read it as the term the lot states, probably delivery; "
        "offer_window_days is measured from publish_date and deadline_date",
        "deadline_days": shares(Counter(lot.deadline_days for lot in lots), total),
        "offer_window_days": offer_window_days(lots),
        "contact_email_empty_share": round(
            sum(1 for lot in lots if not lot.contact_email) / total, SHARE_DIGITS
        ),
        "contact_email_domains": top_shares(
            Counter(lot.contact_email.rsplit("@", 1)[-1] for lot in lots if "@" in lot.contact_email),
            sum(1 for lot in lots if "@" in lot.contact_email),
            12,
        ),
        "contact_phone_empty_share": round(
            sum(1 for lot in lots if not lot.contact_phone) / total, SHARE_DIGITS
        ),
    }


# ---- output ----------------------------------------------------------------------------------------------


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def build(lots_path: Path, extra_path: Path, kk_path: Path = DEFAULT_KK) -> dict[str, str]:
    """File name -> text of every file this script writes."""
    lots, in_file, synthetic = read_lots(lots_path)
    extra = json.loads(extra_path.read_text(encoding="utf-8"))
    kazakh = kazakh_names(json.loads(kk_path.read_text(encoding="utf-8")))
    return {
        "classifier.json": dump(classifier(lots, extra, SOURCE_NAME, kazakh)),
        "calibration.json": dump(calibration(lots, in_file, synthetic, SOURCE_NAME)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("lots", type=Path, help=f"the real lot file ({SOURCE_NAME})")
    parser.add_argument("--extra", type=Path, default=DEFAULT_EXTRA, help="hand-written uncalibrated leaves")
    parser.add_argument("--kk", type=Path, default=DEFAULT_KK, help="Kazakh names of classifier nodes")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="where to write the JSON files")
    args = parser.parse_args(argv)
    try:
        files = build(args.lots, args.extra, args.kk)
    except (OSError, CalibrationError, KeyError, ValueError) as error:
        print(f"calibrate_synth: {error}", file=sys.stderr)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out_dir / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
