"""The end of a quiz or a flashcard run: score, time, every question; re-drill the wrong ones.

Readable at 80 columns: the Result column comes right after the number and the text columns
share what is left, each cell shortened with an ellipsis.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from studyrnn.i18n import N_
from studyrnn.study import format_score
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal, one_line
from studyrnn.tui.widgets.key_bar import KeyBar
from studyrnn.tui.widgets.verdict import OUTCOME_WORDS, outcome_name


def _result_word(answer: Any, gettext: Any = str) -> str:
    if answer.verdict is None:
        return gettext(answer.rating.label)
    name = outcome_name(answer.verdict)
    word = OUTCOME_WORDS.get(name)
    return gettext(word) if word else name.title()


class ResultsScreen(StudyScreen):
    BINDINGS = [
        Binding("d", "drill", N_("Drill the wrong ones"), id="drill"),
    ]

    def __init__(self, session: Any, saver: Any = None) -> None:
        super().__init__(language=getattr(getattr(session, "deck", None), "language", None))
        self.session = session
        self.saver = saver
        self.answers = list(session.answers)
        self.elapsed = session.elapsed
        self.title_text = session.title
        self.mode = str(session.mode)

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
        yield KeyBar(id="results-keys", gettext=self.gettext)

    def on_mount(self) -> None:
        from studyrnn.untrusted import shown

        tr = self.gettext
        kind = tr("Flashcards") if self.mode == "flashcards" else tr("Results")
        self.sub_title = shown(f"{kind} · {self.title_text}")  # plain Content, never markup
        n = len(self.answers)
        minutes, seconds = divmod(round(self.elapsed), 60)
        wrong = len(self.wrong)
        line = tr("Score {score} / {n}  ·  time {time}").format(
            score=format_score(self.score), n=n, time=f"{minutes}:{seconds:02d}"
        )
        line += "  ·  " + (
            tr("{n} to drill (press d)").format(n=wrong) if wrong else tr("all right!")
        )
        self.query_one("#score", Static).update(literal(line))
        keys = [("d", tr("drill the wrong ones"))] if wrong else []
        self.query_one(KeyBar).show(keys)
        self.fill_table()
        self.query_one("#results", DataTable).focus()

    def fill_table(self) -> None:
        table = self.query_one("#results", DataTable)
        width = max(40, (self.size.width or self.app.size.width or 80) - 2)
        # "#" 3, Result 12, the three text columns share the rest (cell padding 2 each)
        text = max(12, (width - 3 - 12 - 5 * 2) // 3)
        question, answer = text + 6, text - 3
        table.clear(columns=True)
        table.add_column("#", width=3)
        tr = self.gettext
        table.add_column(tr("Result"), width=12)
        table.add_column(tr("Question"), width=question)
        table.add_column(tr("Your answer"), width=answer)
        table.add_column(tr("Right answer"), width=answer)
        from studyrnn.wording import wording

        for i, a in enumerate(self.answers, 1):
            given = a.shown_answer if a.answer is not None else tr("(self-rated)")
            table.add_row(
                str(i),
                _result_word(a, tr),
                literal(one_line(a.presented.prompt, question)),
                literal(one_line(given, answer)),
                literal(one_line(wording(a.expected, tr), answer)),
                key=str(i),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return bool(self.wrong)
        return True

    def action_drill(self) -> None:
        from studyrnn.study import QuizSession
        from studyrnn.tui.screens.quiz import QuizScreen

        cards = [a.card for a in self.wrong]
        if not cards:
            self.notify(self.gettext("Nothing to drill: every answer was right."))
            return
        session = QuizSession(
            self.session.ctx,
            self.session.deck_id,
            cards=cards,
            seed=getattr(self.session, "seed", 0) + 1,
            title=self.gettext("Drill · {title}").format(title=self.title_text),
        )
        self.app.switch_screen(QuizScreen(session))

    def on_unmount(self) -> None:
        saver, session = self.saver, self.session

        def close() -> None:
            if saver is not None:
                saver.flush()
            session.close()

        self.study.run_store(close)
