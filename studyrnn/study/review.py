"""The review session: the FSRS queue of one deck or all, as every front end drives it.

    session = ReviewSession(ctx, deck_id)
    step = session.next()                  # ReviewCard, or NothingDue (when the next one is due)
    graded = session.grade(step, "2")      # verdict + the answer as logged; nothing recorded
    rated = session.rate(step, Rating.GOOD, graded, duration_ms=4200)   # one write
    session.undo()                         # this session's newest answer back; again for more
    session.summary()

``next`` is one read (Anki's ``get_queued_cards``): the card with its presentation, the queue
counts and the interval on each rating button. ``rate`` is one transaction carrying the session
id (the session row is created with the first answer). Undo reaches only this session's answers,
newest first; an undone card is shown again next. Learning cards due within the learner's
learn-ahead limit are served before the session says nothing is due; ``NothingDue.next_due``
says when the next card comes (a front end may wait for it). An answer to a card that another
window answered since it was shown is not recorded (``Rated.skipped``): the card is skipped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from studyrnn.quiz import Presented, present
from studyrnn.store import AnsweredElsewhere, CardState, QueueCounts, ReviewResult
from studyrnn.study.answers import Graded, grade, question_line
from studyrnn.study.context import StudyContext
from studyrnn.study.kinds import Mode, Rating


@dataclass(frozen=True)
class ReviewCard:
    """One card served by the queue, with everything a front end shows for it."""

    deck_id: str
    card: Any  # the deck's card model
    presented: Presented
    state: CardState
    counts: QueueCounts
    intervals: dict[int, timedelta]  # Rating → interval
    early: bool = False  # a learning card shown before it is due (learn-ahead)
    again: bool = False  # shown again after an undo
    shown_at: float = field(default_factory=time.monotonic)

    @property
    def card_id(self) -> str:
        return self.state.card_id

    @property
    def source(self) -> str | None:
        return getattr(self.card, "source", None)

    @property
    def question(self) -> str:
        return question_line(self.presented)


def _same(message: str) -> str:
    return message


@dataclass(frozen=True)
class Summary:
    """The end of a session: answers, ratings, time; and when the next card is due."""

    reviewed: int
    ratings: dict[Rating, int]
    seconds: float
    next_due: datetime | None = None

    @property
    def again(self) -> int:
        return self.ratings.get(Rating.AGAIN, 0)

    @property
    def passed(self) -> int:
        return self.reviewed - self.again

    def line(self, gettext: Callable[[str], str] | None = None) -> str:
        """ "3 reviewed (Again 1 · Good 2) in 0:42"; ``gettext``: in a deck's language."""
        tr = gettext or _same
        if not self.reviewed:
            return tr("no cards reviewed")
        parts = " · ".join(
            f"{tr(r.label)} {self.ratings[r]}" for r in Rating if self.ratings.get(r)
        )
        minutes, seconds = divmod(round(self.seconds), 60)
        return tr("{n} reviewed ({ratings}) in {time}").format(
            n=self.reviewed, ratings=parts, time=f"{minutes}:{seconds:02d}"
        )


@dataclass(frozen=True)
class NothingDue:
    """No card now or within the learn-ahead limit; the next one (if any) falls due at ``next_due``."""

    counts: QueueCounts
    next_due: datetime | None
    summary: Summary

    def wait(self, now: datetime) -> timedelta | None:
        """How long until the next card is due (None: no learning or review card at all)."""
        return None if self.next_due is None else max(timedelta(0), self.next_due - now)


@dataclass(frozen=True)
class Rated:
    """A rating recorded (``result``), or not: ``skipped`` when the card was answered elsewhere."""

    card: ReviewCard
    rating: Rating
    result: ReviewResult | None
    skipped: bool = False

    @property
    def interval(self) -> timedelta | None:
        return None if self.result is None else self.result.interval


@dataclass(frozen=True)
class Undone:
    """An answer taken back: its card (shown again next) and the question, for the message."""

    deck_id: str
    card_id: str
    question: str
    rating: Rating


class ReviewSession:
    """One sitting of reviews in one deck (``deck_id``) or all of them (None)."""

    mode = Mode.REVIEW

    def __init__(self, ctx: StudyContext, deck_id: str | None = None) -> None:
        self.ctx = ctx
        self.deck_id = deck_id
        self.session_id: int | None = None
        self.started = time.monotonic()
        self._ratings: list[Rating] = []
        self._questions: list[tuple[str, str, str]] = []  # (deck, card, question) per answer
        self._again: tuple[str, str] | None = None  # an undone card, shown next
        self.last_next_due: datetime | None = None

    # -- reading -------------------------------------------------------------------------------

    def next(self) -> ReviewCard | NothingDue:
        """The card to study now (one read), or NothingDue."""
        ctx = self.ctx
        again, self._again = self._again, None
        deck_id, card_id = again if again is not None else (self.deck_id, None)
        found = ctx.store.study_next(ctx.learner, deck_id, ctx.now(), card_id=card_id)
        if card_id is not None and self.deck_id != deck_id:
            counts = ctx.store.queue_counts(ctx.learner, self.deck_id, now=ctx.now())
        else:
            counts = found.counts
        if found.card is None:
            self.last_next_due = found.next_due
            return NothingDue(counts, found.next_due, self.summary(found.next_due))
        state = found.card
        model = ctx.decks[state.deck_id].card(state.card_id)
        return ReviewCard(
            deck_id=state.deck_id,
            card=model,
            presented=present(model, ctx.next_seed()),
            state=state,
            counts=counts,
            intervals={Rating(r): d for r, d in found.intervals.items()},
            early=found.learning_ahead,
            again=again is not None,
        )

    # -- answering -------------------------------------------------------------------------------

    def grade(
        self, card: ReviewCard, response: Any, *, typed: bool | None = None, retried: bool = False
    ) -> Graded:
        """The verdict on ``response`` (pure: nothing recorded; an INVALID one asks again)."""
        return grade(card.presented, response, typed=typed, retried=retried)

    def rate(
        self,
        card: ReviewCard,
        rating: Rating | int,
        graded: Graded | None = None,
        *,
        duration_ms: int | None = None,
    ) -> Rated:
        """Record the answer and reschedule the card: one transaction, in this session."""
        ctx = self.ctx
        rating = Rating(rating)
        if duration_ms is None:
            duration_ms = round((time.monotonic() - card.shown_at) * 1000)
        try:
            result = ctx.store.record_review(
                ctx.learner,
                card.deck_id,
                card.card_id,
                int(rating),
                verdict=None if graded is None else graded.verdict,
                answer=None if graded is None else graded.answer,
                duration_ms=duration_ms,
                seed=card.presented.seed,
                mode=str(self.mode),
                session_id=self.session_id,
                start_session=self.session_id is None,
                session_deck=self.deck_id,
                expected_reps=card.state.reps,
                now=ctx.now(),
            )
        except AnsweredElsewhere:
            return Rated(card, rating, None, skipped=True)
        self.session_id = result.session_id
        self._ratings.append(rating)
        self._questions.append((card.deck_id, card.card_id, card.question))
        return Rated(card, rating, result)

    def undo(self) -> Undone | None:
        """Take back this session's newest answer (None: there is none left to take back).

        Raises ``UndoRefused`` (a StoreError) when the card was answered elsewhere since.
        """
        if self.session_id is None or not self._ratings:
            return None
        ctx = self.ctx
        undone = ctx.store.undo_last(ctx.learner, self.session_id)
        if undone is None:
            return None
        self._ratings.pop()
        _, _, question = self._questions.pop()
        self._again = (undone.deck_id, undone.card_id)
        return Undone(undone.deck_id, undone.card_id, question, Rating(undone.rating))

    @property
    def can_undo(self) -> bool:
        return bool(self._ratings)

    @property
    def reviewed(self) -> int:
        return len(self._ratings)

    def summary(self, next_due: datetime | None = None) -> Summary:
        return Summary(
            reviewed=len(self._ratings),
            ratings=dict(Counter(self._ratings)),
            seconds=time.monotonic() - self.started,
            next_due=next_due if next_due is not None else self.last_next_due,
        )

    def close(self) -> None:
        """End the session (one write; nothing when no answer was given)."""
        if self.session_id is not None:
            self.ctx.store.end_session(self.session_id, now=self.ctx.now())
