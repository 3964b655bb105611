"""A deck's Markdown study notes, scrollable: learn before you quiz."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Markdown

from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import visible


class NotesScreen(StudyScreen):
    BINDINGS = [
        Binding("t", "quiz", "Quiz this deck", id="quiz"),
        Binding("j", "scroll(1)", "Down", id="down", show=False),
        Binding("k", "scroll(-1)", "Up", id="up", show=False),
    ]

    def __init__(self, deck: Any) -> None:
        super().__init__()
        self.deck = deck

    def compose(self) -> ComposeResult:
        yield Header()
        notes = self.deck.notes or "_This deck has no study notes yet._"
        # Markdown is the notes' format; control characters are still made visible.
        with VerticalScroll(id="notes-scroll"):
            yield Markdown(visible(notes), id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Notes · {visible(self.deck.title)}"
        self.query_one("#notes-scroll").focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#notes-scroll", VerticalScroll).scroll_relative(y=lines * 3, animate=False)

    def action_quiz(self) -> None:
        self.study.open_quiz(self.deck.id)
