"""The largest notes validate accepts open quickly in the TUI (issue 13: 367 KB of notes once
took 90 s and 1.3 GB). The bound is in the format (``studyrnn.limits``: 16,384 characters, 250
non-blank lines); this checks the worst cases at the bound against a generous time budget."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tui_helpers import SIZE, build_app, pilot_test, settle

BUDGET_S = 15.0  # measured ~1 s (realistic) and ~3 s (250 list items) on a loaded 2-core box


def notes_deck(folder: Path, notes: str) -> Path:
    folder.mkdir()
    body = "\n".join("  " + line if line else "" for line in notes.splitlines())
    (folder / "n.yaml").write_text(
        f"id: n\ntitle: N\nnotes: |\n{body}\ncards:\n  - {{id: a, type: flashcard, front: f, back: b}}\n",
        encoding="utf-8",
    )
    return folder


def realistic(size: int, lines: int) -> str:
    """Sections of a heading, a paragraph and a list: as many as fit both bounds."""
    para = "The gradient through time multiplies Jacobians; *vanishing* and **exploding** follow. "
    out, i = "", 0
    while True:
        section = f"## Section {i}\n\n{para * 2}\n\n- one\n- two with `code`\n\n"
        longer = out + section
        if len(longer) > size or sum(1 for x in longer.splitlines() if x.strip()) > lines:
            return out
        out, i = out + section, i + 1


@pytest.mark.parametrize(
    "notes",
    [realistic(16_384 - 50, 250), "- a\n" * 250],
    ids=["16KB-of-sections", "250-list-items"],
)
@pilot_test
async def test_notes_at_the_bound_open_quickly(tmp_path: Path, notes: str) -> None:
    from textual.widgets import Markdown

    from studyrnn.decks import load_deck

    folder = notes_deck(tmp_path / "decks", notes)
    assert load_deck(folder / "n.yaml").notes  # validate accepts it: it is at the bound
    app = build_app(tmp_path, deck_dirs=(folder,))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        started = time.perf_counter()
        app.open_notes("n")
        await settle(pilot, app)
        elapsed = time.perf_counter() - started
        assert app.screen.query_one(Markdown).source.strip() == notes.strip()
    assert elapsed < BUDGET_S, f"notes took {elapsed:.1f} s to open"
