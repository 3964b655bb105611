"""``studyrnn quiz DECK --plain`` end to end: piped answers in, result lines and a score out."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from studyrnn.cli import main
from studyrnn.commands.quiz import PlainQuiz
from studyrnn.study import format_score

FIXTURE = Path(__file__).parent / "fixtures" / "quiz" / "every-type.yaml"
SEED = "5"


def quiz(stdin: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "studyrnn",
            "quiz",
            str(FIXTURE),
            "--plain",
            "--in-order",
            "--seed",
            SEED,
            *extra,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def quiz_in_process(
    stdin: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    """The same command through ``cli.main`` (no interpreter start-up): its stdout."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(["quiz", str(FIXTURE), "--plain", "--in-order", "--seed", SEED]) == 0
    return capsys.readouterr().out


def results(stdout: str) -> list[str]:
    """The result lines, in order."""
    return [
        line for line in stdout.splitlines() if re.match(r"(correct|incorrect|invalid)\b", line)
    ]


def block(stdout: str, number: int) -> str:
    """The output of question ``number``, up to the next question header."""
    match = re.search(rf"^Question {number}/\d+\n(.*?)(?=^Question \d+/|\Z)", stdout, re.S | re.M)
    assert match, stdout
    return match.group(1)


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


@pytest.fixture(scope="module")
def revealed_run() -> subprocess.CompletedProcess[str]:
    """Every answer left empty: the questions as printed, with the answers revealed."""
    return quiz("\n" * 20)


def test_empty_lines_reveal_every_answer_and_score_zero(
    revealed_run: subprocess.CompletedProcess[str],
) -> None:
    proc = revealed_run
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = results(proc.stdout)
    assert len(lines) == 8
    assert lines[0] == "incorrect"  # the flashcard: an empty "did you know it?" is no
    assert all(line.startswith("incorrect (revealed): the answer is ") for line in lines[1:]), lines
    assert proc.stdout.rstrip().splitlines()[-1] == "score: 0/8"
    assert "Question 1/8" in proc.stdout and "Question 8/8" in proc.stdout


def test_questions_are_printed_with_numbered_choices_and_literal_text(revealed_run) -> None:
    out = revealed_run.stdout
    assert "back: Backpropagation through time" in block(out, 1)
    choice = block(out, 2)
    assert "  1. ReLU\n  2. tanh\n  3. sigmoid\n" in choice
    assert "explanation: d/da tanh(a) = 1 − tanh²(a)." in choice
    assert "[bold]Every[/bold] copy of the unrolled cell has its own W_hh." in block(out, 4)
    assert "Unit: ms." in block(out, 6)
    generated = block(out, 8)
    assert generated.startswith("A fresh variant:\n\n")
    assert "worked solution:\n  1. " in generated


def _right_answers(printed: str) -> list[str]:
    """Every right answer, worked out from the printed questions alone."""
    order_block = block(printed, 5)
    shown = re.findall(r"^  (\d)\. (.+)$", order_block, re.M)
    position = {text: number for number, text in shown}
    order = " ".join(position[item] for item in ["Forward pass", "Backward pass", "Update"])

    gen = block(printed, 8)
    m = re.search(r"W_x = (\S+), W_s = (\S+), x_t = (\S+) and s_\{t-1\} = (\S+), what", gen)
    assert m, gen
    w_x, w_s, x, s_prev = (_number(g) for g in m.groups())
    s_t = math.tanh(w_x * x + w_s * s_prev)
    return [
        "",
        "y",  # flashcard: show the back, "I knew it"
        "abc",
        "2",  # choice: invalid first, then right
        "1",  # multi: half the right options, no wrong one: partial credit 0.5
        "",  # true/false: revealed
        order,  # order: right
        "12.3 ms",  # numeric: within ±0.5
        "vanishnig",  # text: a typo, accepted
        f"{s_t:.6f}",  # generated: right
    ]


def test_a_full_quiz_with_invalid_partial_revealed_and_generated(revealed_run) -> None:
    answers = _right_answers(revealed_run.stdout)
    proc = quiz("\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = results(proc.stdout)
    assert lines[0] == "correct"
    assert lines[1].startswith("invalid: ") and "number of an option, from 1 to 3" in lines[1]
    assert lines[2] == "correct"
    assert lines[3].startswith("incorrect (partial credit 0.5): ")
    assert lines[4].startswith("incorrect (revealed): the answer is False")
    assert lines[5] == "correct", proc.stdout
    assert lines[6] == "correct"
    assert lines[7] == "correct: accepted (typo): expected 'vanishing'"
    assert lines[8] == "correct", block(proc.stdout, 8)
    assert proc.stdout.rstrip().splitlines()[-1] == "score: 6.5/8"


def test_a_wrong_generated_answer_shows_the_worked_solution(
    revealed_run, capsys, monkeypatch
) -> None:
    answers = _right_answers(revealed_run.stdout)
    answers[-1] = "7"  # tanh never reaches 7
    last = block(quiz_in_process("\n".join(answers) + "\n", capsys, monkeypatch), 8)
    assert re.search(r"^incorrect: you gave 7, accepted .*; the answer is \S+", last, re.M), last
    assert "worked solution:\n  1. Pre-activation" in last


def test_end_of_input_mid_quiz_prints_the_score_so_far() -> None:
    proc = quiz("\ny\n1\n")  # flashcard known, choice wrong, then EOF at the multi question
    assert proc.returncode == 0, proc.stderr
    # the first study command on a fresh data folder says where its progress goes, nothing else
    assert proc.stderr.splitlines() == [
        line for line in proc.stderr.splitlines() if "created a new progress database" in line
    ]
    assert len(proc.stderr.splitlines()) <= 1
    tail = proc.stdout.rstrip().splitlines()
    assert tail[-2:] == ["end of input: 2 of 8 answered", "score: 1/2"]
    assert "Question 3/8" in proc.stdout


def test_end_of_input_at_once_and_inside_a_flashcard(capsys, monkeypatch) -> None:
    assert quiz_in_process("", capsys, monkeypatch).rstrip().splitlines()[-1] == "score: 0/0"
    inside = quiz_in_process("\n", capsys, monkeypatch)  # the back shown, then no y/n
    assert "back: Backpropagation through time" in inside
    assert inside.rstrip().splitlines()[-1] == "score: 0/0"


def test_limit_and_seed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["quiz", str(FIXTURE), "--plain", "--limit", "3", "--seed", "1"]) == 0
    first = capsys.readouterr().out
    assert ": 3 questions" in first
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    main(["quiz", str(FIXTURE), "--plain", "--limit", "3", "--seed", "1"])
    assert capsys.readouterr().out == first


def test_without_plain_the_app_opens_on_the_deck(monkeypatch: pytest.MonkeyPatch) -> None:
    import studyrnn.tui

    calls = []
    monkeypatch.setattr(
        studyrnn.tui,
        "run_quiz",
        lambda settings, deck_id, limit, seed, in_order: (
            calls.append((settings, deck_id, limit, seed, in_order)) or 0
        ),
    )
    assert main(["quiz", str(FIXTURE), "--limit", "4", "--seed", "9", "--in-order"]) == 0
    ((settings, deck_id, limit, seed, in_order),) = calls
    # the app's quiz honours --seed and --in-order as the plain one does
    assert (deck_id, limit, seed, in_order) == ("quiz-every-type", 4, 9, True)
    assert FIXTURE.parent.resolve() in settings.deck_dirs


def test_unknown_deck_id_suggests_a_close_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "bptt-basic", "--plain"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("studyrnn: error: unknown deck 'bptt-basic'; did you mean 'bptt-basics'?")
    assert "bptt-basics" in err and "remedies" in err


def test_a_deck_id_from_a_deck_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["quiz", "quiz-every-type", "--plain", "--decks", str(FIXTURE.parent)]) == 0
    assert "Every card type (quiz-every-type)" in capsys.readouterr().out


def test_a_missing_deck_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "no/such/deck.yaml", "--plain"]) == 2
    assert "no such deck file" in capsys.readouterr().err


# --- the loop in-process ---------------------------------------------------------------------


def _run(deck: SimpleNamespace, stdin: str, tmp_path: Path) -> str:
    from studyrnn.settings import Settings
    from studyrnn.study import QuizSession, build_context

    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", learner="ada")
    ctx = build_context(settings, decks={deck.id: deck})
    out = io.StringIO()
    try:
        session = QuizSession(ctx, deck.id, limit=None, seed=0, in_order=True)
        assert PlainQuiz(io.StringIO(stdin), out).run(session) == 0
        # every answer is logged, as a quiz answer, in one session
        log = ctx.store.reviews(ctx.learner)
        assert {r.mode for r in log} <= {"quiz"} and len({r.session_id for r in log}) <= 1
        assert len(log) == len(session.answers)
    finally:
        ctx.store.close()
    return out.getvalue()


def test_escape_sequences_in_deck_text_are_shown_not_sent(tmp_path: Path) -> None:
    card = SimpleNamespace(
        id="c",
        type="choice",
        prompt="red \x1b[31mALERT\x1b[0m",
        options=["\x07bell", "b"],
        answer=1,
        explanation="see \x1b]0;title\x07",
        tags=[],
        source=None,
    )
    out = _run(SimpleNamespace(id="d", title="T\x1b[2J", cards=[card]), "1\n", tmp_path)
    assert "\x1b" not in out and "\x07" not in out
    assert "red \\x1b[31mALERT\\x1b[0m" in out and "  1. \\x07bell" in out


def test_flashcard_y_n_and_invalid(tmp_path: Path) -> None:
    card = SimpleNamespace(
        id="f", type="flashcard", front="F", back="B", explanation=None, tags=[], source=None
    )
    other = SimpleNamespace(**{**vars(card), "id": "g"})
    out = _run(
        SimpleNamespace(id="d", title="T", cards=[card, other]),
        "\nmaybe\nyes\nanything\nn\n",
        tmp_path,
    )
    assert results(out) == ["invalid: type y or n", "correct", "incorrect"]
    assert out.rstrip().endswith("score: 1/2")


def test_format_score() -> None:
    assert [format_score(v) for v in (0, 3, 2.5, 2 + 2 / 3, 0.001)] == [
        "0",
        "3",
        "2.5",
        "2.67",
        "0",
    ]
