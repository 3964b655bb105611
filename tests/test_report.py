"""The instructor's report (``studyrnn.store.report`` and ``studyrnn report``), against numbers
worked out by hand.

Three learners answer six cards in two decks through the store's public API at fixed times
(``FIXTURE`` below lists every answer). Runs on SQLite, and on PostgreSQL too when
``STUDYRNN_TEST_PG_URL`` names a server: each PostgreSQL test gets a fresh schema, dropped after.

FSRS facts used (the store tests check them too): a new card answered Easy goes to the Review
state, due in 8 days; Again puts a new card in learning, due in 1 min; Good, in 10 min; Hard, in
5.5 min (the mean of the 1 and 10 min steps); Again on a Review card is a lapse, relearning in
10 min. Quiz and flashcard answers are logged but leave the card's schedule alone.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import _pg_url
from test_store import FakeCard, FakeDeck

from studyrnn.cli import main
from studyrnn.store import AGAIN, EASY, GOOD, HARD, QUEUE_RETIRED, open_store
from studyrnn.store.report import (
    CardDifficulty,
    OverdueLearner,
    card_difficulty,
    class_report,
    overdue_learners,
)

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)
NOW = T0 + 20 * DAY

DECK_D = FakeDeck("d", [FakeCard("a"), FakeCard("b"), FakeCard("c")])
DECK_E = FakeDeck("e", [FakeCard("x"), FakeCard("y"), FakeCard("z")])

# (learner, deck, card, rating, mode, duration_ms, at)
FIXTURE = [
    ("ada", "d", "a", EASY, "review", 1000, T0),  # → Review, due T0+8d
    ("ada", "d", "a", AGAIN, "review", 5000, T0 + 9 * DAY),  # a lapse → relearning, due T0+9d+10min
    ("ada", "d", "b", GOOD, "quiz", 2000, T0),  # logged only: d/b stays new
    ("ada", "d", "c", AGAIN, "review", 3000, T0),  # new → learning, due T0+1min (no lapse)
    ("ada", "e", "z", AGAIN, "quiz", 100, T0),
    ("ada", "e", "z", HARD, "quiz", 300, T0),
    ("bob", "d", "a", AGAIN, "review", 4000, T0),  # → learning, due T0+1min
    ("bob", "d", "b", EASY, "review", 6000, T0),  # → Review, due T0+8d
    ("bob", "d", "b", AGAIN, "review", 8000, T0 + 9 * DAY),  # a lapse → due T0+9d+10min
    ("bob", "d", "c", HARD, "quiz", 1000, T0),
    ("bob", "e", "x", HARD, "review", None, T0),  # → learning, due T0+5.5min; no time logged
    ("bob", "e", "y", AGAIN, "quiz", 1500, T0),
    ("bob", "e", "y", GOOD, "quiz", 2500, T0),
    ("cy", "d", "a", EASY, "review", 2000, T0),  # → Review, due T0+8d
    ("cy", "d", "b", HARD, "flashcards", 1000, T0),
    ("cy", "d", "c", GOOD, "review", 7000, T0),  # → learning, due T0+10min
    ("cy", "e", "y", AGAIN, "quiz", 500, T0),
    ("cy", "e", "y", GOOD, "quiz", 3500, T0),
]

# By hand, from FIXTURE. accuracy = answers not Again / answers; median of the logged times.
#   d/a: 4 answers (E, A, A, E) → 2 correct = 0.5; 1 lapse (ada's Again on a Review card);
#        times 1000 2000 4000 5000 → median (2000+4000)/2 = 3000; learners ada bob cy
#   e/y: 4 answers (A, G, A, G) → 0.5; quiz only: 0 lapses; 500 1500 2500 3500 → 2000; bob cy
#   e/z: 2 answers (A, H) → 0.5; 0 lapses; 100 300 → 200; ada
#   d/c: 3 answers (A, H, G) → 2/3; 0 lapses (Again on a new card is no lapse);
#        1000 3000 7000 → 3000; ada bob cy
#   d/b: 4 answers (G, E, A, H) → 0.75; 1 lapse (bob); 1000 2000 6000 8000 → 4000; ada bob cy
#   e/x: 1 answer (H) → 1.0; 0 lapses; no time → None; bob
# Order: accuracy ascending (0.5 ×3, 2/3, 0.75, 1.0); among the 0.5s d/a first (1 lapse), then
# e/y before e/z (4 attempts against 2).
EXPECTED_CARDS = [
    CardDifficulty("d", "a", attempts=4, correct=2, lapses=1, learners=3, median_ms=3000.0),
    CardDifficulty("e", "y", attempts=4, correct=2, lapses=0, learners=2, median_ms=2000.0),
    CardDifficulty("e", "z", attempts=2, correct=1, lapses=0, learners=1, median_ms=200.0),
    CardDifficulty("d", "c", attempts=3, correct=2, lapses=0, learners=3, median_ms=3000.0),
    CardDifficulty("d", "b", attempts=4, correct=3, lapses=1, learners=3, median_ms=4000.0),
    CardDifficulty("e", "x", attempts=1, correct=1, lapses=0, learners=1, median_ms=None),
]
# Overdue at NOW = T0+20d (learning/review cards with due < NOW; new cards never are):
#   ada: d/a (T0+9d+10min), d/c (T0+1min)                 → 2, oldest T0+1min
#   bob: d/a (T0+1min), d/b (T0+9d+10min), e/x (T0+5.5min) → 3, oldest T0+1min
#   cy:  d/a (T0+8d), d/c (T0+10min)                       → 2, oldest T0+10min
EXPECTED_OVERDUE = [
    OverdueLearner("bob", 3, T0 + MIN),
    OverdueLearner("ada", 2, T0 + MIN),
    OverdueLearner("cy", 2, T0 + 10 * MIN),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'class.sqlite3'}"
        return
    base = os.environ.get("STUDYRNN_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (set STUDYRNN_TEST_PG_URL)")
    schema = f"r_{uuid.uuid4().hex[:12]}"
    yield _pg_url(base, schema)
    import sqlalchemy as sa

    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


def fill(url: str) -> None:
    """Record FIXTURE through the public API, checking the schedule facts the figures rely on."""
    with open_store(url) as store:
        learners = {name: store.learner(name) for name in ("ada", "bob", "cy")}
        for who in learners.values():
            store.sync_cards(who, [DECK_D, DECK_E], now=T0)
        dues = {}
        for name, deck_id, card_id, rating, mode, ms, at in FIXTURE:
            result = store.record_review(
                learners[name],
                deck_id,
                card_id,
                rating,
                mode=mode,
                duration_ms=ms,
                answer="x",
                now=at,
            )
            dues[name, deck_id, card_id] = result.next_due
        assert dues["ada", "d", "a"] == T0 + 9 * DAY + 10 * MIN
        assert dues["bob", "e", "x"] == T0 + 5.5 * MIN
        assert dues["cy", "d", "a"] == T0 + 8 * DAY
        assert store.card_state(learners["ada"], "d", "a").lapses == 1
        assert store.card_state(learners["ada"], "d", "c").lapses == 0


@pytest.fixture
def url(db_url: str) -> str:
    fill(db_url)
    return db_url


@pytest.fixture
def store(url: str):
    with open_store(url) as store:
        yield store


# -- the query ---------------------------------------------------------------------------------------


def test_cards_across_learners_hardest_first(store) -> None:
    cards = card_difficulty(store)
    assert cards == EXPECTED_CARDS
    assert [c.accuracy for c in cards] == [0.5, 0.5, 0.5, 2 / 3, 0.75, 1.0]
    assert cards[0].median_s == 3.0 and cards[-1].median_s is None
    with pytest.raises(FrozenInstanceError):
        cards[0].attempts = 0  # type: ignore[misc]


def test_one_deck_and_a_limit(store) -> None:
    assert card_difficulty(store, deck_id="e") == [c for c in EXPECTED_CARDS if c.deck_id == "e"]
    assert card_difficulty(store, limit=2) == EXPECTED_CARDS[:2]
    assert card_difficulty(store, deck_id="nope") == []
    with pytest.raises(ValueError):
        card_difficulty(store, limit=0)


def test_overdue_learners_most_first(store) -> None:
    assert overdue_learners(store, now=NOW) == EXPECTED_OVERDUE
    assert overdue_learners(store, now=NOW, limit=1) == EXPECTED_OVERDUE[:1]
    # deck e: only bob's e/x is scheduled (the rest were quiz answers: still new)
    assert overdue_learners(store, deck_id="e", now=NOW) == [
        OverdueLearner("bob", 1, T0 + 5.5 * MIN)
    ]
    # at T0+5min: ada's d/c (T0+1min) and bob's d/a (T0+1min); bob's e/x is due at 5.5 min, and
    # cy has nothing overdue, so cy is not listed at all. Ties go by name.
    assert overdue_learners(store, now=T0 + 5 * MIN) == [
        OverdueLearner("ada", 1, T0 + MIN),
        OverdueLearner("bob", 1, T0 + MIN),
    ]
    # "due < now": a card due exactly now is not overdue yet
    assert overdue_learners(store, now=T0 + MIN) == []


def test_a_card_that_left_its_deck_keeps_its_history_but_is_not_overdue(store) -> None:
    bob = store.learner("bob")
    store.sync_cards(bob, [DECK_D], now=NOW)  # deck e is gone for bob: e/x, e/y retired
    assert store.card_state(bob, "e", "x").queue == QUEUE_RETIRED
    assert card_difficulty(store) == EXPECTED_CARDS
    assert overdue_learners(store, now=NOW)[:1] == [OverdueLearner("ada", 2, T0 + MIN)]
    assert OverdueLearner("bob", 2, T0 + MIN) in overdue_learners(store, now=NOW)


def test_class_report_totals(store) -> None:
    report = class_report(store, now=NOW)
    assert (report.learners, report.answers, report.deck_id) == (3, len(FIXTURE), None)
    assert report.cards == tuple(EXPECTED_CARDS) and report.overdue == tuple(EXPECTED_OVERDUE)
    one = class_report(store, deck_id="d", limit=2, now=NOW)
    # deck d: d/a, d/b, d/c (4 + 4 + 3 answers)
    assert one.answers == 11 and one.cards == (EXPECTED_CARDS[0], EXPECTED_CARDS[3])


def test_undo_takes_an_answer_out_of_the_report(store) -> None:
    store.undo_last(store.learner("cy"))  # cy's last: e/y Good (3500 ms)
    y = next(c for c in card_difficulty(store) if (c.deck_id, c.card_id) == ("e", "y"))
    # e/y now: A G A → 1 of 3; times 500 1500 2500 → 1500
    assert y == CardDifficulty(
        "e", "y", attempts=3, correct=1, lapses=0, learners=2, median_ms=1500.0
    )


def test_an_empty_database(db_url: str) -> None:
    with open_store(db_url) as store:
        report = class_report(store, now=NOW)
    assert (report.learners, report.answers, report.cards, report.overdue) == (0, 0, (), ())


# -- the command -------------------------------------------------------------------------------------

DECK_YAML = """\
id: d
version: 1
title: Report fixture
cards:
  - id: a
    type: choice
    prompt: "What does unrolling an RNN in time produce? A feed-forward graph with one copy of the cell per step, or something else entirely"
    options: [a graph, a loop]
    answer: 0
  - id: b
    type: flashcard
    front: "Front of b: zero\\u200bwidth"
    back: back
  - id: c
    type: true_false
    statement: BPTT is ordinary backpropagation on the unrolled graph.
    answer: true
"""


@pytest.fixture
def decks_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "d.yaml").write_text(DECK_YAML, encoding="utf-8")
    return folder


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_table(url: str, decks_dir: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "report", "--db", url, "--decks", str(decks_dir))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["deck", "card"])
    rows = [line.split() for line in lines[header + 1 : header + 1 + len(EXPECTED_CARDS)]]
    assert [(r[0], r[1]) for r in rows] == [(c.deck_id, c.card_id) for c in EXPECTED_CARDS]
    # the last four columns: attempts, accuracy %, lapses, median s
    assert [r[-4:] for r in rows] == [
        ["4", "50%", "1", "3.0"],
        ["4", "50%", "0", "2.0"],
        ["2", "50%", "0", "0.2"],
        ["3", "67%", "0", "3.0"],
        ["4", "75%", "1", "4.0"],
        ["1", "100%", "0", "–"],
    ]
    table = "\n".join(lines[header : header + 1 + len(EXPECTED_CARDS)])
    assert "What does unrolling an RNN" in table and "…" in table  # a long prompt is cut short
    assert "BPTT is ordinary backpropagation" in table
    # a zero-width space (allowed in deck text) is shown, not hidden
    assert "\u200b" not in out and "zero\\u200bwidth" in out
    assert "(not in a deck)" in table  # deck e is not loaded: the card is still reported
    assert "3 learners, 18 answers" in out
    tail = out[out.index("overdue") :].splitlines()
    overdue_rows = [line.split()[:2] for line in tail[2:5]]
    assert overdue_rows == [["bob", "3"], ["ada", "2"], ["cy", "2"]]


def test_report_csv(url: str, decks_dir: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "report", "--db", url, "--decks", str(decks_dir), "--csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
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
    assert [r["common_mistakes"] for r in rows] == [""] * 6  # none logged in this fixture
    assert [
        (
            r["deck_id"],
            r["card_id"],
            r["attempts"],
            r["correct"],
            r["accuracy"],
            r["lapses"],
            r["median_s"],
        )
        for r in rows
    ] == [
        ("d", "a", "4", "2", "0.5000", "1", "3.000"),
        ("e", "y", "4", "2", "0.5000", "0", "2.000"),
        ("e", "z", "2", "1", "0.5000", "0", "0.200"),
        ("d", "c", "3", "2", "0.6667", "0", "3.000"),
        ("d", "b", "4", "3", "0.7500", "1", "4.000"),
        ("e", "x", "1", "1", "1.0000", "0", ""),
    ]
    assert rows[0]["prompt"].startswith("What does unrolling") and rows[0]["prompt"].endswith(
        "entirely"
    )
    assert rows[-1]["prompt"] == ""  # not in a loaded deck
    assert [r["learners"] for r in rows] == ["3", "2", "1", "3", "3", "1"]

    code, out, _ = run_cli(
        capsys,
        "report",
        "--db",
        url,
        "--decks",
        str(decks_dir),
        "--csv",
        "--overdue",
        "--deck",
        "d",
        "--limit",
        "2",
    )
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["learner", "overdue", "oldest_due"],
        # deck d only: ada d/a d/c; bob d/a d/b; cy d/a d/c, now = the real time (long after 2026-03-22)
        ["ada", "2", (T0 + MIN).isoformat()],
        ["bob", "2", (T0 + MIN).isoformat()],
    ]


def test_report_one_deck_and_a_limit(url: str, decks_dir: Path, capsys) -> None:
    code, out, _ = run_cli(
        capsys,
        "report",
        "--db",
        url,
        "--decks",
        str(decks_dir),
        "--csv",
        "--deck",
        "e",
        "--limit",
        "2",
    )
    assert code == 0
    assert [(r["deck_id"], r["card_id"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("e", "y"),
        ("e", "z"),
    ]


def test_report_errors_are_one_line(url: str, decks_dir: Path, capsys) -> None:
    for bad in ("0", "1e23", "100000000000000000000000"):  # argparse's usage, then one line
        with pytest.raises(SystemExit) as info:
            main(["report", "--db", url, "--decks", str(decks_dir), "--limit", bad])
        out, err = capsys.readouterr()
        last = err.splitlines()[-1]
        assert info.value.code == 2 and out == "" and err.startswith("usage: ")
        assert last.startswith("studyrnn report: error: argument --limit: ")
        assert "Traceback" not in err and "internal error" not in err
    code, out, err = run_cli(
        capsys, "report", "--db", url, "--decks", str(decks_dir), "--deck", "dd"
    )
    assert code == 2 and err.startswith("studyrnn: error: ") and "did you mean 'd'" in err
    assert err.count("\n") == 1
    code, out, err = run_cli(capsys, "report", "--db", "postgresql+nosuchdriver://x/y")
    assert code == 1 and err.startswith("studyrnn: error: ") and err.count("\n") == 1


def test_report_on_an_empty_database(tmp_path: Path, capsys) -> None:
    from studyrnn.store import open_store

    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    open_store(url).close()  # a studyrnn database nobody has studied with
    code, out, err = run_cli(capsys, "report", "--db", url)
    assert (code, err) == (0, "")
    assert "no answers recorded yet" in out and "no learner has overdue cards" in out


def test_report_never_creates_a_database(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "typo.sqlite3"
    code, out, err = run_cli(capsys, "report", "--db", f"sqlite:///{missing}")
    assert code == 1 and out == ""
    assert "no progress database" in err and err.count("\n") == 1
    assert not missing.exists()


# -- common mistakes ---------------------------------------------------------------------------------

MISTAKE_YAML = """\
id: m
version: 1
title: Mistakes fixture
cards:
  - id: n
    type: numeric
    prompt: "w = 1, g = 2, eta = 2: w after one SGD step?"
    answer: -3
    mistakes:
      - answer: 1
        feedback: "that is w before the update; subtract eta times g"
      - id: wrong-sign
        answer: 5
        feedback: "that adds eta times g; SGD subtracts it"
      - id: no-eta
        answer: -1
        feedback: "that forgets the learning rate"
      - id: eta-squared
        answer: -7
        feedback: "that multiplies by eta twice"
  - id: g
    type: generated
    generator: parameter_count
    params: {hidden_size: 4}
"""

# (learner, card, typed answer, seed): graded with the deck's own keys, then logged
MISTAKE_ANSWERS = [
    ("ada", "n", "1", None),  # mistake-1 (the first entry has no id)
    ("bob", "n", "1", None),  # mistake-1
    ("cy", "n", "5", None),  # wrong-sign
    ("ada", "n", "-1", None),  # no-eta
    ("bob", "n", "-7", None),  # eta-squared
    ("cy", "n", "-3", None),  # right: no mistake
    ("ada", "n", "42", None),  # wrong, but no declared mistake
    # g, seed 0: D = 64, H = 4, O = 10 → W = 64·4 + 4·4 + 4 + 10·4 + 10 = 326
    ("ada", "g", str(326 - 4 - 10), 0),  # biases_forgotten: 312
    ("bob", "g", str(326 - 4 - 10), 0),  # biases_forgotten
    ("cy", "g", str(326 + 4), 0),  # two_hidden_biases: 330
]
# By hand: m/n: mistake-1 ×2, then the ties at 1 by id (eta-squared, no-eta, wrong-sign), the
# first three kept; m/g: biases_forgotten ×2, two_hidden_biases ×1.
EXPECTED_MISTAKES = {
    ("m", "n"): [("mistake-1", 2), ("eta-squared", 1), ("no-eta", 1)],
    ("m", "g"): [("biases_forgotten", 2), ("two_hidden_biases", 1)],
}


@pytest.fixture
def mistakes_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mdecks"
    folder.mkdir()
    (folder / "m.yaml").write_text(MISTAKE_YAML, encoding="utf-8")
    return folder


@pytest.fixture
def mistakes_url(db_url: str, mistakes_dir: Path) -> str:
    from studyrnn.decks import load_decks
    from studyrnn.grading import key_for_card

    deck = load_decks([mistakes_dir])["m"]
    cards = {c.id: c for c in deck.cards}
    with open_store(db_url) as store:
        learners = {name: store.learner(name) for name in ("ada", "bob", "cy")}
        for who in learners.values():
            store.sync_cards(who, [FakeDeck("m", [FakeCard("n"), FakeCard("g")])], now=T0)
        for i, (name, card_id, typed, seed) in enumerate(MISTAKE_ANSWERS):
            verdict = key_for_card(cards[card_id], seed=seed or 0).grade(typed)
            rating = GOOD if verdict.mistake is None and typed == "-3" else AGAIN
            store.record_review(
                learners[name],
                "m",
                card_id,
                rating,
                mode="quiz",
                verdict=verdict,
                seed=seed,
                answer=typed,
                now=T0 + i * MIN,
            )
    return db_url


def test_the_most_common_mistakes_per_card(mistakes_url: str) -> None:
    with open_store(mistakes_url) as store:
        cards = card_difficulty(store)
        got = {(c.deck_id, c.card_id): [(m.mistake, m.count) for m in c.mistakes] for c in cards}
        assert got == EXPECTED_MISTAKES
        # a limited list reads the mistakes of its cards only, with the same figures
        # (m/n: 2 of 7 not Again → 0.29, before m/g: 0 of 3)
        (first,) = card_difficulty(store, limit=1)
        assert (first.card_id, [(m.mistake, m.count) for m in first.mistakes]) == (
            "g",
            EXPECTED_MISTAKES["m", "g"],
        )
        store.undo_last(store.learner("cy"))  # cy's last: g, two_hidden_biases
        (g,) = [c for c in card_difficulty(store, deck_id="m") if c.card_id == "g"]
        assert [(m.mistake, m.count) for m in g.mistakes] == [("biases_forgotten", 2)]


def test_report_names_the_common_mistakes(mistakes_url: str, mistakes_dir: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "report", "--db", mistakes_url, "--decks", str(mistakes_dir))
    assert (code, err) == (0, "")
    section = out[out.index("common mistakes") :].split("\n\n")[0].splitlines()
    assert section[1].split()[:3] == ["card", "mistake", "answers"]
    rows = [line.split(maxsplit=3) for line in section[2:]]
    assert [r[:3] for r in rows] == [
        ["m/g", "biases_forgotten", "2"],
        ["m/g", "two_hidden_biases", "1"],
        ["m/n", "mistake-1", "2"],
        ["m/n", "eta-squared", "1"],
        ["m/n", "no-eta", "1"],
    ]
    assert rows[0][3] == "that leaves out the biases; add b_h (H) and b_y (O)"
    assert rows[2][3] == "that is w before the update; subtract eta times g"

    code, out, err = run_cli(
        capsys, "report", "--db", mistakes_url, "--decks", str(mistakes_dir), "--csv"
    )
    assert (code, err) == (0, "")
    cells = {r["card_id"]: r["common_mistakes"] for r in csv.DictReader(io.StringIO(out))}
    assert cells["n"] == (
        "mistake-1 (2): that is w before the update; subtract eta times g; "
        "eta-squared (1): that multiplies by eta twice; "
        "no-eta (1): that forgets the learning rate"
    )
    assert cells["g"].startswith("biases_forgotten (2): that leaves out the biases")
    assert "two_hidden_biases (1): that counts PyTorch's two hidden biases" in cells["g"]

    # without the deck loaded the ids are still shown, with no feedback
    code, out, err = run_cli(capsys, "report", "--db", mistakes_url, "--csv")
    cells = {r["card_id"]: r["common_mistakes"] for r in csv.DictReader(io.StringIO(out))}
    assert cells["n"] == "mistake-1 (2); eta-squared (1); no-eta (1)"
