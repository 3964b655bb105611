"""Pieces every format shares: the report, generated variants, tolerances."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import IO, Any

from studyrnn.errors import Diagnostic
from studyrnn.untrusted import one_line

DEFAULT_VARIANTS = 5
MESSAGE_WIDTH = 400  # a report line is cut here: messages quote imported text


@dataclass
class Report:
    """What an exporter could not hold, or what an importer had to guess.

    Each entry is a ``Diagnostic`` whose severity is ``warning`` (something is lost or skipped)
    or ``note`` (a guess that is probably right, said out loud).
    """

    entries: list[Diagnostic] = field(default_factory=list)
    summary: str = ""  # one line on what was written, for the command to print last
    media_refs: int = 0  # imports: media (images, sounds) named in the text, not imported

    def warn(self, path: str, message: str, line: int = 0, col: int = 0) -> None:
        """Something lost or skipped; ``line`` 0: about the whole file."""
        self.entries.append(Diagnostic(path, line, col, message, "warning"))

    def note(self, path: str, message: str, line: int = 0, col: int = 0) -> None:
        """A guess said out loud; ``line`` 0: about the whole file."""
        self.entries.append(Diagnostic(path, line, col, message, "note"))

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.entries if d.severity == "warning"]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.entries if d.severity == "note"]

    def messages(self) -> list[str]:
        return [d.message for d in self.entries]

    def extend(self, other: Report) -> None:
        self.entries.extend(other.entries)

    def lines(self) -> list[str]:
        """``path:line:col: severity: message`` (``path: severity: message`` for the whole file)."""
        return [str(d) if d.line else f"{d.path}: {d.severity}: {d.message}" for d in self.entries]

    def write(self, stream: IO[str] | None = None) -> None:
        """Print every line, made safe: imported text in a message never reaches the terminal
        raw, and a 2 MB value quoted in a message is cut short."""
        stream = stream if stream is not None else sys.stderr
        for line in self.lines():
            print(one_line(line, MESSAGE_WIDTH), file=stream)


def card_where(deck: Any, card: Any) -> tuple[str, int, int]:
    """``(path, line, col)`` of a card in its deck file, for report lines an editor can jump to."""
    line, col = deck.card_location(card.id) or (1, 1)
    return str(deck.path or deck.id), line, col


def variants(card: Any, count: int) -> list[Any]:
    """``count`` concrete variants (seeds 0..count-1) of a generated card, as ``Presented``."""
    from studyrnn.quiz import present

    return [present(card, seed) for seed in range(count)]


def absolute_tolerance(answer: float, tolerance: Any) -> float:
    """The half-width of the accepted band around ``answer``, for formats that only know an
    absolute error (Moodle's ``{#answer:tolerance}``).

    rtol/atol: ``atol + rtol·|answer|`` (a side left out takes its default, rtol 1e-2 and
    atol 1e-8, as in grading). sigfigs n: half a unit of the n-th significant figure, which is
    what "right to n figures" accepts; an answer of 0 has no figures and keeps atol 1e-8.
    """
    from studyrnn.grading.numbers import DEFAULT_ATOL, NumericRule

    rule = NumericRule.from_tolerance(tolerance)
    if rule.sigfigs is not None:
        if answer == 0:
            return DEFAULT_ATOL
        exponent = math.floor(math.log10(abs(answer)))
        return 0.5 * 10.0 ** (exponent - rule.sigfigs + 1)
    return rule.atol + rule.rtol * abs(answer)


def format_number(value: float) -> str:
    """The shortest text that reads back as ``value`` exactly (``3`` for 3.0, ``0.1`` for 0.1)."""
    value = float(value) + 0.0
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def format_tolerance(tol: float) -> str:
    """A tolerance rounded UP to 3 significant figures: never narrower than the real band."""
    if tol <= 0:
        return "0"
    d = Decimal(repr(tol))
    quantum = Decimal(1).scaleb(d.adjusted() - 2)
    rounded = d.quantize(quantum, rounding=ROUND_CEILING).normalize()
    text = format(rounded, "f") if -6 <= rounded.adjusted() < 15 else format(rounded, "e")
    return text


def distinct_variants(card: Any, count: int, seen: set[tuple[Any, ...]]) -> list[Any]:
    """Up to ``count`` variants of a generated card that each ask something new.

    Seeds 0, 1, 2... are tried in turn; a variant whose prompt equals one already exported (``seen`` is shared across an export, so two cards on the same generator and
    params do not repeat each other) is passed over, and a further seed is tried instead, up to
    ``3·count + 2`` seeds. A card whose params fix every number therefore exports once; a card
    whose every variant repeats another card's exports none (the caller reports it).
    """
    from studyrnn.quiz import present

    out: list[Any] = []
    for seed in range(3 * count + 2 if count > 0 else 0):
        if len(out) == count:
            break
        shown = present(card, seed)
        key = (shown.prompt,)  # Anki calls two notes duplicates when their first fields match
        if key in seen:
            continue
        seen.add(key)
        out.append(shown)
    return out


def report_variants(report: Report, deck: Any, card: Any, made: int, wanted: int) -> None:
    """Say when a generated card got fewer distinct variants than asked for."""
    if made == wanted:
        return
    path, line, col = card_where(deck, card)
    if made == 0:
        report.warn(
            path,
            f"card '{card.id}': skipped: every variant repeats a question already exported "
            "(its params fix the numbers another card shows)",
            line,
            col,
        )
    else:
        report.note(
            path,
            f"card '{card.id}': {made} distinct variant{'s' * (made != 1)} of {wanted} "
            "(its params leave fewer different questions)",
            line,
            col,
        )


# Moodle's grade list (question_bank::fraction_options): the only fractions an imported answer
# may carry; anything else makes Moodle refuse the question (by default, the whole file).
MOODLE_GRADES: tuple[Fraction, ...] = tuple(
    Fraction(n, d)
    for n, d in (
        (1, 1),
        (9, 10),
        (5, 6),
        (4, 5),
        (3, 4),
        (7, 10),
        (2, 3),
        (3, 5),
        (1, 2),
        (2, 5),
        (1, 3),
        (3, 10),
        (1, 4),
        (1, 5),
        (1, 6),
        (1, 7),
        (1, 8),
        (1, 9),
        (1, 10),
        (1, 20),
    )
)


def moodle_percent(fraction: Fraction) -> str:
    """A grade as Moodle writes it: a percentage with 5 decimals at most (``33.33333``), which
    Moodle matches to its list entry (0.3333333) within its tolerance."""
    text = f"{float(fraction) * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def multi_weights(n_right: int) -> tuple[list[Fraction], Fraction, bool]:
    """Moodle grades for a multiple-answer question with ``n_right`` right options.

    Returns (the right options' grades, summing to exactly 1; the grade each wrong option
    costs, negated by the caller; whether they had to be rounded away from 1/n). studyrnn
    counts each right pick as 1/n and each wrong pick as -1/n; Moodle accepts only grades from
    its list, so the weights are the nearest ones that still add up to 100%: 1/n itself when
    listed, else two neighbouring grades a < 1/n < b mixed (k of a, n-k of b, k·a + (n-k)·b =
    1), the mix with the least squared distance from 1/n winning. Above 20 right options no such mix exists (the
    smallest grade is 5%): the first 20 get 5% and the rest 0 (the caller reports it).
    """
    target = Fraction(1, n_right)
    wrong = min(MOODLE_GRADES, key=lambda g: (abs(g - target), -g))
    if target in MOODLE_GRADES:
        return [target] * n_right, target, False
    best: tuple[Fraction | int, list[Fraction]] | None = None
    for a in MOODLE_GRADES:
        for b in MOODLE_GRADES:
            if not a < target < b:
                continue
            k = (n_right * b - 1) / (b - a)
            if k.denominator != 1 or not 0 < k < n_right:
                continue
            weights = [b] * (n_right - int(k)) + [a] * int(k)
            spread = sum((w - target) ** 2 for w in weights)
            if best is None or spread < best[0]:
                best = (spread, weights)
    if best is not None:
        return best[1], wrong, True
    smallest = MOODLE_GRADES[-1]
    return [smallest] * 20 + [Fraction(0)] * (n_right - 20), wrong, True


def mistakes_from_answers(
    right: float, atol: float, answers: list[tuple[float, float, str]]
) -> tuple[list[dict[str, Any]], list[tuple[float, float, str]]]:
    """Moodle's 0% numerical answers with feedback, as a numeric card's declared mistakes.

    ``answers``: (value, weight %, feedback) of the answers other than the right one. A 0%
    answer with feedback outside the right answer's band (``|value - right| > atol``) is a
    mistake ``{answer, feedback}``; the rest (partial credit, or inside the band) are returned
    as they are, for the caller to keep in the explanation.
    """
    mistakes: list[dict[str, Any]] = []
    rest: list[tuple[float, float, str]] = []
    seen: set[float] = set()
    for value, weight, feedback in answers:
        if weight == 0 and feedback and abs(value - right) > atol and value not in seen:
            seen.add(value)
            mistakes.append({"answer": value, "feedback": feedback})
        else:
            rest.append((value, weight, feedback))
    return mistakes, rest
