"""A one-line key bar for the answering screens.

Textual's Footer rebuilds itself whenever focus or the active bindings change, which on the
quiz and review screens is every question; this bar is one Static whose text the screen sets
for the phase it is in, so moving to the next question stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def __init__(self, *args: Any, gettext: Callable[[str], str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.gettext = gettext  # the screen's language (a deck's); None: the UI language

    def show(self, keys: list[tuple[str, str]], back: str | None = "back") -> None:
        """``keys`` then esc (``back``; None leaves it out), ? help and ^p palette."""
        from studyrnn.i18n import N_
        from studyrnn.i18n import _ as ui_language

        gettext = self.gettext or ui_language
        tail = [("?", gettext(N_("help"))), ("^p", gettext(N_("palette")))]
        if back is not None:
            tail.insert(0, ("esc", gettext(back)))
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, does in [*keys, *tail]:
            text.append(f" {key} ", style="bold")
            text.append(f"{does}  ")
        self.update(text)
