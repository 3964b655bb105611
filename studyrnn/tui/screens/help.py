"""The help screen (?): the keys of the screen it was opened from, and the global ones."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GLOBAL_KEYS = [
    ("?", "this help"),
    ("Ctrl+P", "command palette: jump to any deck or action"),
    ("q / Esc", "back (quit on the home screen)"),
]

REVIEW_KEYS = [
    ("Space / Enter", "reveal a flashcard; after an answer, accept the suggested rating"),
    ("1 2 3 4", "rate Again / Hard / Good / Easy (each button shows its next interval)"),
    ("u", "undo the last review (review screen)"),
    ("1-9", "pick a choice (choice and true/false cards), toggle an option (multi)"),
    ("Ctrl+↑/↓ or K/J", "move the chosen item (order cards); Enter submits"),
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
        Binding("escape,q,question_mark", "dismiss", "Close", id="close"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.keys_table(), id="help-keys")

    def keys_table(self) -> Table:
        table = Table(title="Keys", expand=True, show_header=False, box=None, padding=(0, 1))
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        seen: set[str] = set()
        name = type(self.under).__name__.removesuffix("Screen")
        table.add_row(Text(f"On this screen ({name})", style="underline"), "")
        for binding in self.under.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.key not in seen:
                seen.add(binding.key)
                table.add_row(_key_name(binding.key), binding.description)
        table.add_row("", "")
        table.add_row(Text("Answering cards", style="underline"), "")
        for key, does in REVIEW_KEYS:
            table.add_row(key, does)
        table.add_row("", "")
        table.add_row(Text("Everywhere", style="underline"), "")
        for key, does in GLOBAL_KEYS:
            table.add_row(key, does)
        return table

    def action_dismiss(self) -> None:
        self.dismiss(None)
