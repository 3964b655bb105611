"""Pilot tests: every card type answered right, wrong and invalid; results; re-drill; flashcards."""

from __future__ import annotations

import pytest
from tui_helpers import SIZE, build_app, pilot_test, settle


async def open_card(app, pilot, card_id: str):
    from studyrnn.tui.screens.quiz import QuizScreen

    deck = app.deck("tui-types")
    app.push_screen(QuizScreen.for_cards(app, "tui-types", [deck.card(card_id)]))
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, QuizScreen) and screen.phase == "ask"
    return screen


def logged(app) -> list:
    """The review log, oldest first."""
    return sorted(app.store.reviews(app.learner), key=lambda r: r.id)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press({" ": "space", ".": "full_stop", "-": "minus", "/": "slash"}.get(ch, ch))


def order_keys(shown: list[str], wanted: list[str]) -> list[str]:
    """Keys that move the shown items into the wanted order with the list's own keys."""
    keys: list[str] = []
    current = list(shown)
    cursor = 0
    for pos, item in enumerate(wanted):
        j = current.index(item)
        keys += ["down"] * (j - cursor) if j >= cursor else ["up"] * (cursor - j)
        keys += ["K"] * (j - pos)
        current.insert(pos, current.pop(j))
        cursor = pos
    return keys


# card id -> (keys for a right answer, keys for a wrong answer)
ANSWERS = {
    "choice": (["1"], ["2"]),
    "tf": (["2"], ["1"]),
    "multi": (["1", "2", "enter"], ["3", "enter"]),
    "numeric": (["0", "full_stop", "3", "enter"], ["0", "full_stop", "5", "enter"]),
    "text": (["T", "a", "n", "h", "enter"], ["r", "e", "l", "u", "enter"]),
    "gen": (["minus", "1", "enter"], ["4", "enter"]),
}


INVALID = {"numeric": ["a", "b", "c", "enter"], "gen": ["x", "enter"]}
IGNORED = {"choice": ["9"], "tf": ["5"], "multi": ["7", "8"]}


@pytest.mark.parametrize("card_id", list(ANSWERS))
@pilot_test
async def test_each_card_type_right_wrong_and_invalid(tmp_path, card_id: str) -> None:
    """Right and wrong are graded and logged with the suggested rating; an invalid answer is
    explained inline, asked again and never logged; out-of-range numbers do nothing."""
    from textual.widgets import Static

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for right in (True, False):
            screen = await open_card(app, pilot, card_id)
            await pilot.press(*ANSWERS[card_id][0 if right else 1])
            await pilot.pause()
            assert screen.phase == "graded"
            assert screen.verdict.outcome.name == ("CORRECT" if right else "INCORRECT")
            assert screen.suggested == (3 if right else 1)
            assert screen.query_one("#verdict").display
            await pilot.press("enter")  # accept the suggested rating
            await settle(pilot, app)
            assert type(app.screen).__name__ == "ResultsScreen"
            assert (logged(app)[-1].card_id, logged(app)[-1].rating, logged(app)[-1].mode) == (
                card_id,
                3 if right else 1,
                "quiz",
            )
            app.pop_screen()
        before = len(logged(app))
        screen = await open_card(app, pilot, card_id)
        if card_id in INVALID:
            await pilot.press(*INVALID[card_id])
            await pilot.pause()
            assert screen.phase == "ask"  # asked again
            assert screen.card_view.has_class("invalid")
            message = str(screen.card_view.query_one("#inline-error", Static).render())
            assert "number" in message.lower()
            await pilot.press("1", "2", "3")  # digits go to the input, not to the rating keys
            assert len(logged(app)) == before
            await pilot.press(*["backspace"] * 10, *ANSWERS[card_id][0])
            await pilot.pause()
            assert screen.phase == "graded" and screen.verdict.outcome.name == "CORRECT"
        elif card_id in IGNORED:
            await pilot.press(*IGNORED[card_id])
            await pilot.pause()
            assert screen.phase == "ask"
            assert len(logged(app)) == before
        else:  # text: an empty answer is "I don't know", not invalid
            await pilot.press("enter")
            await pilot.pause()
            assert screen.verdict.outcome.name == "REVEALED"
            await pilot.press("2")  # override the suggestion: Hard
            await settle(pilot, app)
            assert logged(app)[-1].rating == 2


@pilot_test
async def test_order_card_moved_into_place_is_right(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_card(app, pilot, "order")
        card = app.deck("tui-types").card("order")
        await pilot.press(*order_keys(screen.current.presented.options, list(card.items)), "enter")
        await pilot.pause()
        assert screen.verdict.outcome.name == "CORRECT"


@pilot_test
async def test_order_card_left_shuffled_is_wrong(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_card(app, pilot, "order")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.verdict.outcome.name in ("INCORRECT", "PARTIAL")
        assert screen.suggested == 1


@pilot_test
async def test_choice_by_arrows_and_enter(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_card(app, pilot, "choice")
        await pilot.press("down", "up", "enter")
        await pilot.pause()
        assert screen.verdict.outcome.name == "CORRECT"


@pilot_test
async def test_flashcard_flips_and_is_self_rated(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_card(app, pilot, "flash")
        await pilot.press("3")  # a rating before the flip does nothing
        assert screen.phase == "ask"
        await pilot.press("space")
        assert screen.card_view.has_class("revealed")
        await pilot.press("4")
        await settle(pilot, app)
        assert [(r.card_id, r.rating) for r in logged(app)] == [("flash", 4)]


@pilot_test
async def test_quiz_to_results_and_redrill_the_wrong_ones(tmp_path) -> None:
    from textual.widgets import DataTable

    from studyrnn.tui.screens.quiz import QuizScreen
    from studyrnn.tui.screens.results import ResultsScreen

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        deck = app.deck("tui-types")
        app.push_screen(
            QuizScreen.for_cards(app, "tui-types", [deck.card("choice"), deck.card("tf")])
        )
        await settle(pilot, app)
        await pilot.press("2", "enter")  # choice: wrong
        await pilot.pause()
        await pilot.press("2", "enter")  # true/false: False is right
        await settle(pilot, app)
        results = app.screen
        assert isinstance(results, ResultsScreen)
        assert results.score == 1
        table = results.query_one(DataTable)
        assert table.row_count == 2
        assert str(table.get_row_at(0)[1]) == "Not quite"  # Result: right after the number
        # the pick is shown with its option, so right and wrong read apart (issue 16 #3)
        assert str(table.get_row_at(0)[3]).startswith("2. A deeper")
        assert str(table.get_row_at(1)[3]) == "False"
        await pilot.press("d")
        await settle(pilot, app)
        drill = app.screen
        assert isinstance(drill, QuizScreen)
        assert [item.card.id for item in drill.items] == ["choice"]
        await pilot.press("1", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ResultsScreen) and app.screen.wrong == []


@pilot_test
async def test_quiz_from_home_asks_every_card_of_a_small_deck(tmp_path) -> None:
    from studyrnn.tui.screens.quiz import QuizScreen

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)  # home's rows are filled by a worker
        await pilot.press("down", "t")  # second row: tui-types (decks ordered by id)
        await settle(pilot, app)
        assert isinstance(app.screen, QuizScreen)
        assert len(app.screen.items) == 8
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


@pilot_test
async def test_flashcards_mode_only_flashcards(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)  # home's rows are filled by a worker
        await pilot.press("f")  # first row: tui-second, two flashcards
        await settle(pilot, app)
        screen = app.screen
        assert [item.presented.kind for item in screen.items] == ["flashcard", "flashcard"]
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("space", "1")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "ResultsScreen"
        assert [r.mode for r in logged(app)] == ["flashcards", "flashcards"]
