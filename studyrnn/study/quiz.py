"""Quiz and flashcard sessions: a fixed list of cards, every answer logged, nothing rescheduled.

    quiz = QuizSession(ctx, "bptt-basics", limit=10, seed=3, in_order=False)
    quiz.prepare()                         # presents the cards (a generated one may train the engine)
    graded = quiz.grade("2")               # the current question; nothing recorded
    quiz.record(graded, Rating.GOOD)       # logged (mode quiz, this session); the next question
    quiz.score, quiz.wrong, quiz.redrill()

    flash = FlashSession(ctx, "bptt-basics")   # every card as a flip card, self-rated
    flash.current.front, flash.current.back; flash.record(Rating.HARD)

A quiz honours ``seed`` (the order and each generated variant) and ``in_order``. Flashcards turn
every card of a deck into a flip card: a flashcard's own front and back; any other card's front
is its prompt and its back the right answer with the explanation (and a worked solution).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from studyrnn.quiz import Presented, QuizItem, build_quiz, derive_seed, present
from studyrnn.study.answers import Graded, grade, question_line
from studyrnn.study.context import StudyContext
from studyrnn.study.kinds import Mode, Rating


def format_score(value: float) -> str:
    """3 → "3", 2.6666 → "2.67", 0.5 → "0.5" (the one way a score is written)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class QuizAnswer:
    """One answered question, as results and summaries list it."""

    card: Any
    presented: Presented
    verdict: Any | None  # None: self-rated
    answer: str | None
    rating: Rating
    seconds: float

    @property
    def score(self) -> float:
        if self.verdict is None:
            return 1.0 if self.rating >= Rating.GOOD else 0.0
        return float(getattr(self.verdict, "score", 0.0))

    @property
    def wrong(self) -> bool:
        return self.score < 1.0

    @property
    def shown_answer(self) -> str | None:
        """What the learner answered, as results list it: a choice's key with its option
        ("2. A deeper network…"), so a wrong pick reads differently from the right answer."""
        if self.answer is None:
            return None
        text = self.answer.strip()
        options = self.presented.options
        if self.presented.kind in ("choice", "true_false") and text.isdigit() and len(text) < 4:
            n = int(text)
            if 1 <= n <= len(options):
                return f"{n}. {options[n - 1]}"
        if self.presented.kind == "true_false":
            match = [o for o in options if o.casefold() == text.casefold()]
            if match:
                return match[0]
        return self.answer

    @property
    def expected(self) -> str:
        if self.verdict is not None:
            return getattr(self.verdict, "expected", "") or ""
        return self.presented.back or self.presented.expected

    @property
    def question(self) -> str:
        return question_line(self.presented)


class _LoggedRun:
    """A fixed list of items answered one by one; every answer logged in one study session."""

    mode: Mode = Mode.QUIZ

    def __init__(self, ctx: StudyContext, deck_id: str) -> None:
        self.ctx = ctx
        self.deck_id = deck_id
        self.deck = ctx.deck(deck_id)
        self.items: list[Any] = []
        self.index = 0
        self.answers: list[QuizAnswer] = []
        self.session_id: int | None = None
        self.started = time.monotonic()
        self.asked_at = time.monotonic()
        self.prepared = False

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def current(self) -> Any:
        return self.items[self.index]

    @property
    def finished(self) -> bool:
        return self.prepared and self.index >= len(self.items)

    @property
    def score(self) -> float:
        return sum(a.score for a in self.answers)

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if not a.wrong)

    @property
    def wrong(self) -> list[QuizAnswer]:
        return [a for a in self.answers if a.wrong]

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def score_line(self) -> str:
        return f"{format_score(self.score)} / {len(self.answers)}"

    def _take(
        self, card: Any, presented: Presented, rating: Rating, verdict: Any, answer: str | None
    ) -> QuizAnswer:
        """Count the answer and move to the next item (pure: ``save`` logs it)."""
        seconds = time.monotonic() - self.asked_at
        done = QuizAnswer(card, presented, verdict, answer, Rating(rating), seconds)
        self.answers.append(done)
        self.index += 1
        self.asked_at = time.monotonic()
        return done

    def save(self, answer: QuizAnswer) -> None:
        """Log one answer in this run's study session (one transaction; the first one opens the
        session). A front end may call it off its UI thread, in answer order; on a StoreError the
        answer is not logged and can be saved again."""
        ctx = self.ctx
        result = ctx.store.record_review(
            ctx.learner,
            self.deck_id,
            answer.card.id,
            int(answer.rating),
            verdict=answer.verdict,
            answer=answer.answer,
            duration_ms=round(answer.seconds * 1000),
            seed=answer.presented.seed,
            mode=str(self.mode),
            session_id=self.session_id,
            start_session=self.session_id is None,
            session_deck=self.deck_id,
            now=ctx.now(),
        )
        self.session_id = result.session_id

    def close(self) -> None:
        if self.session_id is not None:
            self.ctx.store.end_session(self.session_id, now=self.ctx.now())


class QuizSession(_LoggedRun):
    """N questions from a deck (or the given cards: a re-drill), each graded, logged as ``quiz``."""

    mode = Mode.QUIZ

    def __init__(
        self,
        ctx: StudyContext,
        deck_id: str,
        *,
        limit: int | None = 10,
        seed: int | None = None,
        in_order: bool = False,
        cards: list[Any] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(ctx, deck_id)
        self.limit = limit
        self.seed = ctx.next_seed() if seed is None else int(seed)
        self.in_order = in_order
        self.cards = cards
        self.title = title or self.deck.title

    def prepare(self) -> list[QuizItem]:
        """Present the questions (pure, possibly slow: a front end runs it off its UI thread)."""
        if self.cards is None:
            items = build_quiz(self.deck, limit=self.limit, seed=self.seed, in_order=self.in_order)
        else:
            items = [QuizItem(c, present(c, derive_seed(self.seed, c.id))) for c in self.cards]
        self.items = items
        self.prepared = True
        self.asked_at = time.monotonic()
        return items

    def grade(self, response: Any, *, typed: bool | None = None, retried: bool = False) -> Graded:
        """The verdict on the current question (pure; INVALID means ask again)."""
        return grade(self.current.presented, response, typed=typed, retried=retried)

    def take(self, graded: Graded | None, rating: Rating | int | None = None) -> QuizAnswer:
        """Count the current answer (the suggested rating unless ``rating``) and move on; pure.

        ``graded=None``: a flashcard turned over and self-rated (``rating`` required).
        """
        item = self.current
        if graded is None:
            if rating is None:
                raise ValueError("a self-rated card needs a rating")
            return self._take(item.card, item.presented, Rating(rating), None, None)
        chosen = graded.suggested if rating is None else Rating(rating)
        return self._take(item.card, item.presented, chosen, graded.verdict, graded.answer)

    def record(self, graded: Graded | None, rating: Rating | int | None = None) -> QuizAnswer:
        """``take`` and ``save``: count the answer, log it, move on."""
        answer = self.take(graded, rating)
        self.save(answer)
        return answer

    def redrill(self) -> QuizSession:
        """A new quiz of the questions answered wrong, in the order they came."""
        return QuizSession(
            self.ctx,
            self.deck_id,
            cards=[a.card for a in self.wrong],
            seed=self.seed + 1,
            title=self.title,
        )


@dataclass(frozen=True)
class FlipCard:
    """A card as a flashcard: ``front`` (the prompt), ``back`` (the answer and explanation)."""

    card: Any
    presented: Presented
    front: str
    back: str

    @property
    def question(self) -> str:
        return question_line(self.presented)


def flip_card(card: Any, presented: Presented) -> FlipCard:
    if presented.kind == "flashcard":
        return FlipCard(card, presented, presented.prompt, presented.back or "")
    parts = [presented.expected]
    if presented.explanation:
        parts.append(presented.explanation.strip())
    if presented.solution:
        parts.append("\n".join(f"{i}. {step}" for i, step in enumerate(presented.solution, 1)))
    front = presented.prompt
    if presented.kind in ("choice", "multi", "order") and presented.options:
        front += "\n" + "\n".join(f"  {i}. {o}" for i, o in enumerate(presented.options, 1))
    return FlipCard(card, presented, front, "\n\n".join(p for p in parts if p))


class FlashSession(_LoggedRun):
    """Every card of a deck as a flip card, self-rated 1-4, logged as ``flashcards``."""

    mode = Mode.FLASHCARDS

    def __init__(
        self, ctx: StudyContext, deck_id: str, *, seed: int | None = None, title: str | None = None
    ) -> None:
        super().__init__(ctx, deck_id)
        self.seed = ctx.next_seed() if seed is None else int(seed)
        self.title = title or self.deck.title

    def prepare(self) -> list[FlipCard]:
        cards = list(self.deck.cards)
        self.items = [flip_card(c, present(c, derive_seed(self.seed, c.id))) for c in cards]
        self.prepared = True
        self.asked_at = time.monotonic()
        return self.items

    def take(self, rating: Rating | int) -> QuizAnswer:
        """Count the learner's own rating of the current card and move on; pure."""
        item = self.current
        return self._take(item.card, item.presented, Rating(rating), None, None)

    def record(self, rating: Rating | int) -> QuizAnswer:
        """``take`` and ``save``."""
        answer = self.take(rating)
        self.save(answer)
        return answer
