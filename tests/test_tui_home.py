"""Issue 16 on the screens outside the study loop: home (#7, #8, #10), palette (#9), notes (#2),
lab (#5), statistics (#6) and the language (#11). Each test fails on the main of 2026-12-01."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tui_helpers import NOW, build_app, pilot_test, record_notifications, settle

REPO = Path(__file__).resolve().parents[1]


def cell(app, deck_id: str, column: str) -> str:
    from textual.widgets import DataTable

    table = app.screen.query_one("#decks", DataTable)
    return str(table.get_cell(deck_id, column))


def answer(app, deck_id: str, card_id: str, rating: int, at=NOW, mode: str = "review") -> None:
    app.store.record_review(app.learner, deck_id, card_id, rating, mode=mode, now=at)


# -- #8 home --------------------------------------------------------------------------------------


@pilot_test
async def test_learned_counts_only_cards_out_of_learning_and_the_new_limit_is_explained(
    tmp_path,
) -> None:
    app = build_app(tmp_path)
    deck = app.deck("tui-types")
    answer(app, "tui-types", deck.cards[0].id, 4)  # Easy on a new card: straight to Review
    answer(app, "tui-types", deck.cards[1].id, 1)  # Again: still in a learning step
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        states = [s.queue_name for s in app.store.cards(app.learner, "tui-types")]
        assert states.count("review") == 1 and states.count("learning") == 1
        assert cell(app, "tui-types", "learned") == "1"
        line = str(app.screen.query_one("#queue-line").render())
        limit = app.store.settings(app.learner).new_per_day
        assert f"New cards: {limit} a day shared by all decks, {limit - 2} left today" in line


@pilot_test
async def test_home_counts_refresh_while_idle_when_a_learning_card_falls_due(
    tmp_path, monkeypatch
) -> None:
    from studyrnn.tui.screens import home

    monkeypatch.setattr(home, "REFRESH_SECONDS", 0.2, raising=False)
    clock = [NOW]
    app = build_app(tmp_path, clock=lambda: clock[0])
    card = app.deck("tui-types").cards[0].id
    # without learn-ahead (which would count the card as due at once: issue 12)
    app.store.update_settings(app.learner, learn_ahead=timedelta(0))
    answer(app, "tui-types", card, 1)  # Again: due again after the first learning step
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert cell(app, "tui-types", "due") == "0"
        clock[0] = NOW + timedelta(hours=1)  # the step is over; nobody presses a key
        await pilot.pause(0.6)
        await settle(pilot, app)
        assert cell(app, "tui-types", "due") == "1"


def test_studyrnn_decks_lists_ids_titles_languages_and_counts(tmp_path) -> None:
    decks = REPO / "tests" / "fixtures" / "tui" / "decks"
    env_db = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    run = [sys.executable, "-m", "studyrnn", "--db", env_db, "--decks", str(decks), "decks"]
    out = subprocess.run([*run, "--json"], capture_output=True, text=True, timeout=120, check=True)
    rows = {r["id"]: r for r in json.loads(out.stdout)}
    types = rows["tui-types"]
    assert types["title"] == "Every card type" and types["language"] == "en"
    assert types["due"] == 0 and types["learned"] == 0
    import yaml

    cards = len(yaml.safe_load((decks / "tui-types.yaml").read_text())["cards"])
    assert types["cards"] == cards and types["new"] == min(cards, 20)
    text = subprocess.run(run, capture_output=True, text=True, timeout=120, check=True).stdout
    assert "tui-second" in text and "A second deck" in text
    helptext = subprocess.run(
        [sys.executable, "-m", "studyrnn", "quiz", "--help"], capture_output=True, text=True
    ).stdout
    assert "studyrnn decks" in helptext


# -- #7 keys on home and in settings ------------------------------------------------------------


@pilot_test
async def test_escape_on_home_asks_before_quitting_and_q_quits(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "Confirm"
        await pilot.press("escape")  # a second Esc answers no
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen" and app.is_running
        await pilot.press("escape", "y")
        await pilot.pause()
    assert app.return_code == 0


@pilot_test
async def test_leaving_settings_with_unsaved_changes_asks(tmp_path) -> None:
    from textual.widgets import Input

    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")
        await settle(pilot, app)
        app.screen.query_one("#new_per_day", Input).value = "3"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "Confirm"
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.settings(app.learner).new_per_day == 3
        await pilot.press("escape")  # saved: leaves at once
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


# -- #9 palette ---------------------------------------------------------------------------------


@pilot_test
async def test_palette_has_one_help_entry_and_a_screenshot_that_needs_no_downloads(
    tmp_path, monkeypatch
) -> None:
    from studyrnn.tui.commands import SystemCommands, save_screenshot

    monkeypatch.setenv("HOME", str(tmp_path / "home-without-downloads"))
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        provider = SystemCommands(app.screen)
        names = [name for name, *_ in provider._commands()]
        assert "Keys" not in names and "Screenshot" not in names and "Quit" in names
        from studyrnn.settings import data_dir

        path = save_screenshot(app)
        assert path is not None and path.parent == data_dir() / "screenshots"
        assert path.read_text(encoding="utf-8").lstrip().startswith("<svg")
        assert not (tmp_path / "home-without-downloads" / "Downloads").exists()


# -- #10 start-up -------------------------------------------------------------------------------


def test_quick_counts_agree_with_the_store_and_need_no_heavy_import(tmp_path) -> None:
    from studyrnn import deck_summary

    app = build_app(tmp_path)
    deck = app.deck("tui-types")
    for i, rating in enumerate([4, 1, 3, 3, 2]):
        answer(app, "tui-types", deck.cards[i].id, rating, at=NOW - timedelta(days=3))
    answer(app, "tui-types", deck.cards[5].id, 3, at=NOW)
    decks = app.deck_list()
    via_store = deck_summary.from_store(app.store, app.learner, decks, NOW)
    path = deck_summary.sqlite_path(app.settings.db_url)
    direct = deck_summary.sqlite_counts(path, app.learner.name, deck_summary_infos(decks), NOW)
    assert direct is not None
    assert direct.counts == via_store.counts
    assert (direct.total_new, direct.total_learning, direct.total_review, direct.new_left) == (
        via_store.total_new,
        via_store.total_learning,
        via_store.total_review,
        via_store.new_left,
    )
    q = app.store.queue_counts(app.learner, "tui-types", now=NOW)
    assert direct.counts["tui-types"].new == q.new and direct.counts["tui-types"].due == (
        q.learning + q.review
    )
    deck_summary.save_cache(app.settings, decks)
    assert deck_summary.load_cache(app.settings) == deck_summary_infos(decks)
    probe = (
        "import sys, json\nfrom datetime import datetime, UTC\nfrom studyrnn import deck_summary\n"
        "from studyrnn.settings import Settings\n"
        f"s = Settings(db_url={app.settings.db_url!r}, learner='tester', "
        f"deck_dirs=tuple(map(__import__('pathlib').Path, {[str(d) for d in app.settings.deck_dirs]!r})))\n"
        "d = deck_summary.quick(s, datetime.now(UTC))\n"
        "print(json.dumps([d is not None, sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'pydantic', 'numpy', 'engine', 'yaml'))]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == [True, []], out.stderr


def deck_summary_infos(decks):
    from studyrnn import deck_summary

    return [deck_summary.info_of(d) for d in decks]


def test_a_changed_deck_file_invalidates_the_summary_cache(tmp_path) -> None:
    import shutil

    from studyrnn import deck_summary
    from studyrnn.settings import Settings

    folder = tmp_path / "decks"
    shutil.copytree(REPO / "tests" / "fixtures" / "tui" / "decks", folder)
    settings = Settings(db_url="sqlite:///x", learner="l", deck_dirs=(folder,))

    class Deck:
        id, title, language, cards = "d", "D", "en", [1]

    deck_summary.save_cache(settings, [Deck()])
    assert deck_summary.load_cache(settings) is not None
    with (folder / "tui-second.yaml").open("a") as fh:
        fh.write("\n")
    assert deck_summary.load_cache(settings) is None


# -- #2 notes -----------------------------------------------------------------------------------


@pilot_test
async def test_notes_code_blocks_wrap_at_80_columns_and_huge_notes_open_at_once(tmp_path) -> None:
    import time

    from textual.widgets._markdown import MarkdownFence

    from studyrnn.tui.screens.notes import NotesScreen

    long_line = "L = Σ_t L_t          (GBC sums the per-step losses; D2L averages them) END"

    class Deck:
        id, title, language = "tui-types", "Wide", "en"
        notes = "## Code\n\n```\n" + long_line + "\n```\n\n" + ("word " * 200 + "\n\n") * 4000

    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        start = time.perf_counter()
        app.push_screen(NotesScreen(Deck()))
        await pilot.pause()
        opened = time.perf_counter() - start
        fence = app.screen.query_one(MarkdownFence)
        assert fence.region.right <= 80 and fence.max_scroll_x == 0
        assert fence.region.height >= 2 + 2  # the code line wrapped onto a second line
        assert opened < 5.0, opened  # 4 MB-class notes do not render whole
        await settle(pilot, app)
        from studyrnn.tui.screens.notes import SHOWN_CHARS

        paragraphs = app.screen.query("MarkdownParagraph")
        assert len(Deck.notes) > SHOWN_CHARS
        assert len(paragraphs) < SHOWN_CHARS // 1000 + 5  # rendered up to the cap, not 4000
        assert "The notes go on for" in paragraphs[-1]._content.plain


# -- #5 lab -------------------------------------------------------------------------------------


@pilot_test
async def test_lab_dials_step_by_key_say_so_at_the_end_and_stay_for_the_session(tmp_path) -> None:
    from studyrnn.tui.screens.lab import Dial, ratio_line

    app = build_app(tmp_path, start=("lab", None))

    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        radius = app.screen.query_one("#radius", Dial)
        radius.focus()
        for _ in range(12):  # past the smallest value: a message, never an error
            await pilot.press("left")
        await settle(pilot, app)
        assert radius.value == 0.0
        assert any("smallest" in n.message for n in seen)
        assert not any(n.severity == "error" for n in seen)
        assert app.screen.config.radius == 0.0
        summary = str(app.screen.query_one("#lab-summary").render())
        assert "‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = 0" in summary
        plt = app.screen.query_one("#grad-plot").plt
        ticks = plt._figure._active.xticks_user if hasattr(plt, "_figure") else None
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        assert app.screen.query_one("#radius", Dial).value == 0.0  # kept for the session
    assert ratio_line([0.0, 2.0]).endswith("0 (no gradient reaches h_1)")
    assert ratio_line([1.0, 1e-3]).endswith("1.00e+03")
    del ticks


def test_step_axes_are_whole_numbers_from_1_to_t() -> None:
    from studyrnn.tui.screens.lab import step_axis

    calls = {}

    class Plt:
        def xlim(self, low, high):
            calls["xlim"] = (low, high)

        def xticks(self, ticks, labels):
            calls["ticks"] = (ticks, labels)

    step_axis(Plt(), 30)
    assert calls["xlim"] == (1, 30)
    ticks, labels = calls["ticks"]
    assert ticks[0] == 1 and ticks[-1] == 30 and all(isinstance(t, int) for t in ticks)
    assert labels == [str(t) for t in ticks]


# -- #6 statistics ------------------------------------------------------------------------------


@pilot_test
async def test_stats_tell_reviews_from_quiz_answers_and_label_the_heatmap(tmp_path) -> None:
    app = build_app(tmp_path, start=("stats", None))
    cards = app.deck("tui-types").cards
    for day in range(0, 40, 5):
        answer(app, "tui-types", cards[day % 4].id, 3, at=NOW - timedelta(days=day))
    for card in cards[:3]:
        answer(app, "tui-types", card.id, 3, mode="quiz")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        summary = str(app.screen.query_one("#stats-summary").render())
        assert "8 reviews · 3 quiz answers · 0 flashcard answers" in summary
        heat = str(app.screen.query_one("#heatmap").render()).splitlines()
        assert "Feb" in heat[0] and "Mar" in heat[0]
        assert [line[:3] for line in heat[1:8]] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        assert app.screen.query("#retention-plot")
        bars = str(app.screen.query_one("#mastery").render())
        assert "Every card type" in bars and "%" in bars
    from studyrnn.tui.screens.stats import integer_ticks

    assert integer_ticks(28) == [0, 6, 12, 18, 24, 30]
    assert integer_ticks(3) == [0, 1, 2, 3]


# -- #11 language -------------------------------------------------------------------------------


@pilot_test
async def test_home_in_german_and_a_german_decks_notes_in_german(tmp_path) -> None:
    from studyrnn import i18n
    from studyrnn.tui.screens.notes import NotesScreen

    class GermanDeck:
        id, title, language, notes = "tui-types", "RNN-Grundlagen", "de", "Text"

    app = build_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot, app)
            app.push_screen(NotesScreen(GermanDeck()))  # UI in English, deck in German
            await settle(pilot, app)
            assert app.screen.sub_title == "Notizen · RNN-Grundlagen"
            keys = [
                b.description for bs in app.screen._bindings.key_to_bindings.values() for b in bs
            ]
            assert "Zurück" in keys and "Quiz zu diesem Stapel" in keys
            app.pop_screen()
            await pilot.pause()
            i18n.set_language("de")
            app.screen.relabel()
            await settle(pilot, app)
            assert "Alle Stapel:" in str(app.screen.query_one("#queue-line").render())
            assert str(app.screen.query_one("#do-review").label) == "r Wiederholen"
    finally:
        i18n.set_language("en")
