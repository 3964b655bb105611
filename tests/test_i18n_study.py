"""The study chrome in the deck's language: a German deck's quiz and review speak German, in
plain mode and in the TUI, English decks stay English; grading is the same in either language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from studyrnn import i18n
from tests.test_i18n import marked

ROOT = Path(__file__).resolve().parents[1] / "studyrnn"
STUDY = [
    "plain.py",
    "commands/quiz.py",
    "commands/review.py",
    "tolerance.py",
    "grading/keys.py",
    "grading/numbers.py",
    "grading/verdicts.py",
    "study/kinds.py",
    "study/review.py",
    "study/quiz.py",
    "tui/screens/answering.py",
    "tui/screens/quiz.py",
    "tui/screens/review.py",
    "tui/screens/results.py",
    "tui/screens/flashcards.py",
    "tui/widgets/card_view.py",
    "tui/widgets/verdict.py",
    "tui/widgets/rating_bar.py",
    "tui/widgets/key_bar.py",
]


def german() -> dict[str, str]:
    po = i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "studyrnn.po"
    return i18n.parse_po(po.read_text(encoding="utf-8"))


def test_every_study_message_has_a_german_translation() -> None:
    catalogue = german()
    missing = sorted({m for f in STUDY for m in marked(ROOT / f)} - set(catalogue))
    assert missing == []


# -- grading stays language-neutral; its wording translates ---------------------------------------


def test_verdicts_grade_alike_and_their_wording_translates() -> None:
    """The same answers get the same outcome, score and rating; only the wording's language
    differs (expected German written here by hand)."""
    from studyrnn.grading import ChoiceKey, NumericKey, TrueFalseKey
    from studyrnn.wording import wording

    de = i18n.translator("de")
    wrong_choice = ChoiceKey(options=("a", "b", "c"), answer=2).grade_text("1")
    assert (wrong_choice.outcome.name, wrong_choice.score, wrong_choice.rating) == (
        "INCORRECT",
        0,
        1,
    )
    assert wrong_choice.message == "you chose 1; the answer is c (option 3)"  # English as before
    assert wording(wrong_choice.message, de) == "Sie haben 1 gewählt; die Antwort ist c (Option 3)"

    not_a_number = NumericKey(answer=0.3).grade_text("abc")
    assert not_a_number.outcome.name == "INVALID" and not_a_number.rating is None
    assert wording(not_a_number.message, de).startswith("kein Zahlenwert: 'abc'")
    assert wording(NumericKey(answer=0.3).grade_text("3%").message, de) == (
        "kein Zahlenwert: '3%'; schreiben Sie Prozent als Anteil (30% ist 0.3)"
    )

    off = NumericKey(answer=0.3).grade_text("0.5")
    assert off.outcome.name == "INCORRECT" and off.score == 0
    assert wording(off.message, de).startswith("Sie gaben 0.5 an; akzeptiert: innerhalb von")
    assert wording(off.message, de).endswith("die Antwort ist 0.3")

    tf = TrueFalseKey(answer=True)
    assert tf.grade_text("falsch").outcome.name == "INCORRECT"
    assert wording(tf.grade_text("f").expected, de) == "Wahr"
    # deck text and English text pass through a translation untouched
    assert wording("plain text", de) == "plain text"


def test_rating_names_are_ankis_german_ones() -> None:
    from studyrnn.study import Rating

    de = i18n.translator("de")
    assert [de(r.label) for r in Rating] == ["Nochmal", "Schwer", "Gut", "Einfach"]
    assert [r.label for r in Rating] == ["Again", "Hard", "Good", "Easy"]
    assert Rating.parse("gut") is Rating.GOOD and Rating.parse("Nochmal") is Rating.AGAIN


# -- plain mode -----------------------------------------------------------------------------------


def plain_quiz(deck: str, stdin: str, capsys: pytest.CaptureFixture[str], monkeypatch) -> str:
    import sys

    from studyrnn.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(["quiz", deck, "--plain", "--limit", "3", "--seed", "1"]) == 0
    return capsys.readouterr().out


ENGLISH_CHROME = ("Question ", "incorrect", "explanation:", "the answer is", "score:", "source:")


def test_plain_quiz_of_the_german_deck_speaks_german(capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the deck decides, not the locale
    out = plain_quiz("rnn-grundlagen", "\n" * 10, capsys, monkeypatch)
    lines = out.splitlines()
    assert lines[0].endswith("(rnn-grundlagen): 3 Fragen")
    assert lines[1] == "Eine Antwort pro Zeile; eine leere Zeile zeigt die Antwort."
    for n in (1, 2, 3):
        assert f"Frage {n}/3" in lines
    assert out.count("falsch (aufgedeckt): die Antwort ist ") == 3
    assert "Erklärung: " in out and "Quelle: " in out
    assert lines[-1] == "Punkte: 0/3"
    for english in ENGLISH_CHROME:
        assert english not in out, english


def test_plain_quiz_of_an_english_deck_stays_english(capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # a German locale does not translate an English deck
    out = plain_quiz("bptt-basics", "\n" * 10, capsys, monkeypatch)
    assert "Question 1/3" in out and "incorrect (revealed): the answer is " in out
    assert out.splitlines()[-1] == "score: 0/3"
    for german in ("Frage", "falsch", "Erklärung", "Punkte", "Quelle"):
        assert german not in out, german


def test_plain_german_invalid_number_and_review_ratings(tmp_path) -> None:
    """A German deck's review: the card line, "kein Zahlenwert", the rating names and prompt."""
    from studyrnn.commands.review import PlainReview
    from studyrnn.settings import Settings
    from studyrnn.study import ReviewSession, build_context

    deck_dir = tmp_path / "decks"
    deck_dir.mkdir()
    source = ROOT.parent / "content" / "decks" / "rnn-grundlagen.yaml"
    text = source.read_text(encoding="utf-8")
    (deck_dir / "rnn-grundlagen.yaml").write_text(text, encoding="utf-8")
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="ada", deck_dirs=(deck_dir,)
    )
    ctx = build_context(settings, seed=5)
    out = io.StringIO()
    # every answer: a non-number (invalid for a numeric card), then empty (reveal), then rate 1
    stdin = "abc\n\n1\n" * 3
    try:
        PlainReview(ReviewSession(ctx, "rnn-grundlagen"), io.StringIO(stdin), out).run()
    finally:
        ctx.store.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Wiederholung in rnn-grundlagen: ")
    assert any(line.startswith("Karte 1: rnn-grundlagen/") and "(neu)" in line for line in lines)
    ratings = [line for line in lines if line.startswith("Nochmal ")]
    assert ratings and all(
        " · Schwer " in r and " · Gut " in r and " · Einfach " in r for r in ratings
    )
    assert "bewerten [1–4, Enter für 1, u macht rückgängig]:" in lines
    assert any(line.startswith("nächste: ") for line in lines)
    assert any(line.startswith("ungültig: ") for line in lines)
    for english in ("card 1:", "Again", "rate [", "next:", "invalid:"):
        assert not any(english in line for line in lines), english


# -- the TUI --------------------------------------------------------------------------------------


def test_tui_quiz_on_the_german_deck_shows_german_chrome(tmp_path) -> None:
    import asyncio

    from tui_helpers import build_app, settle

    async def run() -> None:
        from textual.widgets import DataTable, OptionList, Static

        from studyrnn.tui.screens.quiz import QuizScreen
        from studyrnn.tui.widgets.rating_bar import RatingBar

        app = build_app(tmp_path, deck_dirs=(ROOT.parent / "content" / "decks",))
        async with app.run_test(size=(100, 34)) as pilot:
            deck = app.deck("rnn-grundlagen")
            cards = [deck.card("zustand-rechnen"), deck.card("gewichte-geteilt")]
            app.push_screen(QuizScreen.for_cards(app, "rnn-grundlagen", cards))
            await settle(pilot, app)
            screen = app.screen
            assert str(screen.query_one("#progress").render()) == "Frage 1 von 2"
            assert "Quiz · RNN-Grundlagen" in str(screen.query_one("HeaderTitle").render())
            keys = str(screen.query_one("#keys").render())
            assert "abgeben" in keys and "weiß nicht" in keys and "zurück" in keys
            for ch in "abc":
                await pilot.press(ch)
            await pilot.press("enter")
            await pilot.pause()
            error = str(screen.card_view.query_one("#inline-error", Static).render())
            assert error.startswith("kein Zahlenwert: 'abc'")
            for _ in "abc":
                await pilot.press("backspace")
            await pilot.press("enter")  # empty: I don't know
            await pilot.pause()
            assert screen.phase == "graded"
            hint = str(screen.query_one("#rate-hint").render())
            assert "Nochmal (vorgeschlagen)" in hint and "plant die Karte nicht neu" in hint
            labels = [str(b.label) for b in screen.query_one(RatingBar).query("Button")]
            assert [label.lstrip("▸").split()[1] for label in labels] == [
                "Nochmal",
                "Schwer",
                "Gut",
                "Einfach",
            ]
            from rich.console import Console

            console = Console(width=96, record=True, file=io.StringIO())
            console.print(screen.query_one("#verdict").content)
            verdict = console.export_text()
            assert verdict.startswith("Antwort gezeigt — die Antwort ist ")
            assert "\n\nQuelle: GBC" in verdict
            await pilot.press("enter")
            await settle(pilot, app)
            assert str(screen.query_one("#progress").render()).startswith(
                "Frage 2 von 2 · bisher 0/1 richtig"
            )
            options = screen.card_view.query_one(OptionList)
            shown = [str(options.get_option_at_index(i).prompt) for i in range(2)]
            assert shown == ["1. Wahr", "2. Falsch"]
            await pilot.press("1")
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot, app)
            results = app.screen
            assert type(results).__name__ == "ResultsScreen"
            table = results.query_one(DataTable)
            columns = [str(c.label) for c in table.columns.values()]
            assert columns == ["#", "Ergebnis", "Frage", "Ihre Antwort", "Richtige Antwort"]
            assert str(results.query_one("#score").render()).startswith("Punkte ")

    asyncio.run(run())
