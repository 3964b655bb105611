"""The Textual app. ``main(settings)`` is what ``studyrnn`` with no command runs.

``main`` paints home at once and loads decks and the progress store in a background worker; a
bad deck or an unreadable database ends the app and ``main`` raises that ``StudyrnnError``, which
the CLI prints as one line, never a traceback inside the app. ``run_quiz``, ``run_review`` and
``run_preview`` load before the app starts (they open on a deck, which must exist).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyrnn.settings import Settings
    from studyrnn.study import StudyContext
    from studyrnn.tui.app import StudyApp


def load(settings: Settings) -> StudyContext:
    """The study context the app needs (decks loaded, store opened and checked, cards synced);
    raises DeckError / StoreError (StudyrnnErrors)."""
    from studyrnn.study import build_context

    return build_context(settings)


def use_language(settings: Settings) -> None:
    """The UI language: the learner's choice in Settings, else the locale's (studyrnn.i18n)."""
    from studyrnn import i18n

    i18n.set_language(i18n.load_preference(settings.learner))


def build(
    settings: Settings,
    start: tuple[str, Any] | None = None,
    seed: int | None = None,
) -> StudyApp:
    from studyrnn.tui.app import KEY_GUARD_S, make_app

    use_language(settings)
    return make_app(settings, context=load(settings), start=start, seed=seed, key_guard=KEY_GUARD_S)


def lazy(settings: Settings) -> StudyApp:
    """The app that paints home first and runs ``load`` in a worker (what ``studyrnn`` opens)."""
    from studyrnn.tui.app import KEY_GUARD_S, make_app

    use_language(settings)
    return make_app(settings, loader=load, key_guard=KEY_GUARD_S)


def _run(app: StudyApp) -> int:
    """Run the app, then close its store: closing checkpoints the SQLite WAL at the end of the
    session instead of in the middle of someone's answer. An unexpected exception inside the app
    is raised here, for the CLI to log (without locals) and report in one line."""
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
    if app.crash is not None:
        raise app.crash
    return app.return_code or 0


def main(settings: Settings) -> int:
    """``studyrnn``: the app on the bundled decks and the default store."""
    app = lazy(settings)
    code = _run(app)
    if app.load_error is not None:
        raise app.load_error
    return code


def run_quiz(
    settings: Settings,
    deck_id: str,
    limit: int = 10,
    seed: int | None = None,
    in_order: bool = False,
) -> int:
    """``studyrnn quiz DECK`` without ``--plain``: the app, opened on that deck's quiz (honouring
    ``--seed`` and ``--in-order`` as the plain quiz does)."""
    from studyrnn.errors import UsageError

    start = ("quiz", {"deck_id": deck_id, "limit": limit, "seed": seed, "in_order": in_order})
    app = build(settings, start=start)
    known = [deck.id for deck in app.deck_list()]
    if deck_id not in known:
        app.store.close()
        raise UsageError(f"no deck with id {deck_id!r} (decks: {', '.join(known) or 'none'})")
    return _run(app)


def run_review(settings: Settings, deck_id: str | None = None) -> int:
    """``studyrnn review`` without ``--plain``: the app, opened on the review of the cards due
    (of one deck, or of every deck)."""
    app = build(settings, start=("review", deck_id))
    if deck_id is not None:
        try:
            app.decks[deck_id]  # UnknownDeck (a usage error, with a close match) if there is none
        except KeyError:
            app.store.close()
            raise
    return _run(app)


def run_preview(settings: Settings, path: Path) -> int:
    """``studyrnn preview DECK.yaml``: the deck browser on one file, reloading on change."""
    from studyrnn.errors import UsageError
    from studyrnn.tui.app import make_app

    if not path.is_file():
        raise UsageError(f"{path}: no such deck file")
    make_app(settings, start=("browser", path)).run()
    return 0
