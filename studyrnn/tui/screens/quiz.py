"""Quiz: N questions from a deck, driven by a ``studyrnn.study.QuizSession``; then the results.

Each question has its own input; then the verdict, the explanation and a rating row (a quiz
rating is logged, it never reschedules a card). The questions are prepared in a worker (a
generated card may train the engine to make its numbers); each answer moves on at once and is
saved in a worker, in order; a save that fails is kept and tried again with the next one (and
when leaving). Leaving mid-way asks first.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from studyrnn.i18n import N_, translator
from studyrnn.study import Graded, Phase, QuizAnswer, QuizSession, Rating
from studyrnn.tui.screens.answering import ASK_KEYS, AnswerScreen

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp

__all__ = ["ASK_KEYS", "ConfirmLeave", "QuizScreen"]


class ConfirmLeave(ModalScreen[bool]):
    """Leave a quiz before its end? y/Enter leaves, n/Esc stays."""

    BINDINGS = [
        Binding("y,enter", "leave(True)", N_("Leave"), id="leave-yes"),
        Binding("n,escape,q", "leave(False)", N_("Stay"), id="leave-no"),
    ]

    def __init__(self, answered: int, total: int, *, language: str | None = None) -> None:
        from studyrnn.tui.screens.base import translate_bindings

        super().__init__()
        self.answered = answered
        self.total = total
        self.gettext = translator(language)
        translate_bindings(self, self.gettext)

    def compose(self) -> ComposeResult:
        text = self.gettext(
            "Leave the quiz? {answered} of {total} answered; those are saved.\ny: leave · n: go on"
        ).format(answered=self.answered, total=self.total)
        with Vertical(id="confirm-box"):
            yield Static(text, id="confirm-text")

    def action_leave(self, leave: bool) -> None:
        self.dismiss(leave)


class SavingRun:
    """Saves a session's answers in order, off the UI thread; what fails stays queued."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.pending: list[QuizAnswer] = []
        self.lock = threading.Lock()

    def flush(self) -> int:
        """Save what is queued (in a worker); the number saved. Raises the first StoreError,
        keeping that answer and those after it queued."""
        with self.lock:
            saved = 0
            while self.pending:
                self.session.save(self.pending[0])
                self.pending.pop(0)
                saved += 1
            return saved


class RunScreen(AnswerScreen):
    """A quiz or flashcard run: ``self.session`` with its ``SavingRun`` (``self.saver``).
    Leaving mid-way asks first; leaving saves what is pending and closes the session."""

    RUN_TITLE = N_("Quiz · {title}")  # the header: the kind of run and the deck's title

    def __init__(self, session: Any) -> None:
        language = getattr(session.deck, "language", None)
        title = translator(language)(self.RUN_TITLE).format(title=session.title)
        super().__init__(title, language=language)
        self.language = language
        self.session = session
        self.saver = SavingRun(session)
        self.leaving = False

    # -- what the tests, the results and the benchmarks read ------------------------------------------

    @property
    def items(self) -> list[Any]:
        return self.session.items

    @property
    def index(self) -> int:
        return self.session.index

    @property
    def current(self) -> Any:
        return self.session.current

    def on_mount(self) -> None:
        super().on_mount()
        self.prepare_then_ask()

    def action_back(self) -> None:
        s = self.session
        if s.prepared and s.answers and not s.finished and not self.leaving:

            def leave(yes: bool | None) -> None:
                if yes:
                    self.leaving = True
                    self.study.action_back()

            self.app.push_screen(
                ConfirmLeave(len(s.answers), s.total, language=self.language), leave
            )
            return
        self.study.action_back()

    def on_unmount(self) -> None:
        saver, session = self.saver, self.session
        if not session.finished:  # a finished run is the results screen's to close

            def close() -> None:
                saver.flush()
                session.close()

            self.study.run_store(close)


class QuizScreen(RunScreen):
    RATING_NOTE = N_("a quiz rating is logged; it does not reschedule the card")
    session: QuizSession

    # -- the ways in (tests and benchmarks build screens like this) -------------------------------

    @classmethod
    def for_deck(
        cls,
        app: StudyApp,
        deck_id: str,
        limit: int = 10,
        seed: int | None = None,
        in_order: bool = False,
    ) -> QuizScreen:
        assert app.context is not None
        return cls(QuizSession(app.context, deck_id, limit=limit, seed=seed, in_order=in_order))

    @classmethod
    def for_cards(
        cls,
        app: StudyApp,
        deck_id: str,
        cards: list[Any],
        *,
        mode: str = "quiz",
        title: str | None = None,
    ) -> AnswerScreen:
        assert app.context is not None
        if mode == "flashcards":
            from studyrnn.study import FlashSession
            from studyrnn.tui.screens.flashcards import FlashScreen

            return FlashScreen(FlashSession(app.context, deck_id, title=title))
        return cls(QuizSession(app.context, deck_id, cards=list(cards), title=title))

    @property
    def answers(self) -> list[QuizAnswer]:
        return self.session.answers

    # -- the loop -----------------------------------------------------------------------------------

    def ask(self) -> None:
        s = self.session
        tr = self.gettext
        text = tr("Question {number} of {total}").format(number=s.index + 1, total=s.total)
        if s.answers:
            text += " · " + tr("{right}/{answered} right so far").format(
                right=s.right, answered=len(s.answers)
            )
        self.show_card(s.current.presented, None, text)

    def grade(self, response: Any, typed: bool) -> Graded:
        return self.session.grade(response, typed=typed)

    def upcoming(self) -> Any:
        s = self.session
        return s.items[s.index + 1].presented if s.index + 1 < s.total else None

    def source(self) -> str | None:
        return getattr(self.session.current.card, "source", None)

    def rate(self, rating: Rating) -> None:
        answer = self.session.take(self.graded, rating)
        self.save(answer)
        if self.session.finished:
            self.finish()
        else:
            self.ask()

    # -- saving --------------------------------------------------------------------------------------

    def save(self, answer: QuizAnswer | None = None) -> None:
        if answer is not None:
            self.saver.pending.append(answer)
        self.run_in_worker(self.saver.flush, self.saved, self.save_failed)

    def saved(self, count: int) -> None:
        pass

    def save_failed(self, error: BaseException) -> None:
        self.study.report_error(error, title=self.gettext("An answer was not saved yet"))
        self.notify_safe(
            self.gettext("{n} answer(s) kept; they are saved with the next one.").format(
                n=len(self.saver.pending)
            ),
            timeout=8,
        )

    # -- the end --------------------------------------------------------------------------------------

    def finish(self) -> None:
        from studyrnn.tui.screens.results import ResultsScreen

        self.phase = Phase.DONE
        self.app.switch_screen(ResultsScreen(self.session, self.saver))
