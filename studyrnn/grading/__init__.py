"""Grading: typed numbers, verdicts per card type, and the FSRS rating each verdict suggests.

    from studyrnn.grading import parse_number, grade, Verdict, Outcome, NotANumber

``grade(card, response)`` grades a response against a deck card directly (no shuffling: an order
response indexes ``card.items``); ``studyrnn.quiz.present(card, seed).grade(...)`` grades what a
learner saw. The rules (partial credit, true/false input, significant figures, typos) are spelt
out in ``keys``, ``numbers``, ``text`` and ``verdicts``.
"""

from __future__ import annotations

from typing import Any

from studyrnn.grading.keys import (
    AnswerKey,
    ChoiceKey,
    FlashcardKey,
    MistakeRule,
    MultiKey,
    NumericKey,
    OrderKey,
    TextKey,
    TrueFalseKey,
    numeric_key,
)
from studyrnn.grading.numbers import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    NotANumber,
    NumericRule,
    format_number,
    format_sigfigs,
    matches_sigfigs,
    parse_number,
    round_sigfigs,
    within_tolerance,
)
from studyrnn.grading.text import match_text, osa_distance
from studyrnn.grading.verdicts import AGAIN, EASY, GOOD, HARD, Outcome, Verdict, suggested_rating

__all__ = [
    "AGAIN",
    "EASY",
    "GOOD",
    "HARD",
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
    "AnswerKey",
    "ChoiceKey",
    "FlashcardKey",
    "MistakeRule",
    "MultiKey",
    "NumericKey",
    "OrderKey",
    "TextKey",
    "TrueFalseKey",
    "NotANumber",
    "NumericRule",
    "Outcome",
    "Verdict",
    "format_number",
    "format_sigfigs",
    "grade",
    "key_for_card",
    "key_for_question",
    "match_text",
    "matches_sigfigs",
    "numeric_key",
    "osa_distance",
    "parse_number",
    "round_sigfigs",
    "suggested_rating",
    "within_tolerance",
]


def key_for_question(question: Any) -> AnswerKey:
    """The key of an engine Question: numeric with its tolerance and unit, or choice."""
    if getattr(question, "kind", "numeric") == "choice":
        return ChoiceKey(options=tuple(question.options), answer=int(question.answer))
    return numeric_key(
        question.answer,
        getattr(question, "tolerance", None),
        getattr(question, "unit", None),
        getattr(question, "mistakes", ()),
    )


def key_for_card(
    card: Any, *, seed: int = 0, question: Any = None, shown_order: tuple[int, ...] = ()
) -> AnswerKey:
    """The answer key of a deck card (``studyrnn.decks`` models, read by their fields).

    ``question``: the engine Question of a generated card (generated from ``seed`` when omitted).
    ``shown_order``: for an order card, the indices into ``card.items`` in the order shown.
    """
    kind = card.type
    if kind == "flashcard":
        return FlashcardKey(back=card.back)
    if kind == "choice":
        return ChoiceKey(options=tuple(card.options), answer=int(card.answer))
    if kind == "multi":
        return MultiKey(
            options=tuple(card.options), answers=frozenset(int(i) for i in card.answers)
        )
    if kind == "true_false":
        return TrueFalseKey(answer=bool(card.answer))
    if kind == "order":
        return OrderKey(items=tuple(card.items), shown=tuple(shown_order))
    if kind == "numeric":
        return numeric_key(
            card.answer,
            card.tolerance,
            getattr(card, "unit", None),
            getattr(card, "mistakes", None) or (),
        )
    if kind == "text":
        return TextKey(
            answers=tuple(card.answers), match=getattr(card, "match", None) or "casefold"
        )
    if kind == "generated":
        if question is None:
            from engine.generators import generate

            question = generate(card.generator, seed=seed, params=dict(card.params or {}))
        return key_for_question(question)
    raise ValueError(f"unknown card type {kind!r}")


def grade(
    card: Any, response: Any, *, seed: int = 0, revealed: bool = False, retried: bool = False
) -> Verdict:
    """Grade ``response`` (typed text or a structured response, see ``keys``) against ``card``.

    For a generated card ``seed`` picks the variant. ``revealed``/``retried`` lower the suggested
    rating of a right answer to Hard.
    """
    return key_for_card(card, seed=seed).grade(response, revealed=revealed, retried=retried)
