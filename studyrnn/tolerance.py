"""When a number is close enough: the one closeness rule for grading, deck validation (a declared
mistake must lie outside a card's tolerance) and exports.

``|given − expected| ≤ atol + rtol·|expected|`` (defaults rtol 1e-2, atol 1e-8, as numpy.isclose),
or by significant figures (see ``matches_sigfigs``). Standard library only, so any layer may use it
(``studyrnn.grading`` and ``studyrnn.decks`` are siblings that may not import each other).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from studyrnn.wording import N_, Message

DEFAULT_RTOL = 1e-2
DEFAULT_ATOL = 1e-8


@dataclass(frozen=True, slots=True)
class NumericRule:
    """How close is close enough: absolute/relative tolerance, or n significant figures.

    Built from a card's tolerance with ``NumericRule.from_tolerance``. Each of rtol and atol that a
    tolerance leaves out takes its default, as the deck schema documents: ``{atol: 0.5}`` means
    0.5 + 1e-2·|expected|; an absolute band alone is written ``{rtol: 0, atol: 0.5}``.
    """

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    sigfigs: int | None = None

    @classmethod
    def from_tolerance(cls, tolerance: object) -> NumericRule:
        """Accepts None, a mapping or an object with ``rtol``/``atol``/``sigfigs`` attributes."""
        if tolerance is None:
            return cls()
        keys = ("rtol", "atol", "sigfigs")
        if isinstance(tolerance, dict):
            values: dict[str, Any] = {k: tolerance.get(k) for k in keys}
        else:
            values = {k: getattr(tolerance, k, None) for k in keys}
        if values["sigfigs"] is not None:
            return cls(rtol=0.0, atol=DEFAULT_ATOL, sigfigs=int(values["sigfigs"]))
        rtol, atol = values["rtol"], values["atol"]
        return cls(
            rtol=float(rtol) if rtol is not None else DEFAULT_RTOL,
            atol=float(atol) if atol is not None else DEFAULT_ATOL,
        )

    def matches(self, given: float, expected: float) -> bool:
        if self.sigfigs is not None:
            return matches_sigfigs(given, expected, self.sigfigs)
        return within_tolerance(given, expected, rtol=self.rtol, atol=self.atol)

    def describe(self) -> str:
        """The rule in words, for a learner who wonders why 0.31 was not accepted (a grading
        ``Message``: English as a ``str``, translatable by a front end)."""
        if self.sigfigs is not None:
            if self.sigfigs == 1:
                return Message(N_("to {n} significant figure"), n=self.sigfigs)
            return Message(N_("to {n} significant figures"), n=self.sigfigs)
        percent = f"{self.rtol * 100:.4g}%"
        if self.rtol and self.atol > DEFAULT_ATOL:
            return Message(
                N_("within ±({atol:g} + {percent} of the answer)"), atol=self.atol, percent=percent
            )
        if self.rtol:
            return Message(N_("within {percent}"), percent=percent)
        return Message(N_("within ±{atol:g}"), atol=self.atol)

    def format_expected(self, expected: float) -> str:
        """The answer as shown to a learner; typing exactly this is always accepted."""
        if self.sigfigs is not None:
            return format_sigfigs(expected, self.sigfigs)
        for digits in range(6, 18):
            text = f"{expected:.{digits}g}"
            if self.matches(float(text), expected):
                return _tidy(text)
        return repr(expected)


def within_tolerance(
    given: float, expected: float, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL
) -> bool:
    """``|given − expected| ≤ atol + rtol·|expected|`` (numpy.isclose, asymmetric in ``expected``)."""
    return abs(given - expected) <= atol + rtol * abs(expected)


def _as_decimal(value: float) -> Decimal:
    # The shortest repr is the decimal a person sees and types: 0.135 rounds up to 0.14 here,
    # although the binary double just below 0.135 would round down.
    return Decimal(repr(float(value)))


def round_sigfigs(value: float, n: int) -> Decimal:
    """``value`` rounded half-up (school rounding) to ``n`` significant figures, as a Decimal."""
    if n < 1:
        raise ValueError("significant figures must be at least 1")
    d = _as_decimal(value)
    if d == 0:
        return Decimal(0)
    try:
        rounded = d.quantize(Decimal(1).scaleb(d.adjusted() - n + 1), rounding=ROUND_HALF_UP)
        if rounded.adjusted() > d.adjusted():  # 0.0996 → 0.100: one figure too many after a carry
            rounded = rounded.quantize(
                Decimal(1).scaleb(rounded.adjusted() - n + 1), rounding=ROUND_HALF_UP
            )
    except InvalidOperation:  # pragma: no cover - only for absurd precisions
        return d
    return rounded


def format_sigfigs(value: float, n: int) -> str:
    """``value`` to ``n`` significant figures, trailing zeros kept (0.10 for 2 figures)."""
    rounded = round_sigfigs(value, n)
    if rounded == 0:
        return "0"
    if -5 <= rounded.adjusted() < 15:
        return _strip_minus_zero(format(rounded, "f"))
    return _strip_minus_zero(format(rounded, "E").replace("E+", "e").replace("E", "e"))


def _strip_minus_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _tidy(text: str) -> str:
    """Python's ``g`` format, but 1e-05 reads as 1e-5."""
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def matches_sigfigs(given: float, expected: float, n: int) -> bool:
    """True when ``given`` is the expected answer to ``n`` significant figures.

    Two ways to be right, either suffices:

    * ``given`` rounded to n figures equals ``expected`` rounded to n figures (half-up, on the
      decimal as printed), so a learner may type more digits than asked: 0.1251 for 0.13;
    * or ``given`` lies within half a unit of the n-th significant figure of ``expected``
      (PrairieLearn's rule), so 0.12 is right for 0.125 to 2 figures even though 0.125 rounds
      half-up to 0.13, and 0.1249 is right too.

    An expected answer of exactly 0 has no significant figures: only |given| ≤ 1e-8 is right.
    """
    if expected == 0:
        return abs(given) <= DEFAULT_ATOL
    if round_sigfigs(given, n) == round_sigfigs(expected, n):
        return True
    exponent = math.floor(math.log10(abs(expected)))
    half_unit = 0.5 * 10.0 ** (exponent - n + 1)
    return abs(given - expected) <= half_unit * (1 + 1e-9)
