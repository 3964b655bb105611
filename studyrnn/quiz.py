"""Presenting a card (a generated variant included) and building a quiz.

    p = present(card, seed=7)        # what a learner sees, and how their answer is graded
    p.grade_text("3 1 2")            # typed input -> Verdict
    p.grade([2, 0, 1])               # a structured response from the TUI -> Verdict
    items = build_quiz(deck, limit=10, seed=3)   # [QuizItem(card, presented), ...]

Everything here is pure: no store, no terminal, no Textual. Deck text stays plain ``str`` and is
never interpreted; whoever displays it keeps it literal.

Seeds: ``present`` shuffles order items and picks a generated card's variant from its seed alone,
so the same card and seed always look the same. ``build_quiz`` derives each card's seed from the
quiz seed and the card id, so a quiz is reproducible from its seed, and one card's variant does not
change when others are added to the deck.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from studyrnn.errors import StudyrnnError
from studyrnn.grading import AnswerKey, Verdict, key_for_card, key_for_question

SEED_RANGE = 2**31

KINDS = ("flashcard", "choice", "multi", "true_false", "order", "numeric", "text")


@dataclass(frozen=True)
class Presented:
    """One card as a learner sees it.

    ``kind``: flashcard | choice | multi | true_false | order | numeric | text (a generated card is
    numeric or choice, after its question). ``prompt``: the question text (true_false: the
    statement; flashcard: the front; generated: the card's lead-in, a blank line, the question).
    ``options``: the choices, "True"/"False", or the order items *as shown* (shuffled).
    ``back``: a flashcard's back. ``solution``: a generated question's worked steps.
    ``question``: the engine Question of a generated card. ``key``: grades the answers.
    """

    kind: str
    prompt: str
    options: list[str] = field(default_factory=list)
    back: str | None = None
    explanation: str | None = None
    solution: list[str] = field(default_factory=list)
    question: Any = None
    seed: int = 0
    unit: str | None = None
    card_id: str = ""
    key: AnswerKey | None = field(default=None, repr=False, compare=False)

    @property
    def expected(self) -> str:
        """The right answer as shown to a learner (a flashcard: its back)."""
        return self.key.expected if self.key is not None else ""

    def grade_text(self, text: str, *, revealed: bool = False, retried: bool = False) -> Verdict:
        """Grade what the learner typed; see ``studyrnn.grading.keys`` for the input per kind."""
        return self._key.grade_text(text, revealed=revealed, retried=retried)

    def grade(self, response: Any, *, revealed: bool = False, retried: bool = False) -> Verdict:
        """Grade a structured response: int (0-based choice), list[int] (multi picks, or the
        order as 0-based indices into ``options``), bool (true/false; flashcard "I knew it"),
        float (numeric), str (typed text), None (reveal)."""
        return self._key.grade(response, revealed=revealed, retried=retried)

    def reveal(self) -> Verdict:
        """ "I don't know": the answer shown, graded as wrong (a flashcard: its back, unrated)."""
        return self._key.reveal()

    def self_grade(self, knew: bool) -> Verdict:
        """A flashcard's self-assessment after the back was shown (other kinds: ``grade(bool)``)."""
        return self._key.grade(bool(knew))

    @property
    def _key(self) -> AnswerKey:
        if self.key is None:
            raise ValueError("this Presented has no answer key; build it with present()")
        return self.key


@dataclass(frozen=True)
class QuizItem:
    card: Any
    presented: Presented


def _rng(*parts: object) -> random.Random:
    # A string seed goes through SHA-512 in random.Random: stable across runs and platforms,
    # unlike hash(), which PYTHONHASHSEED salts.
    return random.Random(":".join(str(p) for p in parts))


def derive_seed(seed: int, card_id: str) -> int:
    """The seed of one card within a quiz seeded ``seed``."""
    digest = hashlib.sha256(f"{seed}:{card_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % SEED_RANGE


def shuffled_order(n: int, seed: int, card_id: str = "") -> tuple[int, ...]:
    """A permutation of range(n) from the seed, never the identity when n ≥ 2."""
    order = list(range(n))
    _rng("order", seed, card_id).shuffle(order)
    if n >= 2 and order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


def present(card: Any, seed: int | None = None) -> Presented:
    """``card`` as a learner sees it, with ``seed`` fixing any shuffle or generated variant.

    ``seed=None`` draws one (it is kept in ``Presented.seed`` so the variant can be logged).
    A generated card whose generator refuses its params raises ``StudyrnnError``.
    """
    if seed is None:
        seed = random.SystemRandom().randrange(SEED_RANGE)
    seed = int(seed)
    card_id = str(getattr(card, "id", ""))
    explanation = getattr(card, "explanation", None)
    kind = card.type
    common: dict[str, Any] = {"explanation": explanation, "seed": seed, "card_id": card_id}

    if kind == "flashcard":
        return Presented(
            kind=kind, prompt=card.front, back=card.back, key=key_for_card(card), **common
        )
    if kind in ("choice", "multi"):
        return Presented(
            kind=kind,
            prompt=card.prompt,
            options=list(card.options),
            key=key_for_card(card),
            **common,
        )
    if kind == "true_false":
        key = key_for_card(card)
        return Presented(
            kind=kind, prompt=card.statement, options=["True", "False"], key=key, **common
        )
    if kind == "order":
        shown = shuffled_order(len(card.items), seed, card_id)
        key = key_for_card(card, shown_order=shown)
        return Presented(
            kind=kind, prompt=card.prompt, options=[card.items[i] for i in shown], key=key, **common
        )
    if kind == "numeric":
        return Presented(
            kind=kind,
            prompt=card.prompt,
            unit=getattr(card, "unit", None),
            key=key_for_card(card),
            **common,
        )
    if kind == "text":
        return Presented(kind=kind, prompt=card.prompt, key=key_for_card(card), **common)
    if kind == "generated":
        return _present_generated(card, seed, common)
    raise ValueError(f"unknown card type {kind!r}")


def _present_generated(card: Any, seed: int, common: dict[str, Any]) -> Presented:
    from engine.generators import generate

    try:
        question = generate(
            card.generator, seed=seed, params=dict(getattr(card, "params", None) or {})
        )
    except ValueError as err:  # GeneratorParamError, or a generator refusing its numbers
        raise StudyrnnError(f"card {common['card_id']!r}: {err}") from err
    lead_in = getattr(card, "prompt", None)
    prompt = f"{lead_in.rstrip()}\n\n{question.prompt}" if lead_in else question.prompt
    kind = "choice" if question.kind == "choice" else "numeric"
    return Presented(
        kind=kind,
        prompt=prompt,
        options=list(question.options) if kind == "choice" else [],
        solution=list(question.solution),
        question=question,
        unit=question.unit,
        key=key_for_question(question),
        **common,
    )


def build_quiz(
    deck: Any, limit: int | None = 10, seed: int | None = None, in_order: bool = False
) -> list[QuizItem]:
    """Up to ``limit`` cards of ``deck`` (None: all), shuffled by ``seed`` unless ``in_order``.

    Each card is presented with a seed derived from the quiz seed and its id. ``seed=None`` draws
    a quiz seed. Pure: nothing is read from or written to a store.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must be at least 0")
    if seed is None:
        seed = random.SystemRandom().randrange(SEED_RANGE)
    cards: Sequence[Any] = list(deck.cards)
    if not in_order:
        cards = list(cards)
        _rng("quiz", seed, getattr(deck, "id", "")).shuffle(cards)
    if limit is not None:
        cards = cards[:limit]
    return [
        QuizItem(card=card, presented=present(card, derive_seed(seed, card.id))) for card in cards
    ]
