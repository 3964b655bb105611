"""Argument types shared by the command-line parsers: bounded numbers, existing folders,
learner names. Each turns bad input into argparse's one-line usage error (exit 2), never an
internal error further in (``--limit 1e23`` once overflowed SQLite's INTEGER)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from studyrnn.untrusted import one_line


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number in ``[low, high]``."""

    def parse(text: str) -> int:
        s = text.strip()
        value: int | None = None
        if len(s) <= 30:  # digits are capped before any conversion
            try:
                value = int(s)
            except ValueError:
                value = None
        if value is None:
            raise argparse.ArgumentTypeError(f"not a whole number: '{one_line(text, 40)}'")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, not {value:,}")
        return value

    return parse


def existing_folder(text: str) -> str:
    """An argparse ``type``: a folder that exists (``--decks``)."""
    try:
        ok = Path(text).is_dir()
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(f"no such folder: {one_line(text, 120)}")
    return text


def learner_name(text: str) -> str:
    """An argparse ``type``: a name ``studyrnn.learners`` accepts (``--learner``)."""
    from studyrnn.learners import learner_name_problem

    problem = learner_name_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def db_url(text: str) -> str:
    """An argparse ``type``: a database URL with no NUL byte (raw or ``%00``) or other control
    character, which no database names and which once became an internal error. The URL is
    never quoted back: it may hold a password."""
    from studyrnn.untrusted import forbidden_char

    if "%00" in text or forbidden_char(text) is not None:
        raise argparse.ArgumentTypeError(
            "the URL holds a NUL byte (%00) or another control character"
        )
    return text
