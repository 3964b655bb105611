"""Command palette (Ctrl+P): jump to any deck (review, quiz, flashcards, notes, browse) or screen.

``PALETTE`` is the app's set of providers: ours, and Textual's system commands without the two
that do not fit here — "Keys" (``?`` Help already lists every key, so the palette would offer two
help entries) and "Screenshot" (Textual saves to ~/Downloads and fails when there is none; ours
saves to the data directory, or the current folder, and says where).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.system_commands import SystemCommandsProvider

from studyrnn.i18n import _
from studyrnn.untrusted import markup_safe

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp

REPLACED_SYSTEM_COMMANDS = ("Keys", "Screenshot")


def save_screenshot(app: StudyApp, folders: list[Path] | None = None) -> Path | None:
    """Save an SVG of the current screen in the first writable folder of ``folders`` (the data
    directory's ``screenshots``, then the current folder); notify where, or why not."""
    from studyrnn.errors import StudyrnnError
    from studyrnn.files import write_output
    from studyrnn.settings import data_dir

    if folders is None:
        folders = [data_dir() / "screenshots", Path.cwd()]
    name = f"studyrnn-{datetime.now():%Y-%m-%d_%H-%M-%S}.svg"
    svg = app.export_screenshot()
    reasons = []
    for folder in folders:
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_output(path, svg)
        except (OSError, StudyrnnError) as err:
            reasons.append(str(err))
            continue
        app.notify(
            _("Saved to {path}").format(path=markup_safe(path)), title=_("Screenshot"), timeout=8
        )
        return path
    app.notify(
        markup_safe("; ".join(reasons)),
        title=_("The screenshot could not be saved"),
        severity="error",
    )
    return None


def screenshot_soon(app: StudyApp) -> None:
    """After the palette has closed, so it is not in the picture."""
    app.set_timer(0.1, partial(save_screenshot, app))


class SystemCommands(SystemCommandsProvider):
    """Textual's system commands (theme, quit, maximise…), less the ones replaced above."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object], bool]]:
        return [
            (_(name), _(help_text), callback, discover)
            for name, help_text, callback, discover in self.app.get_system_commands(self.screen)
            if name not in REPLACED_SYSTEM_COMMANDS
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback, discover in sorted(self._commands()):
            if discover:
                yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback, _discover in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class StudyCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        app: StudyApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, Callable[[], None], str]] = [
            (
                _("Review all due cards"),
                partial(app.open_review, None),
                _("the FSRS queue across every deck"),
            ),
            (
                _("Gradient lab"),
                app.open_lab,
                _("watch gradients vanish and explode; train a live RNN"),
            ),
            (_("Statistics"), app.open_stats, _("heatmap, forecast, retention, mastery")),
            (_("Browse decks"), app.open_browser, _("every card as a learner sees it")),
            (
                _("Settings"),
                app.open_settings,
                _("retention, new cards per day, learning steps, language"),
            ),
            (_("Help: keys"), app.action_help, _("every key of the current screen")),
            (
                _("Screenshot"),
                partial(screenshot_soon, app),
                _("save an SVG of the current screen in the data folder"),
            ),
        ]
        for deck in app.deck_list():
            title, ident = markup_safe(deck.title), markup_safe(deck.id)
            for label, open_deck in (
                (_("Review: {title}"), app.open_review),
                (_("Quiz: {title}"), app.open_quiz),
                (_("Flashcards: {title}"), app.open_flashcards),
                (_("Notes: {title}"), app.open_notes),
                (_("Browse: {title}"), app.open_browser),
            ):
                commands.append((label.format(title=title), partial(open_deck, deck.id), ident))
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands()[:7]:
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


PALETTE: set[type[Provider] | Callable[[], type[Provider]]] = {SystemCommands, StudyCommands}
