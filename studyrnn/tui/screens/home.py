"""Home: the decks with their new, due and learned counts and mastery, and every action.

While the app loads decks and store in the background, the table shows a loading state and
the actions that need a deck say so; ``refresh_rows`` fills it in when they arrive.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, DataTable, Header, Static

from studyrnn.tui import views
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal, one_line
from studyrnn.tui.widgets.key_bar import KeyBar

LOADING_ROW = "loading…"  # the placeholder row's key (a deck id never has an ellipsis)

# (action, key, label): the action bar mirrors the key bindings so a mouse works too.
ACTIONS = [
    ("review", "r", "Review"),
    ("quiz", "t", "Quiz"),
    ("flashcards", "f", "Flashcards"),
    ("notes", "n", "Notes"),
    ("lab", "l", "Lab"),
    ("stats", "s", "Stats"),
    ("browse", "b", "Browse"),
    ("settings", "o", "Settings"),
]


class HomeScreen(StudyScreen):
    BINDINGS = [
        Binding("escape,q", "back", "Quit", id="back"),
        *[Binding(key, action, label, id=action) for action, key, label in ACTIONS],
        Binding("a", "review_all", "Review all", id="review-all"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static(id="queue-line")
            with Grid(id="actions"):
                for action, key, label in ACTIONS:
                    yield Button(f"{key} {label}", id=f"do-{action}", compact=True)
        # The buttons above name every action's key; a one-line bar (not Textual's Footer, a
        # widget per binding) adds the rest and keeps the first paint quick.
        yield KeyBar(id="home-keys")

    def on_mount(self) -> None:
        self.query_one(KeyBar).show([("enter", "review deck"), ("a", "review all")], back="quit")
        self.refresh_rows()
        self.query_one("#decks", DataTable).focus()

    def on_resize(self) -> None:
        self.refresh_rows()

    def _title_width(self) -> int:
        # New, Due, Learned and Mastery take about 36 cells; the title gets the rest.
        return max(16, (self.size.width or 100) - 38)

    def on_screen_resume(self) -> None:
        # Back from a review or quiz: the counts have changed.
        if self.is_mounted:
            self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one("#decks", DataTable)
        if self.study.loading:
            self._show_loading(table)
            return
        selected = self.selected_deck_id()
        rows = views.deck_rows(self.study)
        table.clear(columns=True)
        width = self._title_width()
        table.add_column("Deck", key="deck", width=width)
        for key, label in (
            ("new", "New"),
            ("due", "Due"),
            ("learned", "Learned"),
            ("mastery", "Mastery"),
        ):
            table.add_column(label, key=key)
        for row in rows:
            table.add_row(
                literal(one_line(row.title, width)),
                str(row.new),
                str(row.due),
                str(row.learned),
                f"{row.mastery:.0%}" if row.mastery is not None else "–",
                key=row.deck_id,
            )
        if selected is not None:
            ids = [row.deck_id for row in rows]
            if selected in ids:
                table.move_cursor(row=ids.index(selected))
        total = views.queue_line(self.study, None)
        hint = "" if rows else "  No decks found: add YAML decks to a --decks folder."
        self.query_one("#queue-line", Static).update(literal(f"All decks: {total}.{hint}"))

    def _show_loading(self, table: DataTable) -> None:
        # A row that says so, not a LoadingIndicator: its animation would repaint all along and
        # take the interpreter from the loading thread.
        if not table.columns:
            table.add_column("Deck", key="deck", width=self._title_width())
            for key, label in (
                ("new", "New"),
                ("due", "Due"),
                ("learned", "Learned"),
                ("mastery", "Mastery"),
            ):
                table.add_column(label, key=key)
            table.add_row("Loading decks…", "…", "…", "…", "…", key=LOADING_ROW)
        self.query_one("#queue-line", Static).update("Loading decks and progress…")

    def selected_deck_id(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _with_deck(self) -> str | None:
        if not self.study.ready():
            return None
        deck_id = self.selected_deck_id()
        if deck_id is None:
            self.notify("There is no deck to open.", severity="warning")
        return deck_id

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_review()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("do-")
        getattr(self, f"action_{action}")()

    def action_review(self) -> None:
        if (deck_id := self._with_deck()) is not None:
            self.study.open_review(deck_id)

    def action_review_all(self) -> None:
        self.study.open_review(None)

    def action_quiz(self) -> None:
        if (deck_id := self._with_deck()) is not None:
            self.study.open_quiz(deck_id)

    def action_flashcards(self) -> None:
        if (deck_id := self._with_deck()) is not None:
            self.study.open_flashcards(deck_id)

    def action_notes(self) -> None:
        if (deck_id := self._with_deck()) is not None:
            self.study.open_notes(deck_id)

    def action_lab(self) -> None:
        self.study.open_lab()

    def action_stats(self) -> None:
        self.study.open_stats()

    def action_browse(self) -> None:
        self.study.open_browser(self.selected_deck_id())

    def action_settings(self) -> None:
        self.study.open_settings()
