"""Review: the FSRS queue of one deck or all, driven by a ``studyrnn.study.ReviewSession``.

Space/Enter reveals, 1-4 rate, ``u`` (or Ctrl+Z, which also works in a typed-answer box) takes
back this session's answers, newest first. Every store call runs in a worker: rating is one
write and the next card one read; when the database is busy or gone the notification says so,
the answer stays on screen and pressing a rating again retries. When nothing is due the screen
says when the next card is and shows it when it falls due, without leaving the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from textual.binding import Binding

from studyrnn.i18n import N_, translator
from studyrnn.study import Graded, NothingDue, Phase, Rated, Rating, ReviewCard, ReviewSession
from studyrnn.tui.screens.answering import AnswerScreen

MAX_WAIT = timedelta(hours=12)  # a timer longer than this is re-armed on the way


class ReviewScreen(AnswerScreen):
    BINDINGS = [
        Binding("u", "undo", N_("Undo"), id="undo"),
        Binding("ctrl+z", "undo", N_("Undo"), id="undo-ctrl-z", show=False, priority=True),
    ]

    EXTRA_KEYS = [("u ^z", N_("undo"))]

    def __init__(self, session: ReviewSession) -> None:
        # one deck: its language (a German deck's chrome is German); all decks: the UI's
        language = None
        tr = translator(None)
        title = tr("all decks")
        if session.deck_id is not None:
            deck = session.ctx.deck(session.deck_id)
            language = getattr(deck, "language", None)
            tr = translator(language)
            title = deck.title
        super().__init__(tr("Review · {title}").format(title=title), language=language)
        self.session = session
        self.step: ReviewCard | NothingDue | None = None
        self._timer: Any = None

    # -- what the tests and the help screen read ----------------------------------------------------

    @property
    def current(self) -> ReviewCard:
        assert isinstance(self.step, ReviewCard)
        return self.step

    @property
    def only_deck(self) -> str | None:
        return self.session.deck_id

    @property
    def items(self) -> list[ReviewCard]:
        return [self.step] if isinstance(self.step, ReviewCard) else []

    # -- the loop ------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        self.show_message(self.gettext("Finding the next card…"), [])
        self.fetch()

    def fetch(self) -> None:
        self.phase = Phase.LOADING
        self.run_in_worker(self.session.next, self.shown, self.fetch_failed)

    def fetch_failed(self, error: BaseException) -> None:
        self.study.report_error(error, title=self.gettext("Could not read the next card"))
        self.show_message(
            self.gettext("The progress database did not answer. Press r to try again."),
            [("r", N_("retry"))],
        )
        self.phase = Phase.DONE

    def shown(self, step: ReviewCard | NothingDue) -> None:
        self.step = step
        if isinstance(step, NothingDue):
            self.show_nothing_due(step)
            return
        self.show_card(step.presented, step.intervals, self.progress_line(step))

    def progress_line(self, step: ReviewCard) -> str:
        from studyrnn.untrusted import shown

        tr = self.gettext
        c = step.counts
        where = f"{shown(step.deck_id)} · " if self.session.deck_id is None else ""
        state = tr(step.state.queue_name)
        if step.early:
            state = tr("{queue}, shown early").format(queue=state)
        line = tr(
            "{new} new · {learning} learning · {review} to review · "
            "{reviewed} reviewed · this card: {state}"
        )
        return where + line.format(
            new=c.new,
            learning=c.learning,
            review=c.review,
            reviewed=self.session.reviewed,
            state=state,
        )

    def show_nothing_due(self, nothing: NothingDue) -> None:
        from studyrnn.store import format_interval

        tr = self.gettext
        summary = nothing.summary
        lines = [
            tr("Nothing due right now — {n} reviewed this session.").format(n=summary.reviewed)
        ]
        if summary.reviewed:
            lines.append(tr("Session: {summary}.").format(summary=summary.line(tr)))
        wait = nothing.wait(self.session.ctx.now())
        if wait is not None:
            lines.append(
                tr("The next card is due in {interval}; it will appear here then.").format(
                    interval=format_interval(wait)
                )
            )
            self._arm_timer(wait)
        keys = [("u ^z", N_("undo"))] if self.session.can_undo else []
        self.show_message("\n".join(lines), keys)
        self.phase = Phase.WAITING if wait is not None else Phase.DONE

    def _arm_timer(self, wait: timedelta) -> None:
        if self._timer is not None:
            self._timer.stop()
        seconds = max(1.0, min(wait, MAX_WAIT).total_seconds() + 0.5)
        self._timer = self.set_timer(seconds, self.check_due)

    def check_due(self) -> None:
        """The next card should be due now: fetch it (the screen never has to be left)."""
        self._timer = None
        if self.phase in (Phase.WAITING, Phase.DONE):
            self.fetch()

    # -- answering ---------------------------------------------------------------------------------

    def grade(self, response: Any, typed: bool) -> Graded:
        return self.session.grade(self.current, response, typed=typed)

    def intervals(self) -> Mapping[int, Any] | None:
        return self.current.intervals if isinstance(self.step, ReviewCard) else None

    def source(self) -> str | None:
        return self.current.source if isinstance(self.step, ReviewCard) else None

    def rate(self, rating: Rating) -> None:
        card, graded = self.current, self.graded
        self.phase = Phase.LOADING  # no second rating while this one is saved

        def job() -> tuple[Rated, ReviewCard | NothingDue]:
            rated = self.session.rate(card, rating, graded)
            return rated, self.session.next()

        self.run_in_worker(job, self.rated, self.rate_failed)

    def rated(self, result: tuple[Rated, ReviewCard | NothingDue]) -> None:
        rated, step = result
        if rated.skipped:
            self.notify_safe(
                self.gettext("“{question}” was answered in another window; skipped.").format(
                    question=rated.card.question
                ),
                timeout=5,
            )
        self.shown(step)

    def rate_failed(self, error: BaseException) -> None:
        """Not saved: say why; the verdict stays and a rating key tries again."""
        self.study.report_error(error, title=self.gettext("Your answer was not saved"))
        self.notify_safe(
            self.gettext("Your answer is kept: press a rating to try again."), timeout=8
        )
        self.phase = Phase.GRADED

    # -- undo ----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.phase is not Phase.LOADING
        if action == "retry":
            return True
        return super().check_action(action, parameters)

    def action_undo(self) -> None:
        if self.phase is Phase.LOADING:
            return
        if not self.session.can_undo:
            self.notify(self.gettext("Nothing to undo in this session."), timeout=3)
            return
        self.phase = Phase.LOADING

        def job() -> tuple[Any, ReviewCard | NothingDue | None]:
            undone = self.session.undo()
            return undone, (None if undone is None else self.session.next())

        self.run_in_worker(job, self.undone, self.undo_failed)

    def undone(self, result: tuple[Any, ReviewCard | NothingDue | None]) -> None:
        undone, step = result
        if undone is None:
            self.notify(self.gettext("Nothing to undo in this session."), timeout=3)
            if self.step is not None:
                self.shown(self.step)
            return
        self.notify_safe(
            self.gettext("Took back “{question}” ({rating}).").format(
                question=undone.question, rating=self.gettext(undone.rating.label)
            ),
            timeout=4,
        )
        assert step is not None
        self.shown(step)

    def undo_failed(self, error: BaseException) -> None:
        self.study.report_error(error, title=self.gettext("Could not undo"))
        if self.step is not None:
            self.shown(self.step)

    def action_retry(self) -> None:
        if self.phase is Phase.DONE:
            self.fetch()

    BINDINGS = [*BINDINGS, Binding("r", "retry", N_("Retry"), id="retry", show=False)]

    # -- leaving -------------------------------------------------------------------------------------

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.session.session_id is not None:
            self.study.run_store(self.session.close)
