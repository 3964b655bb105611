"""``studyrnn optimize``: fit the learner's own FSRS weights from their review history.

Uses py-fsrs's ``Optimizer`` (the optional extra ``studyrnn[optimizer]``; it needs torch). Only
review-mode answers count (quiz and flashcard answers never schedule). The optimizer learns from
reviews of cards a day or more after their previous review and needs at least
``MIN_REVIEWS`` of them; below that this command says how many more it needs and changes
nothing. Otherwise it prints the log loss (binary cross-entropy of predicted recall against
Again / not Again) of the current and the fitted weights on the learner's own reviews, and
stores the fitted weights with the learner (``--dry-run``: only prints). Every later review of
that learner is scheduled with them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

NAME = "optimize"
HELP = "fit your own FSRS weights from your review history (needs studyrnn[optimizer])"

MIN_REVIEWS = 512  # py-fsrs Optimizer's mini-batch: with fewer it returns the defaults
EXTRA_HINT = "pip install 'studyrnn[optimizer]'"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="fit and compare, but keep the current weights"
    )


def eligible(history: list[Any]) -> int:
    """Reviews the optimizer learns from: a card answered a day or more after its last review."""
    return sum(
        1
        for h in history
        if h.prev_last_review is not None
        and h.reviewed_at - h.prev_last_review >= timedelta(days=1)
    )


def review_logs(history: list[Any]) -> list[Any]:
    """The history as py-fsrs ``ReviewLog``s (a card: one integer id)."""
    import fsrs

    ids: dict[tuple[str, str], int] = {}
    logs = []
    for h in history:
        card = ids.setdefault((h.deck_id, h.card_id), len(ids) + 1)
        logs.append(
            fsrs.ReviewLog(
                card_id=card,
                rating=fsrs.Rating(h.rating),
                review_datetime=h.reviewed_at,
                review_duration=h.duration_ms,
            )
        )
    return logs


def load_optimizer() -> Any:
    """py-fsrs's Optimizer class, or a StudyrnnError saying how to install it."""
    import importlib
    import importlib.util

    from studyrnn.errors import StudyrnnError

    # py-fsrs's optimizer needs these; say so before it does
    for module in ("torch", "pandas", "tqdm"):
        try:
            found = importlib.util.find_spec(module) is not None and (
                importlib.import_module(module) is not None
            )
        except ImportError:
            found = False
        if not found:
            raise StudyrnnError(
                f"studyrnn optimize needs the optimizer extra ({module} is missing): {EXTRA_HINT}"
            )
    from fsrs.optimizer import Optimizer

    return Optimizer


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from
    from studyrnn.errors import StoreError
    from studyrnn.store import open_store
    from studyrnn.untrusted import shown

    settings = settings_from(args)
    with open_store(settings.db_url, create=False) as store:
        learner = store.find_learner(settings.learner)
        if learner is None:
            raise StoreError(f"no reviews for learner {shown(settings.learner)!r} in {store.where}")
        history = store.review_history(learner)
        count = eligible(history)
        if count < MIN_REVIEWS:
            print(
                f"studyrnn optimize needs {MIN_REVIEWS} reviews of cards a day or more after "
                f"their last review; you have {count}: {MIN_REVIEWS - count} more to go. "
                "Nothing changed."
            )
            return 0
        optimizer_class = load_optimizer()
        current = store.settings(learner).weights
        fitted, old_loss, new_loss = fit(optimizer_class, history, current)
        print(f"fitted FSRS weights on {count} of your reviews ({len(history)} in all)")
        print(f"log loss on your reviews: current {old_loss:.4f} → fitted {new_loss:.4f}")
        if args.dry_run:
            print("--dry-run: your weights are unchanged")
            return 0
        if new_loss > old_loss:
            print("the fitted weights predict your reviews worse; your weights are unchanged")
            return 0
        store.update_settings(learner, weights=tuple(fitted))
        print(f"saved: your reviews are scheduled with these weights from now on ({store.where})")
    return 0


def fit(
    optimizer_class: Any, history: list[Any], current: tuple[float, ...] | None
) -> tuple[list[float], float, float]:
    """(fitted weights, log loss of the current ones, log loss of the fitted ones)."""
    import fsrs.scheduler

    logs = review_logs(history)
    optimizer = optimizer_class(logs)
    old = list(current) if current is not None else list(fsrs.scheduler.DEFAULT_PARAMETERS)
    fitted = [float(w) for w in optimizer.compute_optimal_parameters()]
    # the same loss the optimizer minimises, over every eligible review
    old_loss = float(optimizer._compute_batch_loss(parameters=old))
    new_loss = float(optimizer._compute_batch_loss(parameters=fitted))
    sys.stdout.flush()
    return fitted, old_loss, new_loss
