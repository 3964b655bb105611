"""Review: the FSRS queue, one deck or all. Space/Enter reveals, 1-4 rate, u undoes.

The quiz screen's answering and grading, fed by the store's queue instead of a fixed list:
after each rating (one transaction) the next due card is fetched; undo puts the last one back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.binding import Binding
from textual.widgets import Static

from studyrnn.tui.screens.quiz import QuizScreen
from studyrnn.tui.text import literal, one_line
from studyrnn.tui.views import queue_line


@dataclass(frozen=True)
class ReviewItem:
    deck_id: str
    card: Any
    presented: Any


class ReviewScreen(QuizScreen):
    BINDINGS = [
        Binding("u", "undo", "Undo", id="undo"),
    ]

    EXTRA_KEYS = [("u", "undo")]

    def __init__(self, deck_id: str | None = None) -> None:
        super().__init__(deck_id or "", build=list, mode="review", title="Review")
        self.only_deck = deck_id
        self.reviewed = 0
        self.pending: tuple[str, str] | None = (
            None  # (deck_id, card_id) to show next: an undone card
        )

    def on_mount(self) -> None:
        title = self.study.deck(self.only_deck).title if self.only_deck else "all decks"
        self.title_text = f"Review · {title}"
        self.loading_text = "Finding the next card…"
        # QuizScreen.on_mount runs next (handlers run along the MRO) and starts the first load.

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self) -> None:
        from studyrnn.quiz import present

        app = self.study
        if self.pending is not None:
            deck_id, card_id = self.pending
            self.pending = None
        else:
            due = app.store.next_card(app.learner, self.only_deck, now=app.now())
            if due is None:
                self.post_message(self.Ready([]))
                return
            deck_id, card_id = due.deck_id, due.card_id
        card = app.deck(deck_id).card(card_id)
        self.post_message(
            self.Ready([ReviewItem(deck_id, card, present(card, seed=app.next_seed()))])
        )

    def on_quiz_screen_ready(self, message: QuizScreen.Ready) -> None:
        message.prevent_default()  # not the quiz's handler: a review has no fixed list
        self.query("#loading").remove()
        if not message.items:
            self.items = []
            self.phase = "done"
            done = f"Nothing due right now — {self.reviewed} reviewed this session."
            self.query_one("#progress", Static).update(
                literal(f"{done}\n{queue_line(self.study, self.only_deck)}")
            )
            for old in self.query("CardView"):
                old.remove()
            self.query_one("KeyBar").show([("u", "undo")])
            return
        self.items = list(message.items)
        self.show_question(0)

    def update_progress(self) -> None:
        item = self.current
        where = f"{item.deck_id} · " if self.only_deck is None else ""
        text = f"{where}{queue_line(self.study, self.only_deck)} · {self.reviewed} reviewed"
        self.query_one("#progress", Static).update(literal(one_line(text, 200)))

    def after_rating(self) -> None:
        self.reviewed += 1
        self.phase = "loading"
        self.refresh_bindings()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return True
        if not self.items:
            return action not in ("rate", "advance")
        return super().check_action(action, parameters)

    def action_undo(self) -> None:
        app = self.study
        undone = app.store.undo_last(app.learner)
        if undone is None:
            self.notify("Nothing to undo.")
            return
        self.reviewed = max(0, self.reviewed - 1)
        self.notify(f"Took back “{undone.card_id}” ({undone.mode}).")
        self.pending = (undone.deck_id, undone.card_id)
        self.phase = "loading"
        self.load()
