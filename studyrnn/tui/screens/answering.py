"""What the review, quiz and flashcard screens share: a card, its verdict and the rating row.

The screen renders and forwards keys; the study session (``studyrnn.study``) decides. Layout at
80×24 and up: the card area scrolls (PageUp/PageDown/Home/End), the rating row and the key bar
are docked at the bottom and always visible. ``phase`` is a typed reactive; its watcher sets a
CSS class and refreshes the bindings. Keys arriving within the app's ``key_guard`` after a
verdict or a new card are ignored, so one key never both answers and rates a card.

Store work runs in thread workers (``run_in_worker``); their results come back as messages and
a ``StudyrnnError`` (busy, disk full, connection lost) becomes a notification while the answer
stays on screen to be rated again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Header, Static

from studyrnn.i18n import N_
from studyrnn.study.kinds import Phase, Rating
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal
from studyrnn.tui.widgets.card_view import CardView
from studyrnn.tui.widgets.key_bar import KeyBar
from studyrnn.tui.widgets.rating_bar import RATING_NAMES, RatingBar
from studyrnn.tui.widgets.verdict import VerdictPanel

if TYPE_CHECKING:
    from studyrnn.study import Graded

ASK_KEYS = {  # the descriptions are catalogue messages, shown in the screen's language
    "flashcard": [("space", N_("show the answer"))],
    "choice": [("1-9", N_("answer")), ("↑↓ enter", N_("choose"))],
    "true_false": [("1/2", N_("true/false")), ("↑↓ enter", N_("choose"))],
    "multi": [("1-9 space", N_("toggle")), ("enter", N_("submit"))],
    "order": [("↑↓", N_("choose")), ("^↑↓ K/J", N_("move")), ("enter", N_("submit"))],
    "numeric": [("enter", N_("submit")), ("empty", N_("I don't know"))],
    "text": [("enter", N_("submit")), ("empty", N_("I don't know"))],
}


class AnswerScreen(StudyScreen):
    """A card to answer, its verdict, a rating row. Subclasses say what a rating does."""

    BINDINGS = [
        Binding("space", "advance", N_("Reveal/Next"), id="advance"),
        Binding("enter", "advance", N_("Next"), id="advance-enter", show=False),
        *[
            Binding(str(r), f"rate({r})", f"{RATING_NAMES[r]}", id=f"rate-{r}", show=False)
            for r in RATING_NAMES
        ],
        Binding("pageup", "scroll_card('page_up')", N_("Scroll up"), id="page-up", show=False),
        Binding(
            "pagedown", "scroll_card('page_down')", N_("Scroll down"), id="page-down", show=False
        ),
        Binding("home", "scroll_card('home')", N_("Top"), id="top", show=False),
        Binding("end", "scroll_card('end')", N_("Bottom"), id="bottom", show=False),
    ]

    EXTRA_KEYS: list[tuple[str, str]] = []
    RATING_NOTE = ""  # under the rating row (a quiz: ratings do not reschedule)

    phase: reactive[Phase] = reactive(Phase.LOADING, init=False)
    """Where the learner is with the card on screen."""

    class StoreDone(Message):
        """A worker's store call returned ``value`` (delivered to ``then`` on the UI thread)."""

        def __init__(self, then: Callable[[Any], None], value: Any) -> None:
            super().__init__()
            self.then = then
            self.value = value

    class StoreFailed(Message):
        def __init__(self, error: BaseException, retry: Callable[[BaseException], None]) -> None:
            super().__init__()
            self.error = error
            self.retry = retry

    def __init__(self, title: str, *, language: str | None = None) -> None:
        """``title`` as shown (already in ``language``: the deck's, for the chrome)."""
        super().__init__(language=language)
        self.title_text = title
        self.graded: Graded | None = None
        self.suggested: Rating = Rating.GOOD
        self.guard_until = 0.0
        self._view: CardView | None = None
        self._upcoming: CardView | None = None
        self._presented: Any = None

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz-body"):
            yield Static(id="progress", classes="progress")
            yield VerdictPanel(id="verdict", gettext=self.gettext)
        with Vertical(id="answer-dock"):
            yield Static(id="rate-hint", classes="hint")
            yield RatingBar(id="ratings", gettext=self.gettext)
            yield KeyBar(id="keys", gettext=self.gettext)

    def on_mount(self) -> None:
        from studyrnn.untrusted import shown

        # Textual's header shows its title as plain Content (never markup): deck text needs its
        # control and bidi characters made visible, and no markup escapes
        self.sub_title = shown(self.title_text)
        self.query_one(RatingBar).show(None, None, enabled=False)

    def watch_phase(self, old: Phase, new: Phase) -> None:
        # bindings only: a CSS class on the screen would restyle every widget per question
        self.refresh_bindings()

    # -- a session that prepares its items first (quiz, flashcards) --------------------------

    # what the screen says meanwhile: msgids (N_), shown through self.gettext
    PREPARING = N_("Preparing questions…")
    PREPARE_FAILED_TITLE = N_("Could not prepare the quiz")
    PREPARE_FAILED = N_("This quiz could not be prepared.")
    NOTHING_TO_ASK = N_("This deck has no questions yet.")

    def prepare_then_ask(self) -> None:
        """Prepare ``self.session``'s items off the UI thread, then ``self.ask()`` the first."""
        tr = self.gettext

        def failed(error: BaseException) -> None:
            self.study.report_error(error, title=tr(self.PREPARE_FAILED_TITLE))
            self.show_message(tr(self.PREPARE_FAILED), [])
            self.phase = Phase.DONE

        def ready(items: list[Any]) -> None:
            if not items:
                self.show_message(tr(self.NOTHING_TO_ASK), [])
                self.phase = Phase.DONE
                return
            self.ask()

        self.show_message(tr(self.PREPARING), [])
        self.phase = Phase.LOADING
        self.run_in_worker(self.session.prepare, ready, failed)

    # -- workers ------------------------------------------------------------------------------

    def run_in_worker(
        self,
        job: Callable[[], Any],
        then: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """``job()`` off the UI thread; ``then(result)`` or ``failed(StudyrnnError)`` on it."""
        self._store_worker(job, then, failed)

    @work(thread=True, group="study-store", exit_on_error=False)
    def _store_worker(
        self,
        job: Callable[[], Any],
        then: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        from studyrnn.errors import StudyrnnError

        try:
            value = job()
        except StudyrnnError as err:
            self.post_message(self.StoreFailed(err, failed))
            return
        self.post_message(self.StoreDone(then, value))

    def on_answer_screen_store_done(self, message: StoreDone) -> None:
        message.then(message.value)

    def on_answer_screen_store_failed(self, message: StoreFailed) -> None:
        message.retry(message.error)

    # -- one card ----------------------------------------------------------------------------------

    @property
    def card_view(self) -> CardView:
        assert self._view is not None
        return self._view

    @property
    def verdict(self) -> Any:
        return None if self.graded is None else self.graded.verdict

    def guarded(self) -> bool:
        return time.monotonic() < self.guard_until

    def _guard(self) -> None:
        self.guard_until = time.monotonic() + float(getattr(self.app, "key_guard", 0.0))

    def show_card(self, presented: Any, intervals: Mapping[int, Any] | None, progress: str) -> None:
        """Mount ``presented`` as the card to answer."""
        self._presented = presented
        self.graded = None
        for old in self.query(CardView):
            if old is not self._upcoming:
                old.remove()
        self.query_one(VerdictPanel).hide()
        self.query_one("#rate-hint", Static).update("")
        self.query_one("#progress", Static).update(literal(progress))
        self._guard()
        upcoming, self._upcoming = self._upcoming, None
        if upcoming is not None and upcoming.presented is presented and upcoming.is_mounted:
            # mounted while the learner read the last verdict: showing it costs one layout
            self._view = upcoming
            upcoming.display = True
            upcoming.focus_input()
        else:
            if upcoming is not None:
                upcoming.remove()
            self._view = CardView(presented, gettext=self.gettext)
            self.query_one("#quiz-body").mount(self._view, after="#progress")
        self._view.guard_until = self.guard_until
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)
        self.query_one(RatingBar).show(intervals, None, enabled=False)
        self.query_one(KeyBar).show(self.keys(ASK_KEYS.get(presented.kind, []) + self.EXTRA_KEYS))
        self.phase = Phase.ASK

    def show_message(self, text: str, keys: list[tuple[str, str]]) -> None:
        """No card: a message where the card was (done, waiting, empty)."""
        for old in self.query(CardView):
            old.remove()
        self._view = None
        self.graded = None
        self.query_one(VerdictPanel).hide()
        self.query_one("#rate-hint", Static).update("")
        self.query_one("#progress", Static).update(literal(text))
        self.query_one(RatingBar).show(None, None, enabled=False)
        self.query_one(KeyBar).show(self.keys(keys))

    def keys(self, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Key-bar entries with their descriptions in the screen's language."""
        return [(key, self.gettext(does)) for key, does in keys]

    def prepare(self, presented: Any) -> None:
        """Mount the next card hidden, so the key that moves on has little left to do."""
        if self._upcoming is not None:
            return
        view = CardView(presented, autofocus=False, gettext=self.gettext)
        view.display = False
        self._upcoming = view
        self.query_one("#quiz-body").mount(view, before="#verdict")

    def upcoming(self) -> Any:
        """The card after this one, when it is known now (a quiz); None: not known yet."""
        return None

    def grade(self, response: Any, typed: bool) -> Graded:
        raise NotImplementedError

    def intervals(self) -> Mapping[int, Any] | None:
        return None

    def source(self) -> str | None:
        return None

    def on_card_view_submitted(self, message: CardView.Submitted) -> None:
        if self.phase is not Phase.ASK or message.view is not self._view:
            return
        graded = self.grade(message.response, message.typed)
        if graded.invalid:
            # Not an answer (e.g. not a number): say why, ask again, record nothing.
            self.card_view.show_invalid(
                getattr(graded.verdict, "message", "") or self.gettext("That is not an answer.")
            )
            return
        self.graded = graded
        self.card_view.freeze()
        rating = getattr(graded.verdict, "rating", None)
        self.show_graded(Rating(rating) if rating else None)

    def show_graded(self, suggested: Rating | None, *, back: str | None = None) -> None:
        presented = self._presented
        flashcard = presented.kind == "flashcard" or back is not None
        self.query_one(VerdictPanel).show(
            self.verdict, presented, flashcard=flashcard, source=self.source(), back=back
        )
        self.suggested = suggested or Rating.GOOD
        self.query_one(RatingBar).show(self.intervals(), int(self.suggested))
        tr = self.gettext
        name = tr(self.suggested.label)
        hint = (
            tr("Press 1-4 to rate · Enter or Space: {rating} (suggested)")
            if suggested
            else tr("Press 1-4 to rate · Enter or Space: {rating} (default)")
        ).format(rating=name)
        if self.RATING_NOTE:
            hint += f" · {tr(self.RATING_NOTE)}"
        self.query_one("#rate-hint", Static).update(literal(hint))
        self.set_focus(None)
        keys = [("enter", name), *self.keys([("1-4", N_("rate")), *self.EXTRA_KEYS])]
        self.query_one(KeyBar).show(keys)
        self.query_one("#quiz-body", VerticalScroll).scroll_end(animate=False)
        self._guard()
        self.phase = Phase.GRADED
        following = self.upcoming()
        if following is not None:
            self.prepare(following)

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":
            return self.phase is Phase.GRADED
        if action == "advance":
            if self.phase is Phase.GRADED:
                return True
            return (
                self.phase is Phase.ASK
                and self._presented is not None
                and self._presented.kind == "flashcard"
            )
        return True

    def action_scroll_card(self, where: str) -> None:
        body = self.query_one("#quiz-body", VerticalScroll)
        {
            "page_up": body.scroll_page_up,
            "page_down": body.scroll_page_down,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }[where](animate=False)

    def action_advance(self) -> None:
        if self.guarded():
            return
        if self.phase is Phase.ASK and self._presented.kind == "flashcard":
            self.card_view.reveal()
            self.flipped()
        elif self.phase is Phase.GRADED:
            self.action_rate(int(self.suggested))

    def flipped(self) -> None:
        """A flashcard turned over: rate it yourself."""
        self.show_graded(None)

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        if self.phase is Phase.GRADED:
            self.action_rate(message.rating)

    def action_rate(self, rating: int) -> None:
        if self.phase is not Phase.GRADED or self.guarded():
            return
        self.rate(Rating(rating))

    def rate(self, rating: Rating) -> None:
        raise NotImplementedError

    def notify_safe(self, text: str, **kwargs: Any) -> None:
        """A notification whose text may hold deck or database text: never read as markup."""
        self.notify(text, markup=False, **kwargs)
