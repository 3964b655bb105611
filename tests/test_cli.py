"""The command line's own behaviour: version, help, and errors that never show a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyrnn import __version__
from studyrnn.cli import main
from studyrnn.errors import StudyrnnError


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studyrnn", *argv], capture_output=True, text=True, timeout=60
    )


def test_version_prints_the_package_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"studyrnn {__version__}"


def test_help_lists_the_commands() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "usage: studyrnn" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_unknown_command_is_a_usage_error_without_traceback() -> None:
    proc = run_cli("no-such-command")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "invalid choice" in proc.stderr


def test_user_error_is_one_line_and_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import studyrnn.tui

    def boom(args):
        raise StudyrnnError("the deck is on fire")

    monkeypatch.setattr(studyrnn.tui, "main", boom)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err == "studyrnn: error: the deck is on fire\n"


def test_internal_error_is_logged_not_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], _isolated_data_dir
) -> None:
    import studyrnn.tui

    def bug(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(studyrnn.tui, "main", bug)
    assert main([]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("studyrnn: internal error: ZeroDivisionError")
    log = (_isolated_data_dir / "crash.log").read_text()
    assert "Traceback" in log and "ZeroDivisionError" in log
