"""Regenerate the README screenshots: home, a quiz question and the gradient lab (SVG).

.venv/bin/python docs/screenshots/make_screenshots.py
rsvg-convert docs/screenshots/home.svg -o /tmp/home.png    # to look at one
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (110, 32)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def build(data: Path, start=None):
    from studyrnn.decks import load_decks
    from studyrnn.settings import Settings, bundled_decks_dir
    from studyrnn.store import open_store
    from studyrnn.tui.app import make_app

    settings = Settings(
        db_url=f"sqlite:///{data / 'shots.sqlite3'}",
        learner="ada",
        deck_dirs=(bundled_decks_dir(),),
    )
    decks = load_decks(settings.deck_dirs)
    return make_app(
        settings, decks, open_store(settings.db_url), clock=lambda: NOW, seed=3, start=start
    )


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("Input"):
        widget.cursor_blink = False
    await pilot.pause()


async def shoot(data: Path) -> None:
    from studyrnn.tui.screens.lab import Dial

    app = build(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.save_screenshot("home.svg", str(HERE))
        await pilot.press("t")
        await settle(pilot)
        for _ in range(10):  # a choice question makes the best picture
            if app.screen.current.presented.kind == "choice":
                break
            app.screen.show_question(app.screen.index + 1)
            await settle(pilot)
        app.save_screenshot("quiz.svg", str(HERE))
        app.pop_screen()  # leaving a quiz by Esc asks first
        await pilot.pause()
        await pilot.press("l")
        await settle(pilot)
        # the lab's side-by-side view: RNN and LSTM on the long-range adding problem (T = 50),
        # 400 steps each, where the LSTM solves it and the RNN does not
        app.screen.query_one("#task").value = "long-range"
        await settle(pilot)
        assert app.screen.query_one("#steps", Dial).value == 400
        await pilot.press("c")
        await settle(pilot)
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot("lab.svg", str(HERE))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(shoot(Path(tmp)))
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("*.svg"))))
