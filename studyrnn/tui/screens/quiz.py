"""Quiz: N questions from a deck, each with its own input; verdict, explanation, rating; results.

Also the flashcards mode (a deck's flashcards flipped one by one, self-rated) and the re-drill
of the questions answered wrong. Questions are built in a worker: a generated card may train
the engine to make its numbers, and that must never hold up a keypress.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, LoadingIndicator, Static

from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal
from studyrnn.tui.widgets.card_view import CardView
from studyrnn.tui.widgets.key_bar import KeyBar
from studyrnn.tui.widgets.rating_bar import RATING_NAMES, RatingBar
from studyrnn.tui.widgets.verdict import VerdictPanel, outcome_name

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp


ASK_KEYS = {
    "flashcard": [("space", "show the answer")],
    "choice": [("1-9", "answer"), ("↑↓ enter", "choose")],
    "true_false": [("1/2", "true/false"), ("↑↓ enter", "choose")],
    "multi": [("1-9 space", "toggle"), ("enter", "submit")],
    "order": [("↑↓", "choose"), ("^↑↓ K/J", "move"), ("enter", "submit")],
    "numeric": [("enter", "submit"), ("empty", "I don't know")],
    "text": [("enter", "submit"), ("empty", "I don't know")],
}


@dataclass(frozen=True)
class Answer:
    """One answered question, as the results screen lists it."""

    card: Any
    presented: Any
    verdict: Any | None  # None: a self-rated flashcard
    answer: str
    rating: int
    seconds: float

    @property
    def score(self) -> float:
        if self.verdict is None:
            return 1.0 if self.rating >= 3 else 0.0
        return float(getattr(self.verdict, "score", 0.0))

    @property
    def wrong(self) -> bool:
        return self.score < 1.0


class QuizScreen(StudyScreen):
    BINDINGS = [
        Binding("space", "advance", "Reveal/Next", id="advance"),
        Binding("enter", "advance", "Next", id="advance-enter", show=False),
        *[
            Binding(str(r), f"rate({r})", f"{RATING_NAMES[r]}", id=f"rate-{r}", show=False)
            for r in RATING_NAMES
        ],
    ]

    EXTRA_KEYS: list[tuple[str, str]] = []

    class Ready(Message):
        def __init__(self, items: list[Any]) -> None:
            self.items = items
            super().__init__()

    def __init__(
        self,
        deck_id: str,
        build: Callable[[], list[Any]],
        *,
        mode: str = "quiz",
        title: str = "Quiz",
    ) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.build = build
        self.mode = mode
        self.title_text = title
        self.items: list[Any] = []
        self.index = -1
        self.answers: list[Answer] = []
        self.phase = "loading"  # loading | ask | graded
        self.verdict: Any | None = None
        self.answer_text = ""
        self.asked_at = 0.0
        self.started_at = time.monotonic()
        self.retried = False
        self.suggested = 3
        self.loading_text = "Preparing questions…"
        self._view: CardView | None = None
        self._upcoming: CardView | None = None

    # -- the three ways in ------------------------------------------------------------------------

    @classmethod
    def for_deck(cls, app: StudyApp, deck_id: str, limit: int = 10) -> QuizScreen:
        deck = app.deck(deck_id)
        seed = app.next_seed()

        def build() -> list[Any]:
            from studyrnn.quiz import build_quiz

            return build_quiz(deck, limit=limit, seed=seed)

        return cls(deck_id, build, title=f"Quiz · {deck.title}")

    @classmethod
    def flashcards(cls, app: StudyApp, deck_id: str) -> QuizScreen | None:
        deck = app.deck(deck_id)
        cards = [card for card in deck.cards if card.type == "flashcard"]
        if not cards:
            return None
        return cls.for_cards(
            app, deck_id, cards, mode="flashcards", title=f"Flashcards · {deck.title}"
        )

    @classmethod
    def for_cards(
        cls,
        app: StudyApp,
        deck_id: str,
        cards: list[Any],
        *,
        mode: str = "quiz",
        title: str | None = None,
    ) -> QuizScreen:
        seeds = [app.next_seed() for _ in cards]

        def build() -> list[Any]:
            from studyrnn.quiz import QuizItem, present

            return [QuizItem(card, present(card, seed=seed)) for card, seed in zip(cards, seeds)]

        return cls(deck_id, build, mode=mode, title=title or f"Quiz · {app.deck(deck_id).title}")

    # -- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz-body"):
            yield Static(id="progress", classes="progress")
            yield LoadingIndicator(id="loading")
            yield VerdictPanel(id="verdict")
            yield RatingBar(id="ratings")
            yield Static(id="rate-hint", classes="hint")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.sub_title = self.title_text
        self.query_one("#progress", Static).update(self.loading_text)
        self.load()

    @work(thread=True, exclusive=True, group="quiz", exit_on_error=False)
    def load(self) -> None:
        items = self.build()
        self.post_message(self.Ready(items))

    def on_quiz_screen_ready(self, message: Ready) -> None:
        self.query("#loading").remove()
        self.items = list(message.items)
        if not self.items:
            self.query_one("#progress", Static).update("This deck has no questions yet.")
            return
        self.show_question(0)

    # -- one question ---------------------------------------------------------------------------------

    @property
    def current(self) -> Any:
        return self.items[self.index]

    @property
    def card_view(self) -> CardView:
        assert self._view is not None
        return self._view

    def show_question(self, index: int) -> None:
        self.index = index
        self.phase = "ask"
        self.verdict = None
        self.retried = False
        self.asked_at = time.monotonic()
        upcoming, self._upcoming = self._upcoming, None
        for old in self.query(CardView):
            if old is not upcoming:
                old.remove()
        self.query_one(VerdictPanel).hide()
        self.query_one(RatingBar).hide()
        self.query_one("#rate-hint", Static).update("")
        self.update_progress()
        if upcoming is not None and upcoming.presented is self.current.presented:
            # Mounted while the learner read the last verdict: showing it costs one layout.
            self._view = upcoming
            upcoming.display = True
            upcoming.focus_input()
        else:
            self._view = CardView(self.current.presented)
            self.query_one("#quiz-body").mount(self._view, after="#progress")
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)
        self.query_one(KeyBar).show(ASK_KEYS.get(self.current.presented.kind, []) + self.EXTRA_KEYS)

    def prepare_next(self) -> None:
        """Build the next question's card, hidden, so the key that moves on has little to do."""
        if self._upcoming is not None or self.index + 1 >= len(self.items):
            return
        view = CardView(self.items[self.index + 1].presented, autofocus=False)
        view.display = False
        self._upcoming = view
        self.query_one("#quiz-body").mount(view, before="#verdict")

    def update_progress(self) -> None:
        right = sum(1 for a in self.answers if not a.wrong)
        text = f"Question {self.index + 1} of {len(self.items)}"
        if self.answers:
            text += f" · {right}/{len(self.answers)} right so far"
        self.query_one("#progress", Static).update(literal(text))

    def on_card_view_submitted(self, message: CardView.Submitted) -> None:
        if self.phase != "ask":
            return
        presented = self.current.presented
        if message.typed:
            verdict = presented.grade_text(message.response, revealed=False)
        else:
            verdict = presented.grade(message.response)
        if outcome_name(verdict) == "INVALID":
            # Not an answer (e.g. not a number): say why, ask again, record nothing.
            self.retried = True
            self.card_view.show_invalid(getattr(verdict, "message", "") or "That is not an answer.")
            return
        self.verdict = verdict
        self.answer_text = message.text
        self.card_view.freeze()
        self.show_graded(getattr(verdict, "rating", None))

    def show_graded(self, suggested: int | None) -> None:
        self.phase = "graded"
        flashcard = self.current.presented.kind == "flashcard"
        self.query_one(VerdictPanel).show(self.verdict, self.current.presented, flashcard=flashcard)
        self.query_one(RatingBar).show(self.intervals(), suggested)
        self.suggested = suggested or 3
        name = RATING_NAMES[self.suggested]
        self.query_one("#rate-hint", Static).update(
            f"Enter or Space: {name} ({'suggested' if suggested else 'default'}) · 1-4: choose another rating"
        )
        self.set_focus(None)
        self.query_one(KeyBar).show([("enter", f"{name}"), ("1-4", "rate"), *self.EXTRA_KEYS])
        self.query_one("#quiz-body", VerticalScroll).scroll_end(animate=False)
        self.prepare_next()

    def intervals(self) -> dict[int, Any] | None:
        app = self.study
        if app.store is None or self.mode != "review":
            return None  # only a review reschedules; a quiz or flashcard run is logged alone
        deck_id = getattr(self.current, "deck_id", self.deck_id)
        return app.store.preview(app.learner, deck_id, self.current.card.id, now=app.now())

    # -- keys -----------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":
            return self.phase == "graded"
        if action == "advance":
            if self.phase == "graded":
                return True
            return (
                self.phase == "ask"
                and bool(self.items)
                and self.current.presented.kind == "flashcard"
            )
        return True

    def action_advance(self) -> None:
        if self.phase == "ask" and self.current.presented.kind == "flashcard":
            self.card_view.reveal()
            self.answer_text = "(flashcard)"
            self.show_graded(None)
        elif self.phase == "graded":
            self.action_rate(self.suggested)

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        if self.phase == "graded":
            self.action_rate(message.rating)

    def action_rate(self, rating: int) -> None:
        if self.phase != "graded":
            return
        item = self.current
        seconds = time.monotonic() - self.asked_at
        self.record(item, rating, seconds)
        self.answers.append(
            Answer(item.card, item.presented, self.verdict, self.answer_text, rating, seconds)
        )
        self.after_rating()

    def after_rating(self) -> None:
        if self.index + 1 < len(self.items):
            self.show_question(self.index + 1)
        else:
            self.finish()

    def record(self, item: Any, rating: int, seconds: float) -> None:
        app = self.study
        if app.store is None:
            return
        app.store.record_review(
            app.learner,
            getattr(item, "deck_id", self.deck_id),
            item.card.id,
            rating,
            verdict=self.verdict,
            answer=self.answer_text,
            duration_ms=int(seconds * 1000),
            seed=getattr(item.presented, "seed", None),
            mode=self.mode,
            now=app.now(),
        )

    def finish(self) -> None:
        from studyrnn.tui.screens.results import ResultsScreen

        self.phase = "done"
        elapsed = time.monotonic() - self.started_at
        self.app.switch_screen(
            ResultsScreen(
                self.deck_id, self.answers, elapsed, title=self.title_text, mode=self.mode
            )
        )
