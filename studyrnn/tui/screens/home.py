"""Home: the decks with their new, due and learned counts and mastery, and every action.

The counts are computed in a thread worker (``studyrnn.deck_summary``), never on the UI thread:
at start-up from the summary cache and the SQLite file (standard library only, before the decks
and the store have loaded), then from the loaded decks, again every ``REFRESH_SECONDS`` while
idle and when the next card falls due. A resize only re-lays the rows it already has.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, DataTable, Header, Static

from studyrnn.i18n import N_, _
from studyrnn.tui.screens.base import StudyScreen, translate_bindings
from studyrnn.tui.text import literal, one_line
from studyrnn.tui.widgets.key_bar import KeyBar

LOADING_ROW = "loading…"  # the placeholder row's key (a deck id never has an ellipsis)
REFRESH_SECONDS = 30.0  # idle refresh: a card due in a learning step shows up within this
DUE_TIMER_LIMIT = timedelta(hours=1)  # a one-shot timer for the next card due within this

# (action, key, label): the action bar mirrors the key bindings so a mouse works too.
ACTIONS = [
    ("review", "r", N_("Review")),
    ("quiz", "t", N_("Quiz")),
    ("flashcards", "f", N_("Flashcards")),
    ("notes", "n", N_("Notes")),
    ("lab", "l", N_("Lab")),
    ("stats", "s", N_("Stats")),
    ("browse", "b", N_("Browse")),
    ("settings", "o", N_("Settings")),
]
COLUMNS = [
    ("new", N_("New")),
    ("due", N_("Due")),
    ("learned", N_("Learned")),
    ("mastery", N_("Mastery")),
]


class HomeScreen(StudyScreen):
    BINDINGS = [
        Binding("q", "quit_app", N_("Quit"), id="quit"),
        Binding("escape", "ask_quit", N_("Quit (asks first)"), id="back"),
        *[Binding(key, action, label, id=action) for action, key, label in ACTIONS],
        Binding("a", "review_all", N_("Review all"), id="review-all"),
    ]

    class Filled(Message):
        """Counts computed by the worker (``complete`` False: from the start-up cache)."""

        def __init__(self, data: Any) -> None:
            super().__init__()
            self.data = data

    def __init__(self) -> None:
        super().__init__()
        self.data: Any = None  # the last deck_summary.HomeData shown
        self.cache_saved = False
        self.due_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static(id="queue-line")
            with Grid(id="actions"):
                for action, key, label in ACTIONS:
                    yield Button(f"{key} {_(label)}", id=f"do-{action}", compact=True)
        # The buttons above name every action's key; a one-line bar (not Textual's Footer, a
        # widget per binding) adds the rest and keeps the first paint quick.
        yield KeyBar(id="home-keys")

    def on_mount(self) -> None:
        translate_bindings(
            self.app, _
        )  # the app's own keys (? help, ^p palette) in the UI language
        self._label_keys()
        self._show_loading(self.query_one("#decks", DataTable))
        self.refresh_rows()
        self.set_interval(REFRESH_SECONDS, self.refresh_rows)
        self.query_one("#decks", DataTable).focus()

    def _label_keys(self) -> None:
        self.query_one(KeyBar).show(
            [("enter", _("review deck")), ("a", _("review all")), ("q", _("quit"))],
            back=None,
        )

    def relabel(self) -> None:
        """Redraw every word after the UI language changed (Settings)."""
        from studyrnn.i18n import translator

        self.gettext = translator(None)
        translate_bindings(self, self.gettext)
        translate_bindings(self.app, self.gettext)
        for action, key, label in ACTIONS:
            self.query_one(f"#do-{action}", Button).label = f"{key} {_(label)}"
        self._label_keys()
        if self.data is not None:
            self._draw(self.data)

    def on_resize(self) -> None:
        if self.data is not None:
            self._draw(self.data)  # the rows it has, re-laid for the new width: no queries

    def on_screen_resume(self) -> None:
        # Back from a review or quiz: the counts have changed.
        if self.is_mounted:
            self.refresh_rows()

    def _title_width(self) -> int:
        # New, Due, Learned and Mastery take about 36 cells; the title gets the rest.
        return max(16, (self.size.width or 100) - 38)

    # -- counts, off the UI thread -----------------------------------------------------------------

    def refresh_rows(self) -> None:
        """Recompute the counts in a worker; ``Filled`` redraws the table."""
        self.compute_rows(self.study.now())

    @work(thread=True, exclusive=True, group="home-counts", exit_on_error=False)
    def compute_rows(self, now: datetime) -> None:
        from studyrnn import deck_summary

        app = self.study
        if app.loading:
            data = deck_summary.quick(app.settings, now)
        else:
            decks = app.deck_list()
            data = deck_summary.from_app(app.settings, app.store, app.learner, decks, now)
            if not self.cache_saved and app.store is not None:
                self.cache_saved = True
                try:
                    deck_summary.save_cache(app.settings, decks)
                except Exception:  # a cache that cannot be written only costs the next start
                    pass
        if data is not None:
            self.post_message(self.Filled(data))

    def on_home_screen_filled(self, message: Filled) -> None:
        if message.data.complete is False and not self.study.loading:
            return  # a late start-up estimate after the real counts: keep the real ones
        self.data = message.data
        self._draw(message.data)
        self._arm_due_timer(message.data.next_due)

    def _arm_due_timer(self, next_due: datetime | None) -> None:
        if self.due_timer is not None:
            self.due_timer.stop()
            self.due_timer = None
        if next_due is None:
            return
        wait = (next_due - self.study.now()).total_seconds()
        if 0 < wait < DUE_TIMER_LIMIT.total_seconds():
            self.due_timer = self.set_timer(wait + 0.5, self.refresh_rows)

    # -- drawing -----------------------------------------------------------------------------------

    def _columns(self, table: DataTable) -> None:
        table.clear(columns=True)
        table.add_column(_("Deck"), key="deck", width=self._title_width())
        for key, label in COLUMNS:
            table.add_column(_(label), key=key)

    def _draw(self, data: Any) -> None:
        table = self.query_one("#decks", DataTable)
        selected = self.selected_deck_id()
        self._columns(table)
        width = self._title_width()
        rows = data.rows()
        for info, c in rows:
            table.add_row(
                literal(one_line(info.title, width)),
                str(c.new),
                str(c.due),
                str(c.learned),
                f"{c.mastery:.0%}" if c.mastery is not None else "–",
                key=info.id,
            )
        if selected is not None:
            ids = [info.id for info, _c in rows]
            if selected in ids:
                table.move_cursor(row=ids.index(selected))
        self.query_one("#queue-line", Static).update(literal(self.queue_text(data)))

    def queue_text(self, data: Any) -> str:
        """The totals, and the daily new-card limit that every deck's New column shares."""
        if not data.decks:
            return _("No decks found: add YAML decks to a --decks folder.")
        total = _("All decks: {new} new · {learning} learning · {review} to review.").format(
            new=data.total_new, learning=data.total_learning, review=data.total_review
        )
        limit = _(
            "New cards: {limit} a day shared by all decks, {left} left today (o Settings)."
        ).format(limit=data.new_per_day, left=data.new_left)
        return f"{total}\n{limit}"

    def _show_loading(self, table: DataTable) -> None:
        # A row that says so, not a LoadingIndicator: its animation would repaint all along and
        # take the interpreter from the loading thread.
        self._columns(table)
        table.add_row(_("Loading decks…"), "…", "…", "…", "…", key=LOADING_ROW)
        self.query_one("#queue-line", Static).update(_("Loading decks and progress…"))

    def selected_deck_id(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value == LOADING_ROW else row_key.value

    def _with_deck(self) -> str | None:
        if not self.study.ready():
            return None
        deck_id = self.selected_deck_id()
        if deck_id is None:
            self.notify(_("There is no deck to open."), severity="warning")
        return deck_id

    # -- actions -----------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_review()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("do-")
        getattr(self, f"action_{action}")()

    def action_quit_app(self) -> None:
        self.study.exit()

    def action_ask_quit(self) -> None:
        """Esc on home: one Esc too many must not end the session, so ask (q quits at once)."""
        from studyrnn.tui.screens.confirm import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self.study.exit()

        self.study.push_screen(Confirm(_("Quit studyrnn?"), yes=_("Quit"), no=_("Stay")), answered)

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
