"""``studyrnn stats [--json]``: a learner's statistics from the progress store.

``--json`` prints one object with at least ``reviews`` (answers recorded) and ``due`` (cards due
now, before daily limits), plus ``queue``, ``retention``, ``reviews_per_day``, ``forecast``,
``mastery``, ``hardest`` and ``accuracy_by_tag`` (see ``studyrnn.stats`` for the definitions).
Tags are those the decks gave at the last review or app start. Nothing is written to the database:
a missing database or learner is an error, and a read-only database file works.
"""

from __future__ import annotations

import argparse
import json
import sys

NAME = "stats"
HELP = "show your study statistics: reviews, retention, due forecast, mastery (--json for scripts)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print the statistics as one JSON object"
    )
    parser.add_argument(
        "--days",
        type=int,
        default=30,
        metavar="N",
        help="days of retention window and forecast (default: 30)",
    )


def run(args: argparse.Namespace) -> int:
    from studyrnn import stats
    from studyrnn.commands._common import settings_from
    from studyrnn.errors import UsageError
    from studyrnn.store import Learner, open_store

    if args.days < 1:
        raise UsageError("--days must be at least 1")
    settings = settings_from(args)
    # read-only: never creates a database or a learner, and works on a read-only file
    with open_store(settings.db_url, create=False, read_only=True) as store:
        # an unknown learner has no progress yet: zeros, and nothing is registered
        learner = store.find_learner(settings.learner) or Learner(-1, settings.learner)
        data = stats.summary(store, learner, forecast_days=args.days, retention_days=args.days)
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(data))
    return 0


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def render(data: dict) -> str:
    from studyrnn.untrusted import shown

    queue = data["queue"]
    retention = data["retention"]
    per_day = data["reviews_per_day"]
    today = data["today"]
    day = data["study_day"]
    scheduled = data["scheduled_reviews_today"]
    others = data["answers_today"] - scheduled
    lines = [
        f"learner {shown(data['learner'])}: {data['reviews']} answers recorded, {data['due']} cards due now",
        f"today ({today}, from {day['rollover_hour']}:00 {day['timezone']}): "
        f"{scheduled} scheduled review{'s' if scheduled != 1 else ''}, "
        f"{others} quiz and flashcard answer{'s' if others != 1 else ''}",
        f"today's queue: {queue['learning']} learning, {queue['review']} review, {queue['new']} new",
        f"answers today: {per_day.get(today, 0)}; on {len(per_day)} days in the last year",
        f"true retention, last {retention['days']} days: {_percent(retention['rate'])} "
        f"({retention['passed']} of {retention['total']} review answers not Again)",
        "due next days: " + " ".join(str(day["due"]) for day in data["forecast"][:14]),
    ]
    if data["mastery"]:
        lines.append("mastery (stability ≥ 21 days):")
        for deck_id, m in data["mastery"].items():
            lines.append(
                f"  {shown(deck_id)}: {_percent(m['fraction'])} ({m['mastered']}/{m['cards']}, {m['studied']} studied)"
            )
    if data["hardest"]:
        lines.append("hardest cards:")
        for card in data["hardest"][:5]:
            lapses = card["lapses"]
            lines.append(
                f"  {shown(card['deck_id'])}/{shown(card['card_id'])}: {lapses} lapse{'s' if lapses != 1 else ''}"
            )
    if data["accuracy_by_tag"]:
        lines.append("accuracy by tag:")
        for tag, a in data["accuracy_by_tag"].items():
            lines.append(f"  {shown(tag)}: {_percent(a['rate'])} ({a['correct']}/{a['answers']})")
    return "\n".join(lines) + "\n"
