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

Without ``--plain`` the terminal app opens on the deck's quiz.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studyrnn.plain import EndOfInput, PlainLines, format_score, visible

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
        type=_positive_int,
        default=10,
        metavar="N",
        help="ask at most N questions (default: 10)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="seed for the question order and the generated variants (default: random)",
    )
    parser.add_argument("--in-order", action="store_true", help="ask the cards in deck order")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    deck = resolve_deck(args)
    if not args.plain:
        return _run_in_app(args, deck)
    from studyrnn.quiz import build_quiz

    items = build_quiz(deck, limit=args.limit, seed=args.seed, in_order=args.in_order)
    return PlainQuiz(sys.stdin, sys.stdout).run(deck, items)


def _run_in_app(args: argparse.Namespace, deck: Any) -> int:
    """Without --plain: the terminal app, opened on this deck's quiz (a file's folder joins the
    deck folders so the app finds it)."""
    import dataclasses

    from studyrnn.commands._common import settings_from
    from studyrnn.tui import run_quiz

    settings = settings_from(args)
    path = getattr(deck, "path", None)
    if path is not None:
        folder = Path(path).resolve().parent
        if folder not in {d.resolve() for d in settings.deck_dirs}:
            settings = dataclasses.replace(settings, deck_dirs=(*settings.deck_dirs, folder))
    return run_quiz(settings, deck.id, limit=args.limit)


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
    """The line-based quiz loop; ``stdin``/``stdout`` are injected for tests."""

    def run(self, deck: Any, items: list[Any]) -> int:
        total = len(items)
        self.say(f"{visible(deck.title)} ({deck.id}): {total} question{'s' if total != 1 else ''}")
        self.say("One answer per line; an empty line shows the answer.")
        earned = 0.0
        answered = 0
        try:
            for number, item in enumerate(items, 1):
                self.say()
                self.say(f"Question {number}/{total}")
                earned += self.ask(item.presented)
                answered += 1
        except EndOfInput:
            self.say()
            self.say(f"end of input: {answered} of {total} answered")
        self.say(f"score: {format_score(earned)}/{answered}")
        return 0

    def ask(self, p: Any) -> float:
        """Show one question, read until a valid answer; the credit earned."""
        self.show(p)
        if p.kind == "flashcard":
            return self.ask_flashcard(p)
        _, verdict = self.read_answer(p)
        self.report(p, verdict)
        return verdict.score

    def ask_flashcard(self, p: Any) -> float:
        self.read()
        self.say(f"back: {visible(p.back)}")
        self.say("did you know it? [y/n]")
        while True:
            answer = self.read().strip().casefold()
            if answer in _YES or answer in _NO:
                break
            self.say("invalid: type y or n")
        verdict = p.self_grade(answer in _YES)
        self.say("correct" if verdict.score == 1 else "incorrect")
        return verdict.score
