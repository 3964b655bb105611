"""The four rating buttons, each with the interval it would schedule (Anki's reviewer bar)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from studyrnn.i18n import N_

RATING_NAMES = {1: N_("Again"), 2: N_("Hard"), 3: N_("Good"), 4: N_("Easy")}  # de: Anki's words


def format_interval(delta: timedelta) -> str:
    from studyrnn.tui.views import interval_label

    return interval_label(delta)


class RatingBar(Horizontal):
    DEFAULT_CSS = """
    RatingBar { height: auto; }
    RatingBar Button { width: 1fr; min-width: 10; }
    """

    class Rated(Message):
        def __init__(self, rating: int) -> None:
            self.rating = rating
            super().__init__()

    def __init__(self, *args: Any, gettext: Callable[[str], str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.gettext: Callable[[str], str] = gettext or (lambda message: message)

    def compose(self) -> ComposeResult:
        for rating, name in RATING_NAMES.items():
            yield Button(
                f"{rating} {self.gettext(name)}",
                id=f"rate-{rating}",
                classes=f"rate rate-{rating}",
                compact=True,
            )

    def show(
        self,
        intervals: Mapping[int, timedelta] | None,
        suggested: int | None,
        *,
        enabled: bool = True,
    ) -> None:
        """Each button with the interval it would schedule (none: a quiz, nothing rescheduled);
        ``enabled=False`` while the card waits for an answer (the row stays put)."""
        for rating, name in RATING_NAMES.items():
            button = self.query_one(f"#rate-{rating}", Button)
            label = f"{rating} {self.gettext(name)}"
            if intervals and rating in intervals:
                label += f" · {format_interval(intervals[rating])}"
            if rating == suggested and enabled:
                label = f"▸{label}"
            button.label = label
            button.set_class(rating == suggested and enabled, "suggested")
            # not ``disabled``: restyling four buttons twice per card costs more than it shows;
            # the screen ignores a rating before the verdict
        self.display = True

    def hide(self) -> None:
        self.display = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        rating = int((event.button.id or "rate-3").removeprefix("rate-"))
        self.post_message(self.Rated(rating))
