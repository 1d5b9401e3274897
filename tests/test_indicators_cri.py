"""The Corruption Risk Index components (CRI-…): band lists, the method-details table, quantile mode, weights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from adal.errors import UsageError
from adal.indicators import _cri
from adal.indicators import settings as ini
from adal.indicators.base import Result, State
from adal.indicators.cri_nonprice import price_weight
from adal.indicators.engine import run
from adal.indicators.facts import extract
from adal.indicators.registry import REGISTRY
from adal.indicators.runner import selected


def outcomes(text: str, releases: list[dict[str, Any]], full: bool = True) -> dict[str, Result]:
    config = ini.parse(text, REGISTRY)
    processes = [p for i, r in enumerate(releases) if (p := extract(r, i, "", parties=False, orgs=False))]
    (outcome,) = run(selected(config), processes, config, full=full)
    return {r.subject: r for r in outcome.results}


def advert(ocid: str, days: int, details: str | None = None) -> dict[str, Any]:
    start = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    tender: dict[str, Any] = {
        "procurementMethod": "open",
        "tenderPeriod": {
            "startDate": start.isoformat().replace("+00:00", "Z"),
            "endDate": (start + dt.timedelta(days=days)).isoformat().replace("+00:00", "Z"),
        },
    }
    if details is not None:
        tender["procurementMethodDetails"] = details
    return {"ocid": ocid, "tender": tender}


def test_band_lists() -> None:
    assert _cri.bands("0-2:1|3-6:0.5| 7-365:0 ") == (
        _cri.Band(0, 2, 1),
        _cri.Band(3, 6, 0.5),
        _cri.Band(7, 365, 0),
    )
    assert _cri.band_of(2, _cri.bands("0-2:1|3-6:0.5")) == _cri.Band(0, 2, 1)
    assert _cri.band_of(2.5, _cri.bands("0-2:1|3-6:0.5")) is None
    for bad, why in (
        ("", "no band"),
        ("0-2", "no ':score'"),
        ("2-0:1", "starts after it ends"),
        ("0-2:-1", "negative score"),
        ("0-5:1|5-9:0", "overlap"),
        ("a-b:1", "in numbers"),
    ):
        with pytest.raises(ValueError, match=why):
            _cri.bands(bad)
    assert _cri.bands("0-0.1:1|0.1-0.3:0.5", touching=True)[1] == _cri.Band(0.1, 0.3, 0.5)


def test_details_match_trimmed_case_insensitive_and_longest_first() -> None:
    table = (("Из одного источника", "1"), ("Из одного источника по несостоявшимся", "0.5"))
    assert _cri.match_details(" из одного источника путем прямого заключения", table) == table[0]
    assert _cri.match_details("Из одного источника по несостоявшимся закупкам", table) == table[1]
    assert _cri.match_details("Открытый конкурс", table) is None
    assert _cri.match_details(None, table) is None


@pytest.mark.parametrize(
    "text",
    [
        "[CRI-ADVERT]\nbands = 0-5:1|3-9:0.5\n",
        "[CRI-ADVERT]\nprocurement_method_details = x\n",
        "[CRI-ADVERT]\nquantile_bands = 0-2:1\n",
        "[CRI-DECISION.procurement_method_details]\nАукцион = 5-1:1\n",
        "[CRI-PROCEDURE]\nmethod_scores = open\n",
        "[CRI-PROCEDURE.procurement_method_details]\nАукцион = high\n",
        "[CRI-NONPRICE]\nbands = a:1\n",
    ],
)
def test_malformed_settings_are_errors(text: str) -> None:
    config = ini.parse(text, REGISTRY)
    with pytest.raises(UsageError):
        selected(config)


def test_details_section_adds_to_and_replaces_the_defaults() -> None:
    text = "[CRI-ADVERT.procurement_method_details]\nзапрос ценовых предложений = 0-4:1|5-365:0\nАукцион = 0-1:1\n"
    results = outcomes(
        text,
        [
            advert("offers", 3, "Запрос ценовых предложений"),
            advert("auction", 1, "Аукцион"),
            advert("tender", 3, "Открытый конкурс"),
        ],
    )
    assert results["offers"].value == 1.0
    assert results["offers"].evidence["bands"] == "0-4:1|5-365:0"
    assert results["auction"].value == 1.0
    assert results["tender"].value == 0.5 and results["tender"].evidence["bands"] == "0-2:1|3-6:0.5|7-365:0"


def test_quantile_mode_scores_the_tails_of_the_method_and_shares_ties() -> None:
    # Forty open tenders: thirty at the usual 7 days, five at 1-5 days, five at 30-34 days.
    releases = [advert(f"usual {i}", 7, "Открытый конкурс") for i in range(30)]
    releases += [advert(f"short {d}", d, "Открытый конкурс") for d in range(1, 6)]
    releases += [advert(f"long {d}", d, "Открытый конкурс") for d in range(30, 35)]
    releases += [advert(f"auction {i}", 3, "Аукцион") for i in range(3)]
    results = outcomes("[CRI-ADVERT]\nbands = quantiles\nmin_group = 10\n", releases)
    usual = results["usual 0"]
    assert usual.state is State.not_flagged and usual.evidence["percentile"] == 0.5
    assert results["short 1"].value == 1.0 and results["short 1"].evidence["percentile"] == 0.0125
    assert results["short 5"].value == 0.5  # percentile 0.1125
    assert results["long 34"].value == 1.0 and results["long 30"].value == 0.5
    assert results["short 1"].evidence["peers"] == 40
    assert results["short 1"].evidence["peer_group"] == "procurementMethodDetails 'открытый конкурс'"
    assert results["auction 0"].state is State.not_computable
    assert results["auction 0"].reason == (
        "only 3 processes with procurementMethodDetails 'аукцион' to derive the bands from (min_group 10)"
    )
    # Cardinal's view: only the flagged ones.
    flagged = outcomes("[CRI-ADVERT]\nbands = quantiles\nmin_group = 10\n", releases, full=False)
    assert set(flagged) == {"short 1", "short 2", "short 3", "short 4", "short 5"} | {
        f"long {d}" for d in range(30, 35)
    }


def test_quantile_mode_flags_nothing_without_spread() -> None:
    releases = [advert(f"p{i}", 2, "Запрос ценовых предложений") for i in range(40)]
    text = "[CRI-ADVERT]\n[CRI-ADVERT.procurement_method_details]\nЗапрос ценовых предложений = quantiles\n"
    results = outcomes(text, releases)
    assert {r.state for r in results.values()} == {State.not_flagged}


@pytest.mark.parametrize(
    ("details", "price"),
    [
        ("Цена – 70 %, опыт работы – 30 %", 70.0),
        ("Price 40%; quality 60%", 40.0),
        ("Бағасы 55,5%", 55.5),
        ("80% — цена, 20% — срок поставки", 80.0),
        ("опыт 30%, цена 70%", 70.0),
        ("Качество и опыт", None),
        ("цена 150%", None),
    ],
)
def test_price_weight_in_award_criteria_details(details: str, price: float | None) -> None:
    assert price_weight(details) == price
