"""Pilot tests of the study screens driving ``studyrnn.study``: a locked database while rating
(a notification, no traceback, nothing lost), undo keys in a typed-answer box, the key guard,
leaving a quiz mid-way, learn-ahead waiting on screen, markup-laden titles, 80-column results."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tui_helpers import DECKS_DIR, NOW, SIZE, build_app, pilot_test, settle

HOSTILE = """\
id: hostile
title: "[bold red]Boom[/] [link=http://x]click[/link] [@click=app.quit]quit[/]"
language: en
cards:
  - id: c
    type: choice
    prompt: "Pick [b]one[/b]"
    options: ["[red]no[/red]", "yes"]
    answer: 1
    source: "[i]GBC[/i] §10"
"""


def logged(app) -> list:
    return sorted(app.store.reviews(app.learner), key=lambda r: r.id)


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_review(app, pilot, deck_id: str):
    from studyrnn.study import ReviewSession
    from studyrnn.tui.screens.review import ReviewScreen

    app.push_screen(ReviewScreen(ReviewSession(app.context, deck_id)))
    await settle(pilot, app)
    return app.screen


@pilot_test
async def test_a_locked_database_while_rating_is_a_notification_and_nothing_is_lost(
    tmp_path, monkeypatch
) -> None:
    import studyrnn.store.engine as engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)  # wait 0.3 s for the lock, not 15
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot, "tui-second")
        await pilot.press("space")  # flip the flashcard
        await pilot.pause()
        assert screen.phase == "graded"
        other = sqlite3.connect(tmp_path / "progress.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        await pilot.press("3")
        await settle(pilot, app)
        assert screen.phase == "graded"  # the answer stays on screen
        assert any("busy" in n for n in notes(app)), notes(app)
        assert any("press a rating to try again" in n for n in notes(app))
        assert app.is_running and app.crash is None
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("3")  # the same rating again: saved now
        await settle(pilot, app)
        assert [(r.card_id, r.rating, r.mode) for r in logged(app)] == [("one", 3, "review")]
        assert screen.current.card_id == "two"


@pilot_test
async def test_undo_keys_in_a_typed_answer_box(tmp_path) -> None:
    from textual.widgets import Input

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot, "tui-types")
        # the first cards of tui-types, in deck order: answer until a typed one is on screen
        for _ in range(10):
            if screen.current.presented.kind in ("numeric", "text"):
                break
            kind = screen.current.presented.kind
            await pilot.press("space" if kind == "flashcard" else "enter")
            await pilot.pause()
            if screen.phase != "graded":
                await pilot.press("enter")
                await pilot.pause()
            await pilot.press("4")
            await settle(pilot, app)
        assert screen.current.presented.kind in ("numeric", "text")
        answered = len(logged(app))
        assert answered >= 1
        box = screen.card_view.query_one(Input)
        assert box.has_focus
        await pilot.press("u")  # in the box, u is a letter
        await pilot.pause()
        assert box.value == "u" and len(logged(app)) == answered
        await pilot.press("ctrl+z")  # Ctrl+Z undoes, even from the box
        await settle(pilot, app)
        assert len(logged(app)) == answered - 1
        assert any(n.startswith("Took back “") for n in notes(app))
        assert not any("tui-types/" in n for n in notes(app))  # the question, not the id


@pilot_test
async def test_the_key_guard_keeps_one_key_from_answering_and_rating(tmp_path) -> None:
    from studyrnn.tui.screens.quiz import QuizScreen

    app = build_app(tmp_path)
    app.key_guard = 5.0  # long enough that the test's next key is inside it
    async with app.run_test(size=SIZE) as pilot:
        deck = app.deck("tui-types")
        app.push_screen(QuizScreen.for_cards(app, "tui-types", [deck.card("choice")]))
        await settle(pilot, app)
        screen = app.screen
        screen.card_view.guard_until = 0.0  # the question has been on screen a while
        await pilot.press("1")  # answers
        await pilot.pause()
        assert screen.phase == "graded"
        await pilot.press("1", "enter")  # a bounce and a quick Enter: ignored
        await settle(pilot, app)
        assert screen.phase == "graded" and logged(app) == []
        screen.guard_until = 0.0  # the guard has passed
        await pilot.press("3")
        await settle(pilot, app)
        assert [(r.card_id, r.rating) for r in logged(app)] == [("choice", 3)]


@pilot_test
async def test_leaving_a_quiz_mid_way_asks_first(tmp_path) -> None:
    from studyrnn.tui.screens.quiz import ConfirmLeave, QuizScreen

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        deck = app.deck("tui-types")
        app.push_screen(
            QuizScreen.for_cards(app, "tui-types", [deck.card("choice"), deck.card("tf")])
        )
        await settle(pilot, app)
        await pilot.press("2", "enter")  # one answered
        await settle(pilot, app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "HomeScreen"
        assert [(r.card_id, r.mode) for r in logged(app)] == [("choice", "quiz")]


@pilot_test
async def test_quiz_ratings_say_they_do_not_reschedule_and_the_source_is_shown(tmp_path) -> None:
    from studyrnn.tui.screens.quiz import QuizScreen

    deck_dir = tmp_path / "decks"
    deck_dir.mkdir()
    (deck_dir / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    app = build_app(tmp_path, deck_dirs=(DECKS_DIR, deck_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(QuizScreen.for_deck(app, "hostile", seed=1))
        await settle(pilot, app)
        screen = app.screen
        # the header shows the deck title as typed: markup and escapes are text
        header = str(screen.query_one("HeaderTitle").render())
        assert "[bold red]Boom[/] [link=http://x]click[/link] [@click=app.quit]quit[/]" in header
        await pilot.press("2")
        await pilot.pause()
        hint = str(screen.query_one("#rate-hint").render())
        assert "does not reschedule" in hint
        from rich.console import Console

        console = Console(width=76, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(screen.query_one("#verdict").content)
        assert "Source: [i]GBC[/i] §10" in console.export_text()
        # docked: the rating row and the key bar are on screen at 80×24
        for selector in ("RatingBar", "#keys"):
            region = screen.query_one(selector).region
            assert region.y + region.height <= 24 and region.height >= 1
        await pilot.press("enter")
        await settle(pilot, app)
        results = app.screen
        assert "[bold red]Boom[/]" in str(results.query_one("HeaderTitle").render())
        from textual.widgets import DataTable

        table = results.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()][:2] == ["#", "Result"]
        assert str(table.get_row_at(0)[1]) == "Correct"
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80
        assert "Score 1 / 1" in str(results.query_one("#score").render())


@pilot_test
async def test_nothing_due_waits_on_screen_and_picks_the_card_up(tmp_path) -> None:
    clock = {"now": NOW}
    app = build_app(tmp_path, clock=lambda: clock["now"])
    async with app.run_test(size=SIZE) as pilot:
        app.store.update_settings(app.learner, learn_ahead=timedelta(0))
        screen = await open_review(app, pilot, "tui-second")
        await pilot.press("space", "1")  # Again: due in a minute
        await settle(pilot, app)
        await pilot.press("space", "4")  # Easy: due in days
        await settle(pilot, app)
        assert screen.phase == "waiting"
        text = str(screen.query_one("#progress").render())
        assert "Nothing due right now — 2 reviewed this session." in text
        assert "The next card is due in 1 min; it will appear here then." in text
        assert "Session: 2 reviewed (Again 1 · Easy 1)" in text
        clock["now"] = NOW + timedelta(minutes=2)
        screen.check_due()  # what the timer does when it fires
        await settle(pilot, app)
        assert screen.phase == "ask" and screen.current.card_id == "one"


@pilot_test
async def test_an_unexpected_error_ends_the_app_without_a_traceback(tmp_path) -> None:
    import pytest

    from studyrnn.cli import crash_text

    app = build_app(tmp_path)

    def boom() -> None:
        secret = "postgresql://ada:hunter2@db.example/class"  # noqa: F841 - a local
        raise RuntimeError(f"lost {secret}")

    with pytest.raises(RuntimeError):  # Pilot re-raises it for the test; the app printed nothing
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            app.call_later(boom)
            await pilot.pause()
    assert app.return_code == 70 and isinstance(app.crash, RuntimeError)
    text = crash_text(app.crash)
    assert "hunter2" not in text and "postgresql://ada:***@db.example/class" in text
    assert "secret =" not in text  # no locals


@pilot_test
async def test_a_postgresql_server_gone_while_rating_is_a_notification_and_nothing_is_lost(
    tmp_path,
) -> None:
    import os
    import uuid

    import pytest
    import sqlalchemy as sa

    base = os.environ.get("STUDYRNN_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (set STUDYRNN_TEST_PG_URL)")
    from studyrnn.decks import load_decks
    from studyrnn.settings import Settings
    from studyrnn.store import open_store
    from studyrnn.tui.app import make_app

    name = f"t_gone_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(base).set(database=name).render_as_string(hide_password=False)

    def allow(yes: bool) -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(yes).lower()}')
            if not yes:  # the server drops every session on that database
                conn.exec_driver_sql(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                )

    settings = Settings(db_url=url, learner="ada", deck_dirs=(DECKS_DIR,), timezone="UTC")
    app = make_app(settings, load_decks([DECKS_DIR]), open_store(url), clock=lambda: NOW, seed=7)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_review(app, pilot, "tui-second")
            await pilot.press("space")
            await pilot.pause()
            allow(False)
            await pilot.press("3")
            await settle(pilot, app)
            assert screen.phase == "graded" and app.is_running and app.crash is None
            assert any("cannot be reached" in n for n in notes(app)), notes(app)
            assert not any("Traceback" in n for n in notes(app))
            allow(True)
            await pilot.press("3")
            await settle(pilot, app)
            assert [(r.card_id, r.rating) for r in logged(app)] == [("one", 3)]
    finally:
        app.store.close()
        allow(True)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pilot_test
async def test_the_app_quiz_honours_seed_and_in_order(tmp_path) -> None:
    from studyrnn.quiz import build_quiz

    deck_ids = {}
    for in_order in (True, False):
        app = build_app(
            tmp_path,
            db_name=f"p{in_order}.sqlite3",
            start=("quiz", {"deck_id": "tui-types", "limit": 5, "seed": 11, "in_order": in_order}),
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            screen = app.screen
            assert type(screen).__name__ == "QuizScreen"
            deck_ids[in_order] = [item.card.id for item in screen.items]
            # the same questions the plain quiz builds from the same seed
            expected = build_quiz(app.deck("tui-types"), limit=5, seed=11, in_order=in_order)
            assert [item.presented.prompt for item in screen.items] == [
                i.presented.prompt for i in expected
            ]
    assert deck_ids[True] == ["flash", "choice", "multi", "tf", "order"]  # the deck's order
    assert deck_ids[False] != deck_ids[True]
