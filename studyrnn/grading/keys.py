"""Answer keys: everything needed to grade one presented question, per kind.

A key grades two kinds of response:

* ``grade_text(text)``: what a learner typed (plain mode, a TUI input box). Unparsable input is an
  INVALID verdict with the reason; an empty answer reveals the answer (graded as wrong).
* ``grade(response)``: a structured response from the TUI. ``None`` reveals; a ``str`` is graded
  as typed text; otherwise, per kind:

  ============  ==============================================================================
  choice        ``int``: 0-based index into the options
  multi         ``list[int]``: 0-based indices of the picked options (order irrelevant)
  true_false    ``bool``; an ``int`` is an index into the shown options ("True", "False")
  order         ``list[int]``: 0-based indices into the *shown* items, in the learner's order
  numeric       ``int`` | ``float``
  text          ``str``
  flashcard     ``bool``: "I knew it" (self-assessment); anything else shows the back
  ============  ==============================================================================

Typed input per kind:

* choice: the option's number from 1 ("2"), or its exact text (case and spacing ignored);
* multi: the numbers of every picked option, separated by commas or spaces ("1,3", "1 3");
  ``none`` picks nothing;
* true_false: true/false, t/f, yes/no, y/n (also German wahr/falsch, ja/nein), or the number of the
  shown option: 1 is True, 2 is False. "0" is refused: it reads as false to a programmer and as
  nothing to everyone else;
* order: the numbers of the shown items in the right order, "3 1 2" (or "312" up to 9 items);
* numeric: one number (see ``parse_number``), optionally followed by the card's unit;
* text: the answer.

Partial credit:

* multi: (right picks − wrong picks) / number of right options, clipped to [0, 1]; the exact set
  is CORRECT, a positive score PARTIAL, otherwise INCORRECT. Picking everything thus earns
  nothing when at least half the options are wrong.
* order: the fraction of item pairs in the right relative order (Kendall's tau rescaled to
  [0, 1]): one item moved from last to first still has most pairs right, where "items in the
  right position" would score it 0. The right order is CORRECT, the reverse order scores 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from studyrnn.grading.numbers import NotANumber, NumericRule, parse_number
from studyrnn.grading.text import match_text, normalise
from studyrnn.grading.verdicts import (
    N_,
    Message,
    Outcome,
    Verdict,
    invalid,
    make_verdict,
    revealed_answer,
)

_SEPARATORS = re.compile(r"[\s,;]+")
# Typed answers longer than this are refused before any parsing or matching (a pasted megabyte
# must not cost seconds, nor reach int() with thousands of digits).
MAX_ANSWER_LENGTH = 2000
MAX_INDEX_DIGITS = 6
_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "wahr", "w", "ja", "j", "richtig"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n", "falsch", "nein"})


def _is_blank(text: str) -> bool:
    return not text.strip()


def _valid_text(text: str) -> str:
    """Lone surrogates (undecodable bytes read with surrogateescape) become U+FFFD, so nothing
    downstream fails to encode what the learner typed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text


@dataclass(frozen=True)
class AnswerKey:
    """Base: the shared dispatch between typed and structured responses."""

    kind = "?"

    @property
    def expected(self) -> str:  # pragma: no cover - every key overrides it
        raise NotImplementedError

    def grade_text(self, text: str, *, revealed: bool = False, retried: bool = False) -> Verdict:
        if text is None or _is_blank(text):
            return self.reveal()
        if len(text) > MAX_ANSWER_LENGTH:
            return self._invalid(
                Message(
                    N_("too long: {n} characters (at most {most}); type a shorter answer"),
                    n=len(text),
                    most=MAX_ANSWER_LENGTH,
                )
            )
        return self._grade_text(_valid_text(text), revealed=revealed, retried=retried)

    def grade(self, response: Any, *, revealed: bool = False, retried: bool = False) -> Verdict:
        if response is None:
            return self.reveal()
        if isinstance(response, str):
            return self.grade_text(response, revealed=revealed, retried=retried)
        return self._grade_response(response, revealed=revealed, retried=retried)

    def reveal(self) -> Verdict:
        """The learner asked for the answer: REVEALED, suggested rating Again."""
        return revealed_answer(expected=self.expected)

    def _grade_text(
        self, text: str, *, revealed: bool, retried: bool
    ) -> Verdict:  # pragma: no cover
        raise NotImplementedError

    def _grade_response(
        self, response: Any, *, revealed: bool, retried: bool
    ) -> Verdict:  # pragma: no cover
        raise NotImplementedError

    def _invalid(self, reason: str) -> Verdict:
        return invalid(reason, expected=self.expected)

    def _right_or_wrong(
        self, right: bool, *, revealed: bool, retried: bool, note: str = ""
    ) -> Verdict:
        if right:
            return make_verdict(
                Outcome.CORRECT,
                expected=self.expected,
                message=note,
                revealed=revealed,
                retried=retried,
            )
        message = Message(N_("the answer is {expected}"), expected=self.expected)
        if note:
            message = Message("{note}; {message}", note=note, message=message)
        return make_verdict(
            Outcome.INCORRECT,
            expected=self.expected,
            message=message,
            revealed=revealed,
            retried=retried,
        )


def _range_hint(n: int) -> str:
    return "1" if n == 1 else Message(N_("from 1 to {n}"), n=n)


def _parse_index(token: str, n: int) -> int | None:
    """A 1-based option number in range, as a 0-based index; None when it is not one."""
    if not token.isascii() or not token.isdigit() or len(token) > MAX_INDEX_DIGITS:
        return None
    value = int(token)
    return value - 1 if 1 <= value <= n else None


@dataclass(frozen=True)
class ChoiceKey(AnswerKey):
    options: tuple[str, ...]
    answer: int
    kind = "choice"

    @property
    def expected(self) -> str:
        return Message(
            N_("{option} (option {number})"),
            option=self.options[self.answer],
            number=self.answer + 1,
        )

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        token = text.strip()
        n = len(self.options)
        if token.isascii() and token.isdigit():
            if len(token) > MAX_INDEX_DIGITS:
                return self._invalid(
                    Message(
                        N_("not an option number: too many digits; choose {range}"),
                        range=_range_hint(n),
                    )
                )
            index = _parse_index(token, n)
            if index is None:
                return self._invalid(Message(N_("choose a number {range}"), range=_range_hint(n)))
            return self._pick(index, revealed=revealed, retried=retried)
        typed = normalise(text).casefold()
        for index, option in enumerate(self.options):
            if typed == normalise(option).casefold():
                return self._pick(index, revealed=revealed, retried=retried)
        return self._invalid(
            Message(N_("type the number of an option, {range}"), range=_range_hint(n))
        )

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        if isinstance(response, bool) or not isinstance(response, int):
            return self._invalid(
                Message(N_("choose one option, {range}"), range=_range_hint(len(self.options)))
            )
        if not 0 <= response < len(self.options):
            return self._invalid(
                Message(N_("choose a number {range}"), range=_range_hint(len(self.options)))
            )
        return self._pick(response, revealed=revealed, retried=retried)

    def _pick(self, index: int, *, revealed: bool, retried: bool) -> Verdict:
        note = "" if index == self.answer else Message(N_("you chose {number}"), number=index + 1)
        return self._right_or_wrong(
            index == self.answer, revealed=revealed, retried=retried, note=note
        )


def partial_credit(
    score: float, detail: str, *, expected: str, revealed: bool, retried: bool
) -> Verdict:
    """PARTIAL for a score in (0, 1), INCORRECT for 0; the message says what was right and the answer."""
    if score > 0:
        return make_verdict(
            Outcome.PARTIAL,
            expected=expected,
            score=score,
            message=Message(
                N_("{detail} (score {score:.2f}); the answer is {expected}"),
                detail=detail,
                score=score,
                expected=expected,
            ),
            revealed=revealed,
            retried=retried,
        )
    return make_verdict(
        Outcome.INCORRECT,
        expected=expected,
        message=Message(N_("{detail}; the answer is {expected}"), detail=detail, expected=expected),
        revealed=revealed,
        retried=retried,
    )


@dataclass(frozen=True)
class MultiKey(AnswerKey):
    options: tuple[str, ...]
    answers: frozenset[int]
    kind = "multi"

    @property
    def expected(self) -> str:
        if not self.answers:
            return Message(N_("none of them"))
        picks = sorted(self.answers)
        numbers = ", ".join(str(i + 1) for i in picks)
        texts = "; ".join(self.options[i] for i in picks)
        return f"{numbers} ({texts})"

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        n = len(self.options)
        if normalise(text).casefold() in {"none", "-", "keine", "nichts"}:
            return self._score(set(), revealed=revealed, retried=retried)
        picks: set[int] = set()
        for token in _SEPARATORS.split(text.strip()):
            index = _parse_index(token, n)
            if index is None:
                return self._invalid(
                    Message(
                        N_(
                            "type the numbers of every option you pick, {range}, like 1,3 (or 'none')"
                        ),
                        range=_range_hint(n),
                    )
                )
            picks.add(index)
        return self._score(picks, revealed=revealed, retried=retried)

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        n = len(self.options)
        try:
            picks = set(response)
        except TypeError:
            return self._invalid(Message(N_("pick a set of options")))
        if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n for i in picks):
            return self._invalid(Message(N_("pick options numbered {range}"), range=_range_hint(n)))
        return self._score(picks, revealed=revealed, retried=retried)

    def _score(self, picks: set[int], *, revealed: bool, retried: bool) -> Verdict:
        if picks == set(self.answers):
            return make_verdict(
                Outcome.CORRECT, expected=self.expected, revealed=revealed, retried=retried
            )
        right = len(picks & self.answers)
        wrong = len(picks - self.answers)
        score = (right - wrong) / len(self.answers) if self.answers else 0.0
        score = min(1.0, max(0.0, score))
        total = len(self.answers)
        template = (
            N_("{right} of {total} right option picked, {wrong} wrong")
            if total == 1
            else N_("{right} of {total} right options picked, {wrong} wrong")
        )
        detail = Message(template, right=right, total=total, wrong=wrong)
        return partial_credit(
            score, detail, expected=self.expected, revealed=revealed, retried=retried
        )


@dataclass(frozen=True)
class TrueFalseKey(AnswerKey):
    answer: bool
    kind = "true_false"
    options: tuple[str, ...] = ("True", "False")

    @property
    def expected(self) -> str:
        return Message(N_("True")) if self.answer else Message(N_("False"))

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        word = normalise(text).casefold().rstrip(".!")
        if word in _TRUE_WORDS or word == "1":
            given = True
        elif word in _FALSE_WORDS or word == "2":
            given = False
        else:
            return self._invalid(Message(N_("type true or false (or 1 for True, 2 for False)")))
        return self._right_or_wrong(given == self.answer, revealed=revealed, retried=retried)

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        if isinstance(response, bool):
            given = response
        elif isinstance(response, int) and response in (0, 1):
            given = response == 0  # an index into the shown options: 0 is "True", 1 is "False"
        else:
            return self._invalid(Message(N_("choose True or False")))
        return self._right_or_wrong(given == self.answer, revealed=revealed, retried=retried)


@dataclass(frozen=True)
class OrderKey(AnswerKey):
    """``items`` in the correct order; ``shown[i]`` is the index in ``items`` of shown item i."""

    items: tuple[str, ...]
    shown: tuple[int, ...] = ()
    kind = "order"

    def __post_init__(self) -> None:
        if not self.shown:
            object.__setattr__(self, "shown", tuple(range(len(self.items))))
        if sorted(self.shown) != list(range(len(self.items))):
            raise ValueError("shown must be a permutation of the item indices")

    @property
    def shown_items(self) -> list[str]:
        return [self.items[i] for i in self.shown]

    @property
    def expected_numbers(self) -> list[int]:
        """The shown (1-based) numbers, in the right order."""
        position = {correct: s for s, correct in enumerate(self.shown)}
        return [position[c] + 1 for c in range(len(self.items))]

    @property
    def expected(self) -> str:
        numbers = " ".join(str(n) for n in self.expected_numbers)
        return f"{numbers} ({' → '.join(self.items)})"

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        n = len(self.items)
        stripped = text.strip()
        tokens = [t for t in re.split(r"[\s,;>]+|->|→", stripped) if t]
        if (
            len(tokens) == 1
            and n <= 9
            and len(stripped) == n
            and stripped.isascii()
            and stripped.isdigit()
        ):
            tokens = list(stripped)
        picks = [_parse_index(t, n) for t in tokens]
        hint = Message(
            N_("give the numbers {range}, each once, in the right order (like {example})"),
            range=_range_hint(n),
            example=self._example(),
        )
        if any(p is None for p in picks) or len(picks) != n or len(set(picks)) != n:
            return self._invalid(hint)
        return self._score([p for p in picks if p is not None], revealed=revealed, retried=retried)

    def _example(self) -> str:
        n = len(self.items)
        return " ".join(str(i) for i in ([2, 1] + list(range(3, n + 1)) if n >= 2 else [1]))

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        n = len(self.items)
        try:
            picks = list(response)
        except TypeError:
            return self._invalid(Message(N_("arrange every item")))
        if (
            len(picks) != n
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in picks)
            or sorted(picks) != list(range(n))
        ):
            return self._invalid(Message(N_("arrange all {n} items, each once"), n=n))
        return self._score(picks, revealed=revealed, retried=retried)

    def _score(self, shown_order: Sequence[int], *, revealed: bool, retried: bool) -> Verdict:
        positions = [self.shown[s] for s in shown_order]
        if positions == sorted(positions):
            return make_verdict(
                Outcome.CORRECT, expected=self.expected, revealed=revealed, retried=retried
            )
        pairs = list(combinations(positions, 2))
        concordant = sum(1 for a, b in pairs if a < b)
        score = concordant / len(pairs)
        detail = Message(
            N_("{right} of {total} pairs in the right order"), right=concordant, total=len(pairs)
        )
        return partial_credit(
            score, detail, expected=self.expected, revealed=revealed, retried=retried
        )


@dataclass(frozen=True)
class MistakeRule:
    """A typical wrong method: the number it gives, and feedback that names it and the fix."""

    id: str
    value: float
    feedback: str


@dataclass(frozen=True)
class NumericKey(AnswerKey):
    answer: float
    rule: NumericRule = field(default_factory=NumericRule)
    unit: str | None = None
    mistakes: tuple[MistakeRule, ...] = ()
    kind = "numeric"

    def mistake_for(self, given: float) -> MistakeRule | None:
        """The declared mistake ``given`` matches (within the card's tolerance of the mistake's
        value), when ``given`` is wrong."""
        if self.rule.matches(given, self.answer):
            return None
        return next((m for m in self.mistakes if self.rule.matches(given, m.value)), None)

    @property
    def expected(self) -> str:
        shown = self.rule.format_expected(self.answer)
        return f"{shown} {self.unit}" if self.unit else shown

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        typed = text.strip()
        if self.unit:
            unit = self.unit.strip()
            if unit and typed.casefold().endswith(unit.casefold()) and len(typed) > len(unit):
                typed = typed[: -len(unit)]
        try:
            given = parse_number(typed)
        except NotANumber as err:
            return self._invalid(err.message)
        return self._compare(given, revealed=revealed, retried=retried)

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        if isinstance(response, bool) or not isinstance(response, (int, float)):
            return self._invalid(Message(N_("type a number")))
        try:
            given = float(response)
        except OverflowError:
            return self._invalid(Message(N_("not a finite number")))
        if given != given or given in (float("inf"), float("-inf")):
            return self._invalid(Message(N_("not a finite number")))
        return self._compare(given, revealed=revealed, retried=retried)

    def _compare(self, given: float, *, revealed: bool, retried: bool) -> Verdict:
        right = self.rule.matches(given, self.answer)
        mistake = None if right else self.mistake_for(given)
        if mistake is not None:
            return make_verdict(
                Outcome.INCORRECT,
                expected=self.expected,
                message=Message(
                    N_("you gave {given:.6g}: {feedback}; the answer is {expected}"),
                    given=given,
                    feedback=mistake.feedback,
                    expected=self.expected,
                ),
                revealed=revealed,
                retried=retried,
                mistake=mistake.id,
            )
        note = (
            ""
            if right
            else Message(
                N_("you gave {given:.6g}, accepted {rule}"), given=given, rule=self.rule.describe()
            )
        )
        return self._right_or_wrong(right, revealed=revealed, retried=retried, note=note)


@dataclass(frozen=True)
class TextKey(AnswerKey):
    answers: tuple[str, ...]
    match: str = "casefold"
    kind = "text"

    @property
    def expected(self) -> str:
        return self.answers[0] if self.answers else ""

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        found = match_text(text, self.answers, self.match)
        if found.matched and found.typo:
            return make_verdict(
                Outcome.CORRECT,
                expected=self.expected,
                message=Message(N_("accepted (typo): expected {answer!r}"), answer=found.answer),
                revealed=revealed,
                retried=retried,
            )
        return self._right_or_wrong(found.matched, revealed=revealed, retried=retried)

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        return self._invalid(Message(N_("type the answer")))


@dataclass(frozen=True)
class FlashcardKey(AnswerKey):
    """Self-rated: any response shows the back; the learner then says whether they knew it."""

    back: str
    kind = "flashcard"

    @property
    def expected(self) -> str:
        return self.back

    def reveal(self) -> Verdict:
        return Verdict(
            outcome=Outcome.REVEALED, score=0.0, rating=None, message=self.back, expected=self.back
        )

    def _grade_text(self, text: str, *, revealed: bool, retried: bool) -> Verdict:
        return self.reveal()

    def _grade_response(self, response: Any, *, revealed: bool, retried: bool) -> Verdict:
        if isinstance(response, bool):
            return self.self_grade(response)
        return self.reveal()

    def self_grade(self, knew: bool) -> Verdict:
        """The learner's own judgement after seeing the back: knew it (Good) or not (Again)."""
        if knew:
            return make_verdict(
                Outcome.CORRECT, expected=self.back, message=Message(N_("you knew it"))
            )
        return make_verdict(
            Outcome.INCORRECT,
            expected=self.back,
            message=Message(N_("the answer is {expected}"), expected=self.back),
        )


def numeric_key(
    answer: float,
    tolerance: object = None,
    unit: str | None = None,
    mistakes: Sequence[Any] = (),
) -> NumericKey:
    """A NumericKey from a card's or a generated question's tolerance (None: the defaults).

    ``mistakes``: objects with ``id``, ``value`` (or ``answer``) and ``feedback`` — an engine
    Question's ``Mistake`` or a deck card's ``mistakes`` entry."""
    rules = tuple(
        MistakeRule(
            id=str(getattr(m, "id", None) or f"mistake-{i + 1}"),
            value=float(getattr(m, "value", getattr(m, "answer", 0.0))),
            feedback=str(m.feedback),
        )
        for i, m in enumerate(mistakes or ())
    )
    return NumericKey(
        answer=float(answer), rule=NumericRule.from_tolerance(tolerance), unit=unit, mistakes=rules
    )
