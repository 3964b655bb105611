"""What `studyrnn` pays before home paints: the TUI modules import none of the heavy layers, an
up-to-date store opens without Alembic, and decks without generated cards load without NumPy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "pydantic", "numpy", "engine", "alembic", "studyrnn.store", "studyrnn.decks")


def imported_after(code: str) -> set[str]:
    """The top-level module names loaded in a fresh interpreter after running ``code``."""
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_the_first_paint_needs_none_of_the_heavy_layers() -> None:
    loaded = imported_after(
        "import studyrnn.tui, studyrnn.tui.app, studyrnn.tui.screens.home, studyrnn.commands._common"
    )
    assert not [m for m in loaded if m in HEAVY or m.split(".")[0] in HEAVY[:5]]


def test_the_head_revision_constant_is_the_migrations_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from studyrnn.store.engine import HEAD_REVISION, MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_an_up_to_date_store_opens_without_alembic(tmp_path) -> None:
    from studyrnn.store import open_store

    db = tmp_path / "p.sqlite3"
    open_store(f"sqlite:///{db}").close()  # created and stamped (imports Alembic)
    loaded = imported_after(
        f"from studyrnn.store import open_store\nopen_store({f'sqlite:///{db}'!r}).close()"
    )
    assert "studyrnn.store" in loaded and "alembic" not in loaded


def test_decks_without_generated_cards_load_without_numpy(tmp_path) -> None:
    (tmp_path / "plain.yaml").write_text(
        "id: plain\ntitle: Plain\ncards:\n  - id: c\n    type: choice\n    prompt: Which?\n"
        "    options: [a, b]\n    answer: 0\n"
    )
    loaded = imported_after(
        f"from studyrnn.decks import load_decks\nassert load_decks([{str(tmp_path)!r}])['plain']"
    )
    assert "studyrnn.decks" in loaded and "numpy" not in loaded and "engine" not in loaded


def test_the_store_is_closed_when_the_app_ends_even_by_a_crash() -> None:
    """Closing checkpoints the SQLite log at the end of a session (see test_store_wal.py)."""
    import pytest

    from studyrnn import tui

    closed: list[bool] = []

    class Store:
        def close(self) -> None:
            closed.append(True)

    class App:
        store = Store()

        def run(self) -> None:
            raise RuntimeError("the app fell over")

    with pytest.raises(RuntimeError):
        tui._run(App())  # type: ignore[arg-type]
    assert closed == [True]
