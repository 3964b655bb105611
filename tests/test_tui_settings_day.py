"""The settings screen edits the learner's study day (issue 12/16): the hour the next day starts,
the learn-ahead limit and the time zone; what is saved is what the store, the queue counts and
the statistics then use, and a chosen zone survives the next start."""

from __future__ import annotations

from datetime import timedelta

from tui_helpers import NOW, build_app, pilot_test, settle

SIZE = (80, 24)


def fill(screen, **values: str) -> None:
    from textual.widgets import Input

    for name, text in values.items():
        screen.query_one(f"#{name}", Input).value = text


def message(screen) -> str:
    return str(screen.query_one("#settings-message").render())


@pilot_test
async def test_the_study_day_settings_are_saved_and_used(tmp_path, monkeypatch) -> None:
    from textual.widgets import Input

    from studyrnn.settings import chosen_timezone
    from studyrnn.store.days import local_zone_name
    from studyrnn.tui import views

    monkeypatch.setenv("TZ", "UTC")  # this computer's zone, for the figures below
    app = build_app(tmp_path)
    deck = app.deck("tui-types")
    card = deck.cards[0].id
    # Hard on a new card: learning, due in 5.5 min (the mean of the 1 and 10 min steps)
    app.store.record_review(app.learner, "tui-types", card, 2, now=NOW)
    later = NOW + timedelta(minutes=1)  # the card is due 4.5 min after this
    assert app.store.queue_counts(app.learner, "tui-types", now=later).learning == 1  # 20 min
    async with app.run_test(size=SIZE) as pilot:
        app.open_settings()
        await settle(pilot, app)
        screen = app.screen
        assert screen.query_one("#rollover_hour", Input).value == "4"
        assert screen.query_one("#learn_ahead", Input).value == "20"
        zone = screen.query_one("#timezone", Input)
        assert zone.value == "" and zone.placeholder == local_zone_name()

        # out of range and unknown: explained, nothing saved
        for bad, words in (
            ({"rollover_hour": "24"}, "0 to 23, not 24"),
            ({"rollover_hour": "4", "learn_ahead": "1441"}, "0 to 1440, not 1441"),
            ({"learn_ahead": "20", "timezone": "Mars/Olympus_Mons"}, "not a time zone name"),
            ({"timezone": "", "rollover_hour": "four"}, "is not a number"),
        ):
            fill(screen, **bad)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert words in message(screen)
        unchanged = app.store.settings(app.learner)
        assert (unchanged.rollover_hour, unchanged.learn_ahead) == (4, timedelta(minutes=20))

        # NOW is 2026-03-02 09:30 UTC = 00:30 in Anchorage (UTC-9): with the day starting at
        # 1 a.m. it is still the study day of 1 March there (in UTC, 2 March)
        assert views.load_stats(app).today_date.isoformat() == "2026-03-02"
        fill(screen, rollover_hour="1", learn_ahead="4", timezone="America/Anchorage")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved" in message(screen)
    saved = app.store.settings(app.learner)
    assert (saved.rollover_hour, saved.learn_ahead, saved.timezone) == (
        1,
        timedelta(minutes=4),
        "America/Anchorage",
    )
    assert chosen_timezone("tester") == "America/Anchorage"
    # used: the learning card due in 4.5 min is outside the 4 min learn-ahead now
    assert app.store.queue_counts(app.learner, "tui-types", now=later).learning == 0
    assert views.load_stats(app).today_date.isoformat() == "2026-03-01"

    # the next start keeps the chosen zone (it does not move the learner back to the machine's)
    again = build_app(tmp_path)
    assert again.store.settings(again.learner).timezone == "America/Anchorage"
    async with again.run_test(size=SIZE) as pilot:
        again.open_settings()
        await settle(pilot, again)
        assert again.screen.query_one("#timezone", Input).value == "America/Anchorage"
        fill(again.screen, timezone="")  # empty: follow this computer's zone again
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert again.store.settings(again.learner).timezone == local_zone_name()
    assert chosen_timezone("tester") == ""


@pilot_test
async def test_every_setting_and_the_save_button_are_reachable_at_80x24(tmp_path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_settings()
        await settle(pilot, app)
        seen = []
        for _ in range(12):
            focused = app.focused
            assert focused is not None
            seen.append(focused.id)
            region = focused.region
            assert region.height > 0 and 0 <= region.y and region.bottom <= 23, focused.id
            if focused.id == "save":
                break
            await pilot.press("tab")
            await pilot.pause()
        assert {"rollover_hour", "learn_ahead", "timezone", "language", "save"} <= set(seen)
