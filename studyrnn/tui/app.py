"""The application object and its one factory, ``make_app``.

The app owns the injected dependencies (settings, decks, store) and the navigation between
screens; the screens render and call domain functions. Screens are imported when first opened,
so start-up pays only for the home screen (the lab's NumPy engine loads with the lab).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from studyrnn.tui.commands import StudyCommands

if TYPE_CHECKING:
    from studyrnn.settings import Settings


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class StudyApp(App[None]):
    """studyrnn in the terminal: home, review, quiz, notes, lab, statistics, browser."""

    TITLE = "studyrnn"
    SUB_TITLE = "backpropagation through time"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {StudyCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Palette", id="palette", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        decks: Any,
        store: Any,
        *,
        clock: Callable[[], datetime] | None = None,
        seed: int | None = None,
        start: tuple[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.decks = decks
        self.store = store
        self.clock = clock or utc_now
        self.rng = random.Random(seed)
        self.start = start
        self.learner = store.learner(settings.learner) if store is not None else None
        if store is not None:
            store.sync_cards(self.learner, self.deck_list(), now=self.now())

    # -- dependencies, in one place -------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def next_seed(self) -> int:
        """A presentation seed: fixed by the app's seed, so tests and snapshots repeat."""
        return self.rng.randrange(2**31)

    def deck_list(self) -> list[Any]:
        """The decks, ordered by id (a DeckSet maps ids to decks; a plain list is accepted too)."""
        if self.decks is None:
            return []
        return list(self.decks.decks) if hasattr(self.decks, "decks") else list(self.decks)

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

        self.push_screen(HomeScreen())
        if kind == "quiz":
            deck_id, limit = arg if isinstance(arg, tuple) else (arg, 10)
            self.open_quiz(deck_id, limit)
        elif kind == "review":
            self.open_review(arg)
        elif kind == "lab":
            self.open_lab()
        elif kind == "stats":
            self.open_stats()

    def open_review(self, deck_id: str | None = None) -> None:
        from studyrnn.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(deck_id))

    def open_quiz(self, deck_id: str, limit: int = 10) -> None:
        from studyrnn.tui.screens.quiz import QuizScreen

        self.push_screen(QuizScreen.for_deck(self, deck_id, limit=limit))

    def open_flashcards(self, deck_id: str) -> None:
        from studyrnn.tui.screens.quiz import QuizScreen

        screen = QuizScreen.flashcards(self, deck_id)
        if screen is None:
            self.notify("This deck has no flashcards.", severity="warning")
        else:
            self.push_screen(screen)

    def open_notes(self, deck_id: str) -> None:
        from studyrnn.tui.screens.notes import NotesScreen

        self.push_screen(NotesScreen(self.deck(deck_id)))

    def open_lab(self) -> None:
        from studyrnn.tui.screens.lab import LabScreen

        self.push_screen(LabScreen())

    def open_stats(self) -> None:
        from studyrnn.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def open_browser(self, deck_id: str | None = None, *, path: Path | None = None) -> None:
        from studyrnn.tui.screens.browser import BrowserScreen

        self.push_screen(BrowserScreen(deck_id=deck_id, path=path))

    def open_settings(self) -> None:
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
            self.notify(message or type(err).__name__, title="Something went wrong", severity="error", timeout=8)


def make_app(
    settings: Settings,
    decks: Any,
    store: Any,
    *,
    clock: Callable[[], datetime] | None = None,
    seed: int | None = None,
    start: tuple[str, Any] | None = None,
) -> StudyApp:
    """Build the app from its dependencies; the CLI and the tests both come through here.

    ``clock`` and ``seed`` make a run repeatable (tests, snapshots); ``start`` opens a screen
    other than home: ``("quiz", deck_id)``, ``("review", deck_id)``, ``("lab", None)``,
    ``("stats", None)`` or ``("browser", path)``.
    """
    return StudyApp(settings, decks, store, clock=clock, seed=seed, start=start)
