"""The help screen (?): the keys of the screen it was opened from, and the global ones."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from studyrnn.i18n import N_, _

GLOBAL_KEYS = [
    ("?", N_("this help")),
    ("Ctrl+P", N_("command palette: jump to any deck or action")),
    ("q / Esc", N_("back (on the home screen q quits, Esc asks first)")),
]

REVIEW_KEYS = [
    ("Space / Enter", N_("reveal a flashcard; after an answer, accept the suggested rating")),
    ("1 2 3 4", N_("rate Again / Hard / Good / Easy (each button shows its next interval)")),
    ("u", N_("undo the last review (review screen)")),
    ("1-9", N_("pick a choice (choice and true/false cards), toggle an option (multi)")),
    ("Ctrl+↑/↓ or K/J", N_("move the chosen item (order cards); Enter submits")),
]


def _key_name(key: str) -> str:
    names = {
        "question_mark": "?",
        "escape": "Esc",
        "enter": "Enter",
        "space": "Space",
        "comma": ",",
    }
    return ", ".join(names.get(k, k.replace("ctrl+", "Ctrl+")) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", N_("Close"), id="close"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.keys_table(), id="help-keys")

    def keys_table(self) -> Table:
        gettext = getattr(self.under, "gettext", _)
        table = Table(title=_("Keys"), expand=True, show_header=False, box=None, padding=(0, 1))
        # keys are at most ~15 cells; a longer section heading wraps instead of widening the column
        table.add_column("key", style="bold", max_width=17)
        table.add_column("does", ratio=1)
        seen: set[str] = set()
        name = type(self.under).__name__.removesuffix("Screen")
        table.add_row(Text(_("On this screen ({name})").format(name=name), style="underline"), "")
        for binding in self.under.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.key not in seen:
                seen.add(binding.key)
                table.add_row(_key_name(binding.key), gettext(binding.description))
        table.add_row("", "")
        table.add_row(Text(_("Answering cards"), style="underline"), "")
        for key, does in REVIEW_KEYS:
            table.add_row(key, _(does))
        table.add_row("", "")
        table.add_row(Text(_("Everywhere"), style="underline"), "")
        for key, does in GLOBAL_KEYS:
            table.add_row(key, _(does))
        return table

    def action_dismiss(self) -> None:
        self.dismiss(None)
