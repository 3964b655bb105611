"""The application object and its one factory, ``make_app``.

The app stores its dependencies — one ``studyrnn.study.StudyContext`` (settings, decks, store,
learner, clock, random source) — and navigates between screens; its constructor does no I/O.
Screens get what they use: the review screen a ``ReviewSession``, the quiz a ``QuizSession``,
the flashcards a ``FlashSession``. Screens are imported when first opened, so start-up pays only
for the home screen (the lab's NumPy engine loads with the lab).

Two ways in, one factory: ``make_app(settings, decks, store)`` builds the context at once (tests,
``studyrnn quiz``), or ``make_app(settings, loader=load)`` (``studyrnn``): home paints at once with
a loading state while a thread worker runs ``loader`` (the deck and store imports included),
then ``Loaded`` fills it in. A ``StudyrnnError`` while loading ends the app with that error in
``load_error`` and return code 1, which ``main`` raises for the CLI to print.

Errors: a worker's ``StudyrnnError`` (a busy or vanished database) is a notification and the app
keeps running; an unexpected exception ends the app without a Rich traceback (whose locals could
hold a database password): it is kept in ``crash`` for the CLI to log, and the exit status is 70.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from studyrnn.tui.commands import PALETTE

if TYPE_CHECKING:
    from studyrnn.errors import StudyrnnError
    from studyrnn.settings import Settings
    from studyrnn.study import StudyContext

# settings -> a StudyContext (or, as before, (decks, store)); raises StudyrnnError
Loader = Callable[["Settings"], Any]

STILL_LOADING = "Still loading decks and progress…"
KEY_GUARD_S = 0.3  # keys this soon after a verdict or a new card are ignored (no double action)
CRASH_EXIT = 70


class StudyApp(App[None]):
    """studyrnn in the terminal: home, review, quiz, notes, lab, statistics, browser."""

    TITLE = "studyrnn"
    SUB_TITLE = "backpropagation through time"
    CSS_PATH = ["app.tcss", "study.tcss"]
    COMMANDS = PALETTE  # ours + Textual's system commands less "Keys" and "Screenshot"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Palette", id="palette", show=False),
    ]

    class Loaded(Message):
        """The background loader finished: the study context is ready, cards synced."""

        def __init__(self, context: StudyContext) -> None:
            super().__init__()
            self.context = context

    class LoadFailed(Message):
        """The background loader raised a StudyrnnError (a bad deck, an unreadable store)."""

        def __init__(self, error: StudyrnnError) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        settings: Settings,
        context: StudyContext | None = None,
        *,
        loader: Loader | None = None,
        clock: Callable[[], datetime] | None = None,
        seed: int | None = None,
        start: tuple[str, Any] | None = None,
        key_guard: float = 0.0,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.context = context
        self.loader = loader
        self.clock = clock
        self.seed = seed
        self.start = start
        self.key_guard = key_guard
        self.load_error: StudyrnnError | None = None
        self.crash: BaseException | None = None

    # -- dependencies, in one place (other screens read these) -----------------------------

    @property
    def loading(self) -> bool:
        """True until the background loader has delivered the study context."""
        return self.context is None and self.loader is not None

    @property
    def decks(self) -> Any:
        return None if self.context is None else self.context.decks

    @property
    def store(self) -> Any:
        return None if self.context is None else self.context.store

    @property
    def learner(self) -> Any:
        return None if self.context is None else self.context.learner

    def now(self) -> datetime:
        if self.context is not None:
            return self.context.now()
        from studyrnn.study.context import utc_now

        return (self.clock or utc_now)()

    def next_seed(self) -> int:
        """A presentation seed: fixed by the app's seed, so tests and snapshots repeat."""
        if self.context is not None:
            return self.context.next_seed()
        import random

        return random.Random(self.seed).randrange(2**31)

    def deck_list(self) -> list[Any]:
        """The decks, ordered by id."""
        return [] if self.context is None else self.context.deck_list()

    def ready(self) -> bool:
        """Whether the context is there; if not, say so (a key pressed during loading)."""
        if self.loading:
            self.notify(STILL_LOADING, timeout=3)
            return False
        return self.context is not None

    def deck(self, deck_id: str) -> Any:
        for deck in self.deck_list():
            if deck.id == deck_id:
                return deck
        from studyrnn.errors import StudyrnnError

        raise StudyrnnError(f"no deck with id {deck_id!r}")

    # -- start-up and navigation ----------------------------------------------------------

    def on_mount(self) -> None:
        kind, arg = self.start or ("home", None)
        if kind == "browser":
            self.open_browser(path=arg)
            return
        from studyrnn.tui.screens.home import HomeScreen

        home = HomeScreen()
        self.push_screen(home)
        if self.loading:
            # paint home first; the loader's imports would otherwise compete with that paint
            home.call_after_refresh(self.load_in_background)
        else:
            self._open_start()

    def _open_start(self) -> None:
        kind, arg = self.start or ("home", None)
        if kind == "quiz":
            options = arg if isinstance(arg, dict) else {"deck_id": arg}
            self.open_quiz(**options)
        elif kind == "review":
            self.open_review(arg)
        elif kind == "lab":
            self.open_lab()
        elif kind == "stats":
            self.open_stats()

    # -- loading in the background -----------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=True)
    def load_in_background(self) -> None:
        """Run the loader off the UI thread; only posts messages."""
        from studyrnn.errors import StudyrnnError

        assert self.loader is not None
        try:
            loaded = self.loader(self.settings)
            context = self._as_context(loaded)
            import studyrnn.stats  # noqa: F401 - home's mastery column needs it next
        except StudyrnnError as err:
            self.post_message(self.LoadFailed(err))
            return
        self.post_message(self.Loaded(context))

    def _as_context(self, loaded: Any) -> StudyContext:
        from studyrnn.study import StudyContext, build_context

        if isinstance(loaded, StudyContext):
            return loaded
        decks, store = loaded
        return build_context(
            self.settings, decks=decks, store=store, clock=self.clock, seed=self.seed
        )

    def on_study_app_loaded(self, message: Loaded) -> None:
        self.context = message.context
        self.loader = None
        from studyrnn.tui.screens.home import HomeScreen

        if self.context.created:
            from studyrnn.untrusted import markup_safe

            self.notify(f"Created a new {markup_safe(self.context.store.where)}.", timeout=6)
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_rows()
        self._open_start()

    def on_study_app_load_failed(self, message: LoadFailed) -> None:
        """Nothing to study without decks and store: leave with the one-line error."""
        self.load_error = message.error
        self.exit(return_code=1, message=None)

    # -- screens --------------------------------------------------------------------------------

    def open_review(self, deck_id: str | None = None) -> None:
        if not self.ready():
            return
        from studyrnn.study import ReviewSession
        from studyrnn.tui.screens.review import ReviewScreen

        assert self.context is not None
        self.push_screen(ReviewScreen(ReviewSession(self.context, deck_id)))

    def open_quiz(
        self,
        deck_id: str,
        limit: int = 10,
        seed: int | None = None,
        in_order: bool = False,
    ) -> None:
        if not self.ready():
            return
        from studyrnn.study import QuizSession
        from studyrnn.tui.screens.quiz import QuizScreen

        assert self.context is not None
        session = QuizSession(self.context, deck_id, limit=limit, seed=seed, in_order=in_order)
        self.push_screen(QuizScreen(session))

    def open_flashcards(self, deck_id: str) -> None:
        if not self.ready():
            return
        from studyrnn.study import FlashSession
        from studyrnn.tui.screens.flashcards import FlashScreen

        assert self.context is not None
        if not self.context.deck(deck_id).cards:
            self.notify("This deck has no cards.", severity="warning")
            return
        self.push_screen(FlashScreen(FlashSession(self.context, deck_id)))

    def open_notes(self, deck_id: str) -> None:
        if not self.ready():
            return
        from studyrnn.tui.screens.notes import NotesScreen

        self.push_screen(NotesScreen(self.deck(deck_id)))

    def open_lab(self) -> None:
        from studyrnn.tui.screens.lab import LabScreen

        self.push_screen(LabScreen())

    def open_stats(self) -> None:
        if not self.ready():
            return
        from studyrnn.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def open_browser(self, deck_id: str | None = None, *, path: Path | None = None) -> None:
        if path is None and not self.ready():
            return
        from studyrnn.tui.screens.browser import BrowserScreen

        self.push_screen(BrowserScreen(deck_id=deck_id, path=path))

    def open_settings(self) -> None:
        if not self.ready():
            return
        from studyrnn.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_help(self) -> None:
        from studyrnn.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_back(self) -> None:
        """Leave the current screen; leaving the first screen quits."""
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.exit()

    # -- store work off the UI thread ----------------------------------------------------------

    @work(thread=True, group="store", exit_on_error=False)
    def run_store(self, job: Callable[[], object]) -> None:
        """A store call that outlives its screen (ending a session): off the UI thread; its
        StoreError is a notification (``report_worker``)."""
        job()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "store":
            self.report_worker(event.worker)

    # -- the one place errors are reported ----------------------------------------------------

    def report_error(self, err: BaseException, title: str = "Something went wrong") -> None:
        """A notification for an error (never a traceback); deck and database text shown safely."""
        from studyrnn.errors import StudyrnnError
        from studyrnn.untrusted import markup_safe

        message = str(err) if isinstance(err, StudyrnnError) else f"{type(err).__name__}: {err}"
        self.notify(
            markup_safe(message or type(err).__name__),
            title=title,
            severity="error",
            timeout=8,
        )

    def report_worker(self, worker: Worker[Any]) -> None:
        """A worker failed: say so in a notification; the app keeps running."""
        if worker.state is WorkerState.ERROR and worker.error is not None:
            self.report_error(worker.error)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected exception ends the app, but never with Textual's traceback: its locals
        may hold a database URL with its password. The CLI logs ``crash`` (redacted, no locals)
        and says where in one line; the exit status is not 0."""
        self._return_code = CRASH_EXIT
        if self.crash is None:
            self.crash = error
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()


def make_app(
    settings: Settings,
    decks: Any = None,
    store: Any = None,
    *,
    loader: Loader | None = None,
    clock: Callable[[], datetime] | None = None,
    seed: int | None = None,
    start: tuple[str, Any] | None = None,
    context: StudyContext | None = None,
    key_guard: float = 0.0,
) -> StudyApp:
    """Build the app from its dependencies; the CLI and the tests both come through here.

    ``decks`` and ``store`` (or a ready ``context``): the study context is built here (the learner
    registered, the cards synced), before the app exists. ``loader`` instead: home paints at once
    and ``loader(settings)`` runs in a thread worker. ``clock`` and ``seed`` make a run repeatable
    (tests, snapshots); ``start`` opens a screen other than home: ``("quiz", {"deck_id": ...,
    "limit": ..., "seed": ..., "in_order": ...})`` (or a bare deck id), ``("review", deck_id)``,
    ``("lab", None)``, ``("stats", None)`` or ``("browser", path)``. ``key_guard``: seconds after a
    verdict during which keys are ignored (the CLI passes ``KEY_GUARD_S``).
    """
    if loader is not None and (decks is not None or store is not None or context is not None):
        raise ValueError("make_app: pass either decks and store, or a loader")
    if context is None and store is not None:
        from studyrnn.study import build_context

        context = build_context(settings, decks=decks, store=store, clock=clock, seed=seed)
    return StudyApp(
        settings,
        context,
        loader=loader,
        clock=clock,
        seed=seed,
        start=start,
        key_guard=key_guard,
    )
