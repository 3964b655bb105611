"""Settings: desired retention, new cards and reviews per day, learning and relearning steps."""

from __future__ import annotations

import re
from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal

_STEP = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m' -> (1 min, 10 min). Raises ValueError with the offending piece."""
    steps = []
    for piece in text.replace(",", " ").split():
        match = _STEP.match(piece)
        if not match:
            raise ValueError(f"{piece!r} is not a step like 30s, 10m, 1h or 1d")
        steps.append(timedelta(**{_UNITS[match.group(2)]: float(match.group(1))}))
    return tuple(steps)


def format_steps(steps: tuple[timedelta, ...]) -> str:
    out = []
    for step in steps:
        seconds = int(step.total_seconds())
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if seconds >= size and seconds % size == 0:
                out.append(f"{seconds // size}{unit}")
                break
        else:
            out.append(f"{seconds}s")
    return " ".join(out)


# (field, label, to text, from text)
FIELDS = [
    ("desired_retention", "Desired retention (0.5-0.99)", str, float),
    ("new_per_day", "New cards per day", str, int),
    ("max_reviews_per_day", "Maximum reviews per day", str, int),
    ("learning_steps", "Learning steps (e.g. 1m 10m)", format_steps, parse_steps),
    ("relearning_steps", "Relearning steps", format_steps, parse_steps),
]


class SettingsScreen(StudyScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="settings-form"):
            for name, label, _, _ in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    yield Input(id=name, compact=True)
            yield Static(id="settings-message")
            with Horizontal(id="settings-buttons"):
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
                yield Button("Back (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        app = self.study
        if app.store is None:
            self.query_one("#settings-message", Static).update("No progress store is open.")
            return
        current = app.store.settings(app.learner)
        for name, _, show, _ in FIELDS:
            self.query_one(f"#{name}", Input).value = show(getattr(current, name))
        self.query_one(f"#{FIELDS[0][0]}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_back()

    def action_save(self) -> None:
        from studyrnn.errors import StudyrnnError

        app = self.study
        message = self.query_one("#settings-message", Static)
        changes = {}
        for name, label, _, parse in FIELDS:
            text = self.query_one(f"#{name}", Input).value
            try:
                changes[name] = parse(text)
            except ValueError as err:
                message.update(
                    literal(
                        f"{label}: {err}"
                        if "step" in str(err)
                        else f"{label}: {text!r} is not a number"
                    )
                )
                message.set_class(True, "error")
                return
        try:
            app.store.update_settings(app.learner, **changes)
        except StudyrnnError as err:
            message.update(literal(str(err)))
            message.set_class(True, "error")
            return
        message.set_class(False, "error")
        message.update("Saved.")
        self.notify("Settings saved.")
