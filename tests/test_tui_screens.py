"""Pilot tests: review with undo, the lab (finished, cancelled, failed), statistics, browser,
literal deck text, home, notes, help, settings, palette, and errors before start-up."""

from __future__ import annotations

import argparse
import shutil
from datetime import timedelta

import pytest
from tui_helpers import (
    DECKS_DIR,
    LITERAL_DIR,
    NOW,
    SIZE,
    build_app,
    pilot_test,
    record_notifications,
    settle,
)

# -- home -------------------------------------------------------------------------------------------


@pilot_test
async def test_home_lists_decks_with_counts_and_every_action_has_a_key(tmp_path) -> None:
    from textual.widgets import DataTable

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#decks", DataTable)
        assert table.row_count == 2
        row = table.get_row("tui-types")
        assert [str(c) for c in row[:4]] == ["Every card type", "8", "0", "0"]
        keys = {b.key: b.action for b in app.screen.BINDINGS}
        for key in "rtfnlsbo":
            assert key in keys
        assert keys["b"] == "browse" and keys["l"] == "lab"  # the lab tests open it with l
        for key, screen in [("n", "NotesScreen"), ("s", "StatsScreen"), ("o", "SettingsScreen")]:
            await pilot.press(key)
            await settle(pilot, app)
            assert type(app.screen).__name__ == screen, key
            await pilot.press("escape")
            await settle(pilot, app)
            assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pilot_test
async def test_help_lists_the_keys_of_the_screen_below(tmp_path) -> None:
    import io

    from rich.console import Console
    from textual.widgets import Static

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        app.screen.query_one("#help-keys", Static)  # the keys are on the help screen
        console = Console(width=80, record=True, file=io.StringIO())
        console.print(app.screen.keys_table())
        assert "Review all" in console.export_text()
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


@pilot_test
async def test_command_palette_finds_a_deck_action(tmp_path) -> None:
    from studyrnn.tui.commands import StudyCommands

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        names = [name for name, _, _ in StudyCommands(app.screen)._commands()]
        assert "Notes: Every card type" in names and "Gradient lab" in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"notes every")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "NotesScreen"
        assert app.screen.deck.id == "tui-types"


@pilot_test
async def test_notes_show_the_deck_markdown(tmp_path) -> None:
    from textual.widgets import Markdown

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.open_notes("tui-types")
        await settle(pilot, app)
        md = app.screen.query_one(Markdown)
        assert "one copy per time step" in md.source
        assert len(md.children) >= 3  # headings and paragraphs rendered


# -- review and undo -------------------------------------------------------------------------------


@pilot_test
async def test_review_rate_then_undo_restores_the_store(tmp_path) -> None:
    from studyrnn.tui.screens.review import ReviewScreen

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("r")  # first row: tui-second, two flashcards
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.current.card.id
        before = app.store.card_state(app.learner, "tui-second", first)
        await pilot.press("space")  # reveal
        await pilot.pause()
        labels = [str(b.label) for b in screen.query("RatingBar Button")]
        assert all("·" in label for label in labels), labels  # each button shows its interval
        await pilot.press("3")
        await settle(pilot, app)
        assert app.store.review_count(app.learner) == 1
        after = app.store.card_state(app.learner, "tui-second", first)
        assert after.reps == 1 and after.due > before.due
        assert screen.current.card.id != first
        await pilot.press("u")
        await settle(pilot, app)
        assert app.store.review_count(app.learner) == 0
        restored = app.store.card_state(app.learner, "tui-second", first)
        assert restored == before
        assert screen.current.card.id == first  # the undone card is asked again
        assert "new" in str(screen.query_one("#progress").render())


@pilot_test
async def test_review_of_a_deck_with_nothing_due_says_so(tmp_path) -> None:
    from studyrnn.tui.screens.review import ReviewScreen

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        from studyrnn.study import ReviewSession

        app.push_screen(ReviewScreen(ReviewSession(app.context, "tui-second")))
        await settle(pilot, app)
        for _ in range(2):
            await pilot.press("space", "4")
            await settle(pilot, app)
        screen = app.screen
        assert screen.items == []
        assert "Nothing due" in str(screen.query_one("#progress").render())
        await pilot.press("1", "space")  # nothing to rate: no error
        await pilot.pause()
        assert app.store.review_count(app.learner) == 2


# -- gradient lab -----------------------------------------------------------------------------------


async def open_lab(app, pilot, steps: str):
    from studyrnn.tui.screens.lab import Dial

    await settle(pilot, app)
    await pilot.press("l")  # from home
    await settle(pilot, app)
    screen = app.screen
    assert type(screen).__name__ == "LabScreen"
    for key, value in (("steps", int(steps)), ("seq_len", 10), ("hidden", 8)):
        dial = screen.query_one(f"#{key}", Dial)
        if value not in dial.values:  # a run long enough to cancel: beyond what the dial offers
            dial.values = [*dial.values, value]
        dial.index = dial.values.index(value)
        dial.show()
    return screen


@pilot_test
async def test_lab_plots_gradients_and_trains_to_the_end(tmp_path) -> None:
    from textual.widgets import ProgressBar

    app = build_app(tmp_path)

    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lab(app, pilot, "30")
        assert "ρ(W_hh)" in str(screen.query_one("#lab-summary").render())
        await pilot.press("t")
        await settle(pilot, app)
        await settle(pilot, app)
        assert not screen.training
        assert set(screen.outcome) == {"plain", "clipped"}
        assert screen.query_one(ProgressBar).progress == 60
        assert any("Training done" in n.message for n in seen)


@pilot_test
async def test_lab_training_can_be_cancelled(tmp_path) -> None:
    app = build_app(tmp_path)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lab(app, pilot, "1000000")
        await pilot.press("t")
        await pilot.pause(0.3)
        assert screen.training
        await pilot.press("x")
        await settle(pilot, app)
        assert not screen.training
        assert screen.outcome == {}
        assert any("cancelled" in n.message for n in seen)
        assert not screen.query_one("#do-train").disabled


@pilot_test
async def test_a_failing_worker_is_a_notification_and_the_app_keeps_running(
    tmp_path, monkeypatch
) -> None:
    import engine

    def broken_train(*args, **kwargs):
        raise ValueError("the engine refused these settings")

    monkeypatch.setattr(engine, "train", broken_train)
    app = build_app(tmp_path)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lab(app, pilot, "30")
        await pilot.press("t")
        await settle(pilot, app)
        messages = [n.message for n in seen]
        assert any("the engine refused these settings" in m for m in messages), messages
        assert app.is_running and app.screen is screen
        assert not screen.training
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


# -- statistics -------------------------------------------------------------------------------------


@pilot_test
async def test_stats_on_an_empty_store_is_a_friendly_empty_state(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.open_stats()
        await settle(pilot, app)
        empty = app.screen.query_one("#stats-empty")
        assert "No reviews yet" in str(empty.render())


@pilot_test
async def test_stats_with_reviews_draw_heatmap_forecast_and_mastery(tmp_path) -> None:
    app = build_app(tmp_path)
    deck = app.deck("tui-second")
    for day in range(5):
        for card in deck.cards:
            app.store.record_review(
                app.learner,
                deck.id,
                card.id,
                3,
                mode="review",
                now=NOW - timedelta(days=30 - 6 * day),
            )
    async with app.run_test(size=SIZE) as pilot:
        app.open_stats()
        await settle(pilot, app)
        screen = app.screen
        assert not screen.query("#stats-empty")
        assert "10 reviews" in str(screen.query_one("#stats-summary").render())
        assert "■" in str(screen.query_one("#heatmap").render())
        assert screen.query_one("#forecast-plot") and screen.query_one("#retention-plot")
        assert "A second deck" in str(screen.query_one("#mastery").render())


# -- browser ------------------------------------------------------------------------------------------


@pilot_test
async def test_browser_reloads_a_file_when_it_changes_and_lists_errors(tmp_path) -> None:
    import os

    from textual.widgets import OptionList, Tree

    deck_file = tmp_path / "deck.yaml"
    shutil.copy(DECKS_DIR / "tui-second.yaml", deck_file)
    app = build_app(tmp_path, start=("browser", deck_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert type(screen).__name__ == "BrowserScreen"
        tree = screen.query_one(Tree)
        assert len(tree.root.children[0].children) == 2
        assert screen.query("CardView")
        text = (
            deck_file.read_text()
            + "  - id: three\n    type: flashcard\n    front: Front three\n    back: Back three\n"
        )
        deck_file.write_text(text)
        os.utime(deck_file, ns=(0, deck_file.stat().st_mtime_ns + 10**9))
        await pilot.pause(0.8)
        await settle(pilot, app)
        assert screen.reloads >= 1
        assert len(tree.root.children[0].children) == 3
        deck_file.write_text(text.replace("type: flashcard", "type: flashcrd", 1))
        os.utime(deck_file, ns=(0, deck_file.stat().st_mtime_ns + 2 * 10**9))
        await pilot.pause(0.8)
        await settle(pilot, app)
        errors = screen.query_one("#browser-errors", OptionList)
        assert errors.option_count >= 1
        first = str(errors.get_option_at_index(0).prompt)
        assert first.startswith(f"{deck_file}:") and ": error: " in first
        assert screen.query_one("#browser").has_class("has-errors")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0  # leaving the preview quits


@pilot_test
async def test_browser_new_variant_and_answering_a_card(tmp_path) -> None:
    from textual.widgets import Tree

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.open_browser("tui-types")
        await settle(pilot, app)
        screen = app.screen
        tree = screen.query_one(Tree)
        deck_node = next(n for n in tree.root.children if n.data[0].id == "tui-types")
        gen = next(n for n in deck_node.children if n.data[1].id == "gen")
        tree.move_cursor(gen)
        await settle(pilot, app)
        seed = screen.query_one("CardView").presented.seed
        await pilot.press("n")
        await settle(pilot, app)
        assert screen.query_one("CardView").presented.seed != seed
        assert "seed" in str(screen.query_one("#browser-meta").render())
        await pilot.press("a", "minus", "1", "enter")
        await settle(pilot, app)
        assert screen.query_one("#browser-verdict").display


# -- deck text is literal --------------------------------------------------------------------------


@pilot_test
async def test_markup_and_escape_sequences_in_deck_text_are_shown_as_typed(tmp_path) -> None:
    from textual.widgets import OptionList, Static

    app = build_app(tmp_path, deck_dirs=(LITERAL_DIR,), start=("quiz", "tui-literal"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = app.screen
        prompt = screen.query_one("#prompt", Static).render()
        plain = prompt.plain if hasattr(prompt, "plain") else str(prompt)
        assert "[bold]x[/bold]" in plain
        assert "\\u200b[31mred\\u200b[0m" in plain
        assert "\u200b" not in plain
        options = screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown[0] == "1. [red]no[/red]" and shown[1] == "2. \\u200b[1myes"
        screenshot = app.export_screenshot()
        assert "[bold]x[/bold]" in screenshot and "\u200b[31m" not in screenshot
        home = app.screen_stack[1]
        title = str(home.query_one("#decks").get_row("tui-literal")[0])
        assert title == "Literal [bold]title[/bold]"


# -- settings ---------------------------------------------------------------------------------------


@pilot_test
async def test_settings_are_saved_to_the_store_and_bad_values_explained(tmp_path) -> None:
    from textual.widgets import Input

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.open_settings()
        await settle(pilot, app)
        screen = app.screen
        assert screen.query_one("#learning_steps", Input).value == "1m 10m"
        screen.query_one("#desired_retention", Input).value = "0.85"
        screen.query_one("#new_per_day", Input).value = "7"
        screen.query_one("#learning_steps", Input).value = "30s 5m 1h"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = app.store.settings(app.learner)
        assert saved.desired_retention == 0.85 and saved.new_per_day == 7
        assert saved.learning_steps == (
            timedelta(seconds=30),
            timedelta(minutes=5),
            timedelta(hours=1),
        )
        screen.query_one("#desired_retention", Input).value = "2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "retention" in str(screen.query_one("#settings-message").render())
        assert app.store.settings(app.learner).desired_retention == 0.85


# -- loading in the background, and errors while loading ------------------------------------------


@pilot_test
async def test_home_paints_a_loading_state_then_fills_in_the_real_rows(tmp_path) -> None:
    import threading

    from textual.widgets import DataTable

    from studyrnn.settings import Settings
    from studyrnn.tui import load
    from studyrnn.tui.app import STILL_LOADING, make_app

    release = threading.Event()

    def slow_load(settings):
        assert release.wait(30)
        return load(settings)

    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="t", deck_dirs=(DECKS_DIR,)
    )
    app = make_app(settings, loader=slow_load, clock=lambda: NOW)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        table = home.query_one("#decks", DataTable)
        assert type(home).__name__ == "HomeScreen" and app.loading
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Loading decks…"
        assert "Loading" in str(home.query_one("#queue-line").render())
        for key in ("t", "a", "s", "enter"):  # pressed before the data arrives: told, not crashed
            await pilot.press(key)
        await pilot.pause()
        assert app.screen is home
        assert any(n.message == STILL_LOADING for n in seen)
        release.set()
        await settle(pilot, app)
        assert not app.loading
        assert table.row_count == 2
        assert [str(c) for c in table.get_row("tui-types")[:4]] == [
            "Every card type",
            "8",
            "0",
            "0",
        ]
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "NotesScreen"


def _run_headless(monkeypatch) -> None:
    from textual.app import App

    from studyrnn.tui.app import StudyApp

    monkeypatch.setattr(StudyApp, "run", lambda self, **kw: App.run(self, headless=True, size=SIZE))


def test_a_bad_deck_while_loading_ends_the_app_with_the_error(
    tmp_path, monkeypatch, capsys
) -> None:
    from studyrnn.cli import main as cli_main
    from studyrnn.commands._common import settings_from
    from studyrnn.errors import DeckError
    from studyrnn.tui import main

    _run_headless(monkeypatch)
    bad = tmp_path / "decks"
    bad.mkdir()
    (bad / "bad.yaml").write_text("id: bad\ntitle: Bad\ncards:\n  - id: x\n    type: nope\n")
    args = argparse.Namespace(
        db=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="t", decks=[str(bad)]
    )
    with pytest.raises(DeckError) as err:
        main(settings_from(args))
    assert "bad.yaml:" in str(err.value)
    assert cli_main(["--db", f"sqlite:///{tmp_path / 'p.sqlite3'}", "--decks", str(bad)]) == 1
    assert capsys.readouterr().err.startswith("studyrnn: error: ")


def test_an_unreadable_database_while_loading_is_one_line_and_exit_code_1(
    tmp_path, monkeypatch, capsys
) -> None:
    from studyrnn.cli import main as cli_main
    from studyrnn.errors import StoreError

    _run_headless(monkeypatch)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    assert cli_main(["--db", f"sqlite:///{junk}", "--decks", str(DECKS_DIR)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studyrnn: error: ") and err.count("\n") == 1 and "junk.sqlite3" in err
    assert "Traceback" not in err
    from studyrnn.settings import Settings
    from studyrnn.tui import lazy

    app = lazy(Settings(db_url=f"sqlite:///{junk}", learner="t", deck_dirs=(DECKS_DIR,)))
    app.run()
    assert app.return_code == 1 and isinstance(app.load_error, StoreError)


def test_run_quiz_rejects_an_unknown_deck(tmp_path) -> None:
    from studyrnn.errors import UsageError
    from studyrnn.settings import Settings
    from studyrnn.tui import run_quiz

    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="t", deck_dirs=(DECKS_DIR,)
    )
    with pytest.raises(UsageError, match="tui-types"):
        run_quiz(settings, "no-such-deck")


@pilot_test
async def test_run_review_opens_the_review_screen_and_rejects_an_unknown_deck(
    tmp_path, monkeypatch
) -> None:
    from studyrnn.errors import UsageError
    from studyrnn.settings import Settings
    from studyrnn.tui import run_review
    from studyrnn.tui.app import StudyApp

    opened: list = []
    monkeypatch.setattr(StudyApp, "run", lambda self, **kw: opened.append(self))
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="t", deck_dirs=(DECKS_DIR,)
    )
    with pytest.raises(UsageError, match="tui-types"):
        run_review(settings, "tui-typos")
    assert run_review(settings, "tui-types") == 0
    app = opened[-1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert type(app.screen).__name__ == "ReviewScreen" and app.screen.only_deck == "tui-types"


def test_review_without_plain_in_a_terminal_opens_the_app(tmp_path, monkeypatch) -> None:
    import io

    import studyrnn.tui
    from studyrnn.commands import review

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    calls: list = []
    monkeypatch.setattr(
        studyrnn.tui, "run_review", lambda settings, deck_id=None: calls.append(deck_id) or 0
    )
    monkeypatch.setattr("sys.stdin", Tty())
    monkeypatch.setattr("sys.stdout", Tty())
    args = argparse.Namespace(
        plain=False,
        deck="tui-types",
        db=f"sqlite:///{tmp_path / 'p.sqlite3'}",
        learner="t",
        decks=[str(DECKS_DIR)],
    )
    assert review.run(args) == 0 and calls == ["tui-types"]
