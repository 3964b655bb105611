"""Rounding and number formatting shared by the generators.

Shown numbers are rounded first (``rnd``/``sig``) and printed with ``num`` (the shortest text that
reads back as the same float), so a learner computes from exactly the numbers the answer used.
Derived values in solutions are printed with ``approx``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def clean(x: float, digits: int = 12) -> float:
    """``x`` to ``digits`` significant figures: removes float noise such as 0.30000000000000004."""
    x = float(x)
    if not math.isfinite(x) or x == 0:
        return x + 0.0
    return float(f"{x:.{digits}g}") + 0.0


def rnd(x: float, decimals: int) -> float:
    """Round to ``decimals`` decimal places (never -0.0)."""
    return float(round(float(x), decimals)) + 0.0


def sig(x: float, figures: int = 3) -> float:
    """Round to ``figures`` significant figures (never -0.0)."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x + 0.0
    return float(f"{x:.{figures}g}") + 0.0


def num(x: float | int) -> str:
    """A shown number: integers without a point, other floats in their shortest exact form."""
    if isinstance(x, int):
        return str(x)
    x = float(x) + 0.0
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def approx(x: float, figures: int = 4) -> str:
    """A derived value in a worked solution, to ``figures`` significant figures."""
    x = float(x)
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{figures}g}"
    return "0" if text in ("-0", "0") else text


def vec(xs: Iterable[float]) -> str:
    """``[a, b, c]`` with shown numbers."""
    return "[" + ", ".join(num(x) for x in xs) + "]"


def avec(xs: Iterable[float], figures: int = 4) -> str:
    """``[a, b, c]`` with derived values."""
    return "[" + ", ".join(approx(x, figures) for x in xs) + "]"


def mat(rows: Sequence[Sequence[float]]) -> str:
    """``[[a, b], [c, d]]``."""
    return "[" + ", ".join(vec(r) for r in rows) + "]"


def signed(x: float) -> str:
    """``+ 0.3`` / ``- 0.3`` for writing sums."""
    return f"- {num(-x)}" if x < 0 else f"+ {num(x)}"


def paren(x: float) -> str:
    """A shown number, bracketed when negative: ``(-0.3)``."""
    return f"({num(x)})" if x < 0 else num(x)


def aparen(x: float, figures: int = 4) -> str:
    """A derived value, bracketed when negative."""
    t = approx(x, figures)
    return f"({t})" if t.startswith("-") else t
