"""Hostile input through the real command line: ``python -m studyrnn`` in a subprocess, its
stdout and stderr checked as bytes. For every case: exit status 1 or 2 with a one-line error (or
a literal display), no raw control byte or bidi control in the output, no traceback, no internal
error, and no file but the named output changed. Issue 13: validate, report, generate, new,
schema, preview and the common options."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Raw bytes that must never reach a terminal (UTF-8 never uses these bytes but for themselves).
RAW_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
# In the decoded text: C1 controls and bidi controls.
RAW_TEXT = re.compile("[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

OSC52 = "\x1b]52;c;aGVsbG8=\x07"


def run(*args: str, cwd: Path, timeout: float = 60) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"}
    proc = subprocess.run(
        [sys.executable, "-m", "studyrnn", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    for stream in (proc.stdout, proc.stderr):
        assert not RAW_BYTES.search(stream), stream[:400]
        text = stream.decode("utf-8")
        assert not RAW_TEXT.search(text), text[:400]
        assert "Traceback" not in text and "internal error" not in text, text[-400:]
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def one_error(err: str, prog: str = "studyrnn") -> str:
    """The error line of a failed command: exactly one, after argparse's usage if any."""
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(f"{prog}") and ": error: " in line]
    assert len(errors) == 1, err
    assert all(line.startswith(("usage:", " ")) for line in lines if line not in errors), err
    return errors[0]


def snapshot(folder: Path) -> dict[str, tuple[str, str]]:
    """Every entry under ``folder`` (not following links): kind and content digest."""
    out: dict[str, tuple[str, str]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root, name)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                out[str(p)] = ("file", hashlib.sha256(p.read_bytes()).hexdigest())
            elif stat.S_ISLNK(st.st_mode):
                out[str(p)] = ("link", os.readlink(p))
            else:
                out[str(p)] = (stat.filemode(st.st_mode)[0], "")
    return out


# -- validate ----------------------------------------------------------------------------------


HOSTILE_DECK = """\
id: x
title: "t\\e[2J\\e]0;pwned\\a"
cards:
  - id: a
    type: flashcard
    front: f
    back: b
    "\\e]52;c;aGVsbG8=\\aevil": 1
  - id: "b\\e[31m"
    type: choice
    prompt: "\\u202eevil"
    options: ["ab", "ａｂ"]
    answer: 0
"""


def test_validate_shows_deck_text_and_never_sends_it(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(HOSTILE_DECK, encoding="utf-8")
    before = snapshot(tmp_path)
    code, out, err = run("validate", "--variants", "0", "x.yaml", cwd=tmp_path)
    assert code == 1 and out == ""
    assert "x.yaml:2:8: error: 'title' holds U+001B" in err
    assert "unknown key '\\x1b]52;c;aGVsbG8=\\x07evil'" in err
    assert "'prompt' holds U+202E" in err
    assert snapshot(tmp_path) == before
    assert OSC52 not in err


def test_validate_does_not_read_a_symlink_out_of_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n", encoding="utf-8")
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "shadow.yaml").symlink_to(secret)
    for target in ("decks/shadow.yaml", "decks"):
        code, out, err = run("validate", "--variants", "0", target, cwd=tmp_path)
        assert code == 1 and "SECRETHASH" not in err + out and "root:" not in err
        assert "shadow.yaml:1:1: error: a symbolic link out of" in err


def test_validate_a_fifo_and_a_device_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    names = ["pipe.yaml"]
    if os.geteuid() == 0:  # a character device, made here (never /dev's own)
        os.mknod(tmp_path / "dev.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        names.append("dev.yaml")
    code, out, err = run("validate", "--variants", "0", *names, cwd=tmp_path, timeout=30)
    assert code == 1
    assert "pipe.yaml:1:1: error: it is a FIFO (named pipe); not read" in err
    if "dev.yaml" in names:
        assert "dev.yaml:1:1: error: it is a device; not read" in err
    code, out, err = run("validate", "--variants", "0", ".", cwd=tmp_path, timeout=30)
    assert code == 1 and "pipe.yaml:1:1: error: it is a FIFO" in err


def test_validate_100000_unknown_keys_prints_a_bounded_report(tmp_path: Path) -> None:
    keys = "".join(f"k{i}: 1\n" for i in range(100_000))
    (tmp_path / "many.yaml").write_text(
        "id: d\ntitle: T\n" + keys + "cards:\n  - {id: a, type: flashcard, front: f, back: b}\n",
        encoding="utf-8",
    )
    code, out, err = run("validate", "--variants", "0", "many.yaml", cwd=tmp_path)
    lines = err.splitlines()
    assert code == 1 and len(lines) == 52
    assert (
        lines[-2]
        == "many.yaml:53:1: note: … and 99,950 more problems in this file (fix these first)"
    )
    assert lines[-1] == "0 decks, 0 cards: 100,000 errors"


def test_validate_a_5000_character_file_name(tmp_path: Path) -> None:
    code, out, err = run("validate", "a" * 5000 + ".yaml", cwd=tmp_path)
    assert code == 2 and len(one_error(err)) < 300 and "no such file" in err


# -- report: learner names and prompts from the database ----------------------------------------------

REPORT_DECK = """\
id: d
title: D
cards:
  - id: f
    type: flashcard
    front: "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"
    back: b
"""

NAMES = [OSC52 + "ada", "\u202eevil", "=cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "+bob"]


@pytest.fixture
def class_db(tmp_path: Path) -> tuple[Path, str]:
    from studyrnn.decks import load_decks
    from studyrnn.store import open_store

    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "d.yaml").write_text(REPORT_DECK, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    loaded = load_decks([decks])
    then = datetime(2020, 1, 1, tzinfo=UTC)
    with open_store(url) as store:
        for name in NAMES:  # rows as another client (or an older version) may have written them
            who = store.learner(name)
            store.sync_cards(who, loaded, now=then)
            store.record_review(who, "d", "f", 3, now=then)  # due long before today
    return decks, url


def test_report_shows_learner_names_literally(tmp_path: Path, class_db) -> None:
    decks, url = class_db
    code, out, err = run("report", "--db", url, "--decks", str(decks), cwd=tmp_path)
    assert code == 0 and err == ""
    assert "\\x1b]52;c;aGVsbG8=\\x07ada" in out and "\\u202eevil" in out
    assert '=HYPERLINK("http://evil.example"' in out  # the table is text: shown as typed


def test_report_csv_cells_cannot_run_as_formulas(tmp_path: Path, class_db) -> None:
    decks, url = class_db
    code, out, err = run("report", "--db", url, "--decks", str(decks), "--csv", cwd=tmp_path)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["prompt"] for r in rows] == ['\'=HYPERLINK("http://evil.example", "click")']
    code, out, err = run(
        "report", "--db", url, "--decks", str(decks), "--csv", "--overdue", cwd=tmp_path
    )
    assert code == 0
    names = {r["learner"] for r in csv.DictReader(io.StringIO(out))}
    assert names == {
        "\\x1b]52;c;aGVsbG8=\\x07ada",
        "\\u202eevil",
        "'=cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "'+bob",
    }
    for name in names:
        assert not name.startswith(("=", "+", "-", "@"))


# -- numbers, names and folders on the command line -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["report", "--limit", "1e23"], "argument --limit: not a whole number: '1e23'"),
        (["report", "--limit", "1" + "0" * 23], "argument --limit: must be from 1 to 1,000,000"),
        (["report", "--limit", "2000000"], "must be from 1 to 1,000,000, not 2,000,000"),
        (["validate", "--variants", "9" * 30], "argument --variants: must be from 0 to 100,000"),
        (["validate", "--var", "0"], "unrecognized arguments: --var"),  # no abbreviations
        (["generate", "clip_by_norm", "--seed", "9" * 40], "argument --seed: not a whole number"),
        (["generate", "clip_by_norm", "--seed", str(2**63)], "must be at most"),
        (
            ["--learner", OSC52 + "x", "validate"],
            "argument --learner: a learner name may not hold U+001B",
        ),
        (["--learner", "n" * 101, "validate"], "at most 100 characters, not 101"),
        (["validate", "--learner", "a\u202eb"], "U+202E"),
        (
            ["--decks", "no-such-folder", "validate"],
            "argument --decks: no such folder: no-such-folder",
        ),
        (["--db", "sqlite:///x%00y", "report"], "argument --db: the URL holds a NUL byte"),
        ([OSC52], "invalid choice: '\\x1b]52;c;aGVsbG8=\\x07'"),
        (["report", "--deck", OSC52 + "x" * 500], "no deck '\\x1b]52;c;aGVsbG8=\\x07xxx"),
        (["new", OSC52], "'\\x1b]52;c;aGVsbG8=\\x07' is not a valid deck id"),
        (["schema", "-o", "no-such-folder/s.json"], "the folder no-such-folder does not exist"),
    ],
)
def test_bad_arguments_are_one_line_usage_errors(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    before = snapshot(tmp_path)
    code, out, err = run(*args, cwd=tmp_path)
    assert code == 2 and out == ""
    assert needle in one_error(err, prog="studyrnn")
    assert snapshot(tmp_path) == before


def test_generate_params_are_shown_not_sent(tmp_path: Path) -> None:
    code, out, err = run("generate", "clip_by_norm", "--param", f"source={OSC52}", cwd=tmp_path)
    assert code == 2 and "\\x1b]52" in one_error(err)
    code, out, err = run(
        "generate", "clip_by_norm", "--param", "max_norm=" + "9" * 100_000, cwd=tmp_path
    )
    assert code == 2 and len(one_error(err)) < 500
    code, out, err = run("generate", "x" * 5000 + OSC52, cwd=tmp_path)
    assert code == 2 and len(one_error(err)) < 500


# -- new, schema, preview: only the named output changes ---------------------------------------------


def special_targets(folder: Path) -> dict[str, Path]:
    """A FIFO, a symlink, an existing file and (as root) a character device, all in ``folder``."""
    out = {}
    os.mkfifo(folder / "pipe.yaml")
    out["fifo"] = folder / "pipe.yaml"
    (folder / "real.txt").write_text("keep me\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(folder / "real.txt")
    out["symlink"] = folder / "link.yaml"
    (folder / "mine.yaml").write_text("mine\n", encoding="utf-8")
    out["existing"] = folder / "mine.yaml"
    (folder / "db.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    out["database"] = folder / "db.sqlite3"
    if os.geteuid() == 0:
        os.mknod(folder / "dev.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        out["device"] = folder / "dev.yaml"
    return out


@pytest.mark.parametrize("command", [["new", "fresh"], ["schema"]])
def test_new_and_schema_never_replace_special_files(tmp_path: Path, command: list[str]) -> None:
    targets = special_targets(tmp_path)
    before = snapshot(tmp_path)
    for kind, target in targets.items():
        for force in ([], ["--force"]):
            if kind == "existing" and force:
                continue
            code, out, err = run(*command, "-o", target.name, *force, cwd=tmp_path, timeout=30)
            assert code == 2, (kind, err)
            assert "not writing" in err or "already exists" in err, (kind, err)
            assert snapshot(tmp_path) == before, kind
    code, out, err = run(*command, "-o", "mine.yaml", "--force", cwd=tmp_path)
    assert code == 0
    after = snapshot(tmp_path)
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed == {str(tmp_path / "mine.yaml")}


def test_new_refuses_a_title_its_own_validate_would_reject(tmp_path: Path) -> None:
    for title in ["a\x1b[2Jb", "x\u202ey", "t" * 201, "a\x7f"]:
        code, out, err = run("new", "fresh", "--title", title, cwd=tmp_path)
        assert code == 2 and "--title" in one_error(err)
        assert not (tmp_path / "fresh.yaml").exists()
    code, out, err = run("new", "fresh", "--title", "Zoë's [bold]deck[/bold] #1: ok", cwd=tmp_path)
    assert code == 0
    code, out, err = run("validate", "--variants", "0", "fresh.yaml", cwd=tmp_path)
    assert code == 0 and err.endswith("1 deck, 7 cards: ok\n")


def test_preview_refuses_what_is_no_deck_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    secret = tmp_path / "secret"
    secret.write_text("SECRETHASH\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "link.yaml").symlink_to(secret)
    for name, needle in [
        ("pipe.yaml", "it is a FIFO"),
        ("sub/link.yaml", "a symbolic link out of"),
        ("missing.yaml", "no such file"),
    ]:
        code, out, err = run("preview", name, cwd=tmp_path, timeout=30)
        assert code == 2 and needle in one_error(err) and "SECRETHASH" not in err
