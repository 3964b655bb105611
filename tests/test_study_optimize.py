"""``studyrnn optimize``: below the optimizer's minimum it says how many more reviews it needs;
without the extra it says how to install it; with it, the fitted weights are stored and used."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.commands.optimize import MIN_REVIEWS
from studyrnn.store import open_store

T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


@dataclass
class Card:
    id: str
    type: str = "choice"
    tags: list[str] = field(default_factory=list)


@dataclass
class Deck:
    id: str
    cards: list[Card]


def history(url: str, cards: int, reviews_each: int, seed: int = 0) -> int:
    """Review ``cards`` cards ``reviews_each`` times each, on their due dates (a learner who
    forgets 15 % of the time); the number of reviews a day or more after the previous one."""
    rng = random.Random(seed)
    eligible = 0
    with open_store(url) as store:
        ada = store.learner("ada")
        store.sync_cards(ada, [Deck("d", [Card(f"c{i}") for i in range(cards)])], now=T0)
        for i in range(cards):
            now = T0 + timedelta(minutes=i)
            last = None
            for _ in range(reviews_each):
                rating = 1 if rng.random() < 0.15 else rng.choice((2, 3, 3, 4))
                result = store.record_review(ada, "d", f"c{i}", rating, duration_ms=3000, now=now)
                if last is not None and now - last >= timedelta(days=1):
                    eligible += 1
                last = now
                now = max(result.next_due, now + timedelta(days=1))
            # a quiz answer never counts: it does not schedule
            store.record_review(ada, "d", f"c{i}", 1, mode="quiz", now=now)
    return eligible


def test_below_the_minimum_it_says_how_many_more(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    eligible = history(url, cards=5, reviews_each=3)
    assert eligible == 10  # the 2nd and 3rd review of each card
    assert main(["--db", url, "--learner", "ada", "optimize"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == (
        f"studyrnn optimize needs {MIN_REVIEWS} reviews of cards a day or more after their last "
        f"review; you have 10: {MIN_REVIEWS - 10} more to go. Nothing changed."
    )
    with open_store(url) as store:
        assert store.settings(store.learner("ada")).weights is None


def test_without_the_extra_it_says_how_to_install_it(tmp_path: Path, capsys, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    history(url, cards=MIN_REVIEWS // 4 + 1, reviews_each=5)
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch fails as if not installed
    assert main(["--db", url, "--learner", "ada", "optimize"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("studyrnn: error: studyrnn optimize needs the optimizer extra")
    assert err[0].endswith("pip install 'studyrnn[optimizer]'")


@pytest.mark.slow
def test_the_fitted_weights_are_stored_and_schedule_later_reviews(tmp_path: Path, capsys) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("pandas")
    import fsrs
    from fsrs.optimizer import Optimizer

    from studyrnn.commands.optimize import review_logs

    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert history(url, cards=MIN_REVIEWS // 4 + 10, reviews_each=5) >= MIN_REVIEWS
    assert main(["--db", url, "--learner", "ada", "optimize"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("fitted FSRS weights on ")
    old, new = (float(x) for x in out[1].split("current ")[1].split(" → fitted "))
    assert new <= old
    with open_store(url) as store:
        ada = store.learner("ada")
        weights = store.settings(ada).weights
        # the optimizer run again on the same reviews (it is seeded) gives the same weights
        expected = Optimizer(review_logs(store.review_history(ada))).compute_optimal_parameters()
        assert weights == pytest.approx(tuple(expected), rel=1e-9)
        assert weights != tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
        # and the scheduler now uses them: a new card's Easy interval follows weight 3 (S0 Easy)
        store.sync_cards(ada, [Deck("e", [Card("fresh")])], now=T0)
        result = store.record_review(ada, "e", "fresh", 4, now=T0)
        assert result.state.stability == pytest.approx(weights[3])
