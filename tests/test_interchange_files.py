"""Export and import write and read only what they should: real special files made in the test's
own temporary folder (a FIFO, a symlink, a character device when root) -- never the machine's
/dev -- and the progress database."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from studyrnn.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
EVERY = FIXTURES / "every-type.yaml"
TABBED = FIXTURES / "tabbed.txt"


def _fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1, err
    return lines[0]


EXPORTS = [
    ("gift", "out.gift"),
    ("json", "out.json"),
    ("anki", "out.apkg"),
    ("moodle-xml", "out.xml"),
]


@pytest.mark.parametrize(("fmt", "name"), EXPORTS)
def test_export_never_writes_into_a_fifo(tmp_path: Path, capsys, fmt: str, name: str) -> None:
    fifo = _fifo(tmp_path, name)
    assert main(["export", "-f", fmt, str(EVERY), "-o", str(fifo), "--force"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert "it is a FIFO (named pipe), not a regular file" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize(("fmt", "name"), EXPORTS)
def test_export_never_replaces_a_symlink(tmp_path: Path, capsys, fmt: str, name: str) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / name
    link.symlink_to(target)
    assert main(["export", "-f", fmt, str(EVERY), "-o", str(link), "--force"]) == 1
    assert "it is a symbolic link" in _one_error_line(capsys.readouterr().err)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep"


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
@pytest.mark.parametrize(("fmt", "name"), EXPORTS)
def test_export_never_replaces_a_device(tmp_path: Path, capsys, fmt: str, name: str) -> None:
    device = tmp_path / name
    os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a null device, made here
    assert main(["export", "-f", fmt, str(EVERY), "-o", str(device), "--force"]) == 1
    assert "it is a device, not a regular file" in _one_error_line(capsys.readouterr().err)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_export_never_overwrites_a_database(tmp_path: Path, capsys) -> None:
    db = tmp_path / "progress.json"  # the suffix says json; the content is a database
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    before = db.read_bytes()
    assert main(["export", "-f", "json", str(EVERY), "-o", str(db), "--force"]) == 1
    assert "it is a database" in _one_error_line(capsys.readouterr().err)
    assert db.read_bytes() == before


def test_export_never_overwrites_the_progress_database(tmp_path: Path, capsys) -> None:
    db = tmp_path / "progress.db"
    db.write_bytes(b"")  # an empty file is no SQLite file yet: only --db protects it
    argv = ["--db", f"sqlite:///{db}", "export", "-f", "json", str(EVERY), "-o", str(db), "--force"]
    assert main(argv) == 1
    assert "it is a database" in _one_error_line(capsys.readouterr().err)
    assert db.read_bytes() == b""


def test_export_needs_force_to_replace(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.gift"
    out.write_text("old", encoding="utf-8")
    assert main(["export", str(EVERY), "-o", str(out)]) == 1
    assert "already exists; use --force to replace it" in _one_error_line(capsys.readouterr().err)
    assert out.read_text(encoding="utf-8") == "old"
    assert main(["export", str(EVERY), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("// studyrnn deck")


def test_import_output_is_checked_the_same_way(tmp_path: Path, capsys) -> None:
    fifo = _fifo(tmp_path, "deck.yaml")
    assert main(["import", str(TABBED), "-o", str(fifo), "--force"]) == 1
    assert "FIFO" in _one_error_line(capsys.readouterr().err)
    target = tmp_path / "real.yaml"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert main(["import", str(TABBED), "-o", str(link), "--force"]) == 1
    assert "symbolic link" in _one_error_line(capsys.readouterr().err)
    assert target.read_text(encoding="utf-8") == "keep"


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_import_output_never_replaces_a_device(tmp_path: Path, capsys) -> None:
    device = tmp_path / "deck.yaml"
    os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    assert main(["import", str(TABBED), "-o", str(device), "--force"]) == 1
    assert "device" in _one_error_line(capsys.readouterr().err)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_import_input_fifo_does_not_block(tmp_path: Path, capsys) -> None:
    fifo = _fifo(tmp_path, "cards.txt")
    assert main(["import", str(fifo), "-o", "-"]) == 1  # returns at once: nothing opened it
    assert "FIFO" in _one_error_line(capsys.readouterr().err)


def test_import_input_symlink_out_of_its_folder_is_not_followed(tmp_path: Path, capsys) -> None:
    secret = tmp_path / "secret" / "shadow.txt"
    secret.parent.mkdir()
    secret.write_text("Q: root\nA: hunter2\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cards.txt").symlink_to(secret)
    assert main(["import", str(inbox / "cards.txt"), "-o", "-"]) == 1
    captured = capsys.readouterr()
    assert "symbolic link out of" in _one_error_line(captured.err)
    assert "hunter2" not in captured.out + captured.err


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_import_input_device_is_refused(tmp_path: Path, capsys) -> None:
    device = tmp_path / "cards.txt"
    os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # a zero device, made here
    assert main(["import", str(device), "-o", "-"]) == 1
    assert "device" in _one_error_line(capsys.readouterr().err)


def test_import_input_over_the_bound_is_refused_unread(tmp_path: Path, capsys) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(4 * 1024 * 1024 + 1)  # sparse: nothing to read, only a size
    assert main(["import", str(big), "-o", "-"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line == (
        f"studyrnn: error: {big} is 4,194,305 bytes, larger than 4,194,304; "
        "split it into several files"
    )
