"""``studyrnn review --plain``: the cards due, on the FSRS schedule, as plain lines.

For screen readers and scripts. For each card due (learning cards due now, then reviews, then new
cards within today's limit):

* a header ``card i: DECK/CARD (new|learning|review)``, the prompt, the options numbered from 1
  and a one-line hint;
* one answer line is read. An empty line reveals the answer unanswered (graded as wrong: suggested
  rating Again, a lapse for a card under review); for a flashcard any line shows the back. An
  answer that is not an answer prints ``invalid: <why>`` and another line is read;
* the verdict (``correct`` / ``incorrect: the answer is ...`` and the explanation) or the back;
* the interval each rating would give (``Again 1 min · Hard 6 min · Good 10 min · Easy 8 days``),
  then ``rate [1-4, Enter for N]:`` where N is the suggested rating; one line is read (Enter
  accepts N; anything else but 1-4 or again/hard/good/easy asks again);
* the review is recorded (one transaction) and only then ``next: <interval>`` is printed.

When nothing (more) is due it says so, and when the next card falls due. End of input stops at
once: the card being answered is not recorded. The exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC
from typing import IO, Any

from studyrnn.plain import EndOfInput, PlainLines, visible

NAME = "review"
HELP = "review the cards due on your FSRS schedule (--plain: as plain lines, for screen readers and scripts)"

RATING_WORDS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain lines: prompts on stdout, one answer per line on stdin",
    )
    parser.add_argument("--deck", metavar="ID", help="review only this deck")


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_decks
    from studyrnn.errors import UsageError
    from studyrnn.store import open_store

    settings = settings_from(args)
    if not args.plain:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(
                "review in the terminal app needs a terminal; for plain lines use `studyrnn review --plain`"
            )
        from studyrnn.tui import run_review

        return run_review(settings, args.deck)
    decks = load_decks(settings.deck_dirs, strict=False)
    for problem in decks.diagnostics:  # one broken deck file does not stop the others' reviews
        print(f"studyrnn: warning: {problem}", file=sys.stderr)
    if args.deck is not None:
        decks[args.deck]  # UnknownDeck (a usage error, with a suggestion) if there is none
    with open_store(settings.db_url) as store:
        learner = store.learner(settings.learner)
        store.sync_cards(learner, decks)
        return PlainReview(store, learner, decks, sys.stdin, sys.stdout).run(args.deck)


class PlainReview(PlainLines):
    """The line-based review loop; the store, decks and streams are injected (tests)."""

    hint_suffix = " An empty line shows the answer."

    def __init__(
        self,
        store: Any,
        learner: Any,
        decks: Any,
        stdin: IO[str],
        stdout: IO[str],
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(stdin, stdout)
        self.store = store
        self.learner = learner
        self.decks = decks
        self.rng = rng or random.SystemRandom()

    def run(self, deck_id: str | None = None) -> int:
        from studyrnn.store import format_interval

        counts = self.store.queue_counts(self.learner, deck_id)
        where = f" in {deck_id}" if deck_id else ""
        self.say(
            f"review{where}: {counts.total} due now ({counts.learning} learning, {counts.review} review, "
            f"{counts.new} new)"
        )
        session = None
        done = 0
        try:
            while True:
                card = self.store.next_card(self.learner, deck_id)
                if card is None:
                    break
                if session is None:
                    session = self.store.start_session(self.learner, "review", deck_id)
                self.say()
                result = self.review(card, done + 1, session)
                done += 1
                self.say(f"next: {format_interval(result.interval)}")
        except EndOfInput:
            self.say()
            self.say(f"end of input: {done} reviewed")
            return 0
        finally:
            if session is not None:
                self.store.end_session(session)
        self.say()
        self.say(self._nothing_due(done, deck_id))
        return 0

    def _nothing_due(self, done: int, deck_id: str | None) -> str:
        from datetime import datetime

        from studyrnn.store import format_interval

        head = f"done: {done} reviewed; nothing more is due now" if done else "nothing is due now"
        due = self.store.next_due(self.learner, deck_id)
        if due is None:
            return f"{head}."
        wait = due - datetime.now(UTC)
        return (
            f"{head}; the next card is due in {format_interval(wait)} ({due:%Y-%m-%d %H:%M} UTC)."
        )

    def review(self, card: Any, number: int, session: int) -> Any:
        """Ask one card, read the answer and the rating, record it; the ReviewResult."""
        from studyrnn.quiz import SEED_RANGE, present
        from studyrnn.store import RATING_NAMES, format_interval

        model = self.decks[card.deck_id].card(card.card_id)
        seed = self.rng.randrange(SEED_RANGE)
        p = present(model, seed)
        self.say(f"card {number}: {card.deck_id}/{card.card_id} ({card.queue_name})")
        self.show(p)

        started = time.monotonic()
        if p.kind == "flashcard":
            answer = self.read()
            duration_ms = round((time.monotonic() - started) * 1000)
            verdict = None
            suggested = 3
            self.say(f"back: {visible(p.back)}")
        else:
            answer, verdict = self.read_answer(p)
            duration_ms = round((time.monotonic() - started) * 1000)
            suggested = verdict.rating or 1
            self.report(p, verdict)

        intervals = self.store.preview(self.learner, card.deck_id, card.card_id)
        self.say(
            " · ".join(
                f"{RATING_NAMES[r]} {format_interval(intervals[r])}" for r in sorted(intervals)
            )
        )
        rating = self.ask_rating(suggested)
        return self.store.record_review(
            self.learner,
            card.deck_id,
            card.card_id,
            rating,
            verdict=verdict,
            answer=answer,
            duration_ms=duration_ms,
            seed=seed,
            mode="review",
            session_id=session,
        )

    def ask_rating(self, suggested: int) -> int:
        while True:
            self.say(f"rate [1-4, Enter for {suggested}]:")
            text = self.read().strip().casefold()
            if not text:
                return suggested
            if text in ("1", "2", "3", "4"):
                return int(text)
            if text in RATING_WORDS:
                return RATING_WORDS[text]
            self.say(
                f"invalid: type 1 (again), 2 (hard), 3 (good) or 4 (easy), or Enter for {suggested}"
            )
