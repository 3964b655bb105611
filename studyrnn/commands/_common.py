"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse

from studyrnn.settings import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    """The Settings for a parsed command line (common options may be absent)."""
    return Settings.resolve(
        db=getattr(args, "db", None),
        learner=getattr(args, "learner", None),
        decks=getattr(args, "decks", None),
    )
