"""What every studyrnn screen shares: q/Esc go back, worker failures reach the app's handler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp


class StudyScreen(Screen[Any]):
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="back"),
    ]

    @property
    def study(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    def action_back(self) -> None:
        self.study.action_back()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.study.report_worker(event.worker)
