"""What every studyrnn screen shares: q/Esc go back, worker failures reach the app's handler,
and the key descriptions in the screen's language (``self.gettext``: the UI language, or a
deck's language for a screen about one deck — pass ``language=deck.language``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from studyrnn.i18n import N_, translator

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp


class StudyScreen(Screen[Any]):
    BINDINGS = [
        Binding("escape,q", "back", N_("Back"), id="back"),
    ]

    def __init__(self, *args: Any, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gettext = translator(language)
        translate_bindings(self, self.gettext)

    @property
    def study(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    def action_back(self) -> None:
        self.study.action_back()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.study.report_worker(event.worker)


def translate_bindings(node: Any, gettext: Any) -> None:
    """Translate the descriptions of ``node``'s bindings (BINDINGS hold them marked with N_)."""
    if node._merged_bindings is not None:
        node._bindings = node._merged_bindings.copy()  # from the English, for a language change
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=gettext(b.description)) if b.description else b for b in bindings
        ]
