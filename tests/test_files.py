"""The one writer and the one reader of user-named files, against real special files.

Every special file is made inside the test's own temporary folder (never the machine's /dev):
a writer that is still wrong would otherwise replace a real device node.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from studyrnn.errors import StudyrnnError
from studyrnn.files import FileTooBig, UnsafeFileError, read_bounded, write_output

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _char_device(tmp_path: Path) -> Path:
    """A character device (1, 3) — /dev/null's numbers — made inside tmp_path with mknod."""
    dev = tmp_path / "null-device"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return dev


def test_writes_a_new_file_atomically_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "deck.yaml"
    write_output(out, "id: x\n")
    assert out.read_text(encoding="utf-8") == "id: x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.yaml"]


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "deck.yaml"
    out.write_text("old")
    with pytest.raises(UnsafeFileError, match="already exists; use --force"):
        write_output(out, "new")
    assert out.read_text() == "old"
    out.chmod(0o640)
    write_output(out, b"new", force=True)
    assert out.read_bytes() == b"new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # the replaced file keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.yaml"]


def test_a_symlink_is_never_replaced_nor_its_target_written(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    for force in (False, True):
        with pytest.raises(UnsafeFileError, match="symbolic link"):
            write_output(link, "x", force=force)
    assert link.is_symlink() and target.read_text() == "keep"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    for force in (False, True):
        with pytest.raises(UnsafeFileError, match="FIFO"):
            write_output(fifo, "x", force=force)
    with pytest.raises(UnsafeFileError, match="FIFO"):
        read_bounded(fifo, 100)
    assert time.monotonic() - started < 2
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not IS_ROOT, reason="mknod of a character device needs root")
def test_a_device_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    dev = _char_device(tmp_path)
    with pytest.raises(UnsafeFileError, match="device"):
        write_output(dev, "x", force=True)
    with pytest.raises(UnsafeFileError, match="device"):
        read_bounded(dev, 100)
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError, match="folder"):
        write_output(tmp_path, "x", force=True)
    with pytest.raises(UnsafeFileError, match="folder"):
        read_bounded(tmp_path, 100)


def test_a_database_is_never_overwritten_even_with_force(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = db.read_bytes()
    with pytest.raises(UnsafeFileError, match="database"):
        write_output(db, "{}", force=True)
    assert db.read_bytes() == before
    # ...and a protected path is refused whatever it holds (a database not yet written).
    empty = tmp_path / "new.db"
    empty.write_bytes(b"")
    with pytest.raises(UnsafeFileError, match="database"):
        write_output(empty, "{}", force=True, protect=[empty])


def test_a_missing_folder_is_an_error_not_a_mkdir(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError, match="does not exist"):
        write_output(tmp_path / "no" / "such" / "x.yaml", "x")
    assert list(tmp_path.iterdir()) == []


def test_odd_names_are_one_line_user_errors(tmp_path: Path) -> None:
    with pytest.raises(StudyrnnError, match="too long"):
        write_output(tmp_path / ("a" * 5000), "x")
    with pytest.raises(StudyrnnError, match="NUL"):
        write_output(tmp_path / "a\x00b", "x")
    with pytest.raises(StudyrnnError) as err:
        write_output(tmp_path / "x\x1b]0;pwned\x07" / "y", "x")
    assert "\x1b" not in str(err.value) and "\\x1b" in str(err.value)


def test_read_bounded_refuses_a_symlink_out_of_its_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.write_text("root:*:19000:0:99999:7:::\n")
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "evil.yaml").symlink_to(outside)
    with pytest.raises(UnsafeFileError, match="symbolic link out of") as err:
        read_bounded(decks / "evil.yaml", 1000)
    assert "root:" not in str(err.value)
    # a link that stays inside the folder is followed
    (decks / "real.yaml").write_text("id: x\n")
    (decks / "alias.yaml").symlink_to(decks / "real.yaml")
    assert read_bounded(decks / "alias.yaml", 1000) == b"id: x\n"


def test_read_bounded_refuses_a_big_file_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(FileTooBig) as err:
        read_bounded(big, 1000)
    assert (err.value.size, err.value.limit) == (1001, 1000)
    assert read_bounded(big, 1001) == b"x" * 1001
    with pytest.raises(UnsafeFileError, match="no such file"):
        read_bounded(tmp_path / "absent", 10)
