"""Typed numbers: parsing what people type, and deciding when a number is close enough.

``parse_number`` reads one number the way learners type it and refuses everything else with a
reason they can act on (``NotANumber``). It never evaluates anything: a fixed grammar, no ``eval``.

Accepted::

    0.3   .3   3.   3e-1   3E-01   3/10   -0.3   +0.3   −0.3 (U+2212)   –0.3 (en dash)
    surrounding spaces (also no-break and thin spaces), spaces after a sign or around the slash

Refused, each with its own reason: letters and expressions, commas (``0,5`` and ``1,000`` are
ambiguous across languages: decimals take a dot, thousands no separator), spaces inside a number,
percentages, several slashes, a zero denominator, ``nan``/``inf`` and anything that overflows.

Closeness (``number_matches``): ``|given − expected| ≤ atol + rtol·|expected|`` (defaults
rtol 1e-2, atol 1e-8, as numpy.isclose), or by significant figures (see ``matches_sigfigs``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from studyrnn.errors import StudyrnnError

DEFAULT_RTOL = 1e-2
DEFAULT_ATOL = 1e-8
MAX_INPUT_LENGTH = 200

# Signs people produce: ASCII, the Unicode minus (U+2212), the en dash that word processors and
# PDFs substitute for a minus, and the full-width forms of East Asian keyboards. The em dash and
# the hyphen (U+2010) are not signs anywhere; they stay refused.
_MINUS_SIGNS = "-\u2212\u2013\ufe63\uff0d"
_PLUS_SIGNS = "+\uff0b"
# Spaces a paste or a keyboard layout may bring along: no-break, thin, narrow no-break, figure.
_SPACES = " \t\u00a0\u2009\u202f\u2007\u2002\u2003\u3000"

_DECIMAL = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class NotANumber(StudyrnnError):
    """Typed text that is not one number; ``str(err)`` says why, in words a learner understands."""


def _normalise_sign(part: str) -> tuple[int, str]:
    """Split an optional leading sign (any accepted form) from the rest, spaces after it allowed."""
    if part and part[0] in _MINUS_SIGNS:
        return -1, part[1:].strip(_SPACES)
    if part and part[0] in _PLUS_SIGNS:
        return 1, part[1:].strip(_SPACES)
    return 1, part


def _parse_decimal(part: str, original: str) -> float:
    sign, body = _normalise_sign(part.strip(_SPACES))
    if not body:
        raise NotANumber(f"not a number: {original!r}")
    if body[0] in _MINUS_SIGNS + _PLUS_SIGNS:
        raise NotANumber(f"not a number: {original!r} has two signs")
    # A minus in the exponent may arrive in any of the accepted forms too: 3e−1.
    body = re.sub(f"([eE])[{_MINUS_SIGNS}]", r"\1-", body)
    if not _DECIMAL.fullmatch(body):
        if re.search(r"[0-9.]\s*[×*·xX]\s*10\s*(\^|\*\*)", body):
            raise NotANumber(
                f"not a number: {original!r}; write powers of ten with e (3e-4, not 3×10^-4)"
            )
        if _DECIMAL.fullmatch("".join(ch for ch in body if ch not in _SPACES)):
            raise NotANumber(
                f"not a number: {original!r} has a space inside a number; "
                "write digits without spaces (1000, not 1 000)"
            )
        if body.casefold().lstrip("+-").rstrip(".") in {"nan", "inf", "infinity"}:
            raise NotANumber(f"not a finite number: {original!r}")
        raise NotANumber(f"not a number: {original!r}; type one number like 0.3, 3e-1 or 3/10")
    value = sign * float(body)
    if not math.isfinite(value):
        raise NotANumber(f"not a finite number: {original!r} is too large")
    return value


def parse_number(text: str) -> float:
    """The number a learner typed, as a finite float; ``NotANumber`` (with the reason) otherwise.

    >>> parse_number(" −3/10 ")
    -0.3
    """
    if not isinstance(text, str):
        raise NotANumber(f"not a number: {text!r}")
    stripped = text.strip(_SPACES + "\r\n\v\f")
    if not stripped:
        raise NotANumber("empty answer: type a number")
    if len(stripped) > MAX_INPUT_LENGTH:
        raise NotANumber(f"not a number: too long ({len(stripped)} characters)")
    shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
    if "," in stripped:
        raise NotANumber(
            f"not a number: {shown!r}; commas are ambiguous, so write decimals "
            "with a dot (0.5, not 0,5) and thousands without separators (1000)"
        )
    if stripped.endswith("%"):
        raise NotANumber(f"not a number: {shown!r}; write a percentage as a fraction (30% is 0.3)")
    if "\u2044" in stripped or "\u2215" in stripped:  # fraction slash, division slash
        stripped = stripped.replace("\u2044", "/").replace("\u2215", "/")
    slashes = stripped.count("/")
    if slashes > 1:
        raise NotANumber(f"not a number: {shown!r}; use at most one '/' (a fraction like 3/10)")
    if slashes == 0:
        return _parse_decimal(stripped, shown)
    top_text, bottom_text = stripped.split("/")
    if not top_text.strip(_SPACES) or not bottom_text.strip(_SPACES):
        raise NotANumber(f"not a number: {shown!r}; a fraction needs a number on each side of '/'")
    top = _parse_decimal(top_text, shown)
    bottom = _parse_decimal(bottom_text, shown)
    if bottom == 0.0:
        raise NotANumber(f"not a number: {shown!r} divides by zero")
    value = top / bottom
    if not math.isfinite(value):
        raise NotANumber(f"not a finite number: {shown!r} is too large")
    return value


# --- closeness -------------------------------------------------------------------------------


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
        if isinstance(tolerance, dict):
            get = tolerance.get
        else:

            def get(key: str) -> object:
                return getattr(tolerance, key, None)

        sigfigs = get("sigfigs")
        if sigfigs is not None:
            return cls(rtol=0.0, atol=DEFAULT_ATOL, sigfigs=int(sigfigs))  # type: ignore[arg-type]
        rtol, atol = get("rtol"), get("atol")
        return cls(
            rtol=float(rtol) if rtol is not None else DEFAULT_RTOL,  # type: ignore[arg-type]
            atol=float(atol) if atol is not None else DEFAULT_ATOL,  # type: ignore[arg-type]
        )

    def matches(self, given: float, expected: float) -> bool:
        if self.sigfigs is not None:
            return matches_sigfigs(given, expected, self.sigfigs)
        return within_tolerance(given, expected, rtol=self.rtol, atol=self.atol)

    def describe(self) -> str:
        """The rule in words, for a learner who wonders why 0.31 was not accepted."""
        if self.sigfigs is not None:
            return f"to {self.sigfigs} significant figure{'s' if self.sigfigs != 1 else ''}"
        percent = f"{self.rtol * 100:.4g}%"
        if self.rtol and self.atol > DEFAULT_ATOL:
            return f"within ±({self.atol:g} + {percent} of the answer)"
        if self.rtol:
            return f"within {percent}"
        return f"within ±{self.atol:g}"

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


def format_number(value: float) -> str:
    """A float as a learner would write it: up to 6 significant figures, no noise."""
    return _tidy(f"{value:.6g}")
