"""``studyrnn quiz DECK --plain``: a quiz as plain lines on stdin/stdout.

For screen readers and scripts. Each question prints a header ``Question i/N``, the prompt, the
options numbered from 1 and a one-line hint; then one line is read per answer and a result line is
printed that starts with:

* ``correct`` (for a typo accepted in a text answer: ``correct: accepted (typo): expected 'x'``);
* ``incorrect: the answer is ...``, followed by the explanation and, for a generated question, the
  worked solution. Partial credit reads ``incorrect (partial credit 0.67): ...``; an empty line
  reveals the answer: ``incorrect (revealed): the answer is ...``;
* ``invalid: <why>``: nothing counts, the same question reads another line.

Flashcards print the front; any line shows the back; then ``did you know it? [y/n]`` reads y or n
(an empty line is n): y counts as correct, n as incorrect.

The quiz ends with ``score: K/N``: N questions answered, K the credit earned, partial credit
included (``score: 3.67/5``; two decimals at most). End of input ends the quiz at once, with the
score of the questions answered so far; the exit status is 0 either way.

Every answer is logged in the progress store (mode ``quiz``, one study session; the rating its
verdict suggests, a flashcard's y as Good and n as Again), so ``stats`` and ``report`` see it; a
quiz never reschedules a card. The loop is ``studyrnn.study.QuizSession``, as in the app.

Without ``--plain`` the terminal app opens on the deck's quiz.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studyrnn.commands._args import bounded_int
from studyrnn.limits import MAX_SEED
from studyrnn.plain import EndOfInput, PlainLines, visible

NAME = "quiz"
HELP = "take a quiz on a deck (--plain: as plain lines on stdin/stdout, for screen readers and scripts)"

_YES = frozenset({"y", "yes", "j", "ja"})
_NO = frozenset({"", "n", "no", "nein"})


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "deck",
        metavar="DECK",
        help="a deck id (list them with `studyrnn decks`) or a deck YAML file",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain lines: questions on stdout, one answer per line on stdin",
    )
    parser.add_argument(
        "--limit",
        type=bounded_int(1, 10_000),
        default=10,
        metavar="N",
        help="ask at most N questions (default: 10)",
    )
    parser.add_argument(
        "--seed",
        type=bounded_int(0, MAX_SEED),
        default=None,
        metavar="S",
        help="seed for the question order and the generated variants (default: random)",
    )
    parser.add_argument("--in-order", action="store_true", help="ask the cards in deck order")


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from, study_context, with_deck_dirs

    deck = resolve_deck(args)
    path = getattr(deck, "path", None)
    # a deck file's folder joins the deck folders, so the app and the store know its cards
    settings = with_deck_dirs(settings_from(args), [Path(path).parent] if path else [])
    if not args.plain:
        from studyrnn.tui import run_quiz

        return run_quiz(settings, deck.id, limit=args.limit, seed=args.seed, in_order=args.in_order)
    from studyrnn.study import QuizSession

    ctx = study_context(settings)
    try:
        session = QuizSession(
            ctx, deck.id, limit=args.limit, seed=args.seed, in_order=args.in_order
        )
        return PlainQuiz(sys.stdin, sys.stdout).run(session)
    finally:
        ctx.store.close()


def resolve_deck(args: argparse.Namespace) -> Any:
    """DECK as a YAML file (it has a suffix or a path separator, or exists) or a deck id."""
    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_deck, load_decks
    from studyrnn.errors import UsageError

    name: str = args.deck
    path = Path(name).expanduser()
    looks_like_a_file = path.suffix.lower() in (".yaml", ".yml") or "/" in name or "\\" in name
    if path.is_file() or looks_like_a_file:
        if not path.is_file():
            raise UsageError(f"no such deck file: {name}")
        return load_deck(path)
    decks = load_decks(settings_from(args).deck_dirs)  # a Mapping: deck id -> Deck
    if name in decks:
        return decks[name]
    ids = list(decks)
    import difflib

    close = difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    known = ", ".join(ids) if ids else "none found"
    raise UsageError(f"unknown deck {name!r}{hint} (decks: {known})")


class PlainQuiz(PlainLines):
    """Plain lines in and out of a ``QuizSession`` (streams injected for tests). Every answer
    is logged (mode ``quiz``) with the rating its verdict suggests; nothing is rescheduled."""

    def run(self, session: Any) -> int:
        from studyrnn.study import format_score

        items = session.prepare()
        total = len(items)
        deck = session.deck
        self.use_language(getattr(deck, "language", None) or "en")
        tr = self.gettext
        head = (
            tr("{title} ({id}): {n} question")
            if total == 1
            else tr("{title} ({id}): {n} questions")
        )
        self.say(head.format(title=visible(deck.title), id=visible(deck.id), n=total))
        self.say(tr("One answer per line; an empty line shows the answer."))
        try:
            for number in range(1, total + 1):
                self.say()
                self.say(tr("Question {number}/{total}").format(number=number, total=total))
                self.ask(session)
        except EndOfInput:
            self.say()
            line = tr("end of input: {answered} of {total} answered")
            self.say(line.format(answered=len(session.answers), total=total))
        finally:
            session.close()
        score = f"{format_score(session.score)}/{len(session.answers)}"
        self.say(tr("score: {score}").format(score=score))
        return 0

    def ask(self, session: Any) -> None:
        """Show the current question, read until a valid answer, log it."""
        p = session.current.presented
        self.show(p)
        if p.kind == "flashcard":
            self.ask_flashcard(session)
            return
        while True:
            graded = session.grade(self.read())
            if not graded.invalid:
                break
            self.say(
                self.gettext("invalid: {why}").format(why=self.wording(graded.verdict.message))
            )
        self.report(p, graded.verdict)
        source = getattr(session.current.card, "source", None)
        if source:
            self.say(self.gettext("source: {source}").format(source=visible(source)))
        session.record(graded)

    def ask_flashcard(self, session: Any) -> None:
        from studyrnn.study import Rating

        p = session.current.presented
        tr = self.gettext
        self.read()
        self.say(tr("back: {back}").format(back=visible(p.back)))
        self.say(tr("did you know it? [y/n]"))
        while True:
            answer = self.read().strip().casefold()
            if answer in _YES or answer in _NO:
                break
            self.say(tr("invalid: type y or n"))
        knew = answer in _YES
        self.say(tr("correct") if knew else tr("incorrect"))
        session.record(None, Rating.GOOD if knew else Rating.AGAIN)
