"""The typed context every front end gets, built once by ``build_context``.

    ctx = build_context(settings)          # decks loaded, store opened, learner synced
    ReviewSession(ctx, deck_id)            # the sessions read everything they need from it

Built before the TUI App (which only stores it) and before the plain loops. Tests pass their own
decks, store, clock and seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studyrnn.settings import Settings
from studyrnn.store import Learner, Store

SEED_RANGE = 2**31


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StudyContext:
    """What the study loop needs, typed: settings, the loaded decks (a ``DeckSet``), the
    progress store, the learner, a clock (aware UTC) and a random source (presentation seeds)."""

    settings: Settings
    decks: Any  # studyrnn.decks.DeckSet
    store: Store
    learner: Learner
    clock: Callable[[], datetime] = utc_now
    rng: random.Random = field(default_factory=random.Random)
    created: bool = False  # the progress database was created just now

    def now(self) -> datetime:
        return self.clock()

    def next_seed(self) -> int:
        """A presentation seed from the context's random source (fixed seed: repeatable runs)."""
        return self.rng.randrange(SEED_RANGE)

    def deck(self, deck_id: str) -> Any:
        """The deck; ``UnknownDeck`` (a usage error with a close match) when there is none."""
        return self.decks[deck_id]

    def deck_list(self) -> list[Any]:
        return list(self.decks.decks) if hasattr(self.decks, "decks") else list(self.decks)


def build_context(
    settings: Settings,
    *,
    decks: Any = None,
    store: Store | None = None,
    clock: Callable[[], datetime] | None = None,
    seed: int | None = None,
    strict: bool = True,
    warn: Callable[[str], None] | None = None,
) -> StudyContext:
    """Load what is missing (decks from ``settings.deck_dirs``; the store at ``settings.db_url``,
    checked before anything is studied), register the learner in their time zone and sync every
    deck's cards. ``strict=False``: a broken deck file is a warning (``warn``), not an error.
    Raises ``StudyrnnError`` (DeckError, StoreError) with a one-line message.
    """
    from studyrnn.settings import chosen_timezone
    from studyrnn.store import open_store
    from studyrnn.store.days import local_zone_name

    clock = clock or utc_now
    if decks is None:
        from studyrnn.decks import load_decks

        decks = load_decks(settings.deck_dirs, strict=strict)
        for problem in getattr(decks, "diagnostics", ()):
            if warn is not None:
                warn(str(problem))
    owned = store is None
    if store is None:
        store = open_store(settings.store_url)
    try:
        # $STUDYRNN_TZ, else the zone chosen in Settings, else this machine's
        zone = settings.timezone or chosen_timezone(settings.learner) or local_zone_name()
        learner = store.learner(settings.learner, timezone=zone)
        store.set_study_day(learner, zone)
        store.sync_cards(learner, decks, now=clock())
    except BaseException:
        if owned:
            store.close()
        raise
    return StudyContext(
        settings=settings,
        decks=decks,
        store=store,
        learner=learner,
        clock=clock,
        rng=random.Random(seed),
        created=bool(getattr(store, "created", False)),
    )
