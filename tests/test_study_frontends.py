"""One suite, both front ends: the same answers through ``review --plain`` and through the TUI's
review screen give the same verdicts, log rows, schedule and undo behaviour (SQLite and
PostgreSQL; fixed clock)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tui_helpers import NOW, SIZE, pilot_test, settle

from studyrnn.settings import Settings

DECK = """\
id: tiny
title: Tiny review deck
language: en
cards:
  - id: pick
    type: choice
    prompt: Which activation's derivative is 1 − h² in terms of its output h?
    options: [ReLU, tanh, sigmoid]
    answer: 1
  - id: steps
    type: numeric
    prompt: A sequence has 4 steps of 3 ms each. How long does the forward pass take?
    answer: 12
    tolerance: {atol: 0.5}
    unit: ms
  - id: flash
    type: flashcard
    front: What does BPTT stand for?
    back: Backpropagation through time
"""

# pick right (Enter: Good); steps revealed (Enter: Again); flash turned over, then undo (steps
# comes back); steps right (Enter: Good); flash turned over, Easy.
PLAIN_INPUT = "2\n\n\n\nflip\nu\n12\n\nflip\n4\n"
TUI_KEYS = ["2", "enter", "enter", "enter", "space", "u", "1", "2", "enter", "enter", "space", "4"]

EXPECTED_LOG = [
    ("pick", 3, "correct", "2", "review"),
    ("steps", 3, "correct", "12", "review"),
    ("flash", 4, None, None, "review"),
]


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK, encoding="utf-8")
    return folder


def outcome(store, learner) -> tuple[list, dict, int]:
    """(log rows oldest first, card states, sessions used) of one run."""
    log = list(reversed(store.reviews(learner)))
    rows = [(r.card_id, r.rating, r.outcome, r.answer, r.mode) for r in log]
    states = {c.card_id: c for c in store.cards(learner, "tiny")}
    return rows, states, len({r.session_id for r in log})


def run_plain(url: str, deck_dir: Path) -> tuple[list, dict, int]:
    from studyrnn.commands.review import PlainReview
    from studyrnn.study import ReviewSession, build_context

    settings = Settings(db_url=url, learner="ada", deck_dirs=(deck_dir,), timezone="UTC")
    ctx = build_context(settings, clock=lambda: NOW, seed=7)
    with ctx.store:
        out = io.StringIO()
        PlainReview(ReviewSession(ctx, "tiny"), io.StringIO(PLAIN_INPUT), out).run()
        assert "took back: A sequence has 4 steps" in out.getvalue()
        return outcome(ctx.store, ctx.learner)


async def run_tui(url: str, deck_dir: Path) -> tuple[list, dict, int]:
    from studyrnn.decks import load_decks
    from studyrnn.store import open_store
    from studyrnn.tui.app import make_app

    settings = Settings(db_url=url, learner="ada", deck_dirs=(deck_dir,), timezone="UTC")
    app = make_app(
        settings,
        load_decks([deck_dir]),
        open_store(url),
        clock=lambda: NOW,
        seed=7,
        start=("review", "tiny"),
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            for key in TUI_KEYS:
                await pilot.press(key)
                await settle(pilot, app)
            assert any(
                str(n.message).startswith("Took back “A sequence") for n in app._notifications
            )
            return outcome(app.store, app.learner)
    finally:
        app.store.close()


@pilot_test
async def test_plain_and_tui_give_the_same_log_schedule_and_undo(
    db_url: str, deck_dir: Path, tmp_path: Path
) -> None:
    plain = run_plain(db_url, deck_dir)
    other = db_url.replace("progress.sqlite3", "tui.sqlite3") if "sqlite" in db_url else None
    if other is None:  # PostgreSQL: a fresh schema for the second front end
        import os
        import uuid

        from conftest import _pg_url

        other = _pg_url(os.environ["STUDYRNN_TEST_PG_URL"], f"t_{uuid.uuid4().hex[:12]}")
    tui = await run_tui(other, deck_dir)
    assert plain[0] == EXPECTED_LOG
    assert tui[0] == plain[0]
    # the schedule: every card's FSRS state the same in both databases
    assert tui[1] == plain[1]
    assert plain[1]["steps"].reps == 1  # the undone Again left no trace
    assert plain[2] == tui[2] == 1  # one session each
