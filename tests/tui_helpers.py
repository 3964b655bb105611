"""Shared set-up for the TUI tests: fixture decks, a temporary store, a fixed clock and seed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tui"
DECKS_DIR = FIXTURES / "decks"
LITERAL_DIR = FIXTURES / "literal"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SIZE = (100, 34)


def build_app(
    tmp_path: Path,
    *,
    deck_dirs: tuple[Path, ...] = (DECKS_DIR,),
    start: Any = None,
    seed: int = 7,
    db_name: str = "progress.sqlite3",
    clock: Any = None,
) -> Any:
    from studyrnn.decks import load_decks
    from studyrnn.settings import Settings
    from studyrnn.store import open_store
    from studyrnn.tui.app import make_app

    settings = Settings(
        db_url=f"sqlite:///{tmp_path / db_name}", learner="tester", deck_dirs=deck_dirs
    )
    decks = load_decks(list(deck_dirs))
    store = open_store(settings.db_url)
    return make_app(settings, decks, store, clock=clock or (lambda: NOW), seed=seed, start=start)


async def settle(pilot: Any, app: Any) -> None:
    """Let workers finish and their messages land."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def pilot_test(fn: Any) -> Any:
    """Run an async Pilot test with asyncio.run (no async pytest plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


def record_notifications(app: Any) -> list[Any]:
    """Every notification ``app`` shows from now on, recorded through its public ``notify``
    (each entry has ``.message`` and ``.severity``, like Textual's own)."""
    from types import SimpleNamespace

    seen: list[Any] = []
    notify = app.notify

    def recording(message: Any, *args: Any, **kwargs: Any) -> Any:
        severity = kwargs.get("severity", args[1] if len(args) > 1 else "information")
        seen.append(SimpleNamespace(message=str(message), severity=severity))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return seen
