"""Every indicator adal has, by code. A test keeps this honest: each module under ``adal/indicators``
named like a code is registered here, and each registered indicator has a methodology page and fixtures."""

from __future__ import annotations

from adal.indicators.base import Indicator
from adal.indicators.r003 import R003
from adal.indicators.r018 import R018
from adal.indicators.r024 import R024
from adal.indicators.r025 import R025
from adal.indicators.r028 import R028
from adal.indicators.r030 import R030
from adal.indicators.r035 import R035
from adal.indicators.r036 import R036
from adal.indicators.r038 import R038
from adal.indicators.r044 import R044
from adal.indicators.r048 import R048
from adal.indicators.r053 import R053
from adal.indicators.r054 import R054
from adal.indicators.r055 import R055
from adal.indicators.r057 import R057
from adal.indicators.r058 import R058
from adal.indicators.r059 import R059
from adal.indicators.r060 import R060
from adal.indicators.r061 import R061
from adal.indicators.r062 import R062

# Cardinal's order (it decides "first currency" within a process): R003 ... R058.
INDICATORS: tuple[Indicator, ...] = (
    R003(),
    R018(),
    R024(),
    R025(),
    R028(),
    R030(),
    R035(),
    R036(),
    R038(),
    R044(),
    R048(),
    R055(),
    R058(),
    # ind6
    R053(),
    R054(),
    R057(),
    R059(),
    R060(),
    R061(),
    R062(),
)
REGISTRY: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def module_name(code: str) -> str:
    """The module an indicator's code names: R018 -> r018, KZ-SINGLE-SOURCE -> kz_single_source."""
    return code.lower().replace("-", "_")
