"""Flashcards: every card of a deck as a flip card (``studyrnn.study.FlashSession``).

Space or Enter turns the card over: a flashcard's back, or any other card's right answer and
explanation; then 1-4 rate how well you knew it (logged as ``flashcards``; nothing is
rescheduled). The results screen follows, as after a quiz.
"""

from __future__ import annotations

import dataclasses

from studyrnn.i18n import N_
from studyrnn.study import FlashSession, Phase, Rating
from studyrnn.tui.screens.quiz import RunScreen


class FlashScreen(RunScreen):
    RATING_NOTE = N_("flashcard ratings are logged; they do not reschedule the card")
    PREPARING = N_("Preparing cards…")
    PREPARE_FAILED_TITLE = N_("Could not prepare the cards")
    PREPARE_FAILED = N_("These cards could not be prepared.")
    NOTHING_TO_ASK = N_("This deck has no cards yet.")
    RUN_TITLE = N_("Flashcards · {title}")
    session: FlashSession

    def ask(self) -> None:
        s = self.session
        flip = s.current
        # the front alone, as a flashcard: Space turns it over
        front = dataclasses.replace(
            flip.presented,
            kind="flashcard",
            prompt=flip.front,
            back=flip.back,
            options=[],
            explanation=None,
            solution=[],
        )
        tr = self.gettext
        text = tr("Card {number} of {total}").format(number=s.index + 1, total=s.total)
        if s.answers:
            text += " · " + tr("knew {right} of {answered}").format(
                right=s.right, answered=len(s.answers)
            )
        self.show_card(front, None, text)

    def source(self) -> str | None:
        return getattr(self.session.current.card, "source", None)

    def rate(self, rating: Rating) -> None:
        self.saver.pending.append(self.session.take(rating))
        self.run_in_worker(self.saver.flush, lambda _n: None, self.save_failed)
        if self.session.finished:
            from studyrnn.tui.screens.results import ResultsScreen

            self.phase = Phase.DONE
            self.app.switch_screen(ResultsScreen(self.session, self.saver))
        else:
            self.ask()

    def save_failed(self, error: BaseException) -> None:
        self.study.report_error(error, title=self.gettext("A rating was not saved yet"))
        self.notify_safe(
            self.gettext("{n} rating(s) kept; they are saved with the next one.").format(
                n=len(self.saver.pending)
            ),
            timeout=8,
        )
