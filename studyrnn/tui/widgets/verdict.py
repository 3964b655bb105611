"""After an answer: the verdict, the right answer, the explanation or worked solution."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import Static

from studyrnn.i18n import N_
from studyrnn.tui.text import visible

OUTCOME_WORDS = {
    "CORRECT": N_("Correct"),
    "PARTIAL": N_("Partly right"),
    "INCORRECT": N_("Not quite"),
    "REVEALED": N_("Answer shown"),
    "INVALID": N_("Could not read that"),
}


def outcome_name(verdict: Any) -> str:
    outcome = getattr(verdict, "outcome", None)
    return str(getattr(outcome, "name", outcome) or "").upper()


class VerdictPanel(Static):
    """Shows a verdict; the CSS class (correct, incorrect, ...) colours its border."""

    DEFAULT_CSS = """
    VerdictPanel { height: auto; }
    """

    def __init__(self, *args: Any, gettext: Callable[[str], str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.gettext: Callable[[str], str] = gettext or (lambda message: message)

    def on_mount(self) -> None:
        self.display = False

    def show(
        self,
        verdict: Any | None,
        presented: Any,
        *,
        flashcard: bool = False,
        source: str | None = None,
        back: str | None = None,
    ) -> None:
        """The verdict, the right answer, the explanation, a worked solution (steps wrap under
        their own indent) and the card's source; ``back``: a flip card's back instead."""
        from rich.console import Group
        from rich.table import Table

        from studyrnn.wording import wording

        gettext = self.gettext
        text = Text()
        classes = {name.lower() for name in OUTCOME_WORDS} | {"revealed"}
        if verdict is not None:
            name = outcome_name(verdict)
            self.set_classes(
                " ".join(c for c in self.classes if c not in classes) + f" {name.lower()}"
            )
            word = OUTCOME_WORDS.get(name)
            text.append(gettext(word) if word else name.title(), style="bold")
            message = visible(wording(getattr(verdict, "message", "") or "", gettext))
            if message:
                text.append(f" — {message}")
            expected = visible(wording(getattr(verdict, "expected", "") or "", gettext))
            if expected and name != "CORRECT" and expected not in message:
                text.append("\n" + gettext("Answer: "), style="bold")
                text.append(expected)
        elif flashcard:
            self.set_classes(" ".join(c for c in self.classes if c not in classes) + " revealed")
            text.append(gettext("How well did you know it?"), style="bold")
        if back:
            text.append("\n\n")
            text.append(visible(back))
        explanation = None if back else getattr(presented, "explanation", None)
        if explanation:
            text.append("\n\n")
            text.append(visible(explanation))
        parts: list[Any] = [text]
        solution = [] if back else list(getattr(presented, "solution", None) or [])
        if solution:
            parts.append(Text("\n" + gettext("Worked solution"), style="bold"))
            steps = Table.grid(padding=(0, 0))
            steps.add_column(width=4, no_wrap=True)
            steps.add_column(ratio=1)
            for step in solution:
                steps.add_row("  • ", Text(visible(step)))
            parts.append(steps)
        if source:
            parts.append(Text.assemble(("\n" + gettext("Source: "), "bold"), visible(source)))
        self.update(Group(*parts))
        self.display = True

    @property
    def shown(self) -> bool:
        return self.display

    def hide(self) -> None:
        # display, not a CSS class: no restyling of the subtree on the way to the next question
        self.display = False
