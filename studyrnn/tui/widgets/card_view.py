"""One card as a learner sees it, with the right input for its type.

The widget renders a ``studyrnn.quiz.Presented`` and collects an answer; it never grades. When
the learner submits it posts ``CardView.Submitted`` with the structured response (what
``Presented.grade`` takes) and the answer as text (for the results table and the review log).
The quiz, the review screen and the deck browser all use it, so an instructor previews exactly
what a learner will see.

Keys: choice and true/false — a number picks and submits, or arrows then Enter; multi — numbers
or Space toggle, Enter submits; order — arrows choose an item, Ctrl+Up/Ctrl+Down or K/J move it,
Enter submits; numeric and text — type, Enter submits (empty = "I don't know").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from studyrnn.tui.text import literal, visible

TRUE_FALSE = ["True", "False"]


class MultiAnswer(SelectionList[int]):
    """A selection list whose Enter submits (Space still toggles)."""

    BINDINGS = [Binding("enter", "submit", "Submit", id="submit-multi")]

    class Submit(Message):
        pass

    def action_submit(self) -> None:
        self.post_message(self.Submit())


class OrderAnswer(ListView):
    """Items to put in order: arrows choose, Ctrl+Up/Down or K/J move, Enter submits."""

    BINDINGS = [
        Binding("ctrl+up,K", "move(-1)", "Move up", id="move-up"),
        Binding("ctrl+down,J", "move(1)", "Move down", id="move-down"),
    ]

    class Moved(Message):
        def __init__(self, source: int, target: int) -> None:
            self.source = source
            self.target = target
            super().__init__()

    def action_move(self, step: int) -> None:
        index = self.index
        if index is None:
            return
        target = index + step
        if 0 <= target < len(self):
            self.post_message(self.Moved(index, target))


class CardView(Vertical):
    """A presented card and its input. ``locked`` once graded."""

    DEFAULT_CSS = """
    CardView { height: auto; }
    CardView #back { display: none; }
    CardView.revealed #back { display: block; }
    CardView.revealed #flip-hint { display: none; }
    CardView #inline-error { display: none; }
    CardView.invalid #inline-error { display: block; }
    CardView OptionList, CardView SelectionList, CardView ListView { height: auto; max-height: 12; }
    CardView ListItem Label { width: 1fr; }
    """

    BINDINGS = [Binding(str(n), f"pick({n})", show=False, id=f"pick-{n}") for n in range(1, 10)]

    class Submitted(Message):
        """The learner answered; ``response`` goes to ``Presented.grade``, ``text`` to the log."""

        def __init__(self, view: CardView, response: Any, text: str, typed: bool) -> None:
            self.view = view
            self.response = response
            self.text = text
            self.typed = typed  # True: response is typed text for grade_text
            super().__init__()

    def __init__(
        self,
        presented: Any,
        *,
        autofocus: bool = True,
        id: str | None = None,
        classes: str | None = None,
        gettext: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.gettext: Callable[[str], str] = gettext or (lambda message: message)
        self.presented = presented
        self.autofocus = autofocus
        self.kind: str = presented.kind
        self.locked = False
        self.revealed = False
        self.guard_until = 0.0  # monotonic time before which answer keys are ignored
        self.order: list[int] = list(range(len(self.options)))

    @property
    def options(self) -> list[str]:
        if self.kind == "true_false":
            return list(self.presented.options or TRUE_FALSE)
        return list(self.presented.options or [])

    # -- rendering ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        p = self.presented
        gettext = self.gettext
        yield Static(literal(p.prompt), id="prompt", classes="prompt")
        unit = getattr(p, "unit", None)
        if self.kind == "choice" or self.kind == "true_false":
            # True/False are chrome (translated); a choice card's options are deck text
            shown = [gettext(o) if self.kind == "true_false" else o for o in self.options]
            yield OptionList(
                *[
                    Option(literal(f"{i}. {text}"), id=str(i - 1))
                    for i, text in enumerate(shown, 1)
                ],
                id="answer-choice",
            )
            # the hint after the options: read once they are known
            hint = gettext("Press 1-{n}, or ↑/↓ then Enter.").format(n=len(self.options))
            yield Static(hint, classes="hint")
        elif self.kind == "multi":
            yield Static(
                gettext("Select every right answer (number or Space toggles), then Enter."),
                classes="hint",
            )
            yield MultiAnswer(
                *[(literal(f"{i}. {text}"), i - 1) for i, text in enumerate(self.options, 1)],
                id="answer-multi",
            )
        elif self.kind == "order":
            yield Static(
                gettext(
                    "Put these in order: Ctrl+Up/Down (or K/J) moves the chosen item; Enter submits."
                ),
                classes="hint",
            )
            yield OrderAnswer(*self._order_items(), id="answer-order")
        elif self.kind in ("numeric", "text"):
            placeholder = gettext("a number") if self.kind == "numeric" else gettext("your answer")
            if unit:
                placeholder += " " + gettext("(in {unit})").format(unit=visible(unit))
            yield Input(
                placeholder=gettext("{what} — Enter submits, empty = I don't know").format(
                    what=placeholder
                ),
                id="answer-input",
            )
        elif self.kind == "flashcard":
            yield Static(literal(p.back or ""), id="back", classes="back")
            yield Static(
                gettext("Space or Enter shows the answer."), id="flip-hint", classes="hint"
            )
        yield Static("", id="inline-error", classes="inline-error")

    def _order_items(self) -> list[ListItem]:
        return [
            ListItem(Label(literal(f"{pos}. {self.options[i]}")))
            for pos, i in enumerate(self.order, 1)
        ]

    def on_mount(self) -> None:
        if self.autofocus:
            self.focus_input()

    def focus_input(self) -> None:
        for widget in self.query("OptionList, ListView, Input"):
            if not widget.disabled:
                widget.focus()
                return

    # -- answering ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            # A number is for the card only while it takes an answer; afterwards it rates.
            return not self.locked and self.kind in ("choice", "true_false", "multi")
        return True

    def action_pick(self, number: int) -> None:
        import time

        if time.monotonic() < self.guard_until:
            return  # a rating key still bouncing from the card before: not an answer
        index = number - 1
        if not 0 <= index < len(self.options):
            return
        if self.kind == "multi":
            self.query_one(MultiAnswer).toggle(index)
        else:
            self.query_one(OptionList).highlighted = index
            self._submit_choice(index)

    def _submit_choice(self, index: int) -> None:
        if self.kind == "true_false":
            value = self.options[index].strip().lower().startswith("t")
            self._post(value, self.options[index])
        else:
            self._post(index, self.options[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.locked:
            self._submit_choice(event.option_index)

    def on_multi_answer_submit(self, event: MultiAnswer.Submit) -> None:
        event.stop()
        chosen = sorted(self.query_one(MultiAnswer).selected)
        self._post(chosen, ", ".join(self.options[i] for i in chosen) or "(none)")

    def on_order_answer_moved(self, event: OrderAnswer.Moved) -> None:
        event.stop()
        if self.locked:
            return
        self.order[event.source], self.order[event.target] = (
            self.order[event.target],
            self.order[event.source],
        )
        view = self.query_one(OrderAnswer)
        for pos, (item, i) in enumerate(zip(view.children, self.order), 1):
            item.query_one(Label).update(literal(f"{pos}. {self.options[i]}"))
        view.index = event.target

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        self.submit_order()

    def submit_order(self) -> None:
        if self.kind == "order" and not self.locked:
            self._post(list(self.order), " → ".join(self.options[i] for i in self.order))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.locked:
            self.post_message(
                self.Submitted(self, event.value, event.value.strip() or "(I don't know)", True)
            )

    def _post(self, response: Any, text: str) -> None:
        if not self.locked:
            self.post_message(self.Submitted(self, response, text, False))

    # -- after grading ----------------------------------------------------------------------------

    def show_invalid(self, message: str) -> None:
        """The answer could not be read (not a number, ...): say why, keep the input."""
        from studyrnn.wording import wording

        self.query_one("#inline-error", Static).update(literal(wording(message, self.gettext)))
        self.add_class("invalid")
        self.focus_input()

    def freeze(self) -> None:
        """Graded: the input stays visible with the learner's answer but takes no more keys."""
        self.locked = True
        self.remove_class("invalid")
        self.query_one("#inline-error", Static).update("")
        for widget in self.query("OptionList, ListView, Input, SelectionList"):
            widget.disabled = True

    def reveal(self) -> None:
        """Flashcards: turn the card over."""
        self.revealed = True
        self.add_class("revealed")
        self.locked = True
