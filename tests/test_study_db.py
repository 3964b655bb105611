"""``--db`` is checked before anything is studied: each mistake is one line, and nothing is lost,
created or added where it should not be."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studyrnn.cli import main
from studyrnn.errors import StoreError
from studyrnn.store import open_store

DECK = """\
id: tiny
title: Tiny
language: en
cards:
  - id: pick
    type: choice
    prompt: Pick b
    options: [a, b]
    answer: 1
"""


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK, encoding="utf-8")
    return folder


def cli(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studyrnn", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studyrnn: error: "), proc.stderr
    return lines[0]


def test_a_read_only_command_never_creates_a_database(tmp_path: Path) -> None:
    line = one_error_line(cli(tmp_path, "--db", "garbage", "stats"))
    assert "no progress database at" in line and "garbage" in line
    assert list(tmp_path.iterdir()) == []  # no file "garbage"


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_an_sqlite_url_without_a_file_is_refused(tmp_path: Path, deck_dir: Path, url: str) -> None:
    proc = cli(tmp_path, "review", "--plain", "--decks", str(deck_dir), "--db", url, stdin="2\n\n")
    line = one_error_line(proc)
    assert "names no file: progress would be lost" in line
    assert "next:" not in proc.stdout  # nothing was studied into a throwaway database


def test_an_empty_url_is_refused(tmp_path: Path, deck_dir: Path) -> None:
    line = one_error_line(cli(tmp_path, "review", "--plain", "--db", "", stdin="2\n\n"))
    assert "empty database URL" in line


def test_a_missing_folder_is_an_error_not_a_mkdir(tmp_path: Path, deck_dir: Path) -> None:
    target = tmp_path / "nope" / "x.db"
    proc = cli(
        tmp_path, "review", "--plain", "--decks", str(deck_dir), "--db", f"sqlite:///{target}"
    )
    line = one_error_line(proc)
    assert f"the folder {target.parent} of the progress database x.db does not exist" in line
    assert not target.parent.exists()


def test_another_programs_database_is_refused_untouched(tmp_path: Path, deck_dir: Path) -> None:
    other = tmp_path / "photos.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    db.execute("INSERT INTO photos (path) VALUES ('/tmp/cat.jpg')")
    db.commit()
    db.close()
    for args in (["review", "--plain", "--decks", str(deck_dir)], ["stats"]):
        line = one_error_line(cli(tmp_path, *args, "--db", f"sqlite:///{other}", stdin="2\n\n"))
        assert "belongs to another program (tables photos; no studyrnn schema)" in line
    db = sqlite3.connect(other)
    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    db.close()
    assert tables == [("photos",)]  # not one table added


def test_a_study_command_that_creates_a_database_says_where(tmp_path: Path, deck_dir: Path) -> None:
    target = tmp_path / "new.db"
    args = ["review", "--plain", "--decks", str(deck_dir), "--db", f"sqlite:///{target}"]
    first = cli(tmp_path, *args, stdin="2\n\n")
    assert first.returncode == 0, first.stderr
    assert first.stderr == f"studyrnn: created a new progress database {target}\n"
    second = cli(tmp_path, *args)
    assert second.returncode == 0 and second.stderr == ""


def test_stats_works_on_a_read_only_database(tmp_path: Path, deck_dir: Path) -> None:
    target = tmp_path / "p.db"
    cli(
        tmp_path,
        "review",
        "--plain",
        "--decks",
        str(deck_dir),
        "--db",
        str(target),
        "--learner",
        "ada",
        stdin="2\n\n",
    )
    target.chmod(0o444)
    tmp_path.chmod(0o555)  # not even a journal can be written next to it
    try:
        proc = cli(tmp_path, "stats", "--db", str(target), "--learner", "ada")
    finally:
        tmp_path.chmod(0o755)
        target.chmod(0o644)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("learner ada: 1 answers recorded")


def test_a_nul_in_the_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # the command line refuses it (a usage error); the store refuses it too (STUDYRNN_DB, a caller)
    with pytest.raises(SystemExit) as stop:
        main(["--db", "sqlite:///x\x00y.db", "stats"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "NUL" in err[-1] and err[-1].startswith("studyrnn: error: ")  # after argparse's usage
    with pytest.raises(StoreError, match="the database URL contains a NUL character"):
        open_store("sqlite:///x\x00y.db")


def test_two_rows_in_alembic_version_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "p.db"
    open_store(f"sqlite:///{target}").close()
    db = sqlite3.connect(target)
    db.execute("INSERT INTO alembic_version VALUES ('0004')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="alembic_version table has 2 rows, not one"):
        open_store(f"sqlite:///{target}")
    line = one_error_line(cli(tmp_path, "stats", "--db", str(target)))
    assert "is damaged: its alembic_version table has 2 rows" in line
