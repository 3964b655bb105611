"""The end of a quiz: score, time, every question with the learner's answer; re-drill the wrong."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal, one_line
from studyrnn.tui.widgets.verdict import OUTCOME_WORDS, outcome_name


def _expected(answer: Any) -> str:
    if answer.verdict is not None:
        return getattr(answer.verdict, "expected", "") or ""
    return getattr(answer.presented, "back", "") or ""


def _result_word(answer: Any) -> str:
    if answer.verdict is None:
        return {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[answer.rating]
    name = outcome_name(answer.verdict)
    return OUTCOME_WORDS.get(name, name.title())


class ResultsScreen(StudyScreen):
    BINDINGS = [
        Binding("d", "drill", "Drill the wrong ones", id="drill"),
    ]

    def __init__(
        self,
        deck_id: str,
        answers: list[Any],
        elapsed: float,
        *,
        title: str = "Quiz",
        mode: str = "quiz",
    ) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.answers = answers
        self.elapsed = elapsed
        self.title_text = title
        self.mode = mode

    @property
    def wrong(self) -> list[Any]:
        return [a for a in self.answers if a.wrong]

    @property
    def score(self) -> float:
        return sum(a.score for a in self.answers)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="results-body"):
            yield Static(id="score", classes="score")
            yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Results · {self.title_text}"
        n = len(self.answers)
        minutes, seconds = divmod(round(self.elapsed), 60)
        wrong = len(self.wrong)
        line = f"Score {self.score:g} / {n}  ·  time {minutes}:{seconds:02d}"
        line += f"  ·  {wrong} to drill (press d)" if wrong else "  ·  all right!"
        self.query_one("#score", Static).update(literal(line))
        table = self.query_one("#results", DataTable)
        table.add_columns("#", "Question", "Your answer", "Right answer", "Result")
        for i, a in enumerate(self.answers, 1):
            table.add_row(
                str(i),
                literal(one_line(a.presented.prompt, 34)),
                literal(one_line(a.answer, 18)),
                literal(one_line(_expected(a), 18)),
                _result_word(a),
                key=str(i),
            )
        table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return bool(self.wrong)
        return True

    def action_drill(self) -> None:
        from studyrnn.tui.screens.quiz import QuizScreen

        cards = [a.card for a in self.wrong]
        if not cards:
            self.notify("Nothing to drill: every answer was right.")
            return
        title = self.title_text.split(" · ", 1)[-1]
        self.app.switch_screen(
            QuizScreen.for_cards(
                self.study, self.deck_id, cards, mode=self.mode, title=f"Drill · {title}"
            )
        )
