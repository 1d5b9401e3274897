"""The arithmetic Cardinal's numbers depend on, exactly: quartiles, fences, rounding, number printing.

- Quartiles are Hyndman–Fan type 8 (median-unbiased; R's ``quantile(type = 8)``), as the statrs crate
  computes them, not NumPy's default type 7.
- Tukey fences are one fused multiply-add, ``q1 - 1.5 * IQR`` rounded once: computed exactly with
  fractions and rounded to the nearest double, which is what a fused multiply-add gives.
- Meta values are rounded to 4 decimals with halves away from zero (Rust's ``round``), not Python's
  banker's rounding.
- Numbers are printed as Rust's ryu does (``1e16``, ``0.00001``, ``1.0``), and non-finite ones as ``null``.
"""

from __future__ import annotations

import math
from fractions import Fraction


def quantile(values: list[float], tau: float) -> float:
    """Type-8 quantile of ``values`` (unsorted), as statrs ``Data::quantile``; NaN for no data."""
    x = sorted(values)
    n = len(x)
    if not 0.0 <= tau <= 1.0 or n == 0:
        return math.nan
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return x[0]
    if hf >= n or tau == 1.0:
        return x[-1]
    a, b = x[hf - 1], x[hf]
    return a + (h - hf) * (b - a)


def fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once (a fused multiply-add), for finite inputs; NaN/inf propagate."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def lower_fence(q1: float, q3: float) -> float:
    return fma(q3 - q1, -1.5, q1)


def upper_fence(q1: float, q3: float) -> float:
    return fma(q3 - q1, 1.5, q3)


def rust_round(x: float) -> float:
    """Round half away from zero, as Rust's ``f64::round``."""
    if not math.isfinite(x):
        return x
    ax = abs(x)
    f = math.floor(ax)
    return math.copysign(f + 1.0 if ax - f >= 0.5 else f, x)


def meta_value(v: float) -> float:
    return rust_round(v * 10000.0) / 10000.0


def ryu(v: float) -> str:
    """A float as serde_json (ryu) prints it; ``null`` for NaN and infinities."""
    if not math.isfinite(v):
        return "null"
    if v == 0.0:
        return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
    s = repr(v)
    sign = ""
    if s[0] == "-":
        sign, s = "-", s[1:]
    mantissa, _, exponent = s.partition("e")
    e = int(exponent) if exponent else 0
    whole, _, fraction = mantissa.partition(".")
    digits_all = whole + fraction
    lead = len(digits_all) - len(digits_all.lstrip("0"))
    digits = digits_all.lstrip("0").rstrip("0") or "0"
    kk = len(whole) + e - lead
    n = len(digits)
    k = kk - n
    if k >= 0 and kk <= 16:
        out = digits + "0" * k + ".0"
    elif 0 < kk <= 16:
        out = digits[:kk] + "." + digits[kk:]
    elif -5 < kk <= 0:
        out = "0." + "0" * (-kk) + digits
    elif n == 1:
        out = f"{digits}e{kk - 1}"
    else:
        out = f"{digits[0]}.{digits[1:]}e{kk - 1}"
    return sign + out
