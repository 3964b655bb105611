"""Settings: desired retention, new cards and reviews per day, learning and relearning steps, the
study day (the hour it starts, the learn-ahead limit, the time zone) and the UI language. Leaving
with unsaved changes asks first.

The time zone field is an IANA name checked with ``zoneinfo``; left empty, the study day follows
this computer's zone (the default). A chosen zone is kept for the next start
(``studyrnn.settings.choose_timezone``); the store keeps the zone in use, as it keeps the rest."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from studyrnn import i18n
from studyrnn.i18n import N_, _
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal

AUTOMATIC = "auto"  # the language Select's value for "follow the locale"

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


def parse_minutes(text: str) -> timedelta:
    """'20' -> 20 minutes (whole minutes; ValueError for anything else)."""
    return timedelta(minutes=int(text))


def format_minutes(value: timedelta) -> str:
    return str(round(value.total_seconds() / 60))


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
FIELDS: list[tuple[str, str, Callable[[Any], str], Callable[[str], Any]]] = [
    ("desired_retention", N_("Desired retention (0.5-0.99)"), str, float),
    ("new_per_day", N_("New cards per day (all decks)"), str, int),
    ("max_reviews_per_day", N_("Maximum reviews per day"), str, int),
    ("learning_steps", N_("Learning steps (e.g. 1m 10m)"), format_steps, parse_steps),
    ("relearning_steps", N_("Relearning steps"), format_steps, parse_steps),
    ("rollover_hour", N_("Day starts at (hour 0-23)"), str, int),
    ("learn_ahead", N_("Learn-ahead limit (minutes)"), format_minutes, parse_minutes),
]
# (field, lowest, highest) for the whole numbers above: a message here, in the UI language,
# before the store's own check
RANGES = {"rollover_hour": (0, 23), "learn_ahead": (0, 1440)}


class SettingsScreen(StudyScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[str, str] = {}  # the form as last loaded or saved (unsaved = differs)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form"):
            for name, label, _show, _parse in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(_(label), classes="field-label")
                    yield Input(id=name, compact=True)
            with Horizontal(classes="field"):
                yield Label(_("Time zone (empty: local)"), classes="field-label")
                yield Input(id="timezone", compact=True)
            with Horizontal(classes="field"):
                yield Label(_("Language"), classes="field-label")
                options = [(_("Automatic (from the locale)"), AUTOMATIC)]
                options += [(name, tag) for tag, name in i18n.LANGUAGES.items()]
                yield Select(options, allow_blank=False, id="language", compact=True)
            yield Static(id="settings-message")
            with Horizontal(id="settings-buttons"):
                yield Button(_("Save (Ctrl+S)"), id="save", variant="primary")
                yield Button(_("Back (Esc)"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Settings")
        app = self.study
        chosen = i18n.load_preference(app.settings.learner)
        self.query_one("#language", Select).value = chosen or AUTOMATIC
        if app.store is None:
            self.query_one("#settings-message", Static).update(_("No progress store is open."))
            return
        current = app.store.settings(app.learner)
        for name, _label, show, _parse in FIELDS:
            self.query_one(f"#{name}", Input).value = show(getattr(current, name))
        from studyrnn.settings import chosen_timezone
        from studyrnn.store.days import local_zone_name

        zone = self.query_one("#timezone", Input)
        zone.placeholder = local_zone_name()
        zone.value = chosen_timezone(app.settings.learner)
        self.saved = self.form()
        self.query_one(f"#{FIELDS[0][0]}", Input).focus()

    def form(self) -> dict[str, str]:
        """What the form says now (text as typed)."""
        values = {name: self.query_one(f"#{name}", Input).value for name, *_rest in FIELDS}
        values["timezone"] = self.query_one("#timezone", Input).value
        values["language"] = str(self.query_one("#language", Select).value)
        return values

    def unsaved(self) -> bool:
        return bool(self.saved) and self.form() != self.saved

    def action_back(self) -> None:
        """Leaving with unsaved changes asks; saved or unchanged, Esc leaves at once."""
        if not self.unsaved():
            self.study.action_back()
            return
        from studyrnn.tui.screens.confirm import Confirm

        def answered(leave: bool | None) -> None:
            if leave:
                self.study.action_back()

        self.study.push_screen(
            Confirm(
                _("Your changes are not saved. Leave without saving?"),
                yes=_("Leave"),
                no=_("Stay"),
            ),
            answered,
        )

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
        for name, label, _show, parse in FIELDS:
            text = self.query_one(f"#{name}", Input).value
            try:
                changes[name] = parse(text)
            except ValueError as err:
                message.update(
                    literal(
                        f"{_(label)}: {err}"
                        if "step" in str(err)
                        else _("{label}: {text!r} is not a number").format(
                            label=_(label), text=text
                        )
                    )
                )
                message.set_class(True, "error")
                return
            if name in RANGES:  # both parse a whole number from the text
                low, high = RANGES[name]
                if not low <= int(text) <= high:
                    return self._error(
                        _("{label}: {low} to {high}, not {value}").format(
                            label=_(label), low=low, high=high, value=int(text)
                        )
                    )
        from studyrnn.settings import choose_timezone, chosen_timezone
        from studyrnn.store.days import is_zone, local_zone_name

        chosen = self.query_one("#timezone", Input).value.strip()
        if chosen and not is_zone(chosen):
            return self._error(
                _("Time zone: {name!r} is not a time zone name like Europe/Berlin").format(
                    name=chosen
                )
            )
        changes["timezone"] = chosen or local_zone_name()
        try:
            app.store.update_settings(app.learner, **changes)
            if chosen != chosen_timezone(app.settings.learner):
                choose_timezone(app.settings.learner, chosen)
        except (OSError, StudyrnnError) as err:
            message.update(literal(str(err)))
            message.set_class(True, "error")
            return
        language = self.query_one("#language", Select).value
        tag = None if language == AUTOMATIC else str(language)
        if tag != i18n.load_preference(app.settings.learner):
            try:
                i18n.save_preference(app.settings.learner, tag)
            except (OSError, StudyrnnError) as err:
                message.update(literal(str(err)))
                message.set_class(True, "error")
                return
            i18n.set_language(tag)
            for screen in self.study.screen_stack:  # home, below: its words in the new language
                relabel = getattr(screen, "relabel", None)
                if relabel is not None and screen is not self:
                    relabel()
        self.saved = self.form()
        message.set_class(False, "error")
        message.update(_("Saved."))
        self.notify(_("Settings saved."))

    def _error(self, text: str) -> None:
        message = self.query_one("#settings-message", Static)
        message.update(literal(text))
        message.set_class(True, "error")
