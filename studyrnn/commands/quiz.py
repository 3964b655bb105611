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
import re
import sys
from pathlib import Path
from typing import IO, Any

NAME = "quiz"
HELP = "take a quiz on a deck (--plain: as plain lines on stdin/stdout, for screen readers and scripts)"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_YES = frozenset({"y", "yes", "j", "ja"})
_NO = frozenset({"", "n", "no", "nein"})


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", metavar="DECK", help="a deck id (see the deck folders) or a deck YAML file")
    parser.add_argument("--plain", action="store_true",
                        help="plain lines: questions on stdout, one answer per line on stdin")
    parser.add_argument("--limit", type=_positive_int, default=10, metavar="N",
                        help="ask at most N questions (default: 10)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="seed for the question order and the generated variants (default: random)")
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


def visible(text: object) -> str:
    """Deck text as typed: control characters (an escape sequence) written out as ``\\xNN``."""
    s = "" if text is None else str(text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s.replace("\t", "    ").replace("\r\n", "\n"))


def format_score(value: float) -> str:
    """3 → "3", 2.6666 → "2.67", 0.5 → "0.5"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


_HINTS = {
    "choice": "Type the number of your answer.",
    "multi": "Type the numbers of every right answer, like 1,3 (or 'none').",
    "true_false": "True or false? Type t or f.",
    "order": "Put these in the right order: type their numbers, like 2 3 1.",
    "numeric": "Type a number, like 0.25, 2.5e-1 or 1/4.",
    "text": "Type your answer.",
    "flashcard": "Think of the answer, then press Enter to see the back.",
}


class _EndOfInput(Exception):
    pass


class PlainQuiz:
    """The line-based quiz loop; ``stdin``/``stdout`` are injected for tests."""

    def __init__(self, stdin: IO[str], stdout: IO[str]) -> None:
        self.stdin = stdin
        self.stdout = stdout

    def say(self, text: str = "") -> None:
        for line in text.split("\n"):
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def read(self) -> str:
        line = self.stdin.readline()
        if not line:
            raise _EndOfInput
        return line.rstrip("\r\n")

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
        except _EndOfInput:
            self.say()
            self.say(f"end of input: {answered} of {total} answered")
        self.say(f"score: {format_score(earned)}/{answered}")
        return 0

    def ask(self, p: Any) -> float:
        """Show one question, read until a valid answer; the credit earned."""
        self.say(visible(p.prompt))
        if p.kind in ("choice", "multi", "order"):
            for i, option in enumerate(p.options, 1):
                self.say(f"  {i}. {visible(option)}")
        hint = _HINTS.get(p.kind, "")
        if p.kind == "numeric" and p.unit:
            hint = f"{hint} Unit: {visible(p.unit)}."
        self.say(hint)
        if p.kind == "flashcard":
            return self.ask_flashcard(p)
        while True:
            verdict = p.grade_text(self.read())
            if verdict.outcome.value != "invalid":
                break
            self.say(f"invalid: {visible(verdict.message)}")
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

    def report(self, p: Any, verdict: Any) -> None:
        outcome = verdict.outcome.value
        message = visible(verdict.message)
        if outcome == "correct":
            self.say(f"correct: {message}" if message else "correct")
            return
        if outcome == "partial":
            self.say(f"incorrect (partial credit {format_score(verdict.score)}): {message}")
        elif outcome == "revealed":
            self.say(f"incorrect (revealed): {message}")
        else:
            self.say(f"incorrect: {message}")
        if p.explanation:
            self.say(f"explanation: {visible(p.explanation).strip()}")
        if p.solution:
            self.say("worked solution:")
            for i, step in enumerate(p.solution, 1):
                self.say(f"  {i}. {visible(step)}")
