"""Legal bases indicators cite: Kazakhstan's public procurement laws, with the dates they were in force."""

from __future__ import annotations

import datetime as dt

from adal.indicators.base import LegalBasis

LAW_2015 = "Law of the Republic of Kazakhstan No. 434-V of 4 December 2015 «On public procurement»"
LAW_2024 = "Law of the Republic of Kazakhstan No. 106-VIII of 1 July 2024 «On public procurement»"
_2015 = (dt.date(2016, 1, 1), dt.date(2024, 12, 31))
_2024 = (dt.date(2025, 1, 1), None)


def both(article_2015: str, article_2024: str, summary: str) -> tuple[LegalBasis, ...]:
    """The same rule under the 2015 law (until 2024) and the 2024 law (from 2025)."""
    return (
        LegalBasis(LAW_2015, article_2015, summary, *_2015),
        LegalBasis(LAW_2024, article_2024, summary, *_2024),
    )
