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


def test_no_parser_accepts_abbreviated_options() -> None:
    import argparse

    from studyrnn.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parsers = [parser, *subparsers.choices.values()]
    assert len(parsers) > 10
    assert all(p.allow_abbrev is False for p in parsers), [
        p.prog for p in parsers if p.allow_abbrev
    ]
    with pytest.raises(SystemExit):
        parser.parse_args(["schema", "--forc"])  # not --force


def test_user_errors_and_bugs_are_shown_not_sent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], _isolated_data_dir
) -> None:
    import studyrnn.tui

    def hostile(args):
        raise StudyrnnError("deck '\x1b]52;c;aGk=\x07' \u202eis bad")

    monkeypatch.setattr(studyrnn.tui, "main", hostile)
    assert main([]) == 1
    assert capsys.readouterr().err == "studyrnn: error: deck '\\x1b]52;c;aGk=\\x07' \\u202eis bad\n"

    def bug(args):
        raise ValueError("\x1b[2J" + "x" * 10_000)

    monkeypatch.setattr(studyrnn.tui, "main", bug)
    assert main([]) == 70
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err and len(err) < 500 and err.count("\n") == 1


def test_bounded_int_type() -> None:
    import argparse

    from studyrnn.commands._args import bounded_int

    parse = bounded_int(1, 10)
    assert [parse(s) for s in ("1", " 10 ", "+5")] == [1, 10, 5]
    for bad, message in [
        ("0", "must be from 1 to 10, not 0"),
        ("11", "must be from 1 to 10, not 11"),
        ("1e3", "not a whole number: '1e3'"),
        ("9" * 5000, "not a whole number"),  # no 5,000-digit conversion
        ("\x1b[2J", "not a whole number: '\\x1b[2J'"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=None) as info:
            parse(bad)
        assert message in str(info.value)


def test_decks_works_on_a_fresh_machine(tmp_path, monkeypatch, capsys) -> None:
    """No data folder yet (a first start): `studyrnn decks` lists the bundled decks, creating the
    default location as every study command does, not 'the folder … does not exist'."""
    from studyrnn.cli import main

    data = tmp_path / "never" / "made"
    monkeypatch.setenv("STUDYRNN_DATA_DIR", str(data))
    assert main(["decks"]) == 0
    out = capsys.readouterr().out
    assert "bptt-basics" in out and "rnn-grundlagen" in out
    assert (data / "progress.sqlite3").is_file()
    # a folder the user names is still never made
    assert main(["--db", f"sqlite:///{tmp_path / 'typo' / 'p.sqlite3'}", "decks"]) == 1
    assert not (tmp_path / "typo").exists()
