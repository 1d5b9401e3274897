"""Names, addresses and contacts of the world's people, companies and bodies, from ``data/names.json``."""

from __future__ import annotations

import random
from typing import Any

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
            "a",
            "g",
            "k",
            "n",
            "o",
            "u",
            "u",
            "h",
            "i",
        ],
        strict=True,
    )
)

# Body kinds without a pattern of their own take another kind's.
_PATTERN_OF = {"city_akimat": "regional_akimat", "akimat_department": "upravlenie"}
_EXTRA_PATTERNS = {
    "college": (
        "ГККП «Колледж №{n}» управления образования {region}",
        "{region_kk} білім басқармасының «№{n} колледжі» МКҚК",
    ),
    "culture_centre": (
        "ГККП «Дом культуры {district}» отдела культуры {district}",
        "«{district_kk_name} мәдениет үйі» МКҚК",
    ),
    "sports_school": (
        "КГУ «Детско-юношеская спортивная школа №{n}» {district}",
        "«№{n} балалар мен жасөспірімдер спорт мектебі» КММ",
    ),
}


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch if ch.isascii() and ch.isalnum() else "") for ch in text.lower())


class Names:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        first = data["first_names"]
        self.first_names = {sex: [*first[sex]["kk"], *first[sex]["ru"]] for sex in ("male", "female")}
        self.surnames: list[dict[str, str]] = data["surnames"]
        self.by_surname = {s[sex]: s for s in self.surnames for sex in ("male", "female")}
        self.sectors = {s["code"]: s for s in data["sectors"]}

    def first_name(self, rng: random.Random, sex: str) -> str:
        return str(rng.choice(self.first_names[sex]))

    def surname(self, rng: random.Random, sex: str, family: str | None = None) -> str:
        entry = self.by_surname.get(family) if family else None
        return str((entry or rng.choice(self.surnames))[sex])

    def patronymic(self, rng: random.Random, sex: str) -> str | None:
        if rng.random() < 0.04:
            return None  # not everyone has one on record
        father = str(rng.choice(self.first_names["male"]))
        rules = self.data["patronymics"]
        if rng.random() < rules.get("share_kk_form", 0.0):
            kk = rules["kk"]
            return father + str(kk["male_suffix"] if sex == "male" else kk["female_suffix"])
        ru = rules["ru"]
        exception = ru["exceptions"].get(father)
        if exception:
            return str(exception[0] if sex == "male" else exception[1])
        if father.endswith(("й", "ь")):
            return father[:-1] + str(ru["after_й_or_ь"][sex])
        return father + str(ru["male_suffix"] if sex == "male" else ru["female_suffix"])

    def street(self, rng: random.Random) -> str:
        return str(rng.choice(self.data["streets"])["ru"])

    def address(self, rng: random.Random, locality: str) -> str:
        return f"{locality}, {self.street(rng)}, {rng.randrange(1, 180)}"

    def phone(self, rng: random.Random) -> str:
        prefix = rng.choice(self.data["phones"]["mobile_prefixes"])
        return f"{prefix} {rng.randrange(100, 1000)} {rng.randrange(10, 100)} {rng.randrange(10, 100)}"

    def email(self, rng: random.Random, name: str) -> str:
        stem = translit(name.rsplit("«", maxsplit=1)[-1].split("»", maxsplit=1)[0])[:14] or "info"
        return f"{stem}{rng.randrange(1, 100)}@{rng.choice(self.data['email_domains'])}"

    def company(self, rng: random.Random) -> tuple[str, str, str]:
        """``(Russian name, Kazakh name, legal form)`` of a company (ИП are left out: they have IINs)."""
        vocabulary = self.data["company"]
        forms = [f for f in vocabulary["legal_forms"] if f["ru"] != "ИП"]
        form = rng.choices(forms, weights=[f["weight"] for f in forms])[0]
        pattern = rng.choice([p for p in vocabulary["patterns"] if "{region_short}" not in p])
        brand = pattern.format(
            brand=rng.choice(vocabulary["brand"]),
            brand2=rng.choice(vocabulary["brand"]).lower(),
            activity=rng.choice(vocabulary["activity_ru"]),
        )
        return f"{form['ru']} «{brand}»", f"«{brand}» {form['kk']}", str(form["ru"])

    def body(
        self, rng: random.Random, kind: str, *, region: Any, district: Any, **fmt: Any
    ) -> tuple[str, str]:
        """A body's name in Russian and Kazakh, from the patterns of its kind."""
        data = self.data
        values: dict[str, Any] = {
            "region": region.genitive_ru,
            "region_dat": region.dative_ru,
            "region_kk": region.genitive_kk,
            "region_kk_name": region.name_kk,
            "district": district.genitive_ru if district else region.genitive_ru,
            "district_kk": district.genitive_kk if district else region.genitive_kk,
            "district_kk_name": district.name_kk if district else region.name_kk,
            "n": fmt.get("n", 1),
            "kindergarten_name": rng.choice(data["kindergarten_names"]),
            "utility_name": rng.choice(data["utility_names"]),
        }
        if kind == "ministry":
            ministry = data["ministries"][fmt["n"] % len(data["ministries"])]
            values |= {"ministry_ru": ministry["ru"], "ministry_kk": ministry["kk"]}
        elif kind == "committee":
            committee = data["committees"][fmt["n"] % len(data["committees"])]
            values |= {"committee_ru": committee["ru"], "committee_kk": committee["kk"]}
        elif kind == "akimat_department":
            sector = self.sectors[fmt["sector"]]
            values |= {"sector_ru": sector["ru"], "sector_kk": sector["kk"]}
        if kind in _EXTRA_PATTERNS and kind not in data["bodies"]:
            ru, kk = _EXTRA_PATTERNS[kind]
        else:
            pattern = data["bodies"][_PATTERN_OF.get(kind, kind)]
            ru, kk = pattern["ru"], pattern["kk"]
        return ru.format(**values), kk.format(**values)
