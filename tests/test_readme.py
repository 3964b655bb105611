"""The README's promise: its set-up commands are the ones CI runs."""

from __future__ import annotations

from conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith("python3 -m venv .venv")
    ]


def test_readme_has_a_run_command_and_a_test_command() -> None:
    commands = _readme_commands()
    assert any(cmd.endswith(".venv/bin/studyrnn") for cmd in commands), commands
    assert any("pytest" in cmd for cmd in commands), commands


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_cmd = next(cmd for cmd in _readme_commands() if "pytest" in cmd)
    ci_lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert test_cmd in ci_lines
