"""``studyrnn decks [--json]``: the decks the app finds, with ids, titles, languages and counts.

The counts are what home shows (``studyrnn.deck_summary``): new cards ready today (the daily
new-card limit is shared by all decks), cards due now, learned cards (in the Review state) and
mastery. The decks are registered with the store first, as the app does at start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrnn.deck_summary import HomeData

NAME = "decks"
HELP = "list the decks with their ids, titles, languages and new/due counts (--json for scripts)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON array of decks")


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from studyrnn import deck_summary
    from studyrnn.commands._common import settings_from
    from studyrnn.decks import load_decks
    from studyrnn.store import open_store

    settings = settings_from(args)
    decks = load_decks(settings.deck_dirs)
    now = datetime.now(UTC)
    with open_store(settings.store_url) as store:
        learner = store.learner(settings.learner)
        store.sync_cards(learner, decks, now=now)
        data = deck_summary.from_store(store, learner, list(decks.decks), now)
    if args.json:
        json.dump(deck_summary.to_json(data), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(data))
    return 0


def render(data: HomeData) -> str:
    from studyrnn.untrusted import one_line, shown

    rows = [("ID", "LANG", "NEW", "DUE", "LEARNED", "CARDS", "TITLE")]
    for info, c in data.rows():
        rows.append(
            (
                shown(info.id),
                shown(info.language),
                str(c.new),
                str(c.due),
                str(c.learned),
                str(c.cards),
                one_line(info.title, 60),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(f"{v:<{w}}" for v, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ]
    lines.append(
        f"new cards: {data.new_per_day} a day shared by all decks, {data.new_left} left today; "
        f"{data.total_learning + data.total_review} due now"
    )
    return "\n".join(lines) + "\n"
