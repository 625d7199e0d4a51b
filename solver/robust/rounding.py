"""Rounding a sampled threshold for people: up, to 4 significant digits.

A robust strength is the exact quantile of the sampled worlds' own thresholds; the target holds
in the required share at every value above it. Rounding it *up* keeps a printed claim true
("subsidy > 1.933" for 1.93253), where rounding to nearest could claim too much.
"""

from __future__ import annotations

import math

__all__ = ["up4"]


def up4(value: float) -> str:
    """``value`` rounded up (towards +∞) to 4 significant digits, without float noise.

    >>> up4(1.93253), up4(0.790004), up4(2.0), up4(-0.123456), up4(0.0)
    ('1.933', '0.7901', '2', '-0.1234', '0')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    exponent = math.floor(math.log10(abs(value))) - 3
    scaled = value / 10.0**exponent
    # float noise (1.9300000000000002 / 10⁻³) must not push an exact value up a step
    up = math.ceil(scaled - 1e-9 * abs(scaled))
    out = up * 10.0**exponent
    return f"{out:.{max(0, -exponent)}f}".rstrip("0").rstrip(".") if exponent < 0 else str(round(out))
