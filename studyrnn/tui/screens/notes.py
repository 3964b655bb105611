"""A deck's Markdown study notes, scrollable: learn before you quiz.

At 80 columns nothing is cut: paragraphs wrap, and so do code blocks (``notes.tcss``; a wrapped
code line continues on the next line instead of running off the edge where no key can reach it).
Long notes render lazily: the first ``CHUNK_CHARS`` at once, the rest appended a chunk at a time
between keypresses, up to ``SHOWN_CHARS`` characters, then a line saying how much more there is
(Textual builds one widget per Markdown block, about a second per 10 000 characters here, so a
deck at the 4 MiB size limit of ``validate`` must not be rendered whole; it still opens at once).
The chrome follows the deck's language (a German deck's notes say "Notizen").
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Markdown

from studyrnn.i18n import N_
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import visible

SHOWN_CHARS = 50_000
CHUNK_CHARS = 4_000


def chunks(text: str, size: int | None = None) -> list[str]:
    """``text`` in pieces of about ``size`` characters, split at blank lines outside code fences."""
    size = CHUNK_CHARS if size is None else size
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        cut = start + size
        while True:
            cut = text.find("\n\n", cut)
            if cut == -1 or text.count("```", start, cut) % 2 == 0:
                break
            cut += 2
        if cut == -1:
            break
        out.append(text[start : cut + 2])
        start = cut + 2
    out.append(text[start:])
    return out


def shown_notes(notes: str, limit: int | None = None) -> tuple[str, int]:
    """(the part of ``notes`` to render, how many characters are left out), cut at a blank line
    (or a line end) so no Markdown block is split in two."""
    limit = SHOWN_CHARS if limit is None else limit
    if len(notes) <= limit:
        return notes, 0
    cut = notes.rfind("\n\n", 0, limit)
    if cut < limit // 2:
        cut = notes.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = limit
    head = notes[:cut]
    if head.count("```") % 2:  # do not leave a code fence open
        head += "\n```"
    return head, len(notes) - cut


class NotesScreen(StudyScreen):
    CSS_PATH = "notes.tcss"
    BINDINGS = [
        Binding("t", "quiz", N_("Quiz this deck"), id="quiz"),
        Binding("j", "scroll(1)", N_("Down"), id="down", show=False),
        Binding("k", "scroll(-1)", N_("Up"), id="up", show=False),
    ]

    def __init__(self, deck: Any) -> None:
        super().__init__(language=getattr(deck, "language", None))
        self.deck = deck
        self.pending: list[str] = []  # chunks of the notes still to render

    def compose(self) -> ComposeResult:
        _ = self.gettext
        yield Header()
        notes = self.deck.notes or _("_This deck has no study notes yet._")
        text, left_out = shown_notes(notes)  # cut first: visible() is per character
        text = visible(text)
        if left_out:
            text += "\n\n---\n\n" + _(
                "_The notes go on for {n} more characters: read them in the deck file._"
            ).format(n=f"{left_out:,}")
        # Markdown is the notes' format; control characters are still made visible.
        first, *self.pending = chunks(text)
        with VerticalScroll(id="notes-scroll"):
            yield Markdown(first, id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.gettext("Notes · {title}").format(title=visible(self.deck.title))
        self.query_one("#notes-scroll").focus()
        if self.pending:
            self.set_timer(0.05, self.render_more)

    async def render_more(self) -> None:
        """Append the next chunk of the notes; keys are handled between chunks."""
        if self.pending and self.is_attached:
            await self.query_one("#notes", Markdown).append(self.pending.pop(0))
            if self.pending:
                self.set_timer(0.01, self.render_more)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#notes-scroll", VerticalScroll).scroll_relative(y=lines * 3, animate=False)

    def action_quiz(self) -> None:
        self.study.open_quiz(self.deck.id)
