"""The progress store: every read and write of learners, card states and the review log.

All methods take and return plain values and frozen dataclasses (``domain``). Each write is one
transaction; on SQLite it begins with ``BEGIN IMMEDIATE`` (see ``engine``). Times are aware UTC;
``now=None`` means the current time.

The learner's *day* is the UTC day: the new-card and review limits count reviews since 00:00 UTC.
Limits are per learner, across decks. Only ``mode="review"`` answers move the schedule; quiz and
flashcard answers are logged (statistics see them) and leave the card's state alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from studyrnn.errors import StoreError
from studyrnn.store import scheduling
from studyrnn.store.domain import (
    LEARNING,
    MODES,
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_RETIRED,
    QUEUE_REVIEW,
    REVIEW,
    CardState,
    Learner,
    QueueCounts,
    ReviewRecord,
    ReviewResult,
    SchedulerSettings,
    SyncResult,
    UndoResult,
    natural_queue,
)
from studyrnn.store.engine import WRITE, explain
from studyrnn.store.models import CardRow, LearnerRow, ReviewLogRow, StudySessionRow, to_utc

CARD_COLUMNS = (
    CardRow.deck_id,
    CardRow.card_id,
    CardRow.card_type,
    CardRow.queue,
    CardRow.state,
    CardRow.step,
    CardRow.stability,
    CardRow.difficulty,
    CardRow.due,
    CardRow.last_review,
    CardRow.reps,
    CardRow.lapses,
)
STATE_FIELDS = ("queue", "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def day_start(moment: datetime) -> datetime:
    """00:00 UTC of the day holding ``moment``: the learner's day for the daily limits."""
    moment = to_utc(moment)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _card(row) -> CardState:
    return CardState(*row)


class Store:
    """The progress store on one database. Build it with ``open_store(url)``."""

    def __init__(self, engine: Engine, where: str = "progress database"):
        self.engine = engine
        self.where = where

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection in a read transaction (one consistent snapshot)."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as err:
            raise explain(err, self.where) from err

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a write transaction: committed on exit, rolled back on error."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{WRITE: True})
                with conn.begin():
                    yield conn
        except IntegrityError:
            raise
        except DBAPIError as err:
            raise explain(err, self.where) from err

    # -- learners and their settings --------------------------------------------------------------

    def learner(self, name: str) -> Learner:
        """The learner called ``name``, created with default settings on first use."""
        name = name.strip()
        if not name:
            raise StoreError("the learner name is empty")
        query = select(LearnerRow.id).where(LearnerRow.name == name)
        with self.reading() as conn:
            found = conn.execute(query).scalar_one_or_none()
        if found is not None:
            return Learner(found, name)
        defaults = SchedulerSettings()
        try:
            with self.writing() as conn:
                found = conn.execute(query).scalar_one_or_none()
                if found is None:
                    found = conn.execute(
                        insert(LearnerRow).values(
                            name=name,
                            created_at=utc_now(),
                            desired_retention=defaults.desired_retention,
                            learning_steps=scheduling.format_steps(defaults.learning_steps),
                            relearning_steps=scheduling.format_steps(defaults.relearning_steps),
                            new_per_day=defaults.new_per_day,
                            max_reviews_per_day=defaults.max_reviews_per_day,
                        ).returning(LearnerRow.id)
                    ).scalar_one()
        except IntegrityError:  # another process created them first
            with self.reading() as conn:
                found = conn.execute(query).scalar_one()
        return Learner(found, name)

    def learners(self) -> list[Learner]:
        with self.reading() as conn:
            rows = conn.execute(select(LearnerRow.id, LearnerRow.name).order_by(LearnerRow.name)).all()
        return [Learner(row.id, row.name) for row in rows]

    def _settings(self, conn: Connection, learner: Learner) -> SchedulerSettings:
        row = conn.execute(
            select(
                LearnerRow.desired_retention, LearnerRow.learning_steps, LearnerRow.relearning_steps,
                LearnerRow.new_per_day, LearnerRow.max_reviews_per_day,
            ).where(LearnerRow.id == learner.id)
        ).first()
        if row is None:
            raise StoreError(f"no learner {learner.name!r} in {self.where}")
        return SchedulerSettings(
            desired_retention=row.desired_retention,
            learning_steps=scheduling.parse_steps(row.learning_steps),
            relearning_steps=scheduling.parse_steps(row.relearning_steps),
            new_per_day=row.new_per_day,
            max_reviews_per_day=row.max_reviews_per_day,
        )

    def settings(self, learner: Learner) -> SchedulerSettings:
        with self.reading() as conn:
            return self._settings(conn, learner)

    def update_settings(self, learner: Learner, **changes) -> SchedulerSettings:
        """Change some of a learner's settings (names of ``SchedulerSettings`` fields)."""
        known = {f.name for f in fields(SchedulerSettings)}
        unknown = set(changes) - known
        if unknown:
            raise StoreError(f"unknown setting(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        with self.writing() as conn:
            new = replace(self._settings(conn, learner), **changes)
            new = replace(
                new,
                learning_steps=tuple(new.learning_steps),
                relearning_steps=tuple(new.relearning_steps),
            )
            _check_settings(new)
            conn.execute(
                update(LearnerRow)
                .where(LearnerRow.id == learner.id)
                .values(
                    desired_retention=float(new.desired_retention),
                    learning_steps=scheduling.format_steps(new.learning_steps),
                    relearning_steps=scheduling.format_steps(new.relearning_steps),
                    new_per_day=int(new.new_per_day),
                    max_reviews_per_day=int(new.max_reviews_per_day),
                )
            )
        return new

    # -- cards ------------------------------------------------------------------------------------

    def sync_cards(self, learner: Learner, decks: Iterable, now: datetime | None = None) -> SyncResult:
        """Register the cards of ``decks`` (objects with ``.id`` and ``.cards``; cards with ``.id``, ``.type``).

        ``decks`` is everything currently loaded. New cards are added; cards no longer in any of
        them are *retired* (kept with their state and history, not served); retired cards that are
        back return to their queue as they were. Nothing is ever deleted.
        """
        now = to_utc(now) if now is not None else utc_now()
        wanted: dict[tuple[str, str], tuple[str, int]] = {}
        for deck in decks:
            for position, card in enumerate(deck.cards):
                wanted[(str(deck.id), str(card.id))] = (str(card.type), position)
        with self.writing() as conn:
            existing = {
                (row.deck_id, row.card_id): row
                for row in conn.execute(
                    select(
                        CardRow.deck_id, CardRow.card_id, CardRow.card_type, CardRow.position,
                        CardRow.queue, CardRow.state, CardRow.reps,
                    ).where(CardRow.learner_id == learner.id)
                )
            }
            added = [
                dict(
                    learner_id=learner.id, deck_id=deck_id, card_id=card_id, card_type=card_type,
                    position=position, queue=QUEUE_NEW, state=LEARNING, step=0, stability=None,
                    difficulty=None, due=now, last_review=None, reps=0, lapses=0, added_at=now,
                )
                for (deck_id, card_id), (card_type, position) in wanted.items()
                if (deck_id, card_id) not in existing
            ]
            changes: list[dict] = []
            retired = restored = 0
            for key, row in existing.items():
                if key in wanted:
                    card_type, position = wanted[key]
                    queue = natural_queue(row.state, row.reps) if row.queue == QUEUE_RETIRED else row.queue
                    restored += row.queue == QUEUE_RETIRED
                else:
                    card_type, position, queue = row.card_type, row.position, QUEUE_RETIRED
                    retired += row.queue != QUEUE_RETIRED
                if (card_type, position, queue) != (row.card_type, row.position, row.queue):
                    changes.append(
                        dict(b_deck=key[0], b_card=key[1], card_type=card_type, position=position, queue=queue)
                    )
            if added:
                conn.execute(insert(CardRow), added)
            if changes:
                from sqlalchemy import bindparam

                conn.execute(
                    update(CardRow)
                    .where(
                        CardRow.learner_id == learner.id,
                        CardRow.deck_id == bindparam("b_deck"),
                        CardRow.card_id == bindparam("b_card"),
                    )
                    .values(card_type=bindparam("card_type"), position=bindparam("position"), queue=bindparam("queue")),
                    changes,
                )
        return SyncResult(added=len(added), retired=retired, restored=restored)

    def card_state(self, learner: Learner, deck_id: str, card_id: str) -> CardState | None:
        with self.reading() as conn:
            return self._card_state(conn, learner, deck_id, card_id)

    def _card_state(self, conn: Connection, learner: Learner, deck_id: str, card_id: str, lock: bool = False):
        query = select(*CARD_COLUMNS).where(
            CardRow.learner_id == learner.id, CardRow.deck_id == deck_id, CardRow.card_id == card_id
        )
        if lock:
            query = query.with_for_update()
        row = conn.execute(query).first()
        return None if row is None else _card(row)

    def cards(self, learner: Learner, deck_id: str | None = None, include_retired: bool = False) -> list[CardState]:
        query = select(*CARD_COLUMNS).where(CardRow.learner_id == learner.id)
        if deck_id is not None:
            query = query.where(CardRow.deck_id == deck_id)
        if not include_retired:
            query = query.where(CardRow.queue != QUEUE_RETIRED)
        with self.reading() as conn:
            return [_card(row) for row in conn.execute(query.order_by(CardRow.deck_id, CardRow.position))]

    # -- the queue --------------------------------------------------------------------------------

    def _done_today(self, conn: Connection, learner: Learner, now: datetime) -> tuple[int, int]:
        """(new cards introduced, Review-state cards reviewed) since the start of the learner's day."""
        start = day_start(now)
        base = (ReviewLogRow.learner_id == learner.id, ReviewLogRow.reviewed_at >= start,
                ReviewLogRow.mode == "review")
        introduced = conn.execute(
            select(func.count()).select_from(ReviewLogRow).where(*base, ReviewLogRow.prev_reps == 0)
        ).scalar_one()
        reviewed = conn.execute(
            select(func.count()).select_from(ReviewLogRow).where(*base, ReviewLogRow.prev_queue == QUEUE_REVIEW)
        ).scalar_one()
        return introduced, reviewed

    @staticmethod
    def _in_queue(learner: Learner, queue: int, deck_id: str | None):
        query = select(*CARD_COLUMNS).where(CardRow.learner_id == learner.id, CardRow.queue == queue)
        if deck_id is not None:
            query = query.where(CardRow.deck_id == deck_id)
        return query

    def next_card(self, learner: Learner, deck_id: str | None = None, now: datetime | None = None) -> CardState | None:
        """The card to study now: learning cards due, then reviews due, then new cards, within today's limits."""
        now = to_utc(now) if now is not None else utc_now()
        with self.reading() as conn:
            row = conn.execute(
                self._in_queue(learner, QUEUE_LEARNING, deck_id)
                .where(CardRow.due <= now).order_by(CardRow.due).limit(1)
            ).first()
            if row is not None:
                return _card(row)
            settings = self._settings(conn, learner)
            introduced, reviewed = self._done_today(conn, learner, now)
            if reviewed < settings.max_reviews_per_day:
                row = conn.execute(
                    self._in_queue(learner, QUEUE_REVIEW, deck_id)
                    .where(CardRow.due <= now).order_by(CardRow.due).limit(1)
                ).first()
                if row is not None:
                    return _card(row)
            if introduced < settings.new_per_day:
                row = conn.execute(
                    self._in_queue(learner, QUEUE_NEW, deck_id)
                    .order_by(CardRow.deck_id, CardRow.position).limit(1)
                ).first()
                if row is not None:
                    return _card(row)
        return None

    def _count(self, conn: Connection, query, cap: int | None = None) -> int:
        if cap is not None:
            if cap <= 0:
                return 0
            query = query.limit(cap)
        return conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()

    def queue_counts(self, learner: Learner, deck_id: str | None = None, now: datetime | None = None) -> QueueCounts:
        """How many cards ``next_card`` would serve now, by queue (reviews and new capped by today's limits)."""
        now = to_utc(now) if now is not None else utc_now()
        with self.reading() as conn:
            settings = self._settings(conn, learner)
            introduced, reviewed = self._done_today(conn, learner, now)

            def waiting(queue: int):
                query = select(CardRow.card_id).where(CardRow.learner_id == learner.id, CardRow.queue == queue)
                return query if deck_id is None else query.where(CardRow.deck_id == deck_id)

            learning = self._count(conn, waiting(QUEUE_LEARNING).where(CardRow.due <= now))
            review = self._count(
                conn, waiting(QUEUE_REVIEW).where(CardRow.due <= now), settings.max_reviews_per_day - reviewed
            )
            new = self._count(conn, waiting(QUEUE_NEW), settings.new_per_day - introduced)
        return QueueCounts(new=new, learning=learning, review=review)

    def next_due(self, learner: Learner, deck_id: str | None = None) -> datetime | None:
        """When the next learning or review card falls due (new cards are always available)."""
        query = select(func.min(CardRow.due)).where(
            CardRow.learner_id == learner.id, CardRow.queue.in_((QUEUE_LEARNING, QUEUE_REVIEW))
        )
        if deck_id is not None:
            query = query.where(CardRow.deck_id == deck_id)
        with self.reading() as conn:
            return conn.execute(query).scalar_one_or_none()

    # -- reviewing --------------------------------------------------------------------------------

    def preview(self, learner: Learner, deck_id: str, card_id: str, now: datetime | None = None) -> dict[int, timedelta]:
        """rating (1-4) → the interval the card gets if answered with it now: exactly what recording gives."""
        now = to_utc(now) if now is not None else utc_now()
        with self.reading() as conn:
            card = self._require(conn, learner, deck_id, card_id)
            return scheduling.preview(card, self._settings(conn, learner), now)

    def _require(self, conn: Connection, learner: Learner, deck_id: str, card_id: str, lock: bool = False) -> CardState:
        card = self._card_state(conn, learner, deck_id, card_id, lock=lock)
        if card is None:
            raise StoreError(f"card {deck_id}/{card_id} is not registered for {learner.name!r}; sync the decks first")
        return card

    def record_review(
        self,
        learner: Learner,
        deck_id: str,
        card_id: str,
        rating: int,
        *,
        verdict: object = None,
        answer: str | None = None,
        duration_ms: int | None = None,
        seed: int | None = None,
        mode: str = "review",
        session_id: int | None = None,
        now: datetime | None = None,
    ) -> ReviewResult:
        """Log one answer and (in review mode) reschedule the card: one transaction.

        ``verdict`` is the grading Verdict (its ``outcome`` is logged), an outcome name, or None for
        a self-rated card. ``seed`` is the variant shown of a generated card.
        """
        rating = scheduling.check_rating(rating)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        now = to_utc(now) if now is not None else utc_now()
        outcome = _outcome_name(verdict)
        with self.writing() as conn:
            before = self._require(conn, learner, deck_id, card_id, lock=True)
            if mode == "review":
                after = scheduling.review(before, rating, self._settings(conn, learner), now)
                conn.execute(
                    update(CardRow)
                    .where(CardRow.learner_id == learner.id, CardRow.deck_id == deck_id, CardRow.card_id == card_id)
                    .values(**{name: getattr(after, name) for name in STATE_FIELDS})
                )
            else:
                after = before
            review_id = conn.execute(
                insert(ReviewLogRow)
                .values(
                    learner_id=learner.id, deck_id=deck_id, card_id=card_id, session_id=session_id,
                    reviewed_at=now, mode=mode, rating=rating, outcome=outcome, answer=answer,
                    duration_ms=None if duration_ms is None else int(duration_ms),
                    seed=None if seed is None else int(seed),
                    **{f"prev_{name}": getattr(before, name) for name in STATE_FIELDS},
                )
                .returning(ReviewLogRow.id)
            ).scalar_one()
        return ReviewResult(review_id=review_id, next_due=after.due, interval=after.due - now, state=after)

    def undo_last(self, learner: Learner) -> UndoResult | None:
        """Take back the learner's most recent answer: its card returns to the exact state before it."""
        with self.writing() as conn:
            log = conn.execute(
                select(*ReviewLogRow.__table__.columns)
                .where(ReviewLogRow.learner_id == learner.id)
                .order_by(ReviewLogRow.reviewed_at.desc(), ReviewLogRow.id.desc())
                .limit(1)
            ).first()
            if log is None:
                return None
            current = self._require(conn, learner, log.deck_id, log.card_id, lock=True)
            restored = replace(current, **{name: getattr(log, f"prev_{name}") for name in STATE_FIELDS})
            if current.queue == QUEUE_RETIRED:
                restored = replace(restored, queue=QUEUE_RETIRED)  # it left its deck since
            conn.execute(
                update(CardRow)
                .where(CardRow.learner_id == learner.id, CardRow.deck_id == log.deck_id, CardRow.card_id == log.card_id)
                .values(**{name: getattr(restored, name) for name in STATE_FIELDS})
            )
            conn.execute(delete(ReviewLogRow).where(ReviewLogRow.id == log.id))
        return UndoResult(
            review_id=log.id, deck_id=log.deck_id, card_id=log.card_id, rating=log.rating, mode=log.mode,
            state=restored,
        )

    def reviews(self, learner: Learner, deck_id: str | None = None, card_id: str | None = None,
                limit: int | None = None) -> list[ReviewRecord]:
        """The learner's review log, newest first (optionally one deck or one card)."""
        query = select(
            ReviewLogRow.id, ReviewLogRow.deck_id, ReviewLogRow.card_id, ReviewLogRow.rating,
            ReviewLogRow.outcome, ReviewLogRow.answer, ReviewLogRow.duration_ms, ReviewLogRow.seed,
            ReviewLogRow.mode, ReviewLogRow.reviewed_at, ReviewLogRow.session_id,
        ).where(ReviewLogRow.learner_id == learner.id)
        if deck_id is not None:
            query = query.where(ReviewLogRow.deck_id == deck_id)
        if card_id is not None:
            query = query.where(ReviewLogRow.card_id == card_id)
        query = query.order_by(ReviewLogRow.reviewed_at.desc(), ReviewLogRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.reading() as conn:
            return [ReviewRecord(*row) for row in conn.execute(query)]

    def review_count(self, learner: Learner) -> int:
        with self.reading() as conn:
            return conn.execute(
                select(func.count()).select_from(ReviewLogRow).where(ReviewLogRow.learner_id == learner.id)
            ).scalar_one()

    # -- study sessions ---------------------------------------------------------------------------

    def start_session(self, learner: Learner, mode: str, deck_id: str | None = None,
                      now: datetime | None = None) -> int:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        now = to_utc(now) if now is not None else utc_now()
        with self.writing() as conn:
            return conn.execute(
                insert(StudySessionRow)
                .values(learner_id=learner.id, mode=mode, deck_id=deck_id, started_at=now)
                .returning(StudySessionRow.id)
            ).scalar_one()

    def end_session(self, session_id: int, now: datetime | None = None) -> None:
        now = to_utc(now) if now is not None else utc_now()
        with self.writing() as conn:
            conn.execute(update(StudySessionRow).where(StudySessionRow.id == session_id).values(ended_at=now))


def _outcome_name(verdict: object) -> str | None:
    if verdict is None:
        return None
    outcome = getattr(verdict, "outcome", verdict)
    name = getattr(outcome, "value", None) or getattr(outcome, "name", None) or outcome
    return str(name).lower()[:20]


def _check_settings(settings: SchedulerSettings) -> None:
    if not 0.5 <= settings.desired_retention <= 0.99:
        raise StoreError(f"desired retention must be between 0.5 and 0.99, not {settings.desired_retention}")
    if settings.new_per_day < 0 or settings.max_reviews_per_day < 0:
        raise StoreError("daily limits cannot be negative")
    for step in (*settings.learning_steps, *settings.relearning_steps):
        if not isinstance(step, timedelta) or step <= timedelta(0):
            raise StoreError(f"learning steps must be positive durations, not {step!r}")
