"""``studyrnn report [--deck ID] [--csv] [--overdue] [--limit N]``: the instructor's view of a class.

Reads the progress database (``--db URL`` or ``$STUDYRNN_DB``; a class runs on PostgreSQL) and
prints, across every learner in it:

* the cards the class finds hardest — deck id, card id, a prompt excerpt (from the loaded decks;
  a card no longer in any deck is still reported, marked ``(not in a deck)``), attempts,
  accuracy (answers not rated Again), lapses and the median answer time in seconds — lowest
  accuracy first, then most lapses, then most attempts;
* the learners with the most overdue cards (learning and review cards due before now).

``--csv`` writes the card table as CSV (a header row, then one row per card, the full prompt,
accuracy as a fraction, the median in seconds, empty when unknown); ``--csv --overdue`` writes the
overdue learners instead. ``--limit N`` caps both lists (default: 20 rows each in the table, every
row in CSV). Nothing is written to the database. See ``studyrnn.store.report`` for the definitions.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import sys
import unicodedata
from typing import Any

NAME = "report"
HELP = "class report across learners: the hardest cards and who is behind (--csv for spreadsheets)"

TABLE_LIMIT = 20
EXCERPT = 40
MISSING = "(not in a deck)"


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
        type=int,
        metavar="N",
        help=f"at most N rows per list (default: {TABLE_LIMIT} in the table, all in CSV)",
    )


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_decks
    from studyrnn.errors import UsageError
    from studyrnn.store import open_store
    from studyrnn.store.report import answered_decks, class_report

    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be at least 1, not {args.limit}")
    limit = args.limit if args.limit is not None else (None if args.csv else TABLE_LIMIT)
    settings = settings_from(args)
    decks = load_decks(settings.deck_dirs, strict=False)
    for problem in decks.diagnostics:  # a broken deck file costs its prompts, not the report
        print(f"studyrnn: warning: {problem}", file=sys.stderr)
    with open_store(settings.db_url) as store:
        if args.deck is not None and args.deck not in decks:
            known = sorted(set(decks) | set(answered_decks(store)))
            if args.deck not in known:
                close = difflib.get_close_matches(args.deck, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise UsageError(f"no deck '{args.deck}' in the decks or the answers{hint}")
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


def literal(text: str, keep: str = "\n\t") -> str:
    """Deck text shown literally: control characters (escape sequences) spelt out, never sent raw."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if ch not in keep and unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d"
        else ch
        for ch in text
    )


def visible(text: str) -> str:
    """One line of literal text: whitespace runs (newlines included) become one space."""
    return " ".join(literal(text).split())


def excerpt(text: str | None, width: int = EXCERPT) -> str:
    if text is None:
        return MISSING
    text = visible(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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
    scope = f"deck {report.deck_id}" if report.deck_id else "all decks"
    lines = [
        f"class report, {scope}: {_count(report.learners, 'learner')}, {_count(report.answers, 'answer')}"
    ]
    if not overdue_only:
        lines.append("")
        if report.cards:
            lines.append("hardest cards (lowest accuracy, then most lapses, then most attempts):")
            rows = [
                [
                    c.deck_id,
                    c.card_id,
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
        else:
            lines.append("no answers recorded yet")
    lines.append("")
    when = report.now.strftime("%Y-%m-%d %H:%M UTC")
    if report.overdue:
        lines.append(f"learners with the most overdue cards (due before {when}):")
        rows = [
            [o.learner, str(o.overdue), o.oldest_due.strftime("%Y-%m-%d %H:%M")]
            for o in report.overdue
        ]
        lines += _table(["learner", "overdue", "oldest due (UTC)"], rows, right={1})
    else:
        lines.append(f"no learner has overdue cards (due before {when})")
    return "\n".join(lines) + "\n"


def write_csv(report: Any, decks: Any, stream: Any, overdue: bool = False) -> None:
    writer = csv.writer(stream, lineterminator="\n")
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
        ]
    )
    for c in report.cards:
        prompt = card_prompt(decks, c.deck_id, c.card_id)
        writer.writerow(
            [
                c.deck_id,
                c.card_id,
                "" if prompt is None else literal(prompt),
                c.learners,
                c.attempts,
                c.correct,
                f"{c.accuracy:.4f}",
                c.lapses,
                "" if c.median_ms is None else f"{c.median_ms / 1000:.3f}",
            ]
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
