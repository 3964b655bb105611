"""``studyrnn review --plain``: the cards due, on the FSRS schedule, as plain lines.

For screen readers and scripts; the loop is ``studyrnn.study.ReviewSession``, the same one the
terminal app drives. For each card (learning cards due now, then reviews, then new cards within
today's limit, then learning cards due within the learn-ahead limit, 20 minutes by default):

* a header ``card i: DECK/CARD (new|learning|review)``, the prompt, the options numbered from 1
  and a one-line hint;
* one answer line is read. An empty line reveals the answer unanswered (graded as wrong: suggested
  rating Again, a lapse for a card under review); for a flashcard any line shows the back. An
  answer that is not an answer prints ``invalid: <why>`` and another line is read;
* the verdict (``correct`` / ``incorrect: the answer is ...`` and the explanation) or the back,
  and ``source: ...`` when the card names one;
* the interval each rating would give (``Again 1 min · Hard 6 min · Good 10 min · Easy 8 days``),
  then ``rate [1-4, Enter for N, u to undo]:`` where N is the suggested rating; one line is read
  (Enter accepts N; ``u`` takes back this session's previous answer, whose card comes next, and
  sets the current card aside unrecorded; anything else but 1-4 or again/hard/good/easy asks
  again);
* the review is recorded (one transaction) and only then ``next: <interval>`` is printed.

When nothing (more) is due it prints the session's summary and when the next card falls due.
End of input stops at once: the card being answered is not recorded. The exit status is 0.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from studyrnn.i18n import N_
from studyrnn.plain import EndOfInput, PlainLines, visible

NAME = "review"
HELP = "review the cards due on your FSRS schedule (--plain: as plain lines, for screen readers and scripts)"

UNDO_WORDS = frozenset({"u", "undo"})


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain lines: prompts on stdout, one answer per line on stdin",
    )
    parser.add_argument("--deck", metavar="ID", help="review only this deck")


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from, study_context
    from studyrnn.errors import UsageError

    settings = settings_from(args)
    if not args.plain:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError(
                "review in the terminal app needs a terminal; for plain lines use `studyrnn review --plain`"
            )
        from studyrnn.tui import run_review

        return run_review(settings, args.deck)
    ctx = study_context(settings)
    try:
        if args.deck is not None:
            ctx.deck(args.deck)  # UnknownDeck (a usage error, with a suggestion) if there is none
        from studyrnn.study import ReviewSession

        return PlainReview(ReviewSession(ctx, args.deck), sys.stdin, sys.stdout).run()
    finally:
        ctx.store.close()


class PlainReview(PlainLines):
    """Plain lines in and out of a ``ReviewSession`` (streams injected for tests)."""

    hint_suffix = N_("An empty line shows the answer.")

    def __init__(self, session: Any, stdin: IO[str], stdout: IO[str]) -> None:
        super().__init__(stdin, stdout)
        self.session = session

    def run(self) -> int:
        from studyrnn.study import NothingDue

        session = self.session
        if session.deck_id is not None:
            self.use_language(getattr(session.ctx.deck(session.deck_id), "language", None) or "en")
        tr = self.gettext
        step = session.next()
        counts = step.counts
        head = (
            tr(
                "review in {deck}: {total} due now ({learning} learning, {review} review, {new} new)"
            )
            if session.deck_id
            else tr("review: {total} due now ({learning} learning, {review} review, {new} new)")
        )
        self.say(
            head.format(
                deck=visible(session.deck_id or ""),
                total=counts.total,
                learning=counts.learning,
                review=counts.review,
                new=counts.new,
            )
        )
        number = 0
        try:
            while not isinstance(step, NothingDue):
                self.say()
                number += 1
                step = self.review(step, number)
        except EndOfInput:
            self.say()
            self.say(self.gettext("end of input: {n} reviewed").format(n=session.reviewed))
            return 0
        finally:
            session.close()
        self.say()
        self.say(self._nothing_due(step))
        return 0

    def _nothing_due(self, nothing: Any) -> str:
        from studyrnn.store import format_interval
        from studyrnn.store.days import zone

        tr = self.gettext
        summary = nothing.summary
        head = (
            tr("done: {n} reviewed; nothing more is due now").format(n=summary.reviewed)
            if summary.reviewed
            else tr("nothing is due now")
        )
        if summary.reviewed:
            self.say(tr("summary: {summary}").format(summary=summary.line(tr)))
        ctx = self.session.ctx
        wait = nothing.wait(ctx.now())
        if wait is None:
            return f"{head}."
        tz = ctx.store.settings(ctx.learner).timezone
        local = nothing.next_due.astimezone(zone(tz))
        when = f"{local:%Y-%m-%d %H:%M} {tz}"
        line = tr("{head}; the next card is due in {interval} ({when}).")
        return line.format(head=head, interval=format_interval(wait), when=when)

    def review(self, card: Any, number: int) -> Any:
        """Ask one card, read the answer and the rating, record it; the session's next step."""
        from studyrnn.store import format_interval
        from studyrnn.study import Rating

        p = card.presented
        deck = self.session.ctx.decks.get(card.deck_id)
        self.use_language(getattr(deck, "language", None) or "en")  # the card's deck's language
        tr = self.gettext
        label = tr(card.state.queue_name)
        if card.early:
            label = tr("{queue}, shown before it is due").format(queue=label)
        where = f"{visible(card.deck_id)}/{visible(card.card_id)}"
        self.say(
            tr("card {number}: {card} ({queue})").format(number=number, card=where, queue=label)
        )
        self.show(p)
        if p.kind == "flashcard":
            self.read()
            graded = None
            suggested = Rating.GOOD
            self.say(tr("back: {back}").format(back=visible(p.back)))
        else:
            graded = self.read_graded(card)
            suggested = graded.suggested
            self.report(p, graded.verdict)
        if card.source:
            self.say(tr("source: {source}").format(source=visible(card.source)))
        self.say(" · ".join(f"{tr(r.label)} {format_interval(card.intervals[r])}" for r in Rating))
        while True:
            rating = self.ask_rating(suggested)
            if rating is not None:
                break
            undone = self.session.undo()
            if undone is None:
                self.say(tr("nothing to undo in this session"))
                continue
            line = tr("took back: {question} (this card comes back later)")
            self.say(line.format(question=undone.question))
            return self.session.next()
        rated = self.session.rate(card, rating, graded)
        if rated.skipped:
            self.say(tr("skipped: this card was answered in another window meanwhile"))
        else:
            self.say(tr("next: {interval}").format(interval=format_interval(rated.interval)))
        return self.session.next()

    def read_graded(self, card: Any) -> Any:
        """Read lines until one is an answer (invalid ones say why; not an answer, not a retry)."""
        while True:
            graded = self.session.grade(card, self.read())
            if not graded.invalid:
                return graded
            self.say(
                self.gettext("invalid: {why}").format(why=self.wording(graded.verdict.message))
            )

    def ask_rating(self, suggested: Any) -> Any:
        """The rating typed (Enter: ``suggested``), or None for an undo."""
        from studyrnn.study import Rating

        tr = self.gettext
        while True:
            self.say(tr("rate [1-4, Enter for {n}, u to undo]:").format(n=int(suggested)))
            text = self.read().strip().casefold()
            if not text:
                return suggested
            if text in UNDO_WORDS:
                return None
            rating = Rating.parse(text)
            if rating is not None:
                return rating
            line = tr(
                "invalid: type 1 (again), 2 (hard), 3 (good) or 4 (easy), u to undo, "
                "or Enter for {n}"
            )
            self.say(line.format(n=int(suggested)))
