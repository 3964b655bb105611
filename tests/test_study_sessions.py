"""The study loop itself (``studyrnn.study``), on SQLite and PostgreSQL, with a fixed clock:
learn-ahead inside and outside the limit, undo within a session (several steps) and across a
session boundary (refused), two windows on one deck, every mode logged, only reviews rescheduled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from studyrnn.settings import Settings
from studyrnn.study import (
    FlashSession,
    Graded,
    Mode,
    NothingDue,
    Outcome,
    QuizSession,
    Rating,
    ReviewCard,
    ReviewSession,
    build_context,
)

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)

DECK = """\
id: tiny
title: Tiny review deck
language: en
cards:
  - id: pick
    type: choice
    prompt: Which activation's derivative is 1 − h² in terms of its output h?
    options: [ReLU, tanh, sigmoid]
    answer: 1
    explanation: d/da tanh(a) = 1 − tanh²(a).
    source: "GBC §10.2"
  - id: steps
    type: numeric
    prompt: A sequence has 4 steps of 3 ms each. How long does the forward pass take?
    answer: 12
    tolerance: {atol: 0.5}
    unit: ms
  - id: flash
    type: flashcard
    front: What does BPTT stand for?
    back: Backpropagation through time
"""


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK, encoding="utf-8")
    return folder


def context(db_url: str, deck_dir: Path, clock: Clock, seed: int = 1):
    settings = Settings(db_url=db_url, learner="ada", deck_dirs=(deck_dir,), timezone="UTC")
    return build_context(settings, clock=clock, seed=seed)


def card(step: object) -> ReviewCard:
    assert isinstance(step, ReviewCard), step
    return step


def test_one_read_gives_the_card_its_counts_and_intervals(db_url: str, deck_dir: Path) -> None:
    ctx = context(db_url, deck_dir, Clock())
    with ctx.store:
        first = card(ReviewSession(ctx, "tiny").next())
        assert (first.card_id, first.counts.new, first.counts.total) == ("pick", 3, 3)
        # a new card with the default steps (1 min, 10 min): FSRS's first intervals
        assert {r: round(d.total_seconds()) for r, d in first.intervals.items()} == {
            Rating.AGAIN: 60,
            Rating.HARD: 330,
            Rating.GOOD: 600,
            Rating.EASY: 8 * 86400,
        }
        assert first.source == "GBC §10.2"


def test_learn_ahead_shows_learning_cards_inside_the_limit_only(
    db_url: str, deck_dir: Path
) -> None:
    clock = Clock()
    ctx = context(db_url, deck_dir, clock)
    with ctx.store:
        ctx.store.sync_cards(ctx.learner, [ctx.deck("tiny")], now=T0)
        session = ReviewSession(ctx, "tiny")
        for expected, rating in (
            ("pick", Rating.GOOD),
            ("steps", Rating.EASY),
            ("flash", Rating.EASY),
        ):
            step = card(session.next())
            assert step.card_id == expected
            session.rate(step, rating)
        # pick is due in 10 min: inside the 20-minute limit, so it is shown before "done"
        clock.now = T0 + MIN
        early = card(session.next())
        assert (early.card_id, early.early) == ("pick", True)
        # with a 5-minute limit it is outside: nothing due, and the session says when
        ctx.store.update_settings(ctx.learner, learn_ahead=5 * MIN)
        nothing = session.next()
        assert isinstance(nothing, NothingDue)
        assert nothing.next_due == T0 + 10 * MIN
        assert nothing.wait(clock.now) == 9 * MIN
        assert nothing.summary.reviewed == 3
        # ... and picks it up when it becomes due
        clock.now = T0 + 10 * MIN
        due = card(session.next())
        assert (due.card_id, due.early) == ("pick", False)
        session.close()


def test_undo_several_steps_within_the_session_newest_first(db_url: str, deck_dir: Path) -> None:
    ctx = context(db_url, deck_dir, Clock())
    with ctx.store:
        session = ReviewSession(ctx, "tiny")
        states = {}
        for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY):
            step = card(session.next())
            states[step.card_id] = step.state
            session.rate(step, rating, session.grade(step, "2"))
        log = ctx.store.reviews(ctx.learner)
        assert [r.card_id for r in log] == ["flash", "steps", "pick"]
        assert {r.session_id for r in log} == {session.session_id}
        undone = [session.undo() for _ in range(3)]
        assert [(u.card_id, u.rating) for u in undone] == [
            ("flash", Rating.EASY),
            ("steps", Rating.AGAIN),
            ("pick", Rating.GOOD),
        ]
        assert undone[0].question == "What does BPTT stand for?"  # the question, not the id
        assert session.undo() is None  # nothing left in this session
        assert ctx.store.reviews(ctx.learner) == []
        for card_id, before in states.items():
            assert ctx.store.card_state(ctx.learner, "tiny", card_id) == before
        again = card(session.next())
        assert (again.card_id, again.again) == ("pick", True)  # the last one taken back comes next


def test_undo_never_crosses_a_session_boundary(db_url: str, deck_dir: Path) -> None:
    clock = Clock()
    ctx = context(db_url, deck_dir, clock)
    with ctx.store:
        flash = FlashSession(ctx, "tiny", seed=3)
        flash.prepare()
        flash.record(Rating.GOOD)
        flash.close()
        first = ReviewSession(ctx, "tiny")
        first.rate(card(first.next()), Rating.GOOD)
        first.close()
        second = ReviewSession(ctx, "tiny")
        assert second.undo() is None  # the flashcard and the earlier review stay
        step = card(second.next())
        second.rate(step, Rating.HARD)
        assert second.undo().card_id == step.card_id
        assert second.undo() is None
        log = ctx.store.reviews(ctx.learner)
        assert [(r.mode, r.card_id) for r in reversed(log)] == [
            ("flashcards", flash.answers[0].card.id),
            ("review", "pick"),
        ]


def test_two_windows_on_one_deck_skip_the_card_the_other_answered(
    db_url: str, deck_dir: Path
) -> None:
    clock = Clock()
    one = context(db_url, deck_dir, clock, seed=1)
    two = context(db_url, deck_dir, clock, seed=2)
    with one.store, two.store:
        a, b = ReviewSession(one, "tiny"), ReviewSession(two, "tiny")
        shown_a, shown_b = card(a.next()), card(b.next())
        assert shown_a.card_id == shown_b.card_id == "pick"
        assert not a.rate(shown_a, Rating.GOOD).skipped
        late = b.rate(shown_b, Rating.AGAIN)
        assert late.skipped and late.result is None
        assert [r.rating for r in one.store.reviews(one.learner)] == [3]  # one answer, A's
        assert card(b.next()).card_id == "steps"  # B moves on; A's card is not shown again
        assert b.undo() is None  # B has nothing of its own to take back


def test_every_mode_is_logged_and_only_reviews_reschedule(db_url: str, deck_dir: Path) -> None:
    ctx = context(db_url, deck_dir, Clock())
    with ctx.store:
        before = ctx.store.card_state(ctx.learner, "tiny", "pick")
        quiz = QuizSession(ctx, "tiny", limit=None, seed=4, in_order=True)
        assert [item.card.id for item in quiz.prepare()] == ["pick", "steps", "flash"]
        quiz.record(quiz.grade("1"))  # wrong: Again suggested
        quiz.record(quiz.grade("12"))  # right: Good
        quiz.record(None, Rating.EASY)  # the flashcard, self-rated
        quiz.close()
        assert quiz.score_line() == "2 / 3"
        assert [a.card.id for a in quiz.wrong] == ["pick"]
        assert ctx.store.card_state(ctx.learner, "tiny", "pick") == before  # not rescheduled
        log = list(reversed(ctx.store.reviews(ctx.learner)))
        assert [(r.card_id, r.mode, r.rating, r.outcome, r.answer) for r in log] == [
            ("pick", "quiz", 1, "incorrect", "1"),
            ("steps", "quiz", 3, "correct", "12"),
            ("flash", "quiz", 4, None, None),
        ]
        assert len({r.session_id for r in log}) == 1 and log[0].session_id is not None
        drill = quiz.redrill()
        assert [item.card.id for item in drill.prepare()] == ["pick"]
        from studyrnn import stats

        summary = stats.summary(ctx.store, ctx.learner, now=T0)
        assert (summary["answers_today"], summary["scheduled_reviews_today"]) == (3, 0)


def test_a_quiz_honours_its_seed_and_order(db_url: str, deck_dir: Path) -> None:
    ctx = context(db_url, deck_dir, Clock())
    with ctx.store:
        orders = {
            seed: [i.card.id for i in QuizSession(ctx, "tiny", limit=None, seed=seed).prepare()]
            for seed in range(8)
        }
        again = [i.card.id for i in QuizSession(ctx, "tiny", limit=None, seed=5).prepare()]
        assert again == orders[5]
        assert len({tuple(o) for o in orders.values()}) > 1
        in_order = QuizSession(ctx, "tiny", limit=2, seed=5, in_order=True).prepare()
        assert [i.card.id for i in in_order] == ["pick", "steps"]


def test_flashcards_turn_every_card_into_a_flip_card(db_url: str, deck_dir: Path) -> None:
    ctx = context(db_url, deck_dir, Clock())
    with ctx.store:
        flash = FlashSession(ctx, "tiny", seed=0)
        cards = {c.card.id: c for c in flash.prepare()}
        assert list(cards) == ["pick", "steps", "flash"]
        assert cards["pick"].front.splitlines() == [
            "Which activation's derivative is 1 − h² in terms of its output h?",
            "  1. ReLU",
            "  2. tanh",
            "  3. sigmoid",
        ]
        assert cards["pick"].back == "tanh (option 2)\n\nd/da tanh(a) = 1 − tanh²(a)."
        assert cards["steps"].back == "12 ms"
        assert (cards["flash"].front, cards["flash"].back) == (
            "What does BPTT stand for?",
            "Backpropagation through time",
        )
        flash.record(Rating.HARD)
        (row,) = ctx.store.reviews(ctx.learner)
        assert (row.card_id, row.mode, row.rating, row.outcome) == ("pick", "flashcards", 2, None)
        assert Mode(row.mode) is Mode.FLASHCARDS and not Mode.FLASHCARDS.reschedules


def test_the_mistake_a_verdict_names_is_logged(db_url: str, deck_dir: Path) -> None:
    ctx = context(db_url, deck_dir, Clock())
    with ctx.store:
        session = ReviewSession(ctx, "tiny")
        step = card(session.next())
        verdict = SimpleNamespace(
            outcome=Outcome.INCORRECT, rating=1, score=0.0, message="", mistake="relu-derivative"
        )
        session.rate(step, Rating.AGAIN, Graded(verdict, "1"))
        plain = session.grade(card(session.next()), "7")  # a real Verdict: no mistake named
        assert getattr(plain.verdict, "mistake", None) is None
        (row,) = ctx.store.reviews(ctx.learner)
        assert (row.outcome, row.mistake) == ("incorrect", "relu-derivative")


def test_rating_parse_and_labels() -> None:
    assert [Rating.parse(t) for t in ("1", " good ", "EASY", "hard", "5", "")] == [
        Rating.AGAIN,
        Rating.GOOD,
        Rating.EASY,
        Rating.HARD,
        None,
        None,
    ]
    assert [r.label for r in Rating] == ["Again", "Hard", "Good", "Easy"]


def test_counts_of_every_deck_in_one_read_match_each_decks_own(db_url: str, deck_dir: Path) -> None:
    clock = Clock()
    ctx = context(db_url, deck_dir, clock)
    with ctx.store:
        session = ReviewSession(ctx, "tiny")
        for rating in (Rating.AGAIN, Rating.EASY):
            session.rate(card(session.next()), rating)
        ctx.store.update_settings(ctx.learner, new_per_day=3)
        clock.now = T0 + 2 * MIN
        own = ctx.store.queue_counts(ctx.learner, "tiny", now=clock.now)
        assert (own.new, own.learning, own.review) == (1, 1, 0)  # flash new; pick learning
        assert ctx.store.queue_counts_by_deck(ctx.learner, now=clock.now) == {"tiny": own}
