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
from typing import Any

from studyrnn.errors import StudyrnnError
from studyrnn.tolerance import (  # noqa: F401 - the closeness rule, re-exported here
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    NumericRule,
    _tidy,
    format_sigfigs,
    matches_sigfigs,
    round_sigfigs,
    within_tolerance,
)
from studyrnn.wording import N_, Message

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
    """Typed text that is not one number; ``str(err)`` says why, in words a learner understands
    (``err.message``: the same as a ``Message``, for a front end showing it in a deck's language)."""

    def __init__(self, template: str, **fields: Any) -> None:
        self.message = Message(template, **fields)
        super().__init__(str(self.message))


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
        raise NotANumber(N_("not a number: {text!r}"), text=original)
    if body[0] in _MINUS_SIGNS + _PLUS_SIGNS:
        raise NotANumber(N_("not a number: {text!r} has two signs"), text=original)
    # A minus in the exponent may arrive in any of the accepted forms too: 3e−1.
    body = re.sub(f"([eE])[{_MINUS_SIGNS}]", r"\1-", body)
    if not _DECIMAL.fullmatch(body):
        if re.search(r"[0-9.]\s*[×*·xX]\s*10\s*(\^|\*\*)", body):
            raise NotANumber(
                N_("not a number: {text!r}; write powers of ten with e (3e-4, not 3×10^-4)"),
                text=original,
            )
        if _DECIMAL.fullmatch("".join(ch for ch in body if ch not in _SPACES)):
            raise NotANumber(
                N_(
                    "not a number: {text!r} has a space inside a number; "
                    "write digits without spaces (1000, not 1 000)"
                ),
                text=original,
            )
        if body.casefold().lstrip("+-").rstrip(".") in {"nan", "inf", "infinity"}:
            raise NotANumber(N_("not a finite number: {text!r}"), text=original)
        raise NotANumber(
            N_("not a number: {text!r}; type one number like 0.3, 3e-1 or 3/10"), text=original
        )
    value = sign * float(body)
    if not math.isfinite(value):
        raise NotANumber(N_("not a finite number: {text!r} is too large"), text=original)
    return value


def parse_number(text: str) -> float:
    """The number a learner typed, as a finite float; ``NotANumber`` (with the reason) otherwise.

    >>> parse_number(" −3/10 ")
    -0.3
    """
    if not isinstance(text, str):
        raise NotANumber(N_("not a number: {text!r}"), text=text)
    stripped = text.strip(_SPACES + "\r\n\v\f")
    if not stripped:
        raise NotANumber(N_("empty answer: type a number"))
    if len(stripped) > MAX_INPUT_LENGTH:
        raise NotANumber(N_("not a number: too long ({n} characters)"), n=len(stripped))
    shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
    if "," in stripped:
        raise NotANumber(
            N_(
                "not a number: {text!r}; commas are ambiguous, so write decimals "
                "with a dot (0.5, not 0,5) and thousands without separators (1000)"
            ),
            text=shown,
        )
    if stripped.endswith("%"):
        raise NotANumber(
            N_("not a number: {text!r}; write a percentage as a fraction (30% is 0.3)"), text=shown
        )
    if "\u2044" in stripped or "\u2215" in stripped:  # fraction slash, division slash
        stripped = stripped.replace("\u2044", "/").replace("\u2215", "/")
    slashes = stripped.count("/")
    if slashes > 1:
        raise NotANumber(
            N_("not a number: {text!r}; use at most one '/' (a fraction like 3/10)"), text=shown
        )
    if slashes == 0:
        return _parse_decimal(stripped, shown)
    top_text, bottom_text = stripped.split("/")
    if not top_text.strip(_SPACES) or not bottom_text.strip(_SPACES):
        raise NotANumber(
            N_("not a number: {text!r}; a fraction needs a number on each side of '/'"), text=shown
        )
    top = _parse_decimal(top_text, shown)
    bottom = _parse_decimal(bottom_text, shown)
    if bottom == 0.0:
        raise NotANumber(N_("not a number: {text!r} divides by zero"), text=shown)
    value = top / bottom
    if not math.isfinite(value):
        raise NotANumber(N_("not a finite number: {text!r} is too large"), text=shown)
    return value


def format_number(value: float) -> str:
    """A float as a learner would write it: up to 6 significant figures, no noise."""
    return _tidy(f"{value:.6g}")
