"""``studyrnn preview DECK.yaml``: see a deck exactly as learners will, reloading as you edit."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "open the deck browser on a deck file; it reloads whenever the file changes"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", metavar="DECK.yaml", type=Path, help="the deck file to preview")


def run(args: argparse.Namespace) -> int:
    from studyrnn.commands._common import settings_from
    from studyrnn.tui import run_preview

    return run_preview(settings_from(args), args.deck)
