"""Kazakhstan's 12-digit business and individual identification numbers (BIN and IIN).

Both end in a check digit: the first eleven digits weighted 1..11, modulo 11; where that gives 10, a
second pass weights them 3..11, 1, 2; where that also gives 10, no number is issued with those digits.
An IIN also encodes a date of birth and sex: adal never reads them (DESIGN.md, Identifiers).
"""

from __future__ import annotations

_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Identifier schemes whose ids are BIN or IIN numbers.
KZ_SCHEMES = frozenset({"KZ-BIN", "KZ-IIN"})


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or ``None`` when no valid number starts with them."""
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError(f"expected 11 digits, found {first_eleven!r}")
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST, _SECOND):
        digit = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if digit != 10:
            return digit
    return None


def normalize(value: str) -> str:
    """Digits only: publishers write BINs with spaces or dashes."""
    return "".join(c for c in value if not c.isspace() and c != "-")


def is_valid(value: str) -> bool:
    """Whether ``value`` is a well-formed BIN/IIN: 12 digits with the right check digit."""
    number = normalize(value)
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def validity(scheme: str | None, identifier: str | None) -> bool | None:
    """``True``/``False`` for a BIN or IIN, ``None`` for identifiers of other schemes (nothing to check)."""
    if scheme not in KZ_SCHEMES or identifier is None:
        return None
    return is_valid(identifier)
