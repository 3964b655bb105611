"""The application object and its one factory, ``make_app``.

The app owns the injected dependencies (settings, decks, store) and the navigation between
screens; the screens render and call domain functions. Screens are imported when first opened,
so start-up pays only for the home screen (the lab's NumPy engine loads with the lab).

Two ways in, one factory: ``make_app(settings, decks, store)`` with dependencies already loaded
(tests, ``studyrnn quiz``), or ``make_app(settings, loader=load)`` (``studyrnn``): home paints at
once with a loading state while a thread worker runs ``loader`` (the deck and store imports
included), then ``Loaded`` fills it in. A ``StudyrnnError`` while loading ends the app with that
error in ``load_error`` and return code 1, which ``main`` raises for the CLI to print.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
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

Loader = Callable[["Settings"], tuple[Any, Any]]  # settings -> (decks, store); raises StudyrnnError

STILL_LOADING = "Still loading decks and progress…"


def utc_now() -> datetime:
    return datetime.now(UTC)


class StudyApp(App[None]):
    """studyrnn in the terminal: home, review, quiz, notes, lab, statistics, browser."""

    TITLE = "studyrnn"
    SUB_TITLE = "backpropagation through time"
    CSS_PATH = "app.tcss"
    COMMANDS = PALETTE  # ours + Textual's system commands less "Keys" and "Screenshot"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Palette", id="palette", show=False),
    ]

    class Loaded(Message):
        """The background loader finished: decks and store are ready, cards synced."""

        def __init__(self, decks: Any, store: Any, learner: Any) -> None:
            super().__init__()
            self.decks = decks
            self.store = store
            self.learner = learner

    class LoadFailed(Message):
        """The background loader raised a StudyrnnError (a bad deck, an unreadable store)."""

        def __init__(self, error: StudyrnnError) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        settings: Settings,
        decks: Any = None,
        store: Any = None,
        *,
        loader: Loader | None = None,
        clock: Callable[[], datetime] | None = None,
        seed: int | None = None,
        start: tuple[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.decks = decks
        self.store = store
        self.loader = loader
        self.clock = clock or utc_now
        self.rng = random.Random(seed)
        self.start = start
        self.load_error: StudyrnnError | None = None
        self.learner = None
        if store is not None:
            self.learner = self._sync(decks, store)

    def _sync(self, decks: Any, store: Any) -> Any:
        """The learner, after registering every deck card with the store."""
        learner = store.learner(self.settings.learner)
        store.sync_cards(learner, self._decks_of(decks), now=self.now())
        return learner

    @property
    def loading(self) -> bool:
        """True until the background loader has delivered decks and store."""
        return self.loader is not None

    # -- dependencies, in one place -------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def next_seed(self) -> int:
        """A presentation seed: fixed by the app's seed, so tests and snapshots repeat."""
        return self.rng.randrange(2**31)

    def deck_list(self) -> list[Any]:
        """The decks, ordered by id (a DeckSet maps ids to decks; a plain list is accepted too)."""
        return self._decks_of(self.decks)

    @staticmethod
    def _decks_of(decks: Any) -> list[Any]:
        if decks is None:
            return []
        return list(decks.decks) if hasattr(decks, "decks") else list(decks)

    def ready(self) -> bool:
        """Whether decks and store are there; if not, say so (a key pressed during loading)."""
        if self.loading:
            self.notify(STILL_LOADING, timeout=3)
            return False
        return True

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
            deck_id, limit = arg if isinstance(arg, tuple) else (arg, 10)
            self.open_quiz(deck_id, limit)
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
            decks, store = self.loader(self.settings)
            learner = self._sync(decks, store)
            import studyrnn.stats  # noqa: F401 - home's mastery column needs it next
        except StudyrnnError as err:
            self.post_message(self.LoadFailed(err))
            return
        self.post_message(self.Loaded(decks, store, learner))

    def on_study_app_loaded(self, message: Loaded) -> None:
        self.decks, self.store, self.learner = message.decks, message.store, message.learner
        self.loader = None
        from studyrnn.tui.screens.home import HomeScreen

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
        from studyrnn.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(deck_id))

    def open_quiz(self, deck_id: str, limit: int = 10) -> None:
        if not self.ready():
            return
        from studyrnn.tui.screens.quiz import QuizScreen

        self.push_screen(QuizScreen.for_deck(self, deck_id, limit=limit))

    def open_flashcards(self, deck_id: str) -> None:
        if not self.ready():
            return
        from studyrnn.tui.screens.quiz import QuizScreen

        screen = QuizScreen.flashcards(self, deck_id)
        if screen is None:
            self.notify("This deck has no flashcards.", severity="warning")
        else:
            self.push_screen(screen)

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

    # -- the one place worker failures are reported -----------------------------------------

    def report_worker(self, worker: Worker[Any]) -> None:
        """A worker failed: say so in a notification; the app keeps running."""
        if worker.state is WorkerState.ERROR and worker.error is not None:
            err = worker.error
            from studyrnn.errors import StudyrnnError

            message = str(err) if isinstance(err, StudyrnnError) else f"{type(err).__name__}: {err}"
            self.notify(
                message or type(err).__name__,
                title="Something went wrong",
                severity="error",
                timeout=8,
            )


def make_app(
    settings: Settings,
    decks: Any = None,
    store: Any = None,
    *,
    loader: Loader | None = None,
    clock: Callable[[], datetime] | None = None,
    seed: int | None = None,
    start: tuple[str, Any] | None = None,
) -> StudyApp:
    """Build the app from its dependencies; the CLI and the tests both come through here.

    ``clock`` and ``seed`` make a run repeatable (tests, snapshots); ``start`` opens a screen
    other than home: ``("quiz", deck_id)``, ``("review", deck_id)``, ``("lab", None)``,
    ``("stats", None)`` or ``("browser", path)``. ``loader`` instead of ``decks`` and ``store``:
    home paints at once and ``loader(settings) -> (decks, store)`` runs in a thread worker.
    """
    if loader is not None and (decks is not None or store is not None):
        raise ValueError("make_app: pass either decks and store, or a loader")
    return StudyApp(settings, decks, store, loader=loader, clock=clock, seed=seed, start=start)
