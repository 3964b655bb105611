"""The progress store: every read and write of learners, card states and the review log.

All methods take and return plain values and frozen dataclasses (``domain``). Each write is one
transaction; on SQLite it begins with ``BEGIN IMMEDIATE`` (see ``engine``). Times are aware UTC;
``now=None`` means the current time.

Rules:

* The learner's *day* is their study day (``days.DayRule``: their local day from the rollover
  hour, 4 a.m. by default): the new-card and review limits count answers since it began, and the
  day totals are kept per study day. Limits are per learner, across decks.
* Learn-ahead: when nothing else is left, learning cards due within the learner's learn-ahead
  limit (20 minutes by default) are served before the queue says it is empty.
* Only ``mode="review"`` answers move the schedule; quiz and flashcard answers are logged
  (statistics see them) and leave the card's state alone.
* A *lapse* is a card in the Review state answered Again.
* Every answer also updates running totals (``review_days``, ``cards.answers/correct``,
  ``deck_totals``, ``tag_totals``; see ``totals``) in the same transaction, and undo takes them
  back: statistics never scan the whole log or every card.
* Undo takes back the newest answer of one study session (or of the learner), and refuses when the
  card was answered again since; an answer to a card answered elsewhere since it was shown
  (``expected_reps``) is refused with ``AnsweredElsewhere``.

The hot statements are built once at import (plain SQL expressions, no engine) with bound
parameters: building SQLAlchemy expressions per call would cost more than running them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from studyrnn.errors import StoreError
from studyrnn.store import scheduling, totals
from studyrnn.store.days import DayRule
from studyrnn.store.domain import (
    AGAIN,
    LEARNING,
    MODES,
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_RETIRED,
    QUEUE_REVIEW,
    REVIEW,
    AnsweredElsewhere,
    CardState,
    Learner,
    NextCard,
    QueueCounts,
    ReviewRecord,
    ReviewResult,
    SchedulerSettings,
    SyncResult,
    UndoRefused,
    UndoResult,
    is_mastered,
    natural_queue,
)
from studyrnn.store.engine import WRITE, explain
from studyrnn.store.models import (
    CardRow,
    CardTagRow,
    DeckTotalRow,
    LearnerRow,
    ReviewDayRow,
    ReviewLogRow,
    StudySessionRow,
    TagTotalRow,
    to_utc,
)

NO_CAP = 2**31 - 1
SYNC_LOCK = 4729118  # PostgreSQL advisory lock: one sync_cards at a time (migrations use 4729117)
STATE_FIELDS = (
    "queue",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
)
CARD_COLUMNS = (
    CardRow.deck_id,
    CardRow.card_id,
    CardRow.card_type,
    *(getattr(CardRow, f) for f in STATE_FIELDS),
)

# -- statements, built once ----------------------------------------------------------------------------

_LEARNER = CardRow.learner_id == bindparam("k_learner")
_DECK = CardRow.deck_id == bindparam("k_deck")
_KEY = and_(_LEARNER, _DECK, CardRow.card_id == bindparam("k_card"))
_DUE = CardRow.due <= bindparam("k_now")


def _queue_head(queue: int, deck: bool):
    query = select(*CARD_COLUMNS).where(_LEARNER, CardRow.queue == queue)
    if deck:
        query = query.where(_DECK)
    if queue == QUEUE_NEW:
        return query.order_by(CardRow.deck_id, CardRow.position).limit(1)
    return query.where(_DUE).order_by(CardRow.due).limit(1)


def _queue_count(queue: int, deck: bool):
    """How many cards wait in ``queue``, counting at most :cap (a LIMIT keeps big backlogs cheap)."""
    query = select(CardRow.card_id).where(_LEARNER, CardRow.queue == queue)
    if deck:
        query = query.where(_DECK)
    if queue != QUEUE_NEW:
        query = query.where(_DUE)
    return select(func.count()).select_from(query.limit(bindparam("cap")).subquery())


Q_HEAD = {
    (q, deck): _queue_head(q, deck)
    for q in (QUEUE_NEW, QUEUE_LEARNING, QUEUE_REVIEW)
    for deck in (False, True)
}
Q_COUNT = {
    (q, deck): _queue_count(q, deck)
    for q in (QUEUE_NEW, QUEUE_LEARNING, QUEUE_REVIEW)
    for deck in (False, True)
}
Q_CARD = select(*CARD_COLUMNS).where(_KEY)
Q_CARD_LOCKED = Q_CARD.with_for_update()
SETTINGS_COLUMNS = (
    LearnerRow.desired_retention,
    LearnerRow.learning_steps,
    LearnerRow.relearning_steps,
    LearnerRow.new_per_day,
    LearnerRow.max_reviews_per_day,
    LearnerRow.timezone,
    LearnerRow.rollover_hour,
    LearnerRow.learn_ahead_minutes,
    LearnerRow.fsrs_weights,
)
N_SETTINGS = len(SETTINGS_COLUMNS)
Q_SETTINGS = select(*SETTINGS_COLUMNS).where(LearnerRow.id == bindparam("k_learner"))
# in a write: also serialises one learner's answers on PostgreSQL (the day totals are per learner)
Q_SETTINGS_LOCKED = Q_SETTINGS.with_for_update()
Q_DAY = select(ReviewDayRow.new_cards, ReviewDayRow.review_cards).where(
    ReviewDayRow.learner_id == bindparam("k_learner"), ReviewDayRow.day == bindparam("k_day")
)
U_CARD_STATE = (
    update(CardRow)
    .where(_KEY)
    .values(
        **{f: bindparam(f"v_{f}") for f in STATE_FIELDS},
        answers=CardRow.answers + 1,
        correct=CardRow.correct + bindparam("v_correct"),
    )
)
U_CARD_COUNTERS = (
    update(CardRow)
    .where(_KEY)
    .values(
        answers=CardRow.answers + bindparam("d_answers"),
        correct=CardRow.correct + bindparam("d_correct"),
    )
)
U_CARD_RESTORE = (
    update(CardRow)
    .where(_KEY)
    .values(
        **{f: bindparam(f"v_{f}") for f in STATE_FIELDS},
        answers=CardRow.answers - 1,
        correct=CardRow.correct - bindparam("v_correct"),
    )
)
_DAY_KEY = and_(
    ReviewDayRow.learner_id == bindparam("k_learner"), ReviewDayRow.day == bindparam("k_day")
)
U_DAY = (
    update(ReviewDayRow)
    .where(_DAY_KEY)
    .values(
        answers=ReviewDayRow.answers + bindparam("d_answers"),
        new_cards=ReviewDayRow.new_cards + bindparam("d_new"),
        review_cards=ReviewDayRow.review_cards + bindparam("d_review"),
        review_passed=ReviewDayRow.review_passed + bindparam("d_passed"),
    )
)
I_DAY = insert(ReviewDayRow).values(
    learner_id=bindparam("k_learner"),
    day=bindparam("k_day"),
    answers=bindparam("d_answers"),
    new_cards=bindparam("d_new"),
    review_cards=bindparam("d_review"),
    review_passed=bindparam("d_passed"),
)
# the learner's settings and the card in one read (and, on PostgreSQL, both rows locked)
Q_SETTINGS_AND_CARD = (
    select(*Q_SETTINGS.selected_columns, *CARD_COLUMNS)
    .join_from(CardRow, LearnerRow, LearnerRow.id == CardRow.learner_id)
    .where(_KEY)
    .with_for_update()
)
# sync_cards gives every learner a row for every tag, so one UPDATE serves all the card's tags
U_TAGS_OF_CARD = (
    update(TagTotalRow)
    .where(
        TagTotalRow.learner_id == bindparam("k_learner"),
        TagTotalRow.tag.in_(
            select(CardTagRow.tag)
            .where(
                CardTagRow.deck_id == bindparam("k_deck"), CardTagRow.card_id == bindparam("k_card")
            )
            .scalar_subquery()
        ),
    )
    .values(
        answers=TagTotalRow.answers + bindparam("d_answers"),
        correct=TagTotalRow.correct + bindparam("d_correct"),
    )
)
U_DECK = (
    update(DeckTotalRow)
    .where(
        DeckTotalRow.learner_id == bindparam("k_learner"),
        DeckTotalRow.deck_id == bindparam("k_deck"),
    )
    .values(
        studied=DeckTotalRow.studied + bindparam("d_studied"),
        mastered=DeckTotalRow.mastered + bindparam("d_mastered"),
    )
)
I_LOG = insert(ReviewLogRow).returning(ReviewLogRow.id)
Q_LAST_LOG = (
    select(*ReviewLogRow.__table__.columns)
    .where(ReviewLogRow.learner_id == bindparam("k_learner"))
    .order_by(ReviewLogRow.reviewed_at.desc(), ReviewLogRow.id.desc())
    .limit(1)
)
Q_LAST_LOG_OF_SESSION = (
    select(*ReviewLogRow.__table__.columns)
    .where(
        ReviewLogRow.learner_id == bindparam("k_learner"),
        ReviewLogRow.session_id == bindparam("k_session"),
    )
    .order_by(ReviewLogRow.id.desc())
    .limit(1)
)
Q_NEXT_DUE = {
    deck: select(func.min(CardRow.due)).where(
        _LEARNER,
        CardRow.queue.in_((QUEUE_LEARNING, QUEUE_REVIEW)),
        *((_DECK,) if deck else ()),
    )
    for deck in (False, True)
}
D_LOG = delete(ReviewLogRow).where(ReviewLogRow.id == bindparam("k_review"))


def deck_list(decks: Iterable) -> list:
    """The decks of a ``DeckSet`` (a mapping id → deck) or of any iterable of decks."""
    return list(decks.values()) if isinstance(decks, Mapping) else list(decks)


def utc_now() -> datetime:
    return datetime.now(UTC)


def day_start(moment: datetime, rule: DayRule | None = None) -> datetime:
    """When the study day holding ``moment`` began (UTC), by ``rule`` (default: UTC, 4 a.m.)."""
    rule = rule or DayRule()
    return rule.start_of(to_utc(moment))


def day_number(moment: datetime, rule: DayRule | None = None) -> int:
    """The study day of ``moment`` as days since 1970-01-01 (``review_days.day``)."""
    return (rule or DayRule()).day_of(to_utc(moment))


def _moment(now: datetime | None) -> datetime:
    return utc_now() if now is None else to_utc(now)


def _day_deltas(mode: str, rating: int, before: CardState, sign: int = 1) -> dict[str, int]:
    in_review = mode == "review"
    was_review = in_review and before.state == REVIEW
    return {
        "d_answers": sign,
        "d_new": sign * int(in_review and before.reps == 0),
        "d_review": sign * int(was_review),
        "d_passed": sign * int(was_review and rating > AGAIN),
    }


class Store:
    """The progress store on one database. Build it with ``open_store(url)``."""

    def __init__(self, engine: Engine, where: str = "progress database"):
        self.engine = engine
        self.where = where
        self.created = False  # open_store: the database was created just now

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
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

    def learner(self, name: str, timezone: str | None = None) -> Learner:
        """The learner called ``name``, created with default settings on first use (their study
        day in ``timezone``, an IANA name; default UTC)."""
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
                        insert(LearnerRow)
                        .values(
                            name=name,
                            created_at=utc_now(),
                            desired_retention=defaults.desired_retention,
                            learning_steps=scheduling.format_steps(defaults.learning_steps),
                            relearning_steps=scheduling.format_steps(defaults.relearning_steps),
                            new_per_day=defaults.new_per_day,
                            max_reviews_per_day=defaults.max_reviews_per_day,
                            timezone=timezone or defaults.timezone,
                            rollover_hour=defaults.rollover_hour,
                            learn_ahead_minutes=round(defaults.learn_ahead.total_seconds() / 60),
                        )
                        .returning(LearnerRow.id)
                    ).scalar_one()
        except IntegrityError:  # another process created them first
            with self.reading() as conn:
                found = conn.execute(query).scalar_one()
        return Learner(found, name)

    def find_learner(self, name: str) -> Learner | None:
        """The learner called ``name``, or None: a lookup that never writes (read-only commands)."""
        with self.reading() as conn:
            found = conn.execute(
                select(LearnerRow.id).where(LearnerRow.name == name.strip())
            ).scalar_one_or_none()
        return None if found is None else Learner(found, name.strip())

    def learners(self) -> list[Learner]:
        with self.reading() as conn:
            rows = conn.execute(
                select(LearnerRow.id, LearnerRow.name).order_by(LearnerRow.name)
            ).all()
        return [Learner(row.id, row.name) for row in rows]

    def _settings(
        self, conn: Connection, learner: Learner, lock: bool = False
    ) -> SchedulerSettings:
        row = conn.execute(
            Q_SETTINGS_LOCKED if lock else Q_SETTINGS, {"k_learner": learner.id}
        ).first()
        if row is None:
            raise StoreError(f"no learner {learner.name!r} in {self.where}")
        return _settings_from_row(tuple(row))

    def settings(self, learner: Learner) -> SchedulerSettings:
        with self.reading() as conn:
            return self._settings(conn, learner)

    def update_settings(self, learner: Learner, **changes) -> SchedulerSettings:
        """Change some of a learner's settings (names of ``SchedulerSettings`` fields)."""
        known = {f.name for f in fields(SchedulerSettings)}
        unknown = set(changes) - known
        if unknown:
            raise StoreError(
                f"unknown setting(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        with self.writing() as conn:
            old = self._settings(conn, learner, lock=True)
            new = replace(old, **changes)
            new = replace(
                new,
                learning_steps=tuple(new.learning_steps),
                relearning_steps=tuple(new.relearning_steps),
                weights=None if new.weights is None else tuple(float(w) for w in new.weights),
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
                    timezone=new.timezone,
                    rollover_hour=int(new.rollover_hour),
                    learn_ahead_minutes=round(new.learn_ahead.total_seconds() / 60),
                    fsrs_weights=None
                    if new.weights is None
                    else ",".join(repr(w) for w in new.weights),
                )
            )
            if new.day_rule != old.day_rule:  # the days begin elsewhere: re-key the day totals
                self._rebuild_days(conn, learner.id, new.day_rule)
        return new

    def set_study_day(self, learner: Learner, timezone: str) -> SchedulerSettings:
        """Move the learner's study day to ``timezone`` (one read when it is there already)."""
        current = self.settings(learner)
        if current.timezone == timezone:
            return current
        return self.update_settings(learner, timezone=timezone)

    @staticmethod
    def _rebuild_days(conn: Connection, learner_id: int, rule: DayRule) -> None:
        """Recompute one learner's day totals from the review log, days by ``rule`` (DST included:
        in Python, one pass over the learner's log)."""
        conn.execute(delete(ReviewDayRow).where(ReviewDayRow.learner_id == learner_id))
        days: dict[int, list[int]] = {}
        rows = conn.execute(
            select(
                ReviewLogRow.reviewed_at,
                ReviewLogRow.mode,
                ReviewLogRow.prev_reps,
                ReviewLogRow.prev_state,
                ReviewLogRow.rating,
            ).where(ReviewLogRow.learner_id == learner_id)
        )
        for reviewed_at, mode, prev_reps, prev_state, rating in rows:
            tally = days.setdefault(rule.day_of(reviewed_at), [0, 0, 0, 0])
            in_review = mode == "review"
            was_review = in_review and prev_state == REVIEW
            tally[0] += 1
            tally[1] += int(in_review and prev_reps == 0)
            tally[2] += int(was_review)
            tally[3] += int(was_review and rating > AGAIN)
        if days:
            conn.execute(
                insert(ReviewDayRow),
                [
                    dict(
                        learner_id=learner_id,
                        day=day,
                        answers=a,
                        new_cards=n,
                        review_cards=r,
                        review_passed=p,
                    )
                    for day, (a, n, r, p) in days.items()
                ],
            )

    # -- cards ------------------------------------------------------------------------------------

    def sync_cards(
        self, learner: Learner, decks: Iterable, now: datetime | None = None
    ) -> SyncResult:
        """Register the cards of ``decks`` (objects with ``.id`` and ``.cards``; cards with ``.id``, ``.type``).

        ``decks`` is everything currently loaded (a ``DeckSet``, or any iterable of decks). New cards are added; cards no longer in any of
        them are *retired* (kept with their state and history, not served); retired cards that are
        back return to their queue as they were. Nothing is ever deleted.
        """
        now = _moment(now)
        wanted: dict[tuple[str, str], tuple[str, int]] = {}
        tags: dict[tuple[str, str], tuple[str, ...]] = {}
        for deck in deck_list(decks):
            for position, card in enumerate(deck.cards):
                key = (str(deck.id), str(card.id))
                wanted[key] = (str(card.type), position)
                tags[key] = tuple(
                    dict.fromkeys(str(t) for t in (getattr(card, "tags", None) or ()))
                )
        try:
            return self._sync(learner, wanted, tags, now)
        except IntegrityError:  # PostgreSQL: another process registered the same cards at once
            return self._sync(learner, wanted, tags, now)

    def _sync(
        self,
        learner: Learner,
        wanted: dict[tuple[str, str], tuple[str, int]],
        tags: dict[tuple[str, str], tuple[str, ...]],
        now: datetime,
    ) -> SyncResult:
        with self.writing() as conn:
            if conn.dialect.name == "postgresql":
                # syncs take turns (SQLite: BEGIN IMMEDIATE does it), before any row lock: see below
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SYNC_LOCK})")
            self._settings(conn, learner, lock=True)
            existing = {
                (row.deck_id, row.card_id): row
                for row in conn.execute(
                    select(
                        CardRow.deck_id,
                        CardRow.card_id,
                        CardRow.card_type,
                        CardRow.position,
                        CardRow.queue,
                        CardRow.state,
                        CardRow.reps,
                    ).where(CardRow.learner_id == learner.id)
                )
            }
            added = [
                dict(
                    learner_id=learner.id,
                    deck_id=deck_id,
                    card_id=card_id,
                    card_type=card_type,
                    position=position,
                    queue=QUEUE_NEW,
                    state=LEARNING,
                    step=0,
                    stability=None,
                    difficulty=None,
                    due=now,
                    last_review=None,
                    reps=0,
                    lapses=0,
                    added_at=now,
                    answers=0,
                    correct=0,
                )
                for (deck_id, card_id), (card_type, position) in wanted.items()
                if (deck_id, card_id) not in existing
            ]
            changes: list[dict] = []
            retired = restored = 0
            for key, row in existing.items():
                if key in wanted:
                    card_type, position = wanted[key]
                    queue = (
                        natural_queue(row.state, row.reps)
                        if row.queue == QUEUE_RETIRED
                        else row.queue
                    )
                    restored += row.queue == QUEUE_RETIRED
                else:
                    card_type, position, queue = row.card_type, row.position, QUEUE_RETIRED
                    retired += row.queue != QUEUE_RETIRED
                if (card_type, position, queue) != (row.card_type, row.position, row.queue):
                    changes.append(
                        dict(
                            k_learner=learner.id,
                            k_deck=key[0],
                            k_card=key[1],
                            v_card_type=card_type,
                            v_position=position,
                            v_queue=queue,
                        )
                    )
            if added:
                conn.execute(insert(CardRow), added)
            if changes:
                conn.execute(
                    update(CardRow)
                    .where(_KEY)
                    .values(
                        card_type=bindparam("v_card_type"),
                        position=bindparam("v_position"),
                        queue=bindparam("v_queue"),
                    ),
                    changes,
                )
            if self._sync_tags(
                conn, tags
            ):  # a card's tags changed: recount every learner's tag totals
                if conn.dialect.name == "postgresql":
                    # Wait out every answer in flight and hold off new ones until the recount commits:
                    # otherwise the recount's INSERT (its foreign-key check wants a share lock on each
                    # learners row) and an answer's UPDATE of tag_totals (waiting for the DELETE) deadlock,
                    # and an answer committed mid-recount would be missing from it.
                    conn.execute(select(LearnerRow.id).order_by(LearnerRow.id).with_for_update())
                conn.execute(delete(TagTotalRow))
                conn.execute(text(totals.REBUILD_TAGS))
            conn.execute(text(totals.ADD_MISSING_TAGS_OF_LEARNER), {"learner": learner.id})
            if added or retired or restored:
                self._rebuild_deck_totals(conn, learner)
        return SyncResult(added=len(added), retired=retired, restored=restored)

    def card_state(self, learner: Learner, deck_id: str, card_id: str) -> CardState | None:
        with self.reading() as conn:
            row = conn.execute(
                Q_CARD, {"k_learner": learner.id, "k_deck": deck_id, "k_card": card_id}
            ).first()
        return None if row is None else CardState(*row)

    def cards(
        self, learner: Learner, deck_id: str | None = None, include_retired: bool = False
    ) -> list[CardState]:
        query = select(*CARD_COLUMNS).where(CardRow.learner_id == learner.id)
        if deck_id is not None:
            query = query.where(CardRow.deck_id == deck_id)
        if not include_retired:
            query = query.where(CardRow.queue != QUEUE_RETIRED)
        with self.reading() as conn:
            return [
                CardState(*row)
                for row in conn.execute(query.order_by(CardRow.deck_id, CardRow.position))
            ]

    # -- the queue --------------------------------------------------------------------------------

    def _done_today(
        self, conn: Connection, learner: Learner, now: datetime, rule: DayRule | None = None
    ) -> tuple[int, int]:
        """(new cards introduced, Review-state cards answered) in review mode this study day."""
        if rule is None:
            rule = self._settings(conn, learner).day_rule
        row = conn.execute(Q_DAY, {"k_learner": learner.id, "k_day": rule.day_of(now)}).first()
        return (0, 0) if row is None else (row[0], row[1])

    def next_card(
        self,
        learner: Learner,
        deck_id: str | None = None,
        now: datetime | None = None,
        learn_ahead: timedelta | None = None,
    ) -> CardState | None:
        """The card to study now: learning cards due, then reviews due, then new cards, within
        today's limits; then learning cards due within ``learn_ahead`` (None: the learner's limit)."""
        return self.study_next(
            learner, deck_id, now, learn_ahead=learn_ahead, intervals=False, counts=False
        ).card

    def study_next(
        self,
        learner: Learner,
        deck_id: str | None = None,
        now: datetime | None = None,
        *,
        learn_ahead: timedelta | None = None,
        intervals: bool = True,
        counts: bool = True,
        card_id: str | None = None,
        pick: bool = True,
    ) -> NextCard:
        """The next card, the queue counts and the four intervals in one read transaction.

        ``card_id`` (with ``deck_id``): that card instead of the queue's head (an undone answer
        shown again)."""
        now = _moment(now)
        deck = deck_id is not None
        params = {"k_learner": learner.id, "k_deck": deck_id, "k_now": now}
        with self.reading() as conn:
            card: CardState | None = None
            early = False
            row = None
            if card_id is not None:
                row = conn.execute(
                    Q_CARD, {"k_learner": learner.id, "k_deck": deck_id, "k_card": card_id}
                ).first()
            elif pick:
                row = conn.execute(Q_HEAD[QUEUE_LEARNING, deck], params).first()
            if row is not None and not (counts or intervals):
                return NextCard(CardState(*row), QueueCounts(0, 0, 0), {}, None)  # the hot path
            settings = self._settings(conn, learner)
            ahead = settings.learn_ahead if learn_ahead is None else learn_ahead
            introduced, reviewed = self._done_today(conn, learner, now, settings.day_rule)
            new_left = settings.new_per_day - introduced
            reviews_left = settings.max_reviews_per_day - reviewed
            if row is None and pick and card_id is None and reviews_left > 0:
                row = conn.execute(Q_HEAD[QUEUE_REVIEW, deck], params).first()
            if row is None and pick and card_id is None and new_left > 0:
                row = conn.execute(Q_HEAD[QUEUE_NEW, deck], params).first()
            if row is None and pick and card_id is None and ahead > timedelta(0):
                row = conn.execute(
                    Q_HEAD[QUEUE_LEARNING, deck], {**params, "k_now": now + ahead}
                ).first()
                early = row is not None
            if row is not None:
                card = CardState(*row)

            def count(queue: int, cap: int | None, at: datetime = now) -> int:
                if cap is not None and cap <= 0:
                    return 0
                return conn.execute(
                    Q_COUNT[queue, deck],
                    {**params, "k_now": at, "cap": NO_CAP if cap is None else cap},
                ).scalar_one()

            queue = QueueCounts(0, 0, 0)
            if counts:
                queue = QueueCounts(
                    new=count(QUEUE_NEW, new_left),
                    learning=count(QUEUE_LEARNING, None, now + ahead),
                    review=count(QUEUE_REVIEW, reviews_left),
                )
            next_due = None
            if card is None and pick:
                next_due = conn.execute(
                    Q_NEXT_DUE[deck], {"k_learner": learner.id, "k_deck": deck_id}
                ).scalar_one_or_none()
            preview = (
                scheduling.preview(card, settings, now) if card is not None and intervals else {}
            )
        return NextCard(card, queue, preview, next_due, early)

    def queue_counts(
        self,
        learner: Learner,
        deck_id: str | None = None,
        now: datetime | None = None,
        learn_ahead: timedelta | None = None,
    ) -> QueueCounts:
        """How many cards ``next_card`` would serve now, by queue (reviews and new capped by
        today's limits; learning cards due within the learn-ahead limit included)."""
        return self.study_next(
            learner, deck_id, now, learn_ahead=learn_ahead, intervals=False, pick=False
        ).counts

    def queue_counts_by_deck(
        self, learner: Learner, now: datetime | None = None
    ) -> dict[str, QueueCounts]:
        """``queue_counts`` of every deck in one read (home's table): five SELECTs, not five per
        deck. Each deck's counts are capped by today's limits as ``queue_counts(deck)`` caps them."""
        now = _moment(now)
        with self.reading() as conn:
            settings = self._settings(conn, learner)
            introduced, reviewed = self._done_today(conn, learner, now, settings.day_rule)
            caps = {
                QUEUE_NEW: settings.new_per_day - introduced,
                QUEUE_LEARNING: NO_CAP,
                QUEUE_REVIEW: settings.max_reviews_per_day - reviewed,
            }
            until = {
                QUEUE_NEW: None,
                QUEUE_LEARNING: now + settings.learn_ahead,
                QUEUE_REVIEW: now,
            }
            found: dict[str, dict[int, int]] = {}
            for queue, cap in caps.items():
                if cap <= 0:
                    continue
                query = (
                    select(CardRow.deck_id, func.count())
                    .where(CardRow.learner_id == learner.id, CardRow.queue == queue)
                    .group_by(CardRow.deck_id)
                )
                if until[queue] is not None:
                    query = query.where(CardRow.due <= until[queue])
                for deck_id, n in conn.execute(query):
                    found.setdefault(deck_id, {})[queue] = min(n, cap)
        return {
            deck_id: QueueCounts(
                new=c.get(QUEUE_NEW, 0),
                learning=c.get(QUEUE_LEARNING, 0),
                review=c.get(QUEUE_REVIEW, 0),
            )
            for deck_id, c in found.items()
        }

    def next_due(self, learner: Learner, deck_id: str | None = None) -> datetime | None:
        """When the next learning or review card falls due (new cards are always available)."""
        with self.reading() as conn:
            return conn.execute(
                Q_NEXT_DUE[deck_id is not None], {"k_learner": learner.id, "k_deck": deck_id}
            ).scalar_one_or_none()

    # -- reviewing --------------------------------------------------------------------------------

    def _require(
        self, conn: Connection, learner: Learner, deck_id: str, card_id: str, lock: bool = False
    ) -> CardState:
        row = conn.execute(
            Q_CARD_LOCKED if lock else Q_CARD,
            {"k_learner": learner.id, "k_deck": deck_id, "k_card": card_id},
        ).first()
        if row is None:
            raise StoreError(
                f"card {deck_id}/{card_id} is not registered for {learner.name!r}; sync the decks first"
            )
        return CardState(*row)

    def preview(
        self, learner: Learner, deck_id: str, card_id: str, now: datetime | None = None
    ) -> dict[int, timedelta]:
        """rating (1-4) → the interval the card gets if answered with it now: exactly what recording gives."""
        now = _moment(now)
        with self.reading() as conn:
            card = self._require(conn, learner, deck_id, card_id)
            return scheduling.preview(card, self._settings(conn, learner), now)

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
        start_session: bool = False,
        session_deck: str | None = None,
        expected_reps: int | None = None,
        now: datetime | None = None,
    ) -> ReviewResult:
        """Log one answer and (in review mode) reschedule the card: one transaction.

        ``verdict`` is the grading Verdict (its ``outcome`` and its ``mistake``, if it names one,
        are logged), an outcome name, or None for a self-rated card. ``seed`` is the variant shown
        of a generated card. ``start_session``: open a study session (``mode``, ``session_deck``)
        in the same transaction and log the answer in it (``ReviewResult.session_id``).
        ``expected_reps``: the card's review count when it was shown; if another window answered
        it since, nothing is recorded and ``AnsweredElsewhere`` is raised.
        """
        rating = scheduling.check_rating(rating)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        now = _moment(now)
        outcome = _outcome_name(verdict)
        mistake = getattr(verdict, "mistake", None)
        mistake = None if mistake is None else str(mistake)[:100]
        key = {"k_learner": learner.id, "k_deck": deck_id, "k_card": card_id}
        correct = int(rating > AGAIN)
        with self.writing() as conn:
            row = conn.execute(Q_SETTINGS_AND_CARD, key).first()
            if row is None:
                self._settings(conn, learner)  # a learner that is not there says so
                raise StoreError(
                    f"card {deck_id}/{card_id} is not registered for {learner.name!r}; "
                    "sync the decks first"
                )
            settings = _settings_from_row(tuple(row[:N_SETTINGS]))
            before = CardState(*row[N_SETTINGS:])
            if expected_reps is not None and before.reps != expected_reps:
                raise AnsweredElsewhere(
                    f"card {deck_id}/{card_id} was answered in another window since it was shown"
                )
            if start_session:
                session_id = conn.execute(
                    insert(StudySessionRow)
                    .values(learner_id=learner.id, mode=mode, deck_id=session_deck, started_at=now)
                    .returning(StudySessionRow.id)
                ).scalar_one()
            if mode == "review":
                after = scheduling.review(before, rating, settings, now)
                conn.execute(
                    U_CARD_STATE,
                    {
                        **key,
                        **{f"v_{f}": getattr(after, f) for f in STATE_FIELDS},
                        "v_correct": correct,
                    },
                )
            else:
                after = before
                conn.execute(U_CARD_COUNTERS, {**key, "d_answers": 1, "d_correct": correct})
            self._add_to_day(
                conn, learner, settings.day_rule.day_of(now), _day_deltas(mode, rating, before)
            )
            self._add_to_tags(conn, learner, deck_id, card_id, 1, correct)
            self._add_to_deck(conn, learner, deck_id, before, after)
            review_id = conn.execute(
                I_LOG,
                {
                    "learner_id": learner.id,
                    "deck_id": deck_id,
                    "card_id": card_id,
                    "session_id": session_id,
                    "reviewed_at": now,
                    "mode": mode,
                    "rating": rating,
                    "outcome": outcome,
                    "answer": answer,
                    "duration_ms": None if duration_ms is None else int(duration_ms),
                    "seed": None if seed is None else int(seed),
                    "mistake": mistake,
                    **{f"prev_{f}": getattr(before, f) for f in STATE_FIELDS},
                },
            ).scalar_one()
        return ReviewResult(
            review_id=review_id,
            next_due=after.due,
            interval=after.due - now,
            state=after,
            session_id=session_id,
        )

    @staticmethod
    def _add_to_day(conn: Connection, learner: Learner, day: int, deltas: dict[str, int]) -> None:
        params = {"k_learner": learner.id, "k_day": day, **deltas}
        if conn.execute(U_DAY, params).rowcount == 0:
            conn.execute(I_DAY, params)

    @staticmethod
    def _add_to_tags(
        conn: Connection, learner: Learner, deck_id: str, card_id: str, answers: int, correct: int
    ) -> None:
        conn.execute(
            U_TAGS_OF_CARD,
            {
                "k_learner": learner.id,
                "k_deck": deck_id,
                "k_card": card_id,
                "d_answers": answers,
                "d_correct": correct,
            },
        )

    @staticmethod
    def _add_to_deck(
        conn: Connection, learner: Learner, deck_id: str, old: CardState, new: CardState
    ) -> None:
        """Move the deck's studied/mastered totals from the card's ``old`` state to its ``new`` one."""
        if old.queue == QUEUE_RETIRED or new.queue == QUEUE_RETIRED:
            return  # the deck totals count only the cards still in it
        studied = int(new.reps > 0) - int(old.reps > 0)
        mastered = int(is_mastered(new.state, new.stability)) - int(
            is_mastered(old.state, old.stability)
        )
        if not (studied or mastered):
            return
        params = {
            "k_learner": learner.id,
            "k_deck": deck_id,
            "d_studied": studied,
            "d_mastered": mastered,
        }
        if conn.execute(U_DECK, params).rowcount == 0:  # no totals yet: count them from the cards
            Store._rebuild_deck_totals(conn, learner)

    @staticmethod
    def _rebuild_deck_totals(conn: Connection, learner: Learner) -> None:
        conn.execute(delete(DeckTotalRow).where(DeckTotalRow.learner_id == learner.id))
        conn.execute(text(totals.REBUILD_DECKS_OF_LEARNER), {"learner": learner.id})

    @staticmethod
    def _sync_tags(conn: Connection, wanted: dict[tuple[str, str], tuple[str, ...]]) -> bool:
        """Make ``card_tags`` say what the decks say for their cards; True if anything changed."""
        have: dict[tuple[str, str], set[str]] = {}
        for deck_id, card_id, tag in conn.execute(
            select(CardTagRow.deck_id, CardTagRow.card_id, CardTagRow.tag)
        ):
            have.setdefault((deck_id, card_id), set()).add(tag)
        added, removed = [], []
        for key, tags in wanted.items():
            old = have.get(key, set())
            added += [{"deck_id": key[0], "card_id": key[1], "tag": t} for t in set(tags) - old]
            removed += [{"k_deck": key[0], "k_card": key[1], "k_tag": t} for t in old - set(tags)]
        if added:
            conn.execute(insert(CardTagRow), added)
        if removed:
            conn.execute(
                delete(CardTagRow).where(
                    CardTagRow.deck_id == bindparam("k_deck"),
                    CardTagRow.card_id == bindparam("k_card"),
                    CardTagRow.tag == bindparam("k_tag"),
                ),
                removed,
            )
        return bool(added or removed)

    def undo_last(self, learner: Learner, session_id: int | None = None) -> UndoResult | None:
        """Take back the newest answer of study session ``session_id`` (None: the learner's
        newest of all): its card returns to the exact state before it. None when there is none.

        Refused (``UndoRefused``) when a review answer's card was answered again since (another
        window): restoring the old state would wipe that answer out.
        """
        with self.writing() as conn:
            settings = self._settings(conn, learner, lock=True)
            if session_id is None:
                log = conn.execute(Q_LAST_LOG, {"k_learner": learner.id}).first()
            else:
                log = conn.execute(
                    Q_LAST_LOG_OF_SESSION, {"k_learner": learner.id, "k_session": session_id}
                ).first()
            if log is None:
                return None
            current = self._require(conn, learner, log.deck_id, log.card_id, lock=True)
            if log.mode == "review" and current.last_review != log.reviewed_at:
                raise UndoRefused(
                    f"card {log.deck_id}/{log.card_id} was answered again since; "
                    "that answer cannot be taken back"
                )
            before = replace(current, **{f: getattr(log, f"prev_{f}") for f in STATE_FIELDS})
            if current.queue == QUEUE_RETIRED:
                before = replace(before, queue=QUEUE_RETIRED)  # it left its deck since
            key = {"k_learner": learner.id, "k_deck": log.deck_id, "k_card": log.card_id}
            conn.execute(
                U_CARD_RESTORE,
                {
                    **key,
                    **{f"v_{f}": getattr(before, f) for f in STATE_FIELDS},
                    "v_correct": int(log.rating > AGAIN),
                },
            )
            self._add_to_day(
                conn,
                learner,
                settings.day_rule.day_of(log.reviewed_at),
                _day_deltas(log.mode, log.rating, before, sign=-1),
            )
            self._add_to_tags(conn, learner, log.deck_id, log.card_id, -1, -int(log.rating > AGAIN))
            self._add_to_deck(conn, learner, log.deck_id, current, before)
            conn.execute(D_LOG, {"k_review": log.id})
        return UndoResult(
            review_id=log.id,
            deck_id=log.deck_id,
            card_id=log.card_id,
            rating=log.rating,
            mode=log.mode,
            state=before,
        )

    def reviews(
        self,
        learner: Learner,
        deck_id: str | None = None,
        card_id: str | None = None,
        limit: int | None = None,
    ) -> list[ReviewRecord]:
        """The learner's review log, newest first (optionally one deck or one card)."""
        query = select(
            ReviewLogRow.id,
            ReviewLogRow.deck_id,
            ReviewLogRow.card_id,
            ReviewLogRow.rating,
            ReviewLogRow.outcome,
            ReviewLogRow.answer,
            ReviewLogRow.duration_ms,
            ReviewLogRow.seed,
            ReviewLogRow.mode,
            ReviewLogRow.reviewed_at,
            ReviewLogRow.session_id,
            ReviewLogRow.mistake,
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

    def review_history(self, learner: Learner) -> list[Any]:
        """The learner's review-mode answers, oldest first: (deck_id, card_id, reviewed_at,
        rating, duration_ms, prev_last_review) rows, for fitting FSRS weights."""
        query = (
            select(
                ReviewLogRow.deck_id,
                ReviewLogRow.card_id,
                ReviewLogRow.reviewed_at,
                ReviewLogRow.rating,
                ReviewLogRow.duration_ms,
                ReviewLogRow.prev_last_review,
            )
            .where(ReviewLogRow.learner_id == learner.id, ReviewLogRow.mode == "review")
            .order_by(ReviewLogRow.reviewed_at, ReviewLogRow.id)
        )
        with self.reading() as conn:
            return list(conn.execute(query).all())

    def review_count(self, learner: Learner) -> int:
        """Answers recorded by the learner, all modes (from the day totals)."""
        with self.reading() as conn:
            return conn.execute(
                select(func.coalesce(func.sum(ReviewDayRow.answers), 0)).where(
                    ReviewDayRow.learner_id == learner.id
                )
            ).scalar_one()

    def rebuild_statistics(self) -> None:
        """Recompute the running totals from the review log (after a bulk import, or to repair them)."""
        with self.writing() as conn:
            learners = conn.execute(select(LearnerRow.id, *SETTINGS_COLUMNS)).all()
            conn.execute(delete(ReviewDayRow))
            for learner_id, *settings_row in learners:
                self._rebuild_days(
                    conn, learner_id, _settings_from_row(tuple(settings_row)).day_rule
                )
            conn.execute(text(totals.REBUILD_CARD_COUNTERS))
            conn.execute(delete(DeckTotalRow))
            conn.execute(text(totals.REBUILD_DECKS))
            conn.execute(delete(TagTotalRow))
            conn.execute(text(totals.REBUILD_TAGS))
            conn.execute(text(totals.ADD_MISSING_TAGS))

    # -- study sessions ---------------------------------------------------------------------------

    def start_session(
        self, learner: Learner, mode: str, deck_id: str | None = None, now: datetime | None = None
    ) -> int:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        with self.writing() as conn:
            return conn.execute(
                insert(StudySessionRow)
                .values(learner_id=learner.id, mode=mode, deck_id=deck_id, started_at=_moment(now))
                .returning(StudySessionRow.id)
            ).scalar_one()

    def end_session(self, session_id: int, now: datetime | None = None) -> None:
        with self.writing() as conn:
            conn.execute(
                update(StudySessionRow)
                .where(StudySessionRow.id == session_id)
                .values(ended_at=_moment(now))
            )


def _settings_from_row(row: tuple) -> SchedulerSettings:
    (
        retention,
        learning,
        relearning,
        new_per_day,
        max_reviews,
        timezone,
        rollover,
        ahead_minutes,
        weights,
    ) = row
    return SchedulerSettings(
        desired_retention=retention,
        learning_steps=scheduling.parse_steps(learning),
        relearning_steps=scheduling.parse_steps(relearning),
        new_per_day=new_per_day,
        max_reviews_per_day=max_reviews,
        timezone=timezone or "UTC",
        rollover_hour=int(rollover),
        learn_ahead=timedelta(minutes=int(ahead_minutes)),
        weights=None if not weights else tuple(float(w) for w in weights.split(",")),
    )


def _outcome_name(verdict: object) -> str | None:
    if verdict is None:
        return None
    outcome = getattr(verdict, "outcome", verdict)
    name = getattr(outcome, "value", None) or getattr(outcome, "name", None) or outcome
    return str(name).lower()[:20]


def _check_settings(settings: SchedulerSettings) -> None:
    if not 0.5 <= settings.desired_retention <= 0.99:
        raise StoreError(
            f"desired retention must be between 0.5 and 0.99, not {settings.desired_retention}"
        )
    if settings.new_per_day < 0 or settings.max_reviews_per_day < 0:
        raise StoreError("daily limits cannot be negative")
    if not 0 <= int(settings.rollover_hour) <= 23:
        raise StoreError(f"the rollover hour must be 0 to 23, not {settings.rollover_hour}")
    if not isinstance(settings.learn_ahead, timedelta) or not (
        timedelta(0) <= settings.learn_ahead <= timedelta(days=1)
    ):
        raise StoreError("the learn-ahead limit must be between 0 and 1440 minutes")
    from studyrnn.store.days import is_zone

    if not is_zone(settings.timezone):
        raise StoreError(
            f"unknown time zone {settings.timezone!r} (an IANA name like Europe/Berlin)"
        )
    if settings.weights is not None and len(settings.weights) != 21:
        raise StoreError(f"FSRS needs 21 weights, not {len(settings.weights)}")
    for step in (*settings.learning_steps, *settings.relearning_steps):
        if not isinstance(step, timedelta) or step <= timedelta(0):
            raise StoreError(f"learning steps must be positive durations, not {step!r}")
