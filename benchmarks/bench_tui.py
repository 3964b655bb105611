"""How fast the terminal app feels.

1. Start-up, as ``studyrnn`` runs it (home paints first, decks and store load in a worker):
   wall time from process start to (a) the first paint of home (its loading state) and (b) home
   painted with the deck table filled with the real counts (bundled decks, an existing SQLite
   store), each against a minimal Textual app (one Static) started the same way in the same run.
   Goal: at most 1.5x the minimal app's time.
2. Key-to-next-question latency in a quiz: from the key that accepts a rating to the next question
   mounted and painted, headless (Pilot). Goal: p95 under 50 ms.

    .venv/bin/python benchmarks/bench_tui.py [--runs 7] [--questions 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

MINIMAL = textwrap.dedent("""
    import os
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("hello")

        def on_mount(self):
            self.call_after_refresh(self.painted)

        def painted(self):
            os.write(1, b"painted\\n")
            self.exit()

    Minimal().run(headless=True, size=(100, 34))
""")

STUDYRNN = textwrap.dedent("""
    import os
    from studyrnn.settings import Settings
    from studyrnn.tui import lazy
    from studyrnn.tui.screens import home

    mounted = home.HomeScreen.on_mount
    filled = home.HomeScreen.on_home_screen_filled
    marks = []

    def mark(name):
        if name not in marks:
            marks.append(name)
            os.write(1, name.encode() + b"\\n")

    def on_mount(self):
        mounted(self)
        self.call_after_refresh(mark, "painted")

    def on_filled(self, message):
        filled(self, message)
        if self.query_one("#decks").row_count and self.data is message.data:
            self.call_after_refresh(mark, "filled")
            if not self.study.loading:  # decks and store loaded too: every key works
                self.call_after_refresh(mark, "loaded")
                self.call_after_refresh(self.app.exit)

    home.HomeScreen.on_mount = on_mount
    home.HomeScreen.on_home_screen_filled = on_filled
    lazy(Settings.resolve()).run(headless=True, size=(100, 34))
""")


def time_to_paint(
    code: str, env: dict[str, str], marks: tuple[str, ...] = ("painted",)
) -> list[float]:
    """Seconds from process start to each of ``marks`` (lines the app writes when it gets there)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None
    times = []
    for mark in marks:
        line = proc.stdout.readline()
        times.append(time.perf_counter() - start)
        if line.strip() != mark.encode():
            _, err = proc.communicate(timeout=60)
            raise SystemExit(
                f"the app did not get to {mark!r} (got {line!r}):\n{err.decode(errors='replace')}"
            )
    proc.communicate(timeout=60)
    return times


def bench_startup(runs: int) -> tuple[float, float, float, float]:
    """Medians: minimal app painted; studyrnn home first painted, filled with the counts, and
    loaded (decks parsed and store open: every action available)."""
    minimal, painted, filled, loaded = [], [], [], []
    marks = ("painted", "filled", "loaded")
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "STUDYRNN_DATA_DIR": data}
        env.pop("STUDYRNN_DB", None)
        env.pop("STUDYRNN_DECKS", None)
        # first run: creates the store and the deck summary cache, warms the file cache
        time_to_paint(STUDYRNN, env, marks)
        time_to_paint(MINIMAL, env)
        for _ in range(runs):  # interleaved, so both see the same machine load
            minimal += time_to_paint(MINIMAL, env)
            first, full, ready = time_to_paint(STUDYRNN, env, marks)
            painted.append(first)
            filled.append(full)
            loaded.append(ready)
    return tuple(statistics.median(x) for x in (minimal, painted, filled, loaded))  # type: ignore[return-value]


async def bench_quiz(questions: int) -> list[float]:
    from studyrnn.decks import load_decks
    from studyrnn.settings import Settings, bundled_decks_dir
    from studyrnn.store import open_store
    from studyrnn.tui.app import make_app
    from studyrnn.tui.screens.quiz import QuizScreen

    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            db_url=f"sqlite:///{Path(data) / 'bench.sqlite3'}",
            learner="bench",
            deck_dirs=(bundled_decks_dir(),),
        )
        decks = load_decks(settings.deck_dirs)
        app = make_app(settings, decks, open_store(settings.db_url), seed=1)
        cards = [
            (deck.id, card)
            for deck in decks.decks
            for card in deck.cards
            if card.type in ("choice", "flashcard")
        ]
        deck_id = max({d for d, _ in cards}, key=lambda d: sum(1 for x, _ in cards if x == d))
        chosen = [card for d, card in cards if d == deck_id]
        chosen = (chosen * (questions // max(1, len(chosen)) + 2))[: questions + 1]
        latencies = []
        async with app.run_test(size=(100, 34)) as pilot:
            await pilot.pause()
            app.push_screen(QuizScreen.for_cards(app, deck_id, chosen))
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            for _ in range(questions):
                await pilot.press("space" if screen.current.presented.kind == "flashcard" else "1")
                assert screen.phase == "graded"
                await pilot.pause()
                latencies.append(await key_to_paint(app, screen))
    return latencies


async def key_to_paint(app, screen) -> float:
    """Send Enter (accept the rating: record it, show the next question) as a terminal would, and
    time until the next question has been laid out and painted."""
    from textual import events

    index = screen.index
    painted = asyncio.get_running_loop().create_future()
    cpu = time.process_time()
    start = time.perf_counter()
    key = events.Key("enter", "\r")
    key.set_sender(app)
    app._driver.send_message(key)
    while screen.index == index:
        await asyncio.sleep(0)
    screen.call_after_refresh(lambda: painted.done() or painted.set_result(time.perf_counter()))
    end = await painted
    CPU.append(time.process_time() - cpu)
    assert screen.phase == "ask"
    return end - start


CPU: list[
    float
] = []  # the same intervals in this process's CPU time (less sensitive to a busy machine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()

    minimal, painted, filled, loaded = bench_startup(args.runs)
    print(f"start-up (median of {args.runs}; load average {os.getloadavg()[0]:.2f}):")
    print(f"  minimal Textual app, painted   {minimal * 1000:7.0f} ms")
    for label, value in (
        ("studyrnn home, first paint   ", painted),
        ("studyrnn home, decks filled  ", filled),
    ):
        ratio = value / minimal
        print(
            f"  {label} {value * 1000:7.0f} ms   ratio {ratio:.2f}x   goal <= 1.5x  "
            f"{'OK' if ratio <= 1.5 else 'MISSED'}"
        )
    print(
        f"  studyrnn decks and store loaded {loaded * 1000:7.0f} ms   ratio {loaded / minimal:.2f}x"
        "   (in the background; keys that need a deck say 'still loading' until then)"
    )

    latencies = sorted(asyncio.run(bench_quiz(args.questions)))
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, int(round(0.95 * (len(latencies) - 1))))]
    print(f"key to next question in a quiz ({len(latencies)} keys, recorded to SQLite):")
    print(
        f"  p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   goal p95 < 50 ms  "
        f"{'OK' if p95 < 0.050 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
