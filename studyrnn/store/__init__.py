"""Progress store and FSRS scheduling (see docs/architecture.md).

    store = open_store(settings.db_url)     # migrations run to head; StoreError on a bad file
    me = store.learner("ada")
    store.sync_cards(me, decks)
    card = store.next_card(me)
    store.preview(me, card.deck_id, card.card_id)          # {1: timedelta, ..., 4: timedelta}
    store.record_review(me, card.deck_id, card.card_id, 3, verdict=v, answer="0.3",
                        duration_ms=4200, seed=None, mode="review")
    store.undo_last(me)

No engine is built at import time; ``open_store`` is the only factory.
"""

from __future__ import annotations

from studyrnn.errors import StoreError
from studyrnn.store.domain import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_RETIRED,
    QUEUE_REVIEW,
    RATING_NAMES,
    AnsweredElsewhere,
    CardState,
    DueCard,
    Learner,
    NextCard,
    QueueCounts,
    ReviewRecord,
    ReviewResult,
    SchedulerSettings,
    SyncResult,
    UndoRefused,
    UndoResult,
    format_interval,
)
from studyrnn.store.repository import Store, day_start


def open_store(url: str | None = None, *, create: bool = True, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the progress database at ``url``.

    ``None`` means the default: ``$STUDYRNN_DB`` or an SQLite file in the user data directory
    (whose folder is created; a folder named in ``url`` must exist). A bare file path means an
    SQLite file. ``create=False`` never creates a database; ``read_only=True`` also opens a
    read-only SQLite file (read-only commands: ``stats``, ``report``). ``Store.created`` says
    whether the database is new. Raises ``StoreError`` with a clear message for an in-memory,
    read-only, damaged, foreign or missing-driver database.
    """
    from studyrnn.settings import default_db_url
    from studyrnn.store.engine import open_engine

    default = url is None
    engine, where, created = open_engine(
        default_db_url() if url is None else url,
        create=create,
        read_only=read_only,
        make_folder=default,
    )
    store = Store(engine, where)
    store.created = created
    return store


__all__ = [
    "AGAIN",
    "AnsweredElsewhere",
    "NextCard",
    "UndoRefused",
    "HARD",
    "GOOD",
    "EASY",
    "QUEUE_NEW",
    "QUEUE_LEARNING",
    "QUEUE_REVIEW",
    "QUEUE_RETIRED",
    "RATING_NAMES",
    "CardState",
    "DueCard",
    "Learner",
    "QueueCounts",
    "ReviewRecord",
    "ReviewResult",
    "SchedulerSettings",
    "Store",
    "StoreError",
    "SyncResult",
    "UndoResult",
    "day_start",
    "format_interval",
    "open_store",
]
