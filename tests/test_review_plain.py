"""``studyrnn review --plain``: the review loop as plain lines, end to end and in-process."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from studyrnn.commands.review import PlainReview
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
    # Enter takes Again; flash: any line shows the back, then 3. Then learn-ahead: steps (Again,
    # due in a minute) comes back before the session ends; "2.5" is wrong, Enter takes Again.
    proc = review_cli(deck_dir, db, "9\n2\n\n\nx\n\nwhatever\n3\n2.5\n\n")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr == f"studyrnn: created a new progress database {db}\n"
    out = proc.stdout.splitlines()
    assert out[0] == "review in tiny: 3 due now (0 learning, 0 review, 3 new)"
    assert [line for line in out if line.startswith("card ")] == [
        "card 1: tiny/pick (new)",
        "card 2: tiny/steps (new)",
        "card 3: tiny/flash (new)",
        "card 4: tiny/steps (learning, shown before it is due)",
        "card 5: tiny/steps (learning, shown before it is due)",
    ]
    assert "  2. tanh" in out
    assert out.count("invalid: choose a number from 1 to 3") == 1
    assert [line for line in out if line.startswith(("correct", "incorrect"))] == [
        "correct",
        "incorrect (revealed): the answer is 12 ms",
        "incorrect: you gave 2.5, accepted within ±(0.5 + 1% of the answer); the answer is 12 ms",
    ]
    assert "back: Backpropagation through time" in out
    assert out.count("Again 1 min · Hard 5.5 min · Good 10 min · Easy 8 days") == 3
    assert [line for line in out if line.startswith("rate [")] == [
        "rate [1-4, Enter for 3, u to undo]:",
        "rate [1-4, Enter for 1, u to undo]:",
        "rate [1-4, Enter for 1, u to undo]:",
        "rate [1-4, Enter for 3, u to undo]:",
        "rate [1-4, Enter for 1, u to undo]:",
    ]
    assert [line for line in out if line.startswith("next:")] == [
        "next: 10 min",
        "next: 1 min",
        "next: 10 min",
        "next: 1 min",
    ]
    assert out[-1] == "end of input: 4 reviewed"

    with open_store(f"sqlite:///{db}") as store:
        ada = store.learner("ada")
        log = list(reversed(store.reviews(ada)))
        assert store.card_state(ada, "tiny", "steps").reps == 2
    assert [(r.card_id, r.rating, r.outcome, r.answer, r.mode) for r in log] == [
        ("pick", 3, "correct", "2", "review"),
        ("steps", 1, "revealed", "", "review"),
        ("flash", 3, None, None, "review"),
        ("steps", 1, "incorrect", "2.5", "review"),
    ]
    (session,) = {r.session_id for r in log}
    assert session is not None
    assert all(r.seed is not None and r.duration_ms is not None for r in log)

    # with learn-ahead off, nothing is due until the learning steps run out
    with open_store(f"sqlite:///{db}") as store:
        store.update_settings(store.learner("ada"), learn_ahead=timedelta(0))
    again = review_cli(deck_dir, db, "")
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # the database exists now: nothing to announce
    last = again.stdout.splitlines()[-1]
    assert last.startswith("nothing is due now; the next card is due in ")
    assert last.endswith(" UTC).") or "/" in last  # the learner's zone names the time


def test_undo_takes_back_this_sessions_answers_newest_first(deck_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    # pick right, Good; steps revealed, Again; flash turned over, then "u" at its rating takes back
    # steps (newest first) and sets flash aside; steps comes back: revealed, "u" takes back pick;
    # pick comes back: "1" is wrong, "u" finds nothing left in this session, "3" rates it Good.
    proc = review_cli(deck_dir, db, "2\n\n\n\nwhatever\nu\n\nu\n1\nu\n3\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert [line for line in out if line.startswith(("took back", "nothing to undo"))] == [
        "took back: A sequence has 4 steps of 3 ms each. How long does the forw… "
        "(this card comes back later)",
        "took back: Which activation's derivative is 1 − h² in terms of its out… "
        "(this card comes back later)",
        "nothing to undo in this session",
    ]
    assert [line for line in out if line.startswith("card ")][:5] == [
        "card 1: tiny/pick (new)",
        "card 2: tiny/steps (new)",
        "card 3: tiny/flash (new)",
        "card 4: tiny/steps (new)",  # restored exactly: new again
        "card 5: tiny/pick (new)",
    ]
    with open_store(f"sqlite:///{db}") as store:
        ada = store.learner("ada")
        log = store.reviews(ada)
        assert store.card_state(ada, "tiny", "steps").reps == 0
        assert store.review_count(ada) == 1
    assert [(r.card_id, r.rating, r.outcome, r.answer) for r in log] == [
        ("pick", 3, "incorrect", "1")
    ]


def test_undo_never_reaches_an_earlier_session(deck_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    first = review_cli(deck_dir, db, "2\n\n")  # one answer (pick, Good), then end of input
    assert first.stdout.splitlines()[-1] == "end of input: 1 reviewed"
    second = review_cli(deck_dir, db, "\nu\n1\n")  # steps revealed; u: nothing in this session
    out = second.stdout.splitlines()
    assert "nothing to undo in this session" in out
    assert "took back" not in second.stdout
    with open_store(f"sqlite:///{db}") as store:
        log = store.reviews(store.learner("ada"))
    assert [(r.card_id, r.rating) for r in reversed(log)] == [("pick", 3), ("steps", 1)]
    assert len({r.session_id for r in log}) == 2


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
    from studyrnn.settings import Settings
    from studyrnn.study import ReviewSession, build_context

    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="ada", deck_dirs=(deck_dir,)
    )
    ctx = build_context(settings, seed=5)
    out = io.StringIO()
    code = PlainReview(ReviewSession(ctx, deck_id), io.StringIO(stdin), out).run()
    return code, out.getvalue().splitlines(), ctx.store, ctx.learner, ctx.decks


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
        assert "incorrect: you chose 1; the answer is tanh (option 2)" in out
        assert "rate [1-4, Enter for 1, u to undo]:" in out
        assert store.reviews(ada)[0].rating == 3
        assert out[-1] == "end of input: 1 reviewed"
    finally:
        store.close()
