"""``studyrnn review --plain``: the review loop as plain lines, end to end and in-process."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from studyrnn.commands.review import PlainReview
from studyrnn.decks import load_decks
from studyrnn.quiz import present
from studyrnn.store import open_store

TINY = """\
id: tiny
title: Tiny review deck
language: en
cards:
  - id: pick
    type: choice
    prompt: Which activation's derivative is 1 − h² in terms of its output h?
    options: [ReLU, tanh, sigmoid]
    answer: 1
    explanation: d/da tanh(a) = 1 − tanh²(a).
  - id: steps
    type: numeric
    prompt: A sequence has 4 steps of 3 ms each. How long does the forward pass take?
    answer: 12
    tolerance: {atol: 0.5}
    unit: ms
  - id: flash
    type: flashcard
    front: What does BPTT stand for?
    back: Backpropagation through time
"""

GENERATED = """\
id: gen
title: Generated
language: en
cards:
  - id: step
    type: generated
    generator: hidden_state_step
    prompt: "A fresh variant:"
"""


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (folder / "gen.yaml").write_text(GENERATED, encoding="utf-8")
    return folder


def review_cli(
    deck_dir: Path, db: Path, stdin: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "studyrnn",
            "review",
            "--plain",
            "--decks",
            str(deck_dir),
            "--deck",
            "tiny",
            "--db",
            f"sqlite:///{db}",
            "--learner",
            "ada",
            *extra,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_plain_review_end_to_end(deck_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    # pick: "9" is invalid, "2" right, Enter takes Good; steps: empty reveals, "x" is no rating,
    # Enter takes Again; flash: any line shows the back, then 3.
    proc = review_cli(deck_dir, db, "9\n2\n\n\nx\n\nwhatever\n3\n")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == "review in tiny: 3 due now (0 learning, 0 review, 3 new)"
    assert "  2. tanh" in out
    assert "invalid: choose a number from 1 to 3" in out
    assert "correct" in out
    assert "incorrect (revealed): the answer is 12 ms" in out
    assert "back: Backpropagation through time" in out
    assert out.count("Again 1 min · Hard 5.5 min · Good 10 min · Easy 8 days") == 3
    assert [line for line in out if line.startswith("rate [")] == [
        "rate [1-4, Enter for 3]:",
        "rate [1-4, Enter for 1]:",
        "rate [1-4, Enter for 1]:",
        "rate [1-4, Enter for 3]:",
    ]
    assert [line for line in out if line.startswith("next:")] == [
        "next: 10 min",
        "next: 1 min",
        "next: 10 min",
    ]
    assert out[-1].startswith("done: 3 reviewed; nothing more is due now; the next card is due in ")

    with open_store(f"sqlite:///{db}") as store:
        ada = store.learner("ada")
        log = list(reversed(store.reviews(ada)))
    assert [(r.card_id, r.rating, r.outcome, r.answer, r.mode) for r in log] == [
        ("pick", 3, "correct", "2", "review"),
        ("steps", 1, "revealed", "", "review"),
        ("flash", 3, None, "whatever", "review"),
    ]
    assert len({r.session_id for r in log}) == 1 and log[0].session_id is not None
    assert all(r.seed is not None and r.duration_ms is not None for r in log)

    # nothing is due until the learning steps run out
    again = review_cli(deck_dir, db, "")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1].startswith("nothing is due now; the next card is due in ")


def test_end_of_input_stops_cleanly_recording_only_what_was_rated(
    deck_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "p.sqlite3"
    proc = review_cli(deck_dir, db, "2\n")  # answered, then the input ends at the rating
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert proc.stdout.splitlines()[-1] == "end of input: 0 reviewed"
    assert "next:" not in proc.stdout
    proc = review_cli(deck_dir, db, "2\n\n1")  # one review; the input ends mid-card
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[-1] == "end of input: 1 reviewed"
    with open_store(f"sqlite:///{db}") as store:
        assert [r.card_id for r in store.reviews(store.learner("ada"))] == ["pick"]


def test_unknown_deck_and_missing_plain_are_usage_errors(deck_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "studyrnn",
            "review",
            "--plain",
            "--decks",
            str(deck_dir),
            "--deck",
            "tinny",
            "--db",
            f"sqlite:///{db}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "tiny" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "studyrnn", "review", "--db", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "--plain" in proc.stderr


def _in_process(deck_dir: Path, tmp_path: Path, stdin: str, deck_id: str):
    decks = load_decks([deck_dir])
    store = open_store(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    ada = store.learner("ada")
    store.sync_cards(ada, decks)
    out = io.StringIO()
    code = PlainReview(store, ada, decks, io.StringIO(stdin), out, rng=random.Random(5)).run(
        deck_id
    )
    return code, out.getvalue().splitlines(), store, ada, decks


def test_a_generated_card_logs_the_seed_of_the_variant_shown(
    deck_dir: Path, tmp_path: Path
) -> None:
    code, out, store, ada, decks = _in_process(deck_dir, tmp_path, "\n\n", "gen")
    try:
        assert code == 0
        (log,) = store.reviews(ada)
        assert (log.card_id, log.rating, log.outcome) == ("step", 1, "revealed")
        shown = present(decks["gen"].card("step"), log.seed)
        # the prompt printed is the variant the logged seed rebuilds, line for line
        start = out.index("card 1: gen/step (new)") + 1
        assert out[start : start + len(shown.prompt.splitlines())] == shown.prompt.splitlines()
        assert store.card_state(ada, "gen", "step").reps == 1
    finally:
        store.close()


def test_a_wrong_rating_override_is_what_gets_recorded(deck_dir: Path, tmp_path: Path) -> None:
    # a typo is not a lapse: the learner overrides the suggested Again with Good
    code, out, store, ada, _ = _in_process(deck_dir, tmp_path, "1\ngood\n", "tiny")
    try:
        assert "incorrect: the answer is 2. tanh" in out or any(
            line.startswith("incorrect:") for line in out
        )
        assert "rate [1-4, Enter for 1]:" in out
        assert store.reviews(ada)[0].rating == 3
        assert out[-1] == "end of input: 1 reviewed"
    finally:
        store.close()
