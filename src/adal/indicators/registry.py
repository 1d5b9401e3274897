"""Every indicator adal has, by code. A test keeps this honest: each module under ``adal/indicators``
named like a code is registered here, and each registered indicator has a methodology page and fixtures."""

from __future__ import annotations

from adal.indicators.base import Indicator
from adal.indicators.cri_advert import CriAdvert
from adal.indicators.cri_benford import CriBenford
from adal.indicators.cri_decision import CriDecision
from adal.indicators.cri_new_company import CriNewCompany
from adal.indicators.cri_no_call import CriNoCall
from adal.indicators.cri_nonprice import CriNonprice
from adal.indicators.cri_procedure import CriProcedure
from adal.indicators.cri_spend_share import CriSpendShare
from adal.indicators.cri_tax_haven import CriTaxHaven
from adal.indicators.kz_conflict import KzConflict
from adal.indicators.kz_debarred_bidder import KzDebarredBidder
from adal.indicators.kz_mrp_threshold import KzMrpThreshold
from adal.indicators.kz_single_source_grounds import KzSingleSourceGrounds
from adal.indicators.r002 import R002
from adal.indicators.r003 import R003
from adal.indicators.r010 import R010
from adal.indicators.r011 import R011
from adal.indicators.r013 import R013
from adal.indicators.r014 import R014
from adal.indicators.r015 import R015
from adal.indicators.r016 import R016
from adal.indicators.r017 import R017
from adal.indicators.r018 import R018
from adal.indicators.r019 import R019
from adal.indicators.r022 import R022
from adal.indicators.r023 import R023
from adal.indicators.r024 import R024
from adal.indicators.r025 import R025
from adal.indicators.r028 import R028
from adal.indicators.r029 import R029
from adal.indicators.r030 import R030
from adal.indicators.r031 import R031
from adal.indicators.r034 import R034
from adal.indicators.r035 import R035
from adal.indicators.r036 import R036
from adal.indicators.r038 import R038
from adal.indicators.r040 import R040
from adal.indicators.r044 import R044
from adal.indicators.r045 import R045
from adal.indicators.r046 import R046
from adal.indicators.r048 import R048
from adal.indicators.r049 import R049
from adal.indicators.r050 import R050
from adal.indicators.r051 import R051
from adal.indicators.r052 import R052
from adal.indicators.r053 import R053
from adal.indicators.r054 import R054
from adal.indicators.r055 import R055
from adal.indicators.r057 import R057
from adal.indicators.r058 import R058
from adal.indicators.r059 import R059
from adal.indicators.r060 import R060
from adal.indicators.r061 import R061
from adal.indicators.r062 import R062
from adal.indicators.r064 import R064
from adal.indicators.r068 import R068
from adal.indicators.r069 import R069

# OCP's red flags by number (Cardinal's eleven among them, in Cardinal's order: it decides the "first currency"
# within a process), then the Fazekas CRI components, then the Kazakh rules.
INDICATORS: tuple[Indicator, ...] = (
    R002(),
    R003(),
    R010(),
    R011(),
    R013(),
    R014(),
    R015(),
    R016(),
    R017(),
    R018(),
    R019(),
    R022(),
    R023(),
    R024(),
    R025(),
    R028(),
    R029(),
    R030(),
    R031(),
    R034(),
    R035(),
    R036(),
    R038(),
    R040(),
    R044(),
    R045(),
    R046(),
    R048(),
    R049(),
    R050(),
    R051(),
    R052(),
    R053(),
    R054(),
    R055(),
    R057(),
    R058(),
    R059(),
    R060(),
    R061(),
    R062(),
    R064(),
    R068(),
    R069(),
    CriAdvert(),
    CriBenford(),
    CriDecision(),
    CriNewCompany(),
    CriNoCall(),
    CriNonprice(),
    CriProcedure(),
    CriSpendShare(),
    CriTaxHaven(),
    KzConflict(),
    KzDebarredBidder(),
    KzMrpThreshold(),
    KzSingleSourceGrounds(),
)
REGISTRY: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def module_name(code: str) -> str:
    """The module an indicator's code names: R018 -> r018, KZ-SINGLE-SOURCE -> kz_single_source."""
    return code.lower().replace("-", "_")
