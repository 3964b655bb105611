"""A yes/no question as a modal screen: ``push_screen(Confirm(question), callback)`` gets a bool.

y / Enter answer yes, n / Esc answer no, so a second Esc never does what the first one asked.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from studyrnn.i18n import N_, _


class Confirm(ModalScreen[bool]):
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: auto; max-width: 70; height: auto; border: round $warning;
        background: $surface; padding: 0 1;
    }
    Confirm #confirm-question { width: auto; max-width: 66; padding: 1 1 0 1; }
    Confirm #confirm-buttons { width: auto; height: auto; padding: 1 0 0 1; }
    Confirm Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", N_("Yes"), id="yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="no"),
    ]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes or _("Yes")
        self.no = no or _("No")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"y {self.yes}", id="confirm-yes", variant="warning", compact=True)
                yield Button(f"n {self.no}", id="confirm-no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
