"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from studyrnn.settings import Settings

if TYPE_CHECKING:
    from studyrnn.study import StudyContext


def settings_from(args: argparse.Namespace) -> Settings:
    """The Settings for a parsed command line (common options may be absent)."""
    return Settings.resolve(
        db=getattr(args, "db", None),
        learner=getattr(args, "learner", None),
        decks=getattr(args, "decks", None),
    )


def with_deck_dirs(settings: Settings, extra: Iterable[Path]) -> Settings:
    """``settings`` with more deck folders (a deck file's folder, so the store knows its cards)."""
    import dataclasses

    known = {d.resolve() for d in settings.deck_dirs}
    more = tuple(p for p in (Path(x).resolve() for x in extra) if p not in known)
    return (
        dataclasses.replace(settings, deck_dirs=(*settings.deck_dirs, *more)) if more else settings
    )


def study_context(settings: Settings) -> StudyContext:
    """The study context for a plain command: a broken deck file is a warning on stderr, and a
    progress database created just now is announced there (so a mistyped --db is noticed)."""
    from studyrnn.study import build_context
    from studyrnn.untrusted import shown

    def warn(problem: str) -> None:
        print(f"studyrnn: warning: {shown(problem)}", file=sys.stderr)

    ctx = build_context(settings, strict=False, warn=warn)
    if ctx.created:
        print(f"studyrnn: created a new {ctx.store.where}", file=sys.stderr)
    return ctx
