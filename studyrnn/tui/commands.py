"""Command palette (Ctrl+P): jump to any deck (review, quiz, flashcards, notes, browse) or screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from studyrnn.tui.text import visible

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp


class StudyCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        app: StudyApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, Callable[[], None], str]] = [
            (
                "Review all due cards",
                partial(app.open_review, None),
                "the FSRS queue across every deck",
            ),
            ("Gradient lab", app.open_lab, "watch gradients vanish and explode; train a live RNN"),
            ("Statistics", app.open_stats, "heatmap, forecast, retention, mastery"),
            ("Browse decks", app.open_browser, "every card as a learner sees it"),
            ("Settings", app.open_settings, "retention, new cards per day, learning steps"),
            ("Help: keys", app.action_help, "every key of the current screen"),
        ]
        for deck in app.deck_list():
            title = visible(deck.title)
            commands += [
                (f"Review: {title}", partial(app.open_review, deck.id), deck.id),
                (f"Quiz: {title}", partial(app.open_quiz, deck.id), deck.id),
                (f"Flashcards: {title}", partial(app.open_flashcards, deck.id), deck.id),
                (f"Notes: {title}", partial(app.open_notes, deck.id), deck.id),
                (f"Browse: {title}", partial(app.open_browser, deck.id), deck.id),
            ]
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands()[:6]:
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
