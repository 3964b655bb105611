"""``studyrnn report [--deck ID] [--csv] [--overdue] [--limit N]``: the instructor's view of a class.

Reads the progress database (``--db URL`` or ``$STUDYRNN_DB``; a class runs on PostgreSQL) and
prints, across every learner in it:

* the cards the class finds hardest — deck id, card id, a prompt excerpt (from the loaded decks;
  a card no longer in any deck is still reported, marked ``(not in a deck)``), attempts,
  accuracy (answers not rated Again), lapses and the median answer time in seconds — lowest
  accuracy first, then most lapses, then most attempts;
* the class's most common mistakes per listed card — the declared wrong methods (a generator's
  ``mistakes``, a numeric card's ``mistakes:`` in YAML) the most wrong answers matched, with
  their counts and the feedback the deck gives for them (just the id when no loaded deck
  declares it any more);
* the learners with the most overdue cards (learning and review cards due before now).

``--csv`` writes the card table as CSV (a header row, then one row per card, the full prompt,
accuracy as a fraction, the median in seconds, empty when unknown; ``common_mistakes`` as
``id (count): feedback`` joined by ``; ``); ``--csv --overdue`` writes the
overdue learners instead. ``--limit N`` caps both lists (default: 20 rows each in the table, every
row in CSV). Nothing is written to the database. See ``studyrnn.store.report`` for the definitions.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import sys
from typing import Any

from studyrnn.commands._args import bounded_int
from studyrnn.limits import MAX_REPORT_LIMIT
from studyrnn.untrusted import csv_cell, one_line

NAME = "report"
HELP = "class report across learners: the hardest cards and who is behind (--csv for spreadsheets)"

TABLE_LIMIT = 20
EXCERPT = 40
MISSING = "(not in a deck)"
NAME_WIDTH = 40  # a learner name in the table (the CSV has it whole)
FEEDBACK_WIDTH = 60  # a mistake's feedback in the table (the CSV has it whole)
GENERATED_SEEDS = 16  # variants of a generated card read for its mistakes' feedback


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deck", metavar="ID", help="only this deck's cards")
    parser.add_argument(
        "--csv", action="store_true", help="write CSV to stdout (the card table; see --overdue)"
    )
    parser.add_argument(
        "--overdue",
        action="store_true",
        help="only the learners with overdue cards (with --csv: their CSV instead of the cards')",
    )
    parser.add_argument(
        "--limit",
        type=bounded_int(1, MAX_REPORT_LIMIT),
        metavar="N",
        help=f"at most N rows per list (default: {TABLE_LIMIT} in the table, all in CSV)",
    )


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_decks
    from studyrnn.errors import StoreError, UsageError
    from studyrnn.store import open_store
    from studyrnn.store.report import answered_decks, class_report

    limit = args.limit if args.limit is not None else (None if args.csv else TABLE_LIMIT)
    settings = settings_from(args)
    decks = load_decks(settings.deck_dirs, strict=False)
    for problem in decks.diagnostics:  # a broken deck file costs its prompts, not the report
        print(f"studyrnn: warning: {problem}", file=sys.stderr)

    def unknown_deck(known: list[str]) -> UsageError:
        close = difflib.get_close_matches(args.deck[:100], known, n=1)
        hint = f"; did you mean '{one_line(close[0], 60)}'?" if close else ""
        return UsageError(f"no deck '{one_line(args.deck, 60)}' in the decks or the answers{hint}")

    # read-only: never creates a database, and works on a read-only file
    try:
        store = open_store(settings.db_url, create=False, read_only=True)
    except StoreError:
        if args.deck is not None and args.deck not in decks:
            raise unknown_deck(sorted(decks)) from None  # the option is wrong either way
        raise
    with store:
        if args.deck is not None and args.deck not in decks:
            known = sorted(set(decks) | set(answered_decks(store)))
            if args.deck not in known:
                raise unknown_deck(known)
        report = class_report(store, deck_id=args.deck, limit=limit)
    if args.csv:
        write_csv(report, decks, sys.stdout, overdue=args.overdue)
    else:
        sys.stdout.write(render(report, decks, overdue_only=args.overdue))
    return 0


# -- prompts -----------------------------------------------------------------------------------------


def card_prompt(decks: Any, deck_id: str, card_id: str) -> str | None:
    """The card's question text as the deck gives it, or None when no loaded deck has the card."""
    deck = decks.get(deck_id) if hasattr(decks, "get") else None
    if deck is None:
        return None
    card = next((c for c in deck.cards if c.id == card_id), None)
    if card is None:
        return None
    for attribute in ("prompt", "front", "statement"):
        value = getattr(card, attribute, None)
        if value:
            return str(value)
    generator = getattr(card, "generator", None)
    return f"generated: {generator}" if generator else ""


def mistake_feedback(decks: Any, deck_id: str, card_id: str) -> dict[str, str]:
    """The feedback of each mistake the loaded deck declares for the card, by id.

    A numeric card's ``mistakes:`` (ids defaulting to ``mistake-1``, ``mistake-2``, ... as
    grading names them); a generated card's from its generator's questions. Some generated
    mistakes exist only for some numbers (clipping ignored needs a clipped gradient), so a
    few variants are read; the feedback of a method does not depend on the numbers."""
    deck = decks.get(deck_id) if hasattr(decks, "get") else None
    card = None if deck is None else next((c for c in deck.cards if c.id == card_id), None)
    if card is None:
        return {}
    declared = getattr(card, "mistakes", None) or ()
    if declared:
        return {str(m.id or f"mistake-{i + 1}"): str(m.feedback) for i, m in enumerate(declared)}
    generator = getattr(card, "generator", None)
    if not generator:
        return {}
    from engine.generators import generate

    found: dict[str, str] = {}
    for seed in range(GENERATED_SEEDS):
        try:
            question = generate(generator, seed=seed, params=dict(card.params or {}))
        except ValueError:  # a generator refusing the card's params: no feedback to show
            break
        for m in getattr(question, "mistakes", ()):
            found.setdefault(m.id, m.feedback)
    return found


def excerpt(text: str | None, width: int = EXCERPT) -> str:
    """A prompt on one line of the table, shown literally (``studyrnn.untrusted.one_line``)."""
    return MISSING if text is None else one_line(text, width)


# -- output ------------------------------------------------------------------------------------------


def _seconds(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.1f}"


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    return [line(headers), *(line(r) for r in rows)]


def render(report: Any, decks: Any, overdue_only: bool = False) -> str:
    scope = f"deck {one_line(report.deck_id, 60)}" if report.deck_id else "all decks"
    lines = [
        f"class report, {scope}: {_count(report.learners, 'learner')}, {_count(report.answers, 'answer')}"
    ]
    if not overdue_only:
        lines.append("")
        if report.cards:
            lines.append("hardest cards (lowest accuracy, then most lapses, then most attempts):")
            rows = [
                [
                    one_line(c.deck_id, 64),  # database rows are untrusted too
                    one_line(c.card_id, 64),
                    excerpt(card_prompt(decks, c.deck_id, c.card_id)),
                    str(c.attempts),
                    f"{c.accuracy:.0%}",
                    str(c.lapses),
                    _seconds(c.median_ms),
                ]
                for c in report.cards
            ]
            lines += _table(
                ["deck", "card", "prompt", "attempts", "accuracy", "lapses", "median s"],
                rows,
                right={3, 4, 5, 6},
            )
            lines += _mistake_lines(report, decks)
        else:
            lines.append("no answers recorded yet")
    lines.append("")
    when = report.now.strftime("%Y-%m-%d %H:%M UTC")
    if report.overdue:
        lines.append(f"learners with the most overdue cards (due before {when}):")
        rows = [
            [
                one_line(o.learner, NAME_WIDTH),  # any learner can name themselves
                str(o.overdue),
                o.oldest_due.strftime("%Y-%m-%d %H:%M"),
            ]
            for o in report.overdue
        ]
        lines += _table(["learner", "overdue", "oldest due (UTC)"], rows, right={1})
    else:
        lines.append(f"no learner has overdue cards (due before {when})")
    return "\n".join(lines) + "\n"


def _mistake_lines(report: Any, decks: Any) -> list[str]:
    rows = []
    for c in report.cards:
        feedback = mistake_feedback(decks, c.deck_id, c.card_id) if c.mistakes else {}
        rows += [
            [
                one_line(f"{c.deck_id}/{c.card_id}", 64),
                one_line(m.mistake, 40),
                str(m.count),
                one_line(feedback.get(m.mistake, ""), FEEDBACK_WIDTH),
            ]
            for m in c.mistakes
        ]
    if not rows:
        return []
    return [
        "",
        "common mistakes (wrong answers that matched a declared wrong method):",
        *_table(["card", "mistake", "answers", "feedback"], rows, right={2}),
    ]


def _mistakes_cell(card: Any, decks: Any) -> str:
    """``id (count): feedback; ...`` — the card's common mistakes in one CSV cell."""
    feedback = mistake_feedback(decks, card.deck_id, card.card_id) if card.mistakes else {}
    return "; ".join(
        f"{m.mistake} ({m.count})" + (f": {feedback[m.mistake]}" if m.mistake in feedback else "")
        for m in card.mistakes
    )


class _SafeWriter:
    """A csv writer whose every cell passes ``csv_cell``: no cell runs as a formula in a
    spreadsheet, none sends a control character to a terminal."""

    def __init__(self, stream: Any):
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])


def write_csv(report: Any, decks: Any, stream: Any, overdue: bool = False) -> None:
    writer = _SafeWriter(stream)
    if overdue:
        writer.writerow(["learner", "overdue", "oldest_due"])
        for o in report.overdue:
            writer.writerow([o.learner, o.overdue, o.oldest_due.isoformat()])
        return
    writer.writerow(
        [
            "deck_id",
            "card_id",
            "prompt",
            "learners",
            "attempts",
            "correct",
            "accuracy",
            "lapses",
            "median_s",
            "common_mistakes",
        ]
    )
    for c in report.cards:
        prompt = card_prompt(decks, c.deck_id, c.card_id)
        writer.writerow(
            [
                c.deck_id,
                c.card_id,
                "" if prompt is None else prompt,
                c.learners,
                c.attempts,
                c.correct,
                f"{c.accuracy:.4f}",
                c.lapses,
                "" if c.median_ms is None else f"{c.median_ms / 1000:.3f}",
                _mistakes_cell(c, decks),
            ]
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
