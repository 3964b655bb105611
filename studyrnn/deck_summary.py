"""What home and ``studyrnn decks`` show per deck: title, language, new/due/learned counts, mastery.

Two ways to the same numbers:

* ``quick(settings, now)`` — standard library only, for the first paint of home: deck titles from
  a summary cache (``home-summary.json`` in the data directory) that is valid while every deck
  file has the size and mtime it had when the decks were last loaded and synced into this store
  for this learner, and the counts from the SQLite file through ``sqlite3`` (read-only). None when
  it cannot be sure (no cache, a deck file changed, another database or learner, not SQLite).
* ``from_store(store, learner, decks, now)`` — through the store's API (any database).

Both follow ``Store.queue_counts``: new cards and reviews are capped by what today's limits leave,
and the new-card limit is shared by all decks (``HomeData.new_left``), as Anki's is by a preset.
``tests/test_deck_summary.py`` checks they agree. "Learned" counts the cards in the Review state:
cards still in (re)learning are not learned yet.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

CACHE_FILE = "home-summary.json"
CACHE_VERSION = 1
DECK_SUFFIXES = (".yaml", ".yml")  # as studyrnn.decks.DECK_SUFFIXES (test_deck_summary checks)
QUEUE_NEW, QUEUE_LEARNING, QUEUE_REVIEW = 0, 1, 2  # as studyrnn.store.domain
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class DeckInfo:
    """A deck as listed: no cards, just what a list of decks shows."""

    id: str
    title: str
    language: str
    cards: int


@dataclass(frozen=True)
class DeckCounts:
    new: int  # new cards ready today (after the shared daily limit)
    learning: int  # learning and relearning cards due now
    review: int  # review cards due now (after the daily review limit)
    learned: int  # cards in the Review state (learning ones not included)
    mastered: int  # Review cards with a stability of 21 days or more (stats.mastery)
    cards: int  # cards in the deck

    @property
    def due(self) -> int:
        return self.learning + self.review

    @property
    def mastery(self) -> float | None:
        return self.mastered / self.cards if self.cards else None


@dataclass(frozen=True)
class HomeData:
    decks: list[DeckInfo]
    counts: dict[str, DeckCounts]
    new_per_day: int  # the learner's daily limit of new cards, shared by every deck
    new_left: int  # new cards still allowed today
    total_new: int
    total_learning: int
    total_review: int
    next_due: datetime | None = None  # the next learning/review card to fall due after now
    complete: bool = field(default=True)  # False: from the cache, before the decks are loaded

    def rows(self) -> list[tuple[DeckInfo, DeckCounts]]:
        empty = DeckCounts(0, 0, 0, 0, 0, 0)
        return [(d, self.counts.get(d.id, empty)) for d in self.decks]


# -- deck files and the summary cache --------------------------------------------------------


def deck_files(dirs: Iterable[str | Path]) -> list[Path]:
    """The deck files in ``dirs``, in the order ``studyrnn.decks.deck_files`` gives them."""
    out: dict[Path, Path] = {}
    for d in map(Path, dirs):
        if d.is_dir():
            found = sorted(
                p for p in d.iterdir() if p.suffix.lower() in DECK_SUFFIXES and p.is_file()
            )
        elif d.is_file():
            found = [d]
        else:
            continue
        for p in found:
            out.setdefault(p.resolve(), p)
    return list(out.values())


def files_key(dirs: Iterable[str | Path]) -> list[list[Any]]:
    """[path, size, mtime_ns] of every deck file: the cache is valid while this is unchanged."""
    key = []
    for p in deck_files(dirs):
        try:
            st = p.stat()
        except OSError:
            continue
        key.append([str(p), st.st_size, st.st_mtime_ns])
    return key


def _cache_path(data_dir: Path | None) -> Path:
    if data_dir is None:
        from studyrnn.settings import data_dir as default_dir

        data_dir = default_dir()
    return data_dir / CACHE_FILE


def save_cache(settings: Any, decks: Iterable[Any], data_dir: Path | None = None) -> None:
    """Remember the decks' titles for the next start (call after the decks were synced)."""
    from studyrnn.files import write_output

    infos = [info_of(deck) for deck in decks]
    data = {
        "version": CACHE_VERSION,
        "db": settings.db_url,
        "learner": settings.learner,
        "files": files_key(settings.deck_dirs),
        "decks": [asdict(i) for i in infos],
    }
    path = _cache_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_output(path, json.dumps(data, ensure_ascii=False), force=True)


def load_cache(settings: Any, data_dir: Path | None = None) -> list[DeckInfo] | None:
    """The cached decks if the cache was written for these deck files, database and learner."""
    try:
        data = json.loads(_cache_path(data_dir).read_text(encoding="utf-8"))
        if (
            data.get("version") != CACHE_VERSION
            or data.get("db") != settings.db_url
            or data.get("learner") != settings.learner
            or data.get("files") != files_key(settings.deck_dirs)
        ):
            return None
        return [DeckInfo(**d) for d in data["decks"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def info_of(deck: Any) -> DeckInfo:
    return DeckInfo(str(deck.id), str(deck.title), str(deck.language or "en"), len(deck.cards))


# -- counts ------------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path | None:
    """The file of an ``sqlite:///PATH`` URL (None for anything else: a server, memory, options)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def _epoch_us(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def quick(settings: Any, now: datetime, data_dir: Path | None = None) -> HomeData | None:
    """Home's rows before the decks are loaded, or None if that cannot be done exactly."""
    decks = load_cache(settings, data_dir)
    path = sqlite_path(settings.db_url)
    if decks is None or path is None or not path.is_file():
        return None
    try:
        return sqlite_counts(path, settings.learner, decks, now, complete=False)
    except sqlite3.Error:
        return None


def sqlite_counts(
    path: Path, learner: str, decks: list[DeckInfo], now: datetime, *, complete: bool = True
) -> HomeData | None:
    """The counts of ``decks`` for ``learner`` read straight from the SQLite store at ``path``."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=2)
    try:
        row = conn.execute(
            "SELECT id, new_per_day, max_reviews_per_day, timezone, rollover_hour,"
            " learn_ahead_minutes FROM learners WHERE name = ?",
            (learner,),
        ).fetchone()
        if row is None:
            return None
        learner_id, new_per_day, max_reviews, timezone, rollover, ahead_minutes = row
        from studyrnn.days import DayRule  # the learner's study day, as the store keeps it

        now_us = _epoch_us(now)
        day = conn.execute(
            "SELECT new_cards, review_cards FROM review_days WHERE learner_id = ? AND day = ?",
            (learner_id, DayRule(timezone, rollover).day_of(now)),
        ).fetchone()
        introduced, reviewed = day or (0, 0)
        per_queue: dict[tuple[str, int], tuple[int, int]] = {}
        for deck_id, queue, n, due in conn.execute(
            # learning cards count when due within the learn-ahead limit, as the store counts them
            "SELECT deck_id, queue, count(*), sum(due <= CASE WHEN queue = 1 THEN ? ELSE ? END)"
            " FROM cards WHERE learner_id = ? AND queue >= 0 GROUP BY deck_id, queue",
            (now_us + int(ahead_minutes) * 60_000_000, now_us, learner_id),
        ):
            per_queue[deck_id, queue] = (n, due or 0)
        mastered = dict(
            conn.execute(
                "SELECT deck_id, mastered FROM deck_totals WHERE learner_id = ?", (learner_id,)
            ).fetchall()
        )
        (next_due,) = conn.execute(
            "SELECT min(due) FROM cards WHERE learner_id = ? AND queue IN (1, 2) AND due > ?",
            (learner_id, now_us),
        ).fetchone()
    finally:
        conn.close()

    def waiting(deck_id: str) -> tuple[int, int, int, int, int]:
        new = per_queue.get((deck_id, QUEUE_NEW), (0, 0))[0]
        learning = per_queue.get((deck_id, QUEUE_LEARNING), (0, 0))[1]
        review_all, review_due = per_queue.get((deck_id, QUEUE_REVIEW), (0, 0))
        cards = sum(per_queue.get((deck_id, q), (0, 0))[0] for q in (0, 1, 2))
        return new, learning, review_due, review_all, cards

    new_left = max(0, new_per_day - introduced)
    reviews_left = max(0, max_reviews - reviewed)
    counts = {}
    totals = [0, 0, 0]
    for deck in decks:
        new, learning, review_due, learned, cards = waiting(deck.id)
        counts[deck.id] = DeckCounts(
            new=min(new, new_left),
            learning=learning,
            review=min(review_due, reviews_left),
            learned=learned,
            mastered=int(mastered.get(deck.id, 0)),
            cards=cards,
        )
        totals = [totals[0] + new, totals[1] + learning, totals[2] + review_due]
    return HomeData(
        decks=list(decks),
        counts=counts,
        new_per_day=new_per_day,
        new_left=new_left,
        total_new=min(totals[0], new_left),
        total_learning=totals[1],
        total_review=min(totals[2], reviews_left),
        next_due=None if next_due is None else datetime(1970, 1, 1, tzinfo=UTC) + _us(next_due),
        complete=complete,
    )


def _us(value: int) -> Any:
    from datetime import timedelta

    return timedelta(microseconds=int(value))


def from_store(store: Any, learner: Any, decks: Iterable[Any], now: datetime) -> HomeData:
    """The same numbers through the store's API (PostgreSQL too); ``decks`` are loaded decks."""
    from studyrnn import stats
    from studyrnn.store import QUEUE_REVIEW as REVIEW_QUEUE

    infos = [info_of(d) for d in decks]
    mastery = stats.mastery(store, learner)
    settings = store.settings(learner)
    # every deck's counts and cards in one read each, not two reads per deck
    queues = store.queue_counts_by_deck(learner, now=now)
    cards_of: dict[str, list[Any]] = {}
    for state in store.cards(learner):
        cards_of.setdefault(state.deck_id, []).append(state)
    counts = {}
    for info in infos:
        c = queues.get(info.id)
        cards = cards_of.get(info.id, [])
        m = mastery.get(info.id)
        counts[info.id] = DeckCounts(
            new=c.new if c is not None else 0,
            learning=c.learning if c is not None else 0,
            review=c.review if c is not None else 0,
            learned=sum(1 for s in cards if s.queue == REVIEW_QUEUE),
            mastered=m.mastered if m is not None else 0,
            cards=len(cards),
        )
    total = store.queue_counts(learner, None, now=now)
    with store.reading() as conn:
        introduced, _ = store._done_today(conn, learner, now)  # the store's own day totals
    nd = store.next_due(learner)
    return HomeData(
        decks=infos,
        counts=counts,
        new_per_day=settings.new_per_day,
        new_left=max(0, settings.new_per_day - introduced),
        total_new=total.new,
        total_learning=total.learning,
        total_review=total.review,
        next_due=nd if nd is not None and nd > now else None,
    )


def from_app(settings: Any, store: Any, learner: Any, decks: list[Any], now: datetime) -> HomeData:
    """Home's numbers once decks and store are loaded: through sqlite3 on SQLite (the same
    queries as the first paint), else through the store."""
    path = sqlite_path(settings.db_url)
    if path is not None and path.is_file():
        try:
            data = sqlite_counts(path, learner.name, [info_of(d) for d in decks], now)
            if data is not None:
                return data
        except sqlite3.Error:
            pass
    return from_store(store, learner, decks, now)


def to_json(data: HomeData) -> list[dict[str, Any]]:
    """``studyrnn decks --json``: one object per deck."""
    return [
        {
            **asdict(info),
            "new": c.new,
            "due": c.due,
            "learning": c.learning,
            "review": c.review,
            "learned": c.learned,
            "mastery": c.mastery,
        }
        for info, c in data.rows()
    ]
