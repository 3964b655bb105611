"""Snapshot tests (pytest-textual-snapshot) of home, a quiz question, the lab (also comparing two
cells) and statistics.

Deterministic: fixed deck fixtures, seed, clock and terminal size, and no blinking cursor.
Regenerate after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import timedelta

from tui_helpers import NOW, SIZE, build_app


async def steady(pilot) -> None:
    """Workers done, cursors still: the screen no longer changes on its own."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    for widget in app.screen.query("Input"):
        widget.cursor_blink = False
    await pilot.pause()


def test_home(snap_compare, tmp_path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=SIZE, run_before=steady)


def test_quiz_question(snap_compare, tmp_path) -> None:
    from studyrnn.tui.screens.quiz import QuizScreen

    async def ask(pilot) -> None:
        app = pilot.app
        deck = app.deck("tui-types")
        app.push_screen(
            QuizScreen.for_cards(
                app, "tui-types", [deck.card(c) for c in ("choice", "numeric", "order")]
            )
        )
        await steady(pilot)

    assert snap_compare(build_app(tmp_path), terminal_size=SIZE, run_before=ask)


def test_quiz_answered(snap_compare, tmp_path) -> None:
    from studyrnn.tui.screens.quiz import QuizScreen

    async def answer(pilot) -> None:
        app = pilot.app
        deck = app.deck("tui-types")
        app.push_screen(QuizScreen.for_cards(app, "tui-types", [deck.card("choice")]))
        await steady(pilot)
        await pilot.press("2")
        await steady(pilot)

    assert snap_compare(build_app(tmp_path), terminal_size=SIZE, run_before=answer)


def test_lab(snap_compare, tmp_path) -> None:
    async def train(pilot) -> None:
        from studyrnn.tui.screens.lab import Dial

        await steady(pilot)
        steps = pilot.app.screen.query_one("#steps", Dial)
        steps.index = steps.values.index(30)
        steps.show()
        await pilot.press("t")
        await steady(pilot)
        await steady(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(
        build_app(tmp_path, start=("lab", None)), terminal_size=SIZE, run_before=train
    )


def test_lab_compare_80x24(snap_compare, tmp_path) -> None:
    """The side-by-side view: RNN and LSTM trained on the long-range adding problem (T = 50)."""

    async def compare(pilot) -> None:
        from studyrnn.tui.screens.lab import Dial

        await steady(pilot)
        pilot.app.screen.query_one("#task").value = "long-range"
        await steady(pilot)
        pilot.app.screen.query_one("#steps", Dial).set_value(100)
        await pilot.press("c")
        await steady(pilot)
        await steady(pilot)
        assert pilot.app.screen.runs[1].finished  # both cells trained: nothing moves any more
        pilot.app.clear_notifications()  # the one that says how many seconds it took
        await pilot.pause()

    assert snap_compare(
        build_app(tmp_path, start=("lab", None)), terminal_size=(80, 24), run_before=compare
    )


def test_stats(snap_compare, tmp_path) -> None:
    app = build_app(tmp_path, start=("stats", None))
    for deck in app.deck_list():
        for day in range(0, 60, 4):
            for card in deck.cards:
                app.store.record_review(
                    app.learner,
                    deck.id,
                    card.id,
                    3 if day % 3 else 1,
                    mode="review",
                    now=NOW - timedelta(days=day, hours=1),
                )
    assert snap_compare(app, terminal_size=SIZE, run_before=steady)


# -- every screen outside the study loop at 80x24 and 120x40 (issue 16) --------------------------

import pytest  # noqa: E402

SIZES = [(80, 24), (120, 40)]


async def _open(pilot, key: str) -> None:
    await steady(pilot)
    await pilot.press(key)
    await steady(pilot)
    await steady(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", ["home", "n", "l", "s", "b", "o", "question_mark"])
def test_screen_at_size(snap_compare, tmp_path, key, size, monkeypatch) -> None:
    # this computer's zone shows in Settings and sets the study day: the same on every machine
    monkeypatch.setenv("TZ", "UTC")

    async def run(pilot) -> None:
        if key == "home":
            await steady(pilot)
        else:
            await _open(pilot, key)

    app = build_app(tmp_path)
    if key == "s":
        deck = app.deck("tui-types")
        for day in range(0, 40, 3):
            for card in deck.cards[:4]:
                app.store.record_review(
                    app.learner,
                    deck.id,
                    card.id,
                    3 if day % 2 else 1,
                    mode="review",
                    now=NOW - timedelta(days=day, hours=1),
                )
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_wide_german_notes(snap_compare, tmp_path, size) -> None:
    """Code and a table wider than 80 columns wrap; a German deck's notes have German chrome."""
    from tui_helpers import FIXTURES

    app = build_app(tmp_path, deck_dirs=(FIXTURES / "notes",))
    assert snap_compare(app, terminal_size=size, run_before=lambda pilot: _open(pilot, "n"))


# -- the study loop's screens at 80x24 and 120x40 (issue 16) --------------------------------------


async def _press(pilot, *keys: str) -> None:
    """Press keys with the answer/rate guard in mind: each key after the screen has settled."""
    for key in keys:
        await pilot.press(key)
        await steady(pilot)
        await pilot.pause(0.4)  # past the short guard that follows a verdict
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "name, keys",
    [
        ("review-question", ("r",)),
        ("review-answered", ("r", "space")),
        ("flashcards-front", ("f",)),
        ("flashcards-back", ("f", "space")),
    ],
)
def test_study_screen_at_size(snap_compare, tmp_path, name, keys, size) -> None:
    async def run(pilot) -> None:
        await steady(pilot)
        await _press(pilot, *keys)

    assert snap_compare(build_app(tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stage", ["question", "results"])
def test_quiz_at_size(snap_compare, tmp_path, monkeypatch, stage, size) -> None:
    from types import SimpleNamespace

    from studyrnn.tui.screens.quiz import QuizScreen

    # the quiz times itself with time.monotonic: a fixed reading keeps "time 0:00" steady
    monkeypatch.setattr("studyrnn.study.quiz.time", SimpleNamespace(monotonic=lambda: 100.0))

    async def run(pilot) -> None:
        app = pilot.app
        deck = app.deck("tui-types")
        cards = [deck.card(c) for c in ("choice", "numeric")]
        app.push_screen(QuizScreen.for_cards(app, "tui-types", cards))
        await steady(pilot)
        if stage == "results":
            await _press(pilot, "2", "enter")  # the choice: wrong, accepted as suggested
            for key in ("0", ".", "5", "enter"):  # the number typed, then submitted
                await pilot.press(key)
            await steady(pilot)
            await _press(pilot, "enter")

    assert snap_compare(build_app(tmp_path), terminal_size=size, run_before=run)
